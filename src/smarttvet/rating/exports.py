"""The league table as CSV (streamed) or XLSX: one row per organisation, in the table's order."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse, StreamingHttpResponse

from smarttvet.core.exports import XLSX_TYPE
from smarttvet.core.tabular import write_xlsx
from smarttvet.rating.models import RatingRun


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return format(value, ".12g")
    return str(value)


def league_table_rows(run: RatingRun, queryset):
    methodology = run.methodology.methodology
    groups = methodology.group_codes
    leagues = methodology.league_codes
    header = ["rank", "organization_bin", "name_kk", "name_ru", "name_en", "kind", "region_kato", "score",
              "league", "coverage", *groups, "rank_p05", "rank_median", "rank_p95", *(f"p_{c}" for c in leagues)]
    yield header
    for result in queryset.iterator(chunk_size=2000):
        organization = result.organization
        probabilities = result.league_probabilities or {}
        yield [_cell(v) for v in (
            result.rank, organization.bin, organization.name_kk, organization.name_ru, organization.name_en,
            organization.kind, organization.region.kato, result.score, result.league or "", result.coverage,
            *(result.groups.get(code) for code in groups), result.rank_p05, result.rank_median, result.rank_p95,
            *(probabilities.get(code) for code in leagues),
        )]


def league_table_response(run: RatingRun, queryset, fmt: str) -> HttpResponse:
    filename = f"rating-{run.methodology.code}-{run.year}-run{run.pk}.{fmt}"
    if fmt == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(league_table_rows(run, queryset), buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    elif fmt == "csv":
        writer = csv.writer(_Echo())

        def lines():
            yield "\ufeff"
            for row in league_table_rows(run, queryset):
                yield writer.writerow(row)

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    else:
        return HttpResponse(f"Unknown export format {fmt!r}: use csv or xlsx.", status=400,
                            content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
