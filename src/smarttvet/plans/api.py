"""Plans API under /api/v1/plans/. Thin: selectors read, services write. Reads are open to anonymous callers
for the public plans (the national roadmap; another plan answers 401 to them); writes need a login (401
otherwise). A plan outside a signed-in caller's scope does not exist (404); a write outside the write scope
answers 403; bad input 422 with the errors by field."""


import datetime as dt
from decimal import Decimal

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import AuthenticationError
from ninja.security import django_auth

from smarttvet.accounts.scoping import get_visible_or_404
from smarttvet.core.pagination import PageNumberPagination, paginate
from smarttvet.plans import selectors, services
from smarttvet.plans.models import Activity, Plan

router = Router(tags=["plans"])  # reads: anybody (scoped); writes: ``auth=django_auth`` per route


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
    kind: str
    name_kk: str
    name_ru: str
    name_en: str
    region_id: int


class PlanOut(Schema):
    id: int
    code: str
    level: str
    title: str = Field(description="in the request's language, falling back to another")
    title_kk: str
    title_ru: str
    title_en: str
    region: RegionRef | None
    organization: OrganizationRef | None
    start_year: int
    end_year: int
    status: str
    approval_body: str
    approved_on: dt.date | None
    board_agreed: bool
    board_agreed_on: dt.date | None
    monitoring_entry_id: int | None
    activity_count: int = 0
    open_count: int = Field(0, description="activities planned or in progress")
    overdue_count: int = Field(0, description="open activities past their deadline")


class AssessmentOut(Schema):
    status: str = Field(description="achieved, on_track, at_risk, off_track or no_data")
    year: int | None
    actual: float | None
    expected: float | None = Field(description="the value of the expected path in that year")
    final_target: float | None
    final_year: int | None
    progress: float | None = Field(description="share of the planned change achieved (1 = the final target)")
    expected_progress: float | None


class YearValue(Schema):
    year: int
    value: float


class IndicatorOut(Schema):
    id: int
    code: str
    title: str
    title_kk: str
    title_ru: str
    title_en: str
    unit: str
    direction: str
    decimals: int
    source: str = Field(description="entered or computed")
    measure: str = Field(description="the named measure of a computed indicator")
    baseline_year: int | None
    baseline_value: float | None
    targets: list[YearValue]
    actuals: list[YearValue] = Field(description="after the baseline; computed ones read live from the measure")
    assessment: AssessmentOut


class ActivityOut(Schema):
    id: int
    objective_id: int | None
    title: str
    title_kk: str
    title_ru: str
    title_en: str
    kind: str
    responsible: str
    deadline: dt.date | None
    status: str
    done_on: dt.date | None
    budget: Decimal | None
    evidence: str
    overdue: bool


class ObjectiveOut(Schema):
    id: int
    code: str
    title: str
    status: str
    indicators: list[IndicatorOut]
    activities: list[ActivityOut]


class GoalOut(Schema):
    id: int
    code: str
    title: str
    status: str
    objectives: list[ObjectiveOut]


class MentorOut(Schema):
    rank: int
    organization: OrganizationRef
    reason: str = Field(description="higher_league, top_quartile or chosen")
    league: str
    measure_value: float | None = Field(description="the rating score or the composite learning measure")
    basis: str = Field(description="distance, or same_region when coordinates are missing")
    distance_km: float | None


class ProgressOut(Schema):
    status: str
    counts: dict[str, int] = Field(description="indicators by status")
    overdue_activities: list[int]


class PlanDetailOut(PlanOut):
    description: str
    progress: ProgressOut
    goals: list[GoalOut]
    indicators: list[IndicatorOut] = Field(description="indicators not under an objective")
    activities: list[ActivityOut] = Field(description="activities not under an objective")
    mentors: list[MentorOut]


class PlanFilterIn(Schema):
    level: Plan.Level | None = None
    region: str = Field("", description="KATO code, 2-digit KATO prefix or ISO code (KZ-61)")
    status: Plan.Status | None = None
    year: int | None = Field(None, description="plans whose years include this one")
    organization: int | None = Field(None, description="the owner organisation's id")
    q: str = Field("", description="text in a title or the organisation's name, or its exact BIN")

    def to_filters(self) -> selectors.PlanFilters:
        return selectors.PlanFilters(level=self.level or "", region=self.region, status=self.status or "",
                                     year=self.year, organization=self.organization, q=self.q)


class ActivityPatchIn(Schema):
    status: str = Field(description="planned, in_progress, done or cancelled")
    evidence: str | None = Field(None, description="what shows it was done (left as it is when absent)")


class SupportPlansIn(Schema):
    monitoring_list: int = Field(description="the monitoring list's id")
    deadline_months: int = services.DEFAULT_DEADLINE_MONTHS


