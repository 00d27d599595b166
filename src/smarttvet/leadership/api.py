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
from ninja.security import django_auth
from pydantic import model_validator

from smarttvet.core.api_types import IsoDate
from smarttvet.core.pagination import PageNumberPagination, paginate
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
            summary="Reserve members ranked by fit for a director vacancy at an organisation on a date (default: "
                    "today), with reasons")
def vacancy_match(request, organization: int, limit: int = 20, on: IsoDate | None = None):
    from smarttvet.leadership.views import reason_text
    from smarttvet.registry.models import Organization

    org = Organization.objects.filter(pk=organization).first()
    if org is None:
        return Status(404, {"detail": f"organization: no organisation {organization}", "code": "invalid"})
    matches = selectors.match_vacancy(request.user, org, on=on, limit=max(1, min(limit, 200)))
    return [{"reserve_entry": m.entry.pk, "candidate": m.entry.application.full_name,
             "region": m.entry.application.region.kato, "fit": m.fit, "parts": m.parts,
             "reasons": [reason_text(code, params) for code, params in m.reasons],
             "total_score": m.member.total_score, "valid_until": m.member.valid_until} for m in matches]


# ------------------------------------------------------------------------------------------------ committee writes
# Only the committee and the ministry: 403 for anybody else (before anything is looked up); 404 for an unknown
# cohort, stage, result, appeal or reserve entry; 409 ``{"detail", "code"}`` when the state does not allow it (a
# stage already open, nothing to decide, seats waiting for everyone, an appeal already decided, ...); 422
# ``{"detail", "code", "field"}`` for refused input, naming the field. Nothing is written when refused.
class TextIn(Schema):
    """An input whose texts may not hold NUL characters (the database refuses them)."""

    @model_validator(mode="after")
    def _no_nul(self):
        for name, value in self.__dict__.items():
            if isinstance(value, str) and "\x00" in value:
                raise ValueError(f"{name}: NUL characters are not allowed")
        return self


class FieldErrorOut(Schema):
    detail: str
    code: str = ""
    field: str = Field("", description="the input field that is wrong (empty: the request as a whole)")


COMMITTEE_ERRORS = {403: ErrorOut, 404: ErrorOut, 409: FieldErrorOut, 422: FieldErrorOut}


def _forbidden():
    return Status(403, {"detail": "Only the selection committee may do this.", "code": "forbidden"})


def _refusal(error):
    """A ValidationError (a SelectionError or a model's) as 409 (a state conflict) or 422 (input, by field)."""
    from django.core.exceptions import ValidationError

    refusal = getattr(error, "refusal", "invalid")
    field = ""
    if isinstance(error, ValidationError) and hasattr(error, "message_dict"):
        field = next(iter(error.message_dict), "")
        detail = "; ".join(m for problems in error.message_dict.values() for m in problems)
    else:
        detail = str(error)
    status = REFUSAL_STATUS.get(refusal, 422)
    return Status(status, {"detail": detail, "code": refusal, "field": "" if field == "__all__" else field})


def _committee(request) -> bool:
    from smarttvet.leadership import access

    return access.may_manage(request.user)


def _write(call):
    """Run a service call: its result, or the refusal as a 403/409/422 answer."""
    from django.core.exceptions import ValidationError

    try:
        return call()
    except PermissionDenied as error:
        return Status(403, {"detail": str(error) or "Forbidden.", "code": "forbidden"})
    except ValidationError as error:
        return _refusal(error)


def _stage(code: str, stage_code: str):
    cohort = selectors.cohort_get(code)
    stage = selectors.stage_of(cohort, stage_code)
    if stage is None:
        from django.http import Http404

        raise Http404("No such stage.")
    return cohort, stage


class StageIn(TextIn):
    code: str = Field(..., max_length=32, pattern=r"^[-a-zA-Z0-9_]+$")
    name_kk: str = Field("", max_length=300)
    name_ru: str = Field("", max_length=300)
    name_en: str = Field(..., min_length=1, max_length=300)
    max_score: float = Field(..., ge=1, le=10000)
    pass_mark: float = Field(..., ge=0, le=10000)
    weight: float = Field(1, ge=0, le=100)
    capacity: int | None = Field(None, ge=1, le=1_000_000,
                                 description="seats; empty: everyone who passes the previous stage")
    spread_threshold: float = Field(0.2, ge=0, le=1)
    min_assessors: int = Field(2, ge=1, le=10)


