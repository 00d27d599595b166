"""Ratings API under /api/v1/ratings/. Thin: selectors read, services write and compute.

Anonymous callers and every role but the ministry see published runs only (a draft answers 404).
Writes (create, publish, delete a draft) are the ministry's; a published run cannot be changed (409).
"""


import datetime as dt
from typing import Any, Literal

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from smarttvet.core.pagination import PageNumberPagination, paginate
from smarttvet.rating import access, exports, present, selectors, services
from smarttvet.rating.models import PublishedRunError, RatingResult, RatingRun
from smarttvet.registry.models import Organization

router = Router(tags=["ratings"])


# ---------------------------------------------------------------------------------------- schemas
class MethodologyOut(Schema):
    id: int
    code: str
    version: str
    name_kk: str
    name_ru: str
    name_en: str
    hash: str
    created_at: dt.datetime
    indicators: list[str] = Field(description="indicator codes, in the methodology's order")
    leagues: list[str] = Field(description="league codes, best first")
    run_count: int = 0
    published_count: int = 0

    @staticmethod
    def resolve_indicators(obj) -> list[str]:
        return list(obj.methodology.indicator_codes)

    @staticmethod
    def resolve_leagues(obj) -> list[str]:
        return list(obj.methodology.league_codes)


class MethodologyRef(Schema):
    id: int
    code: str
    version: str
    hash: str


class LeagueOut(Schema):
    code: str
    name_kk: str
    name_ru: str
    name_en: str
    count: int


class RunOut(Schema):
    id: int
    year: int
    status: str
    methodology: MethodologyRef
    seed: int
    uncertainty_draws: int
    inputs_hash: str
    created_at: dt.datetime
    published_at: dt.datetime | None
    n_units: int
    n_rated: int
    leagues: list[LeagueOut]

    @staticmethod
    def resolve_n_units(obj) -> int:
        return int(obj.summary.get("n_units", 0))

    @staticmethod
    def resolve_n_rated(obj) -> int:
        return int(obj.summary.get("n_rated", 0))

    @staticmethod
    def resolve_leagues(obj) -> list[dict]:
        counts = obj.league_counts
        return [{"code": league.code, "name_kk": league.names.kk, "name_ru": league.names.ru,
                 "name_en": league.names.en, "count": counts.get(league.code, 0)}
                for league in obj.methodology.methodology.leagues]


class RunDetailOut(RunOut):
    summary: dict[str, Any] = Field(description="statistics, histogram, correlation flags, league counts, "
                                                "data availability and (with draws) sensitivity")


class RegionRef(Schema):
    kato: str
    iso_code: str
    name_en: str


class OrganizationRef(Schema):
    id: int
    bin: str
    name_kk: str
    name_ru: str
    name_en: str
    kind: str
    region: RegionRef


class ResultOut(Schema):
    organization: OrganizationRef
    rated: bool
    coverage: float
    score: float | None
    rank: int | None
    league: str | None = Field(description="league code; null when not rated")
    groups: dict[str, float | None] = Field(description="group (pillar) scores on the output scale")
    rank_p05: int | None = None
    rank_median: int | None = None
    rank_p95: int | None = None
    league_probabilities: dict[str, float] | None = None


class GapOut(Schema):
    indicator: str
    value: float | None
    reference: float | None
    impact: float | None


class ComparisonOut(Schema):
    league: str
    n_units: int
    helps: list[GapOut]
    hurts: list[GapOut]


class RequiredChangeOut(Schema):
    indicator: str
    current: float | None
    required: float | None
    change: float | None
    reachable: bool
    note: str | None


class ExplanationOut(Schema):
    rated: bool
    coverage: float
    league: str | None
    next_league: str | None
    own_league: ComparisonOut | None = Field(description="helps and hurts against its league's median")
    next_league_comparison: ComparisonOut | None = Field(description="... and against the next league's median")
    required_changes: list[RequiredChangeOut] = Field(
        description="per indicator alone, the raw value that lifts the organisation into the next league")


class ResultDetailOut(ResultOut):
    inputs: dict[str, float | None] | None = Field(None, description="raw indicator values (own scope only)")
    normalised: dict[str, float | None] | None = None
    contributions: dict[str, float | None] | None = None
    imputed: list[str] | None = None
    explanation: ExplanationOut | None = Field(
        None, description="for the organisation's own users, its region and the ministry")


class ResultFilterIn(Schema):
    region: str = Field("", description="KATO code, 2-digit KATO prefix or ISO code (KZ-61)")
    kind: Organization.Kind | None = None
    league: str = Field("", description="league code, or 'none' for the organisations not rated")
    sort: Literal["rank", "-score", "name"] = "rank"
    q: str = Field("", description="text in any of the three names, or the exact BIN")

    def to_filters(self) -> selectors.ResultFilters:
        return selectors.ResultFilters(region=self.region, kind=self.kind or "", league=self.league,
                                       sort=self.sort, q=self.q)


class RunCreateIn(Schema):
    year: int
    methodology: str = services.DEFAULT_METHODOLOGY
    uncertainty: int = Field(0, ge=0, le=services.MAX_DRAWS, description="Monte Carlo draws (0: none)")
    seed: int = Field(services.DEFAULT_SEED, ge=0)


