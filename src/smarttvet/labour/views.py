"""Labour-market pages: the gap heatmap, a region's gap and recommendations, a specialty in a region and
graduates' employment. Thin: ``selectors`` read and scope (see its docstring for who sees what), ``present``
shapes. The pages are public; organisation-level employment shows only inside the reader's scope.

Bad query strings never fail: an unknown horizon, field, cohort or grouping falls back to the default; an
unknown region or specialty in the path is a 404.
"""

from __future__ import annotations

import csv
import io

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _l

from smarttvet.core.exports import XLSX_TYPE
from smarttvet.core.tabular import write_xlsx
from smarttvet.labour import gap, present, selectors
from smarttvet.registry.models import Region


def _language() -> str:
    return (get_language() or "kk")[:2]


def _horizon(request) -> int:
    return selectors.parse_horizon(request.GET.get("horizon"))


def _region_url(horizon: int):
    def url(kato: str, field_code: str | None) -> str:
        query = {"horizon": horizon}
        if field_code:
            query["field"] = field_code
        return f"{reverse('labour:region', args=[kato])}?{urlencode(query)}"
    return url


# ---------------------------------------------------------------------------------------- heatmap
def heatmap(request):
    horizon = _horizon(request)
    hm = selectors.heatmap(horizon)
    view = present.heatmap_view(hm, _language(), _region_url(horizon))
    return render(request, "labour/heatmap.html", {
        "horizon": horizon, "horizons": selectors.HORIZONS, "base_year": hm.base_year,
        "first_year": hm.base_year + 1, "last_year": hm.base_year + horizon, **view,
    })


# ---------------------------------------------------------------------------------------- region
def _export_gap(region: Region, horizon: int, rows: list[dict], fmt: str) -> HttpResponse:
    columns = [*gap.GAP_TABLE_COLUMNS, "providers", "declared", "from_vacancies"]
    table = [columns] + [[_export_value(row[c]) for c in columns] for row in rows]
    filename = f"labour-gap-{region.kato}-h{horizon}.{fmt}"
    if fmt == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(table, buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    else:
        response = _csv_response(table)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _export_value(value):
    if isinstance(value, float):
        return f"{value:.2f}"
    return "" if value is None else value


def _csv_response(rows) -> StreamingHttpResponse:
    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())

    def lines():
        yield "\ufeff"
        for row in rows:
            yield writer.writerow(row)

    return StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")


def region(request, kato: str):
    region = selectors.region_or_404(kato)
    horizon = _horizon(request)
    language = _language()
    result = selectors.region_gap(region, horizon, language)
    rows = present.gap_rows(result.table)
    recommendations = present.recommendation_rows(result.recommendations)
    field = selectors.broad_field(request.GET.get("field"))
    if field is not None:
        rows = [r for r in rows if r["broad_field"] == field.code]
        recommendations = [r for r in recommendations if r["specialty_code"] in {row["specialty_code"] for row in rows}]
    fmt = request.GET.get("export")
    if fmt:
        if fmt not in ("csv", "xlsx"):
            raise Http404("This table cannot be exported in that format.")
        return _export_gap(region, horizon, rows, fmt)
    outlook = selectors.vacancy_outlook(region, result.base_year + horizon)
    needs = selectors.declared_needs(request.user, region, result.years)
    needed = selectors.specialties_by_id(n["specialty_id"] for n in needs.by_specialty)
    for entry in needs.by_specialty:
        entry["specialty"] = needed.get(entry["specialty_id"])
        entry["by_year"] = [entry["years"].get(year, 0) for year in result.years]
    query = {"horizon": horizon, **({"field": field.code} if field else {})}
    return render(request, "labour/region.html", {
        "region": region, "horizon": horizon, "horizons": selectors.HORIZONS, "base_year": result.base_year,
        "years": result.years, "first_year": result.years[0], "last_year": result.years[-1],
        "field": field, "rows": rows, "recommendations": recommendations,
        "recommendation_counts": present.recommendation_counts(recommendations),
        "actionable": [r for r in recommendations if r["recommendation"] != "keep"],
        "kept": [r for r in recommendations if r["recommendation"] == "keep"],
        "totals": _totals(rows), "growth_sectors": selectors.growth_sectors(region),
        "vacancy_chart": present.vacancy_chart(outlook), "backtest": present.backtest_view(outlook),
        "needs": needs, "may_allocate": selectors.may_allocate(request.user), "legend": present.legend(),
        "query": urlencode(query), "heatmap_query": urlencode({"horizon": horizon}),
    })


