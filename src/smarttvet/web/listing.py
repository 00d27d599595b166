"""The one way a page lists records: scoped queryset in, paginated page or CSV/XLSX export out."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from smarttvet.core.exports import export_response
from smarttvet.core.tabular import TableSpec

PER_PAGE = 50


def list_page(
    request: HttpRequest,
    *,
    queryset,
    template: str,
    context: dict | None = None,
    export_spec: TableSpec | None = None,
    per_page: int = PER_PAGE,
) -> HttpResponse:
    fmt = request.GET.get("export")
    if fmt:
        if export_spec is None or fmt not in ("csv", "xlsx"):
            raise Http404("This list cannot be exported in that format.")
        return export_response(export_spec, queryset, fmt)
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        template,
        {**(context or {}), "page": page, "query": query.urlencode(), "exportable": export_spec is not None},
    )
