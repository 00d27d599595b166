"""Reads of people, always scoped: outside a user's scope a person does not exist for them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from smarttvet.accounts.scoping import visible
from smarttvet.people.models import GraduateOutcome, Student, Teacher
from smarttvet.registry.selectors import filter_region


@dataclass(frozen=True)
class PeopleFilters:
    region: str = ""
    organization: int | None = None
    q: str = ""
    status: str = ""
    category: str = ""
    position: str = ""
    cohort_year: int | None = None


def _common(qs: QuerySet, f: PeopleFilters, org_path: str) -> QuerySet:
    qs = filter_region(qs, f.region, f"{org_path}__region")
    if f.organization:
        qs = qs.filter(**{f"{org_path}_id": f.organization})
    return qs


def teacher_list(user, filters: PeopleFilters | None = None) -> QuerySet[Teacher]:
    f = filters or PeopleFilters()
    qs = _common(visible(user, Teacher.objects.select_related("organization")), f, "organization")
    if f.category:
        qs = qs.filter(category=f.category)
    if f.position:
        qs = qs.filter(position=f.position)
    if f.q:
        qs = qs.filter(full_name__icontains=f.q.strip())
    return qs.order_by("organization_id", "full_name", "id")


def student_list(user, filters: PeopleFilters | None = None) -> QuerySet[Student]:
    f = filters or PeopleFilters()
    qs = _common(visible(user, Student.objects.select_related("organization", "specialty")), f, "organization")
    if f.status:
        qs = qs.filter(status=f.status)
    if f.cohort_year:
        qs = qs.filter(cohort_year=f.cohort_year)
    return qs.order_by("organization_id", "cohort_year", "id")


def graduate_outcome_list(user, filters: PeopleFilters | None = None) -> QuerySet[GraduateOutcome]:
    f = filters or PeopleFilters()
    qs = _common(
        visible(user, GraduateOutcome.objects.select_related(
            "student", "student__organization", "student__specialty", "employer"
        )),
        f,
        "student__organization",
    )
    if f.status:
        qs = qs.filter(status=f.status)
    if f.cohort_year:
        qs = qs.filter(student__status_year=f.cohort_year)
    return qs.order_by("student__organization_id", "student_id", "months_after")
