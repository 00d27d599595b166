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


def kinds_table() -> str:
    """The record kinds and their fields as markdown (for the data-formats page)."""
    lines = []
    for key, kind in kinds.KINDS.items():
        fields = ", ".join(f"`{f.name}`{'*' if f.required else ''} ({f.type}"
                           + (": " + "/".join(c for c, _l in f.choices) if f.choices else "") + ")"
                           for f in kind.fields)
        lines.append(f"| `{key}` | {kind.label} | {fields} |")
    return "\n".join(["| kind | record | fields (* required) |", "|---|---|---|", *lines])
