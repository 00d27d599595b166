"""HTTP responses that export a scoped queryset as CSV (streamed) or XLSX, in the import format."""

from __future__ import annotations

import io

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from smarttvet.core.tabular import TableSpec, export_rows, write_xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    def write(self, value: str) -> str:
        return value


def export_response(spec: TableSpec, queryset, fmt: str) -> HttpResponse | StreamingHttpResponse:
    stamp = timezone.localdate().isoformat()
    filename = f"{spec.kind}-{stamp}.{fmt}"
    if fmt == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(export_rows(spec, queryset), buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    elif fmt == "csv":
        import csv

        writer = csv.writer(_Echo())
        lines = (writer.writerow(row) for row in export_rows(spec, queryset))
        response = StreamingHttpResponse(_with_bom(lines), content_type="text/csv; charset=utf-8")
    else:
        return HttpResponse(f"Unknown export format {fmt!r}: use csv or xlsx.", status=400,
                            content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _with_bom(lines):
    yield "\ufeff"
    yield from lines
