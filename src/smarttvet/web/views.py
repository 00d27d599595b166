from __future__ import annotations

from django.shortcuts import render

from smarttvet.core.cache import cached
from smarttvet.web import selectors


def _figures() -> tuple[dict, list[dict]]:
    return selectors.national_figures(), selectors.figures_by_region()


def home(request):
    # Aggregates over every student and graduate (seconds at national scale): cached under the data version.
    figures, regions = cached("home-figures", (), _figures)
    chart = {
        "labels": [row["region"].name for row in regions],
        "students": [row["students"] for row in regions],
        "organizations": [row["organizations"] for row in regions],
    }
    return render(
        request, "web/home.html",
        {"figures": figures, "regions": regions, "chart": chart},
    )