class CohortIn(TextIn):
    programme: str = Field(..., description="the programme's code")
    code: str = Field(..., max_length=64, pattern=r"^[-a-zA-Z0-9_]+$")
    year: int = Field(..., ge=2000, le=2100)
    name_kk: str = Field(..., min_length=1, max_length=300)
    name_ru: str = Field(..., min_length=1, max_length=300)
    name_en: str = Field(..., min_length=1, max_length=300)
    region: str = Field("", description="the region's KATO code; empty for a national cohort")
    reserve_years: int = Field(3, ge=1, le=10)
    stages: list[StageIn] | None = Field(None, max_length=20, description="in order; empty: the five default "
                                                                          "stages")


@router.post("/cohorts", response={201: CohortOut, **COMMITTEE_ERRORS}, auth=django_auth,
             summary="Create a cohort with its stages (committee)")
def create_cohort(request, payload: CohortIn):
    from smarttvet.leadership.models import Programme

    if not _committee(request):
        return _forbidden()
    programme = Programme.objects.filter(code=payload.programme).first()
    if programme is None:
        return Status(422, {"detail": f"programme: no programme with code {payload.programme!r}",
                            "code": "invalid", "field": "programme"})
    region = None
    if payload.region:
        region = region_by_code(payload.region)
        if region is None:
            return Status(422, {"detail": f"region: no region with code {payload.region!r}", "code": "invalid",
                                "field": "region"})
    stages = None
    if payload.stages:
        stages = [dict(s.dict(), order=i + 1, name_kk=s.name_kk or s.name_en, name_ru=s.name_ru or s.name_en)
                  for i, s in enumerate(payload.stages)]
    names = {"kk": payload.name_kk, "ru": payload.name_ru, "en": payload.name_en}
    cohort = _write(lambda: services.cohort_create(
        actor=request.user, programme=programme, code=payload.code, year=payload.year, names=names,
        region=region, stages=stages, reserve_years=payload.reserve_years))
    if isinstance(cohort, Status):
        return cohort
    return Status(201, _cohort(selectors.cohort_get(cohort.code)))


class ScreenIn(Schema):
    as_of: IsoDate | None = Field(None, description="the date the rules are applied on (default: today)")


class ScreenOut(Schema):
    eligible: int
    ineligible: int


@router.post("/cohorts/{code}/screen", response={200: ScreenOut, **COMMITTEE_ERRORS}, auth=django_auth,
             summary="Screen the cohort's new applications by its eligibility rules (committee)")
def screen_cohort(request, code: str, payload: ScreenIn):
    if not _committee(request):
        return _forbidden()
    cohort = selectors.cohort_get(code)
    return _write(lambda: services.screen_cohort(actor=request.user, cohort=cohort, as_of=payload.as_of,
                                                 require_pending=True))


class DecisionPreviewOut(Schema):
    stage: str
    status: str
    ready: int = Field(description="results with a complete score, not waiting for a review")
    waiting: int = Field(description="undecided results waiting for scores or a review")
    advance: int
    drop: int
    free_seats: int | None = Field(description="the next stage's free seats (none: no limit)")
    blocked: str = Field(description="why the stage cannot be decided now (empty: it can)")


@router.get("/cohorts/{code}/stages/{stage}/preview", response={200: DecisionPreviewOut, 403: ErrorOut},
            auth=django_auth, summary="What deciding the stage now would do (committee; writes nothing)")
def stage_preview(request, code: str, stage: str):
    if not _committee(request):
        return _forbidden()
    _cohort_obj, found = _stage(code, stage)
    plan = services.decision_plan(found)
    return {"stage": found.code, "status": found.status, "ready": len(plan.ready), "waiting": plan.waiting,
            "advance": plan.advance, "drop": plan.drop, "free_seats": plan.seats, "blocked": plan.blocked}


class StageStatusOut(Schema):
    stage: str
    status: str


@router.post("/cohorts/{code}/stages/{stage}/open", response={200: StageStatusOut, **COMMITTEE_ERRORS},
             auth=django_auth, summary="Open a stage for scoring (committee; the previous stage first)")
