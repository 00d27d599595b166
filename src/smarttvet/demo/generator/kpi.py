"""Demo data for director kpis and incentive funding (filled by the kpi app)."""

from __future__ import annotations


def generate(ctx) -> None:
    """Nothing yet."""


def clear() -> None:
    """Nothing yet."""
