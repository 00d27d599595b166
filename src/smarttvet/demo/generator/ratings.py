"""Ratings of the demo: none are generated here (``smarttvet rating run`` computes them from the demo's
records), but regenerating the demo must first remove the runs computed on the old synthetic
organisations, which protect those organisations from deletion. Listed last in ``DOMAINS`` so that
its ``clear`` runs first.
"""

from __future__ import annotations


def generate(ctx) -> None:
    return None


def clear() -> None:
    from smarttvet.rating.services import rating_runs_clear_for_demo

    rating_runs_clear_for_demo()