def open_stage(request, code: str, stage: str):
    return _transition(request, code, stage, "open")


@router.post("/cohorts/{code}/stages/{stage}/close", response={200: StageStatusOut, **COMMITTEE_ERRORS},
             auth=django_auth, summary="Close a stage for scoring (committee)")
def close_stage(request, code: str, stage: str):
    return _transition(request, code, stage, "close")


def _transition(request, code: str, stage_code: str, action: str):
    if not _committee(request):
        return _forbidden()
    _cohort_obj, found = _stage(code, stage_code)
    done = _write(lambda: services.stage_transition(actor=request.user, stage=found, action=action))
    if isinstance(done, Status):
        return done
    return {"stage": done.code, "status": done.status}


class DecideOut(Schema):
    passed: int
    dropped: int


@router.post("/cohorts/{code}/stages/{stage}/decide", response={200: DecideOut, **COMMITTEE_ERRORS},
             auth=django_auth, summary="Pass or drop the stage's assessed candidates at the pass mark and seats "
                                       "(committee; 409 when nobody is ready or seats wait for everyone)")
def decide_stage(request, code: str, stage: str):
    if not _committee(request):
        return _forbidden()
    _cohort_obj, found = _stage(code, stage)
    return _write(lambda: services.decide_stage(actor=request.user, stage=found, require_ready=True))


class AssignIn(Schema):
    assessors: list[int] = Field(default_factory=list, max_length=1000,
                                 description="assessor ids; empty: every assessor")
    per_candidate: int | None = Field(None, ge=1, le=10,
                                      description="assessors per candidate (default: the stage's minimum)")


class AssignOut(Schema):
    assigned: int
    candidates: int
    short: int = Field(description="candidates left with too few assessors outside their organisation")


@router.post("/cohorts/{code}/stages/{stage}/assign", response={200: AssignOut, **COMMITTEE_ERRORS},
             auth=django_auth, summary="Assign assessors in turn to the stage's undecided candidates (committee; "
                                       "never one of the candidate's own organisation)")
def assign_stage(request, code: str, stage: str, payload: AssignIn):
    from smarttvet.leadership.models import Assessor

    if not _committee(request):
        return _forbidden()
    _cohort_obj, found = _stage(code, stage)
    chosen = None
    if payload.assessors:
        chosen = list(Assessor.objects.filter(pk__in=payload.assessors))
        missing = sorted(set(payload.assessors) - {a.pk for a in chosen})
        if missing:
            return Status(422, {"detail": f"assessors: no assessor {missing[0]}", "code": "invalid",
                                "field": "assessors"})
    return _write(lambda: services.assign_round_robin(actor=request.user, stage=found, assessors=chosen,
                                                      per_candidate=payload.per_candidate))


class ReviewIn(TextIn):
    note: str = Field(..., description="why the mean stands")


class ResultOut(Schema):
    id: int
    stage: str
    outcome: str
    score: float | None
    flagged: bool
    review_cleared: bool


@router.post("/results/{result_id}/review", response={200: ResultOut, **COMMITTEE_ERRORS}, auth=django_auth,
             summary="Keep the mean of a result flagged for its spread (committee)")
def clear_review(request, result_id: int, payload: ReviewIn):
    from django.shortcuts import get_object_or_404

    from smarttvet.leadership.models import StageResult

    if not _committee(request):
        return _forbidden()
    result = get_object_or_404(StageResult.objects.select_related("stage", "application"), pk=result_id)
    done = _write(lambda: services.review_clear(actor=request.user, result=result, note=payload.note))
    if isinstance(done, Status):
        return done
    return {"id": done.pk, "stage": done.stage.code, "outcome": done.outcome, "score": done.score,
            "flagged": done.flagged, "review_cleared": done.review_cleared}


class AppealDecisionIn(TextIn):
    decision: str = Field(..., description="upheld (the stage is reopened for the candidate) or rejected")
    note: str = Field(..., description="the reasons for the decision")


class AppealOut(Schema):
    id: int
    decision: str
    decided_on: dt.date | None


@router.post("/appeals/{appeal_id}/decide", response={200: AppealOut, **COMMITTEE_ERRORS}, auth=django_auth,
             summary="Uphold or reject a pending appeal (committee)")
