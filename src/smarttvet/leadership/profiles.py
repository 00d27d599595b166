"""An applicant's profile from the staff record and, when the portfolio app holds records, the teacher's
verified portfolio (the latest verified qualification category, the date of the latest verification).

Degrades gracefully: without the portfolio app (or its records) the staff record alone is used.
"""

from __future__ import annotations

import datetime as dt

from django.db import DatabaseError, transaction
from django.utils import timezone

MANAGEMENT_POSITIONS = ("director", "deputy")


def _years(since: dt.date, today: dt.date) -> int:
    return max(0, int((today - since).days / 365.25))


def _portfolio(teacher) -> dict:
    try:
        from smarttvet.portfolio.models import Record
    except ImportError:  # pragma: no cover - the portfolio app is optional here
        return {}
    try:
        with transaction.atomic():  # a savepoint: a failed query must not break the caller's transaction
            rows = list(Record.objects.filter(teacher=teacher, status="verified", superseded_at__isnull=True)
                        .order_by("-verified_at").values("kind", "code", "verified_at", "start_date"))
    except DatabaseError:  # a portfolio without its tables yet must not stop an application
        return {}
    found: dict = {}
    if rows and rows[0]["verified_at"]:
        found["record_date"] = timezone.localdate(rows[0]["verified_at"])
    categories = sorted((r for r in rows if r["kind"] == "category" and r["code"]),
                        key=lambda r: r["start_date"] or dt.date.min, reverse=True)
    if categories:
        found["category"] = categories[0]["code"]
    return found


def profile_of(teacher, today: dt.date | None = None) -> dict:
    """experience_years, management_years, category, record_date, field_codes of a staff applicant."""
    from smarttvet.people.models import Teacher

    today = today or timezone.localdate()
    experience = _years(teacher.employed_from, today)
    profile = {
        "experience_years": experience,
        "management_years": experience if teacher.position in MANAGEMENT_POSITIONS else 0,
        "category": teacher.category,
        "record_date": timezone.localdate(teacher.updated_at) if teacher.updated_at else today,
        "field_codes": sorted(set(teacher.organization.offers.values_list("specialty__field__code", flat=True))),
    }
    portfolio = _portfolio(teacher)
    if portfolio.get("category") in Teacher.Category.values:
        profile["category"] = portfolio["category"]
    if portfolio.get("record_date"):
        profile["record_date"] = portfolio["record_date"]
    return profile
