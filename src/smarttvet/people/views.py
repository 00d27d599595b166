"""People pages: scoped lists with filters and exports, login required."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required

from smarttvet.people import selectors
from smarttvet.people.models import GraduateOutcome, Student, Teacher
from smarttvet.people.tabular import GRADUATES, STUDENTS, TEACHERS
from smarttvet.registry.models import Region
from smarttvet.web.listing import list_page


def _filters(request) -> selectors.PeopleFilters:
    g = request.GET

    def as_int(name):
        value = g.get(name, "")
        return int(value) if value.isdigit() else None

    return selectors.PeopleFilters(
        region=g.get("region", ""), organization=as_int("organization"), q=g.get("q", ""),
        status=g.get("status", ""), category=g.get("category", ""), position=g.get("position", ""),
        cohort_year=as_int("cohort_year"),
    )


@login_required
def teachers(request):
    filters = _filters(request)
    return list_page(
        request, queryset=selectors.teacher_list(request.user, filters), template="people/teachers.html",
        export_spec=TEACHERS,
        context={"filters": filters, "regions": Region.objects.order_by("kato"),
                 "categories": Teacher.Category.choices, "positions": Teacher.Position.choices},
    )


@login_required
def students(request):
    filters = _filters(request)
    return list_page(
        request, queryset=selectors.student_list(request.user, filters), template="people/students.html",
        export_spec=STUDENTS,
        context={"filters": filters, "regions": Region.objects.order_by("kato"), "statuses": Student.Status.choices},
    )


@login_required
def graduates(request):
    filters = _filters(request)
    return list_page(
        request, queryset=selectors.graduate_outcome_list(request.user, filters),
        template="people/graduates.html", export_spec=GRADUATES,
        context={"filters": filters, "regions": Region.objects.order_by("kato"),
                 "statuses": GraduateOutcome.Status.choices},
    )
