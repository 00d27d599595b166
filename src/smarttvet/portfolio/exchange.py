"""The portfolio as JSON, for other systems to synchronise (export and import; the format is in
``docs/data-formats.md``, rendered from ``FORMAT_DOC`` and the kinds' schemas)."""

from __future__ import annotations

from django.utils import timezone

from smarttvet.portfolio import kinds, services
from smarttvet.portfolio.models import Record

FORMAT = "smarttvet.portfolio"
FORMAT_VERSION = 1


def record_json(record: Record) -> dict:
    columns = {"title": record.title, "code": record.code,
               "start_date": record.start_date.isoformat() if record.start_date else None,
               "end_date": record.end_date.isoformat() if record.end_date else None, "hours": record.hours}
    if record.related_teacher_id:
        columns["related_teacher"] = record.related_teacher_id
    return {
        "lineage": str(record.lineage), "version": record.version, "kind": record.kind, "status": record.status,
        "in_force": record.in_force, **columns, "details": record.details,
        "verified_at": record.verified_at.isoformat() if record.verified_at else None,
        "comment": record.comment,
        "evidence": [{"name": e.name, "content_type": e.content_type, "size": e.size, "sha256": e.sha256}
                     for e in record.evidence.all()],
    }


def export(teacher) -> dict:
    """Every version of every record of ``teacher`` (the history included), with its status."""
    records = (Record.objects.filter(teacher=teacher).prefetch_related("evidence")
               .order_by("kind", "lineage", "version"))
    organization = teacher.organization
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION, "exported_at": timezone.now().isoformat(),
        "teacher": {"id": teacher.pk, "full_name": teacher.full_name, "position": teacher.position,
                    "category": teacher.category,
                    "organization": {"id": organization.pk, "bin": organization.bin}},
        "records": [record_json(r) for r in records],
    }


def import_payload(*, actor, teacher, payload) -> list[Record]:
    """Import ``payload`` (an export, or ``{"records": [...]}``); see ``services.import_records``."""
    from django.core.exceptions import ValidationError

    if not isinstance(payload, dict):
        raise ValidationError({"__all__": ["The body is a JSON object with a list of records."]})
    if payload.get("format", FORMAT) != FORMAT:
        raise ValidationError({"format": [f"Expected {FORMAT!r}."]})
    records = payload.get("records")
    if not isinstance(records, list):
        raise ValidationError({"records": ["Give a list of records."]})
    only_current = [r for r in records if not isinstance(r, dict) or r.get("in_force", True) or
                    r.get("status") != "verified"]
    latest: dict = {}
    for item in only_current:  # of several versions of one record, the last one is what it is now
        key = item.get("lineage") if isinstance(item, dict) and item.get("lineage") else id(item)
        latest[key] = item
    return services.import_records(actor=actor, teacher=teacher, records=list(latest.values()))


FORMAT_DOC = """
## Teacher portfolio (JSON)

`GET /api/v1/portfolio/teachers/{id}/export` (and *JSON export* on the portfolio page) writes, and
`POST /api/v1/portfolio/teachers/{id}/import` reads, one JSON object (UTF-8). Authentication: a signed-in session
or a personal token, `Authorization: Bearer stv_…`, acting with its user's scope (an organisation's token reaches
its own teachers only).

| key | meaning |
|---|---|
| `format`, `format_version` | `"smarttvet.portfolio"`, `1` |
| `exported_at` | ISO 8601 time of the export |
| `teacher` | `id` (the teacher's primary key), `full_name`, `position`, `category` (HR record), `organization` {`id`, `bin`} |
| `records` | every version of every record: `lineage` (UUID shared by the versions of one record), `version`, `kind`, `status` (`draft`, `submitted`, `verified`, `returned`), `in_force` (the verified version that counts), `title`, `code`, `start_date`, `end_date` (YYYY-MM-DD), `hours`, `related_teacher` (a teacher id, mentoring), `details` (the kind's other fields), `verified_at`, `comment`, `evidence` [{`name`, `content_type`, `size`, `sha256`}] (the files themselves are not exported) |

**Import** takes the same object (or just `{"records": [...]}`); of the keys of a record it reads `lineage`, `kind`,
`title`, `code`, `start_date`, `end_date`, `hours`, `related_teacher` and `details` (status, versions and evidence
are ignored; of several versions of one `lineage` the last one in force). Every record is validated against its
kind first; on any error nothing is written and the answer is 422 with `errors` keyed `records[i].field`. Records
arrive as **drafts** that need verification. A record with the `lineage` of an existing record of the same teacher
becomes its next version (a draft that is still editable is updated in place; an identical record changes nothing);
a `lineage` of another teacher's record, or of a record waiting for verification, is refused. Importing an export
again changes nothing.

Kinds and their fields (`title`, `code`, `start_date`, `end_date`, `hours` are top-level keys, the others go in
`details`; `bool` takes true/false, `date` YYYY-MM-DD):

"""  # noqa: E501 - markdown table rows


def format_doc() -> str:
    return FORMAT_DOC + kinds_table() + "\n"


def kinds_table() -> str:
    """The record kinds and their fields as markdown (for the data-formats page)."""
    lines = []
    for key, kind in kinds.KINDS.items():
        fields = ", ".join(f"`{f.name}`{'*' if f.required else ''} ({f.type}"
                           + (": " + "/".join(c for c, _l in f.choices) if f.choices else "") + ")"
                           for f in kind.fields)
        from django.utils import translation

        with translation.override("en"):
            lines.append(f"| `{key}` | {kind.label} | {fields} |")
    return "\n".join(["| kind | record | fields (* required) |", "|---|---|---|", *lines])
