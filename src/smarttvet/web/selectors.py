"""National figures for the home dashboard: a fixed handful of aggregate queries at any data size."""

from __future__ import annotations

from django.db.models import Count, Max, Q

from smarttvet.people.models import GraduateOutcome, Student, Teacher
from smarttvet.registry.models import Enterprise, Organization, Region


def national_figures() -> dict:
    tvet = Q(kind__in=Organization.TVET_KINDS)
    organizations = Organization.objects.aggregate(
        tvet=Count("id", filter=tvet),
        public=Count("id", filter=tvet & Q(ownership=Organization.Ownership.PUBLIC)),
        schools=Count("id", filter=Q(kind=Organization.Kind.SCHOOL)),
    )
    students = Student.objects.aggregate(
        studying=Count("id", filter=Q(status=Student.Status.STUDYING)),
        state=Count("id", filter=Q(status=Student.Status.STUDYING, funding=Student.Funding.STATE)),
        dual=Count("id", filter=Q(status=Student.Status.STUDYING, study_form="dual")),
    )
    staff = Teacher.objects.filter(employed_until__isnull=True).aggregate(
        teachers=Count("id", filter=Q(position=Teacher.Position.TEACHER)),
        masters=Count("id", filter=Q(position=Teacher.Position.MASTER)),
    )
    # The latest class observed a full 12 months after graduating (a newer class has only 6-month data).
    latest = GraduateOutcome.objects.filter(months_after=12).aggregate(year=Max("student__status_year"))["year"]
    employment = {"employed": 0, "total": 0, "year": latest}
    if latest:
        employment.update(
            GraduateOutcome.objects.filter(months_after=12, student__status_year=latest).aggregate(
                total=Count("id"), employed=Count("id", filter=Q(status=GraduateOutcome.Status.EMPLOYED))
            )
        )
    employment["rate"] = round(100 * employment["employed"] / employment["total"], 1) if employment["total"] else None
    return {
        "organizations": organizations,
        "students": students,
        "staff": staff,
        "enterprises": Enterprise.objects.count(),
        "employment": employment,
    }


def figures_by_region() -> list[dict]:
    """Per region: TVET organisations, students studying, teachers (three grouped queries in all)."""
    regions = list(Region.objects.order_by("kato"))
    orgs = dict(
        Organization.objects.filter(kind__in=Organization.TVET_KINDS)
        .values_list("region_id").annotate(n=Count("id")).values_list("region_id", "n")
    )
    studying = dict(
        Student.objects.filter(status=Student.Status.STUDYING)
        .values_list("organization__region_id").annotate(n=Count("id")).values_list("organization__region_id", "n")
    )
    teachers = dict(
        Teacher.objects.filter(employed_until__isnull=True)
        .values_list("organization__region_id").annotate(n=Count("id")).values_list("organization__region_id", "n")
    )
    return [
        {
            "region": region,
            "organizations": orgs.get(region.pk, 0),
            "students": studying.get(region.pk, 0),
            "teachers": teachers.get(region.pk, 0),
        }
        for region in regions
    ]
