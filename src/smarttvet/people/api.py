"""People API: scoped lists of teachers, students and graduates' outcomes (login required)."""


import datetime as dt

from ninja import Field, Query, Router, Schema
from ninja.security import django_auth

from smarttvet.accounts.scoping import get_visible_or_404
from smarttvet.core.exports import export_response
from smarttvet.core.pagination import PageNumberPagination, paginate
from smarttvet.people import selectors
from smarttvet.people.models import Teacher
from smarttvet.people.tabular import GRADUATES, STUDENTS, TEACHERS

router = Router(tags=["people"], auth=django_auth)


class PeopleFilterIn(Schema):
    region: str = Field("", description="KATO code, prefix or ISO code")
    organization: int | None = None
    q: str = ""
    status: str = ""
    category: str = ""
    position: str = ""
    cohort_year: int | None = None

    def to_filters(self) -> selectors.PeopleFilters:
        return selectors.PeopleFilters(**self.dict())


class ExportFormat(Schema):
    format: str = Field("csv", pattern="^(csv|xlsx)$")


class TeacherOut(Schema):
    id: int
    organization_id: int
    full_name: str
    gender: str
    birth_year: int
    position: str
    subjects: str
    category: str
    employed_from: dt.date
    employed_until: dt.date | None
    from_production: bool


class StudentOut(Schema):
    id: int
    organization_id: int
    person_key: str
    specialty: str = Field(alias="specialty.code")
    cohort_year: int
    entry: str
    study_form: str
    language: str
    funding: str
    status: str
    status_year: int


class GraduateOutcomeOut(Schema):
    id: int
    student_id: int
    organization_id: int = Field(alias="student.organization_id")
    graduation_year: int = Field(alias="student.status_year")
    months_after: int
    observed_on: dt.date
    status: str
    in_field: bool
    employer_id: int | None
    source: str


@router.get("/teachers", response=list[TeacherOut])
@paginate(PageNumberPagination)
def list_teachers(request, filters: Query[PeopleFilterIn]):
    return selectors.teacher_list(request.user, filters.to_filters())


@router.get("/teachers/export")
def export_teachers(request, filters: Query[PeopleFilterIn], fmt: Query[ExportFormat]):
    return export_response(TEACHERS, selectors.teacher_list(request.user, filters.to_filters()), fmt.format)


@router.get("/teachers/{teacher_id}", response=TeacherOut)
def get_teacher(request, teacher_id: int):
    return get_visible_or_404(request.user, Teacher.objects.all(), pk=teacher_id)


@router.get("/students", response=list[StudentOut])
@paginate(PageNumberPagination)
def list_students(request, filters: Query[PeopleFilterIn]):
    return selectors.student_list(request.user, filters.to_filters())


@router.get("/students/export")
def export_students(request, filters: Query[PeopleFilterIn], fmt: Query[ExportFormat]):
    return export_response(STUDENTS, selectors.student_list(request.user, filters.to_filters()), fmt.format)


@router.get("/graduates", response=list[GraduateOutcomeOut])
@paginate(PageNumberPagination)
def list_graduates(request, filters: Query[PeopleFilterIn]):
    return selectors.graduate_outcome_list(request.user, filters.to_filters())


@router.get("/graduates/export")
def export_graduates(request, filters: Query[PeopleFilterIn], fmt: Query[ExportFormat]):
    return export_response(
        GRADUATES, selectors.graduate_outcome_list(request.user, filters.to_filters()), fmt.format
    )
