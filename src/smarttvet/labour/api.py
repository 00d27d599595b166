"""Labour-market API under /api/v1/labour/: the gap heatmap, a region's gap and recommendations, graduates'
employment, monthly vacancies, and the state-order allocations (``allocation_api``).

The aggregates are public (no login); employment per organisation lists only the organisations in the
caller's scope (``selectors`` says who sees what). A bad parameter answers 422 naming it (a horizon outside
1-5, an unknown grouping), an unknown region or occupation 404 — never a 500.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema

from smarttvet.labour import present, selectors
from smarttvet.labour.allocation_api import router as allocation_router
from smarttvet.labour.models import Occupation
from smarttvet.registry.selectors import region_by_code

router = Router(tags=["labour market"])

HORIZON = Field(3, ge=1, le=5, description="years ahead, 1 to 5: the graduation years T+1 .. T+horizon, summed")


def _language() -> str:
    return (get_language() or "en")[:2]


def _region(code: str):
    region = region_by_code(code or "")
    if region is None:
        raise Http404(f"No region {code!r}")
    return region


# ---------------------------------------------------------------------------------------- schemas
class RegionRef(Schema):
    kato: str
    iso_code: str
    name_kk: str
    name_ru: str
    name_en: str


class HorizonIn(Schema):
    horizon: int = HORIZON


class HeatmapCell(Schema):
    region: str = Field(description="KATO code")
    region_name: str
    broad_field: str = Field(description="ISCED-F 2013 broad field, 2 digits")
    demand: float = Field(description="people needed over the horizon (forecast postings × fill factor + declared)")
    supply: float = Field(description="graduates expected over the horizon")
    gap: float = Field(description="demand - supply; positive: too few graduates")
    ratio: float | None = Field(description="supply / demand; null without demand")
    specialties: int
    providers: int = Field(description="organisation × specialty pairs providing")
    employment_rate_12m: float | None = Field(description="% employed at 12 months (null under 5 observed)")
    employment_n: int = Field(description="graduates observed at 12 months (latest three cohorts)")


class FieldRef(Schema):
    code: str
    name: str


class HeatmapOut(Schema):
    horizon: int
    base_year: int = Field(description="the academic year in progress (T); year 1 of the horizon is T+1")
    years: list[int]
    fields: list[FieldRef]
    cells: list[HeatmapCell]


class GapRow(Schema):
    specialty_code: str
    specialty_name: str
    broad_field: str | None
    demand: float
    from_vacancies: float | None
    declared: float | None
    supply: float
    gap: float
    ratio: float | None
    providers: int
    employment_rate_12m: float | None
    employment_n: int


class GapOut(Schema):
    region: RegionRef
    horizon: int
    base_year: int
    years: list[int]
    rows: list[GapRow]


class RecommendationRow(Schema):
    specialty_code: str
    specialty_name: str
    recommendation: str = Field(description="open, expand, keep or reduce")
    rule: str = Field(description="the rule that decided it (a stable code)")
    demand: float
    supply: float
    gap: float
    ratio: float | None
    demand_per_year: float
    supply_per_year: float
    gap_per_year: float
    providers: int
    employment_rate_12m: float | None
    employment_n: int
    reason: str = Field(description="the reason with its figures, in the request's language")
    reason_en: str


class RecommendationsOut(Schema):
    region: RegionRef
    horizon: int
    base_year: int
    counts: dict[str, int]
    rows: list[RecommendationRow]


class EmploymentIn(Schema):
    by: str = Field("organization", pattern="^(organization|specialty|region|cohort)$",
                    description="organization, specialty, region or cohort (graduation year)")
    region: str = Field("", description="KATO code, 2-digit prefix or ISO code (KZ-61); empty: the country")
    cohort: int | None = Field(None, ge=2000, le=2100, description="graduation year; empty: all")


class SourceShare(Schema):
    key: str
    count: int
    share: float | None


class Outcomes(Schema):
    n: int = Field(description="graduates observed")
    employed: int
    employed_in_field: int
    continuing: int
    military: int
    not_employed: int
    employed_rate: float | None
    in_field_rate: float | None
    in_field_of_employed: float | None
    continuing_rate: float | None
    military_rate: float | None
    not_employed_rate: float | None
    positive_rate: float | None
    sources: list[SourceShare]


class EmploymentRow(Schema):
    key: int = Field(description="the organisation's, specialty's or region's id, or the graduation year")
    code: str = Field(description="BIN, specialty code, KATO code or year")
    label: str
    six: Outcomes | None = Field(description="at 6 months")
    twelve: Outcomes | None = Field(description="at 12 months")


class EmploymentOut(Schema):
    by: str
    region: RegionRef | None
    cohort: int | None
    cohorts: list[int]
    total_six: Outcomes | None
    total_twelve: Outcomes | None
    rows: list[EmploymentRow]


class VacanciesIn(Schema):
    region: str = Field("", description="KATO code, 2-digit prefix or ISO code; empty: the country")
    occupation: str = Field("", pattern=r"^(\d{4})?$", description="occupation code (4 digits); empty: all")


class VacancyMonth(Schema):
    month: dt.date = Field(description="first day of the month")
    count: int
    median_wage: int | None = Field(description="mean of the rows' median offered wages, tenge")


class VacanciesOut(Schema):
    region: RegionRef | None
    occupation: str | None
    months: list[VacancyMonth]


# ---------------------------------------------------------------------------------------- reads
@router.get("/heatmap", response=HeatmapOut, summary="Supply against demand by region × broad field (public)")
def heatmap(request, filters: Query[HorizonIn]):
    hm = selectors.heatmap(filters.horizon)
    language = _language()
    view = present.heatmap_view(hm, language, lambda kato, field: "")
    return {"horizon": hm.horizon, "base_year": hm.base_year,
            "years": list(range(hm.base_year + 1, hm.base_year + hm.horizon + 1)),
            "fields": [{"code": f["code"], "name": f["name"]} for f in view["fields"]],
            "cells": present.heatmap_cells_api(hm, language)}


@router.get("/regions/{kato}/gap", response=GapOut, summary="A region's gap per specialty (public)")
def region_gap(request, kato: str, filters: Query[HorizonIn]):
    region = _region(kato)
    result = selectors.region_gap(region, filters.horizon, _language())
    return {"region": region, "horizon": result.horizon, "base_year": result.base_year, "years": result.years,
            "rows": present.gap_rows(result.table)}


@router.get("/regions/{kato}/recommendations", response=RecommendationsOut,
            summary="Specialties to open, expand, keep or reduce in a region, with their figures (public)")
def region_recommendations(request, kato: str, filters: Query[HorizonIn]):
    region = _region(kato)
    result = selectors.region_gap(region, filters.horizon, _language())
    rows = present.recommendation_rows(result.recommendations)
    return {"region": region, "horizon": result.horizon, "base_year": result.base_year,
            "counts": {c["key"]: c["count"] for c in present.recommendation_counts(rows)}, "rows": rows}


@router.get("/employment", response=EmploymentOut,
            summary="Graduates' outcomes at 6 and 12 months (per organisation: the caller's scope only)")
def employment(request, filters: Query[EmploymentIn]):
    region = _region(filters.region) if filters.region else None
    table = selectors.employment_table(request.user, filters.by, region, filters.cohort)
    rows = present.employment_rows(table, _language())
    return {"by": filters.by, "region": region, "cohort": filters.cohort, "cohorts": table.cohorts,
            "total_six": present.rate_view(table.total_six), "total_twelve": present.rate_view(table.total_twelve),
            "rows": [{"key": int(r["key"]), "code": r["code"], "label": r["label"], "six": r["six"],
                      "twelve": r["twelve"]} for r in rows]}


@router.get("/vacancies", response=VacanciesOut, summary="Monthly vacancies, summed (public)")
def vacancies(request, filters: Query[VacanciesIn]):
    region = _region(filters.region) if filters.region else None
    occupation = None
    if filters.occupation:
        occupation = Occupation.objects.filter(code=filters.occupation).first()
        if occupation is None:
            raise ValidationError({"occupation": [f"unknown occupation {filters.occupation!r}"]})
    return {"region": region, "occupation": occupation.code if occupation else None,
            "months": selectors.vacancy_series(region, occupation)}


router.add_router("", allocation_router)
