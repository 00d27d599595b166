"""Cadre-reserve API under /api/v1/leadership/. Thin: selectors read, services write.

Cohorts and their stages are public; everything about candidates needs a login and is scoped
(``leadership.access``): the committee and the ministry see every candidate, a region its region's, an assessor
the candidates assigned to them, a teacher their own applications. A score outside the rules is refused with a
readable JSON body ``{"detail": ..., "code": ...}``: 422 for a score above the maximum or negative, 409 for a
stage the candidate has not reached (out of order) or a closed stage / decided result, 403 for a candidate not
assigned to the caller or of the assessor's own organisation; nothing is written.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import F, FloatField, IntegerField, Value
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import django_auth

from smarttvet.leadership import selectors, services
from smarttvet.leadership.models import Assignment
from smarttvet.registry.selectors import region_by_code

router = Router(tags=["leadership"])

REFUSAL_STATUS = {"range": 422, "invalid": 422, "out_of_order": 409, "closed": 409, "not_assigned": 403,
                  "own_organization": 403}


class StageOut(Schema):
    order: int
    code: str
    name: str
    max_score: float
    pass_mark: float
    weight: float
    capacity: int | None = Field(description="seats: at most this many enter the stage")
    spread_threshold: float = Field(description="share of the maximum score above which a spread is flagged")
    status: str


class CohortOut(Schema):
    code: str
    name: str
    programme: str
    year: int
    region: str | None = Field(description="the region's KATO code; empty for a national cohort")
    status: str
    reserve_years: int
    stages: list[StageOut]


class FunnelRowOut(Schema):
    order: int
    stage: str
    name: str
    entered: int
    passed: int
    dropped: int
    pending: int
    pass_rate: float | None = Field(description="passed / (passed + dropped), in %")


class FunnelOut(Schema):
    cohort: str
    region: str | None
    rows: list[FunnelRowOut]


class CandidateOut(Schema):
    id: int
    full_name: str
    kind: str
    region: str = Field(description="the region's KATO code")
    organization_id: int | None
    status: str = Field(alias="shown_status", description="empty for an assessor")
    stages_reached: int
    total_score: float | None = Field(alias="shown_total", description="none for an assessor")
    rank: int | None = Field(alias="shown_rank", description="none for an assessor")

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region.kato

    @staticmethod
    def resolve_stages_reached(obj) -> int:
        return obj.reached


class AssignmentOut(Schema):
    id: int
    cohort: str
    stage: str
    candidate_id: int
    candidate: str
    score: float | None

    @staticmethod
    def resolve_cohort(obj) -> str:
        return obj.stage.cohort.code

    @staticmethod
    def resolve_stage(obj) -> str:
        return obj.stage.code

    @staticmethod
    def resolve_candidate_id(obj) -> int:
        return obj.application_id

    @staticmethod
    def resolve_candidate(obj) -> str:
        return obj.application.full_name

    @staticmethod
    def resolve_score(obj) -> float | None:
        score = getattr(obj, "score", None)
        return float(score.value) if score is not None else None


class ScoreIn(Schema):
    assignment: int = Field(description="the assignment's id (GET /assignments)")
    value: str = Field(description="the score, 0 to the stage's maximum (a number; a decimal comma is accepted)")
    comment: str = ""


class ScoreOut(Schema):
    assignment: int
    value: float
    stage_score: float | None = Field(description="the candidate's stage score once every assessor scored")
    flagged: bool
    outcome: str


class ErrorOut(Schema):
    detail: str
    code: str = ""


def _cohort(cohort) -> dict:
    return {"code": cohort.code, "name": cohort.name, "programme": cohort.programme.name, "year": cohort.year,
            "region": cohort.region.kato if cohort.region_id else None, "status": cohort.status,
            "reserve_years": cohort.reserve_years,
            "stages": [{"order": s.order, "code": s.code, "name": s.name, "max_score": float(s.max_score),
                        "pass_mark": float(s.pass_mark), "weight": float(s.weight), "capacity": s.capacity,
                        "spread_threshold": float(s.spread_threshold), "status": s.status}
                       for s in cohort.stages.all()]}


@router.get("/cohorts", response=list[CohortOut], summary="Reserve cohorts and their stages (public)")
def list_cohorts(request):
    return [_cohort(c) for c in selectors.cohort_list().prefetch_related("stages")]


@router.get("/cohorts/{code}/funnel", response={200: FunnelOut, 422: ErrorOut}, auth=django_auth,
            summary="The selection funnel of a cohort: per stage entered, passed, dropped, pending (scoped)")
def cohort_funnel(request, code: str, region: str = ""):
    cohort = selectors.cohort_get(code)
    place = None
    if region:
        place = region_by_code(region)
        if place is None:
            return Status(422, {"detail": f"region: no region with code {region!r}", "code": "invalid"})
    result = selectors.funnel(cohort, region=place, user=request.user)
    return {"cohort": cohort.code, "region": place.kato if place else None,
            "rows": [{"order": r.order, "stage": r.code, "name": r.name, "entered": r.entered, "passed": r.passed,
                      "dropped": r.dropped, "pending": r.pending, "pass_rate": r.pass_rate} for r in result.rows]}


class CandidateFilterIn(Schema):
    status: str = ""
    stage: str = Field("", description="candidates who entered this stage (its code)")
    q: str = ""


@router.get("/cohorts/{code}/candidates", response=list[CandidateOut], auth=django_auth,
            summary="The candidates of a cohort the caller may see, best ranked first")
@paginate(PageNumberPagination)
def cohort_candidates(request, code: str, filters: Query[CandidateFilterIn]):
    cohort = selectors.cohort_get(code)
    qs = selectors.candidate_list(request.user, cohort, selectors.CandidateFilters(
        status=filters.status, stage=filters.stage, q=filters.q))
    if selectors.limited_to_assignments(request.user):
        # An assessor sees the candidates given to them, not their standing: no status, total or rank.
        return qs.annotate(shown_status=Value(""), shown_total=Value(None, output_field=FloatField()),
                           shown_rank=Value(None, output_field=IntegerField()))
    return qs.annotate(shown_status=F("status"), shown_total=F("total_score"), shown_rank=F("rank"))


@router.get("/assignments", response=list[AssignmentOut], auth=django_auth,
            summary="The caller's assessor assignments (the committee: all) with their scores")
@paginate(PageNumberPagination)
def list_assignments(request, cohort: str = ""):
    found = selectors.cohort_get(cohort) if cohort else None
    return selectors.assignments_for(request.user, found)


@router.post("/scores", response={201: ScoreOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
             auth=django_auth, summary="Submit (or replace) an assessor's score of an assigned candidate")
def submit_score(request, payload: ScoreIn):
    assignment = (selectors.assignments_for(request.user).filter(pk=payload.assignment).first())
    if assignment is None:
        if Assignment.objects.filter(pk=payload.assignment).exists():
            return Status(403, {"detail": "This candidate is not assigned to you.", "code": "not_assigned"})
        return Status(404, {"detail": f"assignment: no assignment {payload.assignment}", "code": "invalid"})
    try:
        services.submit_score(actor=request.user, assignment=assignment, value=payload.value,
                              comment=payload.comment)
    except services.SelectionError as error:
        return Status(REFUSAL_STATUS.get(error.refusal, 422), {"detail": error.text, "code": error.refusal})
    except PermissionDenied as error:
        return Status(403, {"detail": str(error), "code": "not_assigned"})
    result = assignment.application.results.get(stage=assignment.stage)
    return Status(201, {"assignment": assignment.pk, "value": float(assignment.score.value),
                        "stage_score": result.score, "flagged": result.flagged, "outcome": result.outcome})


class MatchOut(Schema):
    reserve_entry: int
    candidate: str
    region: str
    fit: float
    parts: dict[str, float]
    reasons: list[str]
    total_score: float
    valid_until: dt.date


@router.get("/vacancies/match", response={200: list[MatchOut], 404: ErrorOut}, auth=django_auth,
            summary="Reserve members ranked by fit for a director vacancy at an organisation, with reasons")
def vacancy_match(request, organization: int, limit: int = 20):
    from smarttvet.leadership.views import reason_text
    from smarttvet.registry.models import Organization

    org = Organization.objects.filter(pk=organization).first()
    if org is None:
        return Status(404, {"detail": f"organization: no organisation {organization}", "code": "invalid"})
    matches = selectors.match_vacancy(request.user, org, limit=max(1, min(limit, 200)))
    return [{"reserve_entry": m.entry.pk, "candidate": m.entry.application.full_name,
             "region": m.entry.application.region.kato, "fit": m.fit, "parts": m.parts,
             "reasons": [reason_text(code, params) for code, params in m.reasons],
             "total_score": m.member.total_score, "valid_until": m.member.valid_until} for m in matches]
