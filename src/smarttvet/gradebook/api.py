"""Gradebook API under /api/v1/gradebook/: learning measures and monitoring lists (login required, scoped).

The ministry reads everything; a region its region's measures, its lists and its organisations' entries on
the national lists; an organisation its own measures and its own entries. Other roles read nothing.
"""


import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema
from ninja.security import django_auth

from smarttvet.core.pagination import PageNumberPagination, paginate
from smarttvet.gradebook import selectors
from smarttvet.gradebook.models import LearningMeasure
from smarttvet.registry.selectors import region_by_code

router = Router(tags=["gradebook"], auth=django_auth)

YEAR = {"ge": 2000, "le": 2100}


# ---------------------------------------------------------------------------------------- schemas
class RegionRef(Schema):
    id: int
    kato: str
    iso_code: str
    name_kk: str
    name_ru: str
    name_en: str


class OrganizationRef(Schema):
    id: int
    bin: str
    name_kk: str
    name_ru: str
    name_en: str
    kind: str
    region: RegionRef


class MeasureOut(Schema):
    id: int
    year: int = Field(description="school year, named by the calendar year in which it ends (2024-2025 is 2025)")
    level: str
    region: RegionRef
    organization_id: int | None = Field(description="null for a region-level row")
    organization_bin: str | None = None
    key: str = Field(description="subject code, class or group, or term number; empty otherwise")
    students: int
    marks: int
    mean_mark: float | None = Field(description="normalised mean mark, 0-1")
    knowledge_quality: float | None = Field(description="share of good and excellent marks")
    success_rate: float | None = Field(description="share of passing marks")
    lessons: int
    attendance_rate: float | None
    unexcused_rate: float | None
    term_students: int
    failing_students: int
    composite: float | None
    composite_sd: float | None
    change_mean_mark: float | None
    change_knowledge_quality: float | None
    change_composite: float | None

    @staticmethod
    def resolve_organization_bin(obj) -> str | None:
        return obj.organization.bin if obj.organization_id else None


class MeasureFilterIn(Schema):
    year: int | None = Field(None, **YEAR)
    level: LearningMeasure.Level | None = None
    region: str = Field("", description="KATO code, 2-digit KATO prefix or ISO code (KZ-61)")
    organization: int | None = Field(None, ge=1, description="organisation id")
    key: str | None = Field(None, max_length=20, description="subject code, class or group, or term number")


class OrganizationMeasuresOut(Schema):
    organization: OrganizationRef
    year: int | None
    years: list[int] = Field(description="years with organisation-level measures, oldest first")
    measures: list[MeasureOut] = Field(description="organisation, subject, class or group and term rows of the year")


class MonitoringListOut(Schema):
    id: int
    year: int
    region: RegionRef | None = Field(description="null for a national list")
    kind: str = Field(description="school, college, or empty for both")
    size: int
    method: str
    candidates: int
    naive_differences: int = Field(description="flagged that the naive ranking of raw means would not flag")
    parameters: dict[str, Any]
    created_at: dt.datetime


class MonitoringListFilterIn(Schema):
    year: int | None = Field(None, **YEAR)
    kind: str | None = Field(None, pattern="^(|school|college)$", description="school, college, or empty for both")


class EntryOut(Schema):
    id: int
    organization: OrganizationRef
    rank: int = Field(description="1 = lowest, by the adjusted measure")
    naive_rank: int = Field(description="rank by the raw measure")
    students: int
    raw_measure: float
    adjusted_measure: float
    interval_low: float
    interval_high: float
    details: dict[str, Any] = Field(description="weakest subjects and classes, trend, change")
    plan_id: int | None = Field(None, description="the support plan made for this entry, if any")


class MonitoringListDetailOut(MonitoringListOut):
    entries: list[EntryOut] = Field(description="the entries the caller may read (a region: its organisations)")


# ---------------------------------------------------------------------------------------- reads
@router.get("/measures", response=list[MeasureOut], summary="Learning measures (scoped), filtered")
@paginate(PageNumberPagination)
def list_measures(request, filters: Query[MeasureFilterIn]):
    region = None
    if filters.region:
        region = region_by_code(filters.region)
        if region is None:
            raise ValidationError({"region": [f"unknown region {filters.region!r}: use a KATO code, its first two "
                                              "digits or an ISO code such as KZ-61"]})
    return selectors.measure_list(request.user, year=filters.year, level=filters.level or "", region=region,
                                  organization_id=filters.organization, key=filters.key)


@router.get("/organizations/{organization_id}/measures", response=OrganizationMeasuresOut,
            summary="An organisation's measures of one year at every level (default: its latest year)")
def organization_measures(request, organization_id: int, year: Query[int | None] = None):
    if year is not None and not YEAR["ge"] <= year <= YEAR["le"]:
        raise ValidationError({"year": [f"{year} is outside {YEAR['ge']}-{YEAR['le']}"]})
    organization = selectors.learning_organization(request.user, organization_id)
    data = selectors.organization_measures(request.user, organization.pk, year)
    if year is not None and data.year != year:
        measures: list = []
        chosen = year
    else:
        chosen = data.year
        measures = ([data.current] if data.current else []) + data.subjects + data.groups + data.terms
    for measure in measures:
        measure.organization = organization  # already loaded: no query per row
        measure.region = organization.region
    return {"organization": organization, "year": chosen, "years": data.years, "measures": measures}


@router.get("/monitoring-lists", response=list[MonitoringListOut], summary="Monitoring lists (scoped)")
@paginate(PageNumberPagination)
def list_monitoring_lists(request, filters: Query[MonitoringListFilterIn]):
    return selectors.monitoring_lists(request.user, year=filters.year, kind=filters.kind)


@router.get("/monitoring-lists/{list_id}", response=MonitoringListDetailOut,
            summary="One monitoring list with the entries the caller may read")
def get_monitoring_list(request, list_id: int):
    monitoring_list = selectors.monitoring_list_get(request.user, list_id)
    entries = list(selectors.monitoring_entries(request.user, monitoring_list))
    plans = selectors.plans_for_entries(request.user, [e.pk for e in entries])
    for entry in entries:
        entry.plan_id = plans.get(entry.pk)
    data = MonitoringListOut.from_orm(monitoring_list).dict()
    data["entries"] = [EntryOut.from_orm(entry).dict() for entry in entries]
    return data
