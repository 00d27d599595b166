"""Demo data for leadership and cadre reserve (filled by the leadership app)."""

from __future__ import annotations


def generate(ctx) -> None:
    """Nothing yet."""


def clear() -> None:
    """Nothing yet."""