def decide_appeal(request, appeal_id: int, payload: AppealDecisionIn):
    from django.shortcuts import get_object_or_404

    from smarttvet.leadership.models import Appeal

    if not _committee(request):
        return _forbidden()
    appeal = get_object_or_404(Appeal.objects.select_related("result", "result__application"), pk=appeal_id)
    done = _write(lambda: services.appeal_decide(actor=request.user, appeal=appeal, decision=payload.decision,
                                                 note=payload.note))
    if isinstance(done, Status):
        return done
    return {"id": done.pk, "decision": done.decision, "decided_on": done.decided_on}


class ReserveIn(Schema):
    valid_from: IsoDate = Field(..., description="the reserve's validity starts on this day")


class ReserveOut(Schema):
    entered: int


@router.post("/cohorts/{code}/reserve", response={201: ReserveOut, **COMMITTEE_ERRORS}, auth=django_auth,
             summary="Enter the candidates who passed every stage in the reserve, ranked (committee; 409 when "
                     "nobody waits)")
def build_reserve(request, code: str, payload: ReserveIn):
    if not _committee(request):
        return _forbidden()
    cohort = selectors.cohort_get(code)
    done = _write(lambda: services.reserve_build(actor=request.user, cohort=cohort, valid_from=payload.valid_from,
                                                 require_new=True))
    if isinstance(done, Status):
        return done
    return Status(201, {"entered": done})


class RankedOut(Schema):
    place: int
    candidate_id: int
    candidate: str
    region: str
    total_score: float
    reserve_entry: int | None
    reserve_status: str | None


@router.get("/cohorts/{code}/ranking", response={200: list[RankedOut], 403: ErrorOut}, auth=django_auth,
            summary="The final ranked list: the candidates who passed every stage by their weighted total "
                    "(committee)")
def cohort_ranking(request, code: str):
    if not _committee(request):
        return _forbidden()
    return [{"place": r.place, "candidate_id": r.application.pk, "candidate": r.application.full_name,
             "region": r.application.region.kato, "total_score": r.total,
             "reserve_entry": r.entry.pk if r.entry else None, "reserve_status": r.entry.status if r.entry else None}
            for r in selectors.ranked_list(selectors.cohort_get(code))]


class AppointmentIn(TextIn):
    reserve_entry: int
    organization: int = Field(..., description="the organisation's id")
    position: str = Field(..., description="director or deputy")
    appointed_on: IsoDate
    route: str = Field(..., description="competition or outside (appointed outside a competition)")


class AppointmentOut(Schema):
    id: int
    reserve_entry: int
    organization: int
    position: str
    appointed_on: dt.date
    route: str


@router.post("/appointments", response={201: AppointmentOut, **COMMITTEE_ERRORS}, auth=django_auth,
             summary="Record the appointment of a reserve member (committee)")
def record_appointment(request, payload: AppointmentIn):
    from smarttvet.leadership.models import Appointment, ReserveEntry
    from smarttvet.registry.models import Organization

    if not _committee(request):
        return _forbidden()
    entry = ReserveEntry.objects.select_related("application").filter(pk=payload.reserve_entry).first()
    if entry is None:
        return Status(404, {"detail": f"reserve_entry: no reserve entry {payload.reserve_entry}", "code": "invalid"})
    organization = Organization.objects.filter(pk=payload.organization).first()
    if organization is None:
        return Status(422, {"detail": f"organization: no organisation {payload.organization}", "code": "invalid",
                            "field": "organization"})
    if payload.position not in Appointment.Position.values:
        return Status(422, {"detail": f"position: choose one of {', '.join(Appointment.Position.values)}",
                            "code": "invalid", "field": "position"})
    if payload.route not in Appointment.Route.values:
        return Status(422, {"detail": f"route: choose one of {', '.join(Appointment.Route.values)}",
                            "code": "invalid", "field": "route"})
    done = _write(lambda: services.appoint(actor=request.user, entry=entry, organization=organization,
                                           position=payload.position, appointed_on=payload.appointed_on,
                                           route=payload.route))
    if isinstance(done, Status):
        return done
    return Status(201, {"id": done.pk, "reserve_entry": entry.pk, "organization": organization.pk,
                        "position": done.position, "appointed_on": done.appointed_on, "route": done.route})