class SupportPlansOut(Schema):
    created: list[int]


class ErrorOut(Schema):
    detail: str


# ---------------------------------------------------------------------------------------- presenters
def _indicator(item: selectors.IndicatorProgress) -> dict:
    i = item.indicator
    a = item.assessment
    return {
        "id": i.pk, "code": i.code, "title": i.title, "title_kk": i.title_kk, "title_ru": i.title_ru,
        "title_en": i.title_en, "unit": i.unit, "direction": i.direction, "decimals": i.decimals, "source": i.source,
        "measure": i.measure, "baseline_year": i.baseline_year, "baseline_value": i.baseline_value,
        "targets": [{"year": y, "value": v} for y, v in sorted(item.targets.items())],
        "actuals": [{"year": y, "value": v} for y, v in sorted(item.actuals.items())],
        "assessment": {"status": a.status, "year": a.year, "actual": a.actual, "expected": a.expected,
                       "final_target": a.final_target, "final_year": a.final_year, "progress": a.progress,
                       "expected_progress": a.expected_progress},
    }


def _activity(activity: Activity) -> dict:
    return {
        "id": activity.pk, "objective_id": activity.objective_id, "title": activity.title,
        "title_kk": activity.title_kk, "title_ru": activity.title_ru, "title_en": activity.title_en,
        "kind": activity.kind, "responsible": activity.responsible, "deadline": activity.deadline,
        "status": activity.status, "done_on": activity.done_on, "budget": activity.budget,
        "evidence": activity.evidence, "overdue": activity.is_overdue(),
    }


def _detail(plan: Plan) -> dict:
    detail = selectors.plan_detail(plan)
    data = PlanOut.from_orm(plan).dict()
    data.update(
        activity_count=len(detail.activities),
        open_count=sum(1 for a in detail.activities if a.status in ("planned", "in_progress")),
        overdue_count=len(detail.overdue), description=plan.description,
        progress={"status": detail.progress.status, "counts": detail.progress.counts,
                  "overdue_activities": [a.pk for a in detail.overdue]},
        goals=[{"id": g.goal.pk, "code": g.goal.code, "title": g.goal.title, "status": g.status,
                "objectives": [{"id": o.objective.pk, "code": o.objective.code, "title": o.objective.title,
                                "status": o.status, "indicators": [_indicator(i) for i in o.indicators],
                                "activities": [_activity(a) for a in o.activities]}
                               for o in g.objectives]}
               for g in detail.goals],
        indicators=[_indicator(i) for i in detail.loose_indicators],
        activities=[_activity(a) for a in detail.loose_activities],
        mentors=[{"rank": m.rank, "organization": m.organization, "reason": m.reason, "league": m.league,
                  "measure_value": m.measure_value, "basis": m.basis, "distance_km": m.distance_km}
                 for m in detail.mentors],
    )
    return data


# ---------------------------------------------------------------------------------------- endpoints
@router.get("", response=list[PlanOut],
            summary="Plans in the caller's scope (anonymous: the public ones), filtered and paginated")
@paginate(PageNumberPagination)
def list_plans(request, filters: Query[PlanFilterIn]):
    return selectors.plan_list(request.user, filters.to_filters())


@router.post("/support", response={201: SupportPlansOut, 403: ErrorOut}, auth=django_auth,
             summary="Make the missing support plans of a gradebook monitoring list (ministry, or the list's region)")
def create_support_plans(request, payload: SupportPlansIn):
    from smarttvet.gradebook.models import MonitoringList

    monitoring_list = get_visible_or_404(request.user, MonitoringList.objects.all(), pk=payload.monitoring_list)
    plans = services.support_plans_create(monitoring_list, request.user, deadline_months=payload.deadline_months)
    return Status(201, {"created": [plan.pk for plan in plans]})


@router.get("/{plan_id}", response=PlanDetailOut,
            summary="One plan: goals, objectives, indicators with targets, actuals and status, activities, mentors")
def get_plan(request, plan_id: int):
    try:
        plan = selectors.plan_get(request.user, plan_id)
    except Http404:
        if not request.user.is_authenticated:
            raise AuthenticationError from None  # 401: it may exist for someone who signs in
        raise
    return _detail(plan)


@router.patch("/{plan_id}/activities/{activity_id}", response={200: ActivityOut, 403: ErrorOut}, auth=django_auth,
              summary="Report an activity's status (and evidence)")
def patch_activity(request, plan_id: int, activity_id: int, payload: ActivityPatchIn):
    plan = selectors.plan_get(request.user, plan_id)
    activity = get_visible_or_404(request.user, Activity.objects.filter(plan=plan), pk=activity_id)
    activity.plan = plan
    updated = services.activity_status_update(actor=request.user, activity=activity, status=payload.status,
                                              evidence=payload.evidence)
    return _activity(updated)
