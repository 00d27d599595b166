"""Teacher digital portfolio API (/api/v1/portfolio).

Every route needs a caller: a signed-in session or a personal token (``Authorization: Bearer stv_…``; see
``smarttvet.portfolio.tokens``). The caller acts with its user's roles and scope: a teacher reaches their own
portfolio, an organisation its teachers, a region reads its organisations' teachers, the ministry reads all.
Writes (import) follow the portfolio's write rule (the teacher, the organisation). A teacher outside the scope
does not exist (404).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Router, Schema, Status
from ninja.security import django_auth

from smarttvet.accounts.scoping import get_visible_or_404
from smarttvet.people.models import Teacher
from smarttvet.portfolio import access, exchange, selectors
from smarttvet.portfolio.tokens import BearerToken

AUTH = [BearerToken(), django_auth]
router = Router(tags=["portfolio"], auth=AUTH)


def _teacher(request, pk: int) -> Teacher:
    return get_visible_or_404(request.auth, Teacher.objects.select_related("organization"), pk=pk)


class RequirementOut(Schema):
    key: str
    needed: str | int | None
    actual: str | int | float | None
    met: bool
    inferred: bool


class CategoryOut(Schema):
    category: str
    held: bool
    eligible: bool
    missing: list[str]
    requirements: list[RequirementOut]


class SummaryOut(Schema):
    teacher: int
    as_of: str
    rules_version: str
    category: str
    category_valid_until: str | None
    pd_hours: int
    new_format: str
    new_format_hours: int
    internship_recent: bool
    categories: list[CategoryOut]


class ImportOut(Schema):
    imported: int
    records: list[str]


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


@router.get("/teachers/{teacher_id}/export", summary="A teacher's portfolio as JSON (every version)")
def export(request, teacher_id: int):
    return exchange.export(_teacher(request, teacher_id))


@router.get("/teachers/{teacher_id}/summary", response=SummaryOut,
            summary="What the rules say from the verified records: category eligibility, PD hours, certification")
def summary(request, teacher_id: int):
    teacher = _teacher(request, teacher_id)
    e = selectors.evaluate(teacher)
    return {
        "teacher": teacher.pk, "as_of": e.as_of.isoformat(), "rules_version": e.rules_version, "category": e.category,
        "category_valid_until": e.category_valid_until.isoformat() if e.category_valid_until else None,
        "pd_hours": e.pd_hours, "new_format": e.new_format, "new_format_hours": e.new_format_hours,
        "internship_recent": e.internship_recent,
        "categories": [{"category": c.category, "held": c.held, "eligible": c.eligible,
                        "missing": [r.key for r in c.missing],
                        "requirements": [{"key": r.key, "needed": r.needed, "actual": r.actual, "met": r.met,
                                          "inferred": r.inferred} for r in c.requirements]} for c in e.checks],
    }


@router.post("/teachers/{teacher_id}/import", response={200: ImportOut, 403: ErrorOut, 422: ErrorOut},
             summary="Import records (the export's format): all valid or nothing; they arrive as drafts")
def import_records(request, teacher_id: int):
    import json

    teacher = _teacher(request, teacher_id)
    if not access.may_edit(request.auth, teacher):
        raise PermissionDenied("You may not change this teacher's portfolio.")
    try:
        payload = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return Status(422, {"detail": "The body is not JSON.", "errors": {"__all__": ["The body is not JSON."]}})
    try:
        created = exchange.import_payload(actor=request.auth, teacher=teacher, payload=payload)
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        return Status(422, {"detail": "Nothing was imported: correct the records listed.", "errors": errors})
    return {"imported": len(created), "records": [str(r.lineage) for r in created]}
