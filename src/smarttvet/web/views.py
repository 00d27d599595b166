from __future__ import annotations

from django.shortcuts import render

from smarttvet.web import selectors


def home(request):
    regions = selectors.figures_by_region()
    chart = {
        "labels": [row["region"].name for row in regions],
        "students": [row["students"] for row in regions],
        "organizations": [row["organizations"] for row in regions],
    }
    return render(
        request, "web/home.html",
        {"figures": selectors.national_figures(), "regions": regions, "chart": chart},
    )