class WhatIfIn(Schema):
    organization_id: int
    changes: dict[str, Any] = Field(description="{indicator code: raw value or null}")


class OutcomeOut(Schema):
    score: float | None
    rank: int | None
    league: str | None


class WhatIfOut(Schema):
    organization_id: int
    changes: dict[str, float | None]
    before: OutcomeOut
    after: OutcomeOut
    n_rated: int


class ErrorOut(Schema):
    detail: str


class ExportFormat(Schema):
    format: str = Field("csv", pattern="^(csv|xlsx)$")


def _conflict(request, error: PublishedRunError) -> Status:
    return Status(409, {"detail": str(error)})


# ---------------------------------------------------------------------------------------- reads
@router.get("/methodologies", response=list[MethodologyOut], summary="Stored methodology versions")
def list_methodologies(request):
    return list(selectors.methodology_list())


@router.get("/runs", response=list[RunOut], summary="Rating runs, newest first (anonymous: published only)")
@paginate(PageNumberPagination)
def list_runs(request, status: RatingRun.Status | None = None, year: int | None = None):
    return selectors.run_list(request.user, status=status or "", year=year)


@router.get("/runs/{run_id}", response=RunDetailOut, summary="One run with its statistics")
def get_run(request, run_id: int):
    return selectors.run_get(request.user, run_id)


@router.get("/runs/{run_id}/results", response=list[ResultOut], summary="A run's league table")
@paginate(PageNumberPagination)
def list_results(request, run_id: int, filters: Query[ResultFilterIn]):
    run = selectors.run_get(request.user, run_id)
    return selectors.result_list(request.user, run, filters.to_filters())


@router.get("/runs/{run_id}/results/export", summary="A run's league table as CSV or XLSX")
def export_results(request, run_id: int, filters: Query[ResultFilterIn], fmt: Query[ExportFormat]) -> HttpResponse:
    run = selectors.run_get(request.user, run_id)
    return exports.league_table_response(run, selectors.result_list(request.user, run, filters.to_filters()),
                                         fmt.format)


@router.get("/runs/{run_id}/results/{organization_id}", response=ResultDetailOut,
            summary="One organisation's result; with its explanation for its own scope")
def get_result(request, run_id: int, organization_id: int):
    run = selectors.run_get(request.user, run_id)
    result: RatingResult = selectors.result_get(request.user, run, organization_id)
    data = ResultOut.from_orm(result).dict()
    if access.may_inspect(request.user, result.organization):
        data.update(normalised=result.normalised, contributions=result.contributions, imputed=result.imputed,
                    inputs=selectors.result_inputs(run, organization_id))
        explanation = services.organization_explanation(run, result.organization)
        data["explanation"] = present.explanation_data(explanation)
    return data


# ---------------------------------------------------------------------------------------- computations
@router.post("/runs/{run_id}/what-if", response={200: WhatIfOut, 403: ErrorOut}, auth=django_auth,
             summary="Score, rank and league if an organisation's indicators changed (nothing is stored)")
def post_what_if(request, run_id: int, payload: WhatIfIn):
    from django.core.exceptions import PermissionDenied, ValidationError

    run = selectors.run_get(request.user, run_id)
    organization = Organization.objects.filter(pk=payload.organization_id).first()
    if organization is None:
        raise ValidationError({"organization_id": [f"no organisation {payload.organization_id}"]})
    if not access.may_inspect(request.user, organization):
        raise PermissionDenied("Only the organisation itself, its region and the ministry may simulate its rating.")
    outcome = services.organization_what_if(run, organization, payload.changes)
    return present.what_if_data(organization.pk, outcome)


# ---------------------------------------------------------------------------------------- writes
@router.post("/runs", response={201: RunDetailOut}, auth=django_auth,
             summary="Compute a new draft run (ministry)")
def create_run(request, payload: RunCreateIn):
    run = services.rating_run_create(actor=request.user, year=payload.year, methodology_code=payload.methodology,
                                     uncertainty=payload.uncertainty, seed=payload.seed)
    return Status(201, selectors.run_get(request.user, run.pk))


@router.post("/runs/{run_id}/publish", response={200: RunDetailOut, 409: ErrorOut}, auth=django_auth,
             summary="Publish a draft run (ministry); a published run never changes again")
def publish_run(request, run_id: int):
    run = selectors.run_get(request.user, run_id)
    try:
        services.rating_run_publish(actor=request.user, run=run)
    except PublishedRunError as error:
        return _conflict(request, error)
    return selectors.run_get(request.user, run_id)


@router.delete("/runs/{run_id}", response={204: None, 409: ErrorOut}, auth=django_auth,
               summary="Delete a draft run (ministry); a published run cannot be deleted")
def delete_run(request, run_id: int):
    run = selectors.run_get(request.user, run_id)
    try:
        services.rating_run_delete(actor=request.user, run=run)
    except PublishedRunError as error:
        return _conflict(request, error)
    return Status(204, None)