def _totals(rows: list[dict]) -> dict:
    demand = sum(r["demand"] or 0 for r in rows)
    supply = sum(r["supply"] or 0 for r in rows)
    ratio = supply / demand if demand > 0 else None
    return {"demand": demand, "supply": supply, "gap": demand - supply, "ratio": ratio,
            "band": present.band(ratio, supply), "specialties": len(rows)}


# ---------------------------------------------------------------------------------------- specialty in a region
def specialty(request, kato: str, code: str):
    region = selectors.region_or_404(kato)
    spec = selectors.specialty_or_404(code)
    horizon = _horizon(request)
    result = selectors.specialty_in_region(request.user, region, spec, horizon, _language())
    summary = result.summary
    gap_row = None
    if summary is not None:
        gap_row = {k: present.number(summary.get(k)) for k in ("demand", "from_vacancies", "declared", "supply", "gap",
                                                               "ratio", "employment_rate_12m")}
        gap_row.update(providers=int(summary["providers"]), employment_n=int(summary["employment_n"]),
                       band=present.band(summary.get("ratio"), summary.get("supply")))
    organizations = [{
        "id": int(r["organization_id"]), "bin": r["bin"], "name": r["name"], "offers": bool(r["offers"]),
        "enrolled": int(r["enrolled"]), "admitted": int(r["admitted"]), "supply": present.number(r["supply"]),
        "from_current": present.number(r["from_current"]), "from_intake": present.number(r["from_intake"]),
        "employment_visible": bool(r["employment_visible"]),
        "employment_rate_12m": present.number(r["employment_rate_12m"]), "employment_n": int(r["employment_n"]),
    } for r in result.organizations.to_dict("records")]
    return render(request, "labour/specialty.html", {
        "region": region, "specialty": spec, "horizon": horizon, "horizons": selectors.HORIZONS,
        "first_year": result.base_year + 1, "last_year": result.base_year + horizon, "gap": gap_row,
        "organizations": organizations, "hidden_employment": sum(1 for o in organizations
                                                                 if not o["employment_visible"]),
        "enrolled": sum(o["enrolled"] for o in organizations),
        "expected": sum(o["supply"] or 0 for o in organizations),
        "occupations": result.occupations, "vacancy_months": result.vacancy_months,
        "last_month": result.last_month, "region_query": urlencode({"horizon": horizon}),
    })


# ---------------------------------------------------------------------------------------- employment
def employment(request):
    g = request.GET
    by = g.get("by") if g.get("by") in selectors.EMPLOYMENT_BY else "organization"
    raw_region = (g.get("region") or "").strip()
    region = selectors.region_or_404(raw_region) if raw_region else None
    cohort = selectors.parse_year(g.get("cohort"))
    table = selectors.employment_table(request.user, by, region, cohort, any_cohort_if_unknown=True)
    cohort = table.cohort
    language = _language()
    rows = present.employment_rows(table, language)
    fmt = g.get("export")
    if fmt:
        if fmt not in ("csv", "xlsx"):
            raise Http404("This table cannot be exported in that format.")
        return _export_employment(by, region, cohort, rows, fmt)
    query = g.copy()
    query.pop("export", None)
    return render(request, "labour/employment.html", {
        "by": by, "region": region, "cohort": cohort, "cohorts": sorted(table.cohorts, reverse=True),
        "regions": Region.objects.order_by("kato"), "rows": rows,
        "total_six": present.rate_view(table.total_six), "total_twelve": present.rate_view(table.total_twelve),
        "scoped_out": table.scoped_out, "chart": present.employment_chart(rows),
        "groupings": [("organization", _l("Organisation")),
                      ("specialty", _l("Specialty")),
                      ("region", _l("Region")), ("cohort", _l("Cohort"))],
        "query": query.urlencode(),
    })


def _export_employment(by: str, region, cohort, rows: list[dict], fmt: str) -> HttpResponse:
    table = present.employment_export(by, rows)
    parts = ["graduate-employment", by] + ([region.kato] if region else []) + ([str(cohort)] if cohort else [])
    filename = f"{'-'.join(parts)}.{fmt}"
    if fmt == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(table, buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    else:
        response = _csv_response(table)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
