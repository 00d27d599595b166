"""Demo data for teacher digital portfolio (filled by the portfolio app)."""

from __future__ import annotations


def generate(ctx) -> None:
    """Nothing yet."""


def clear() -> None:
    """Nothing yet."""
