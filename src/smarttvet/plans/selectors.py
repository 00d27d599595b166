"""Reads of the plans app, always through the scoping selector.

``progress_for(plans)`` assesses every indicator of many plans at once: a fixed number of queries (indicators,
targets, entered actuals, objectives, and one per measure used), whatever the number of plans. Computed
actuals are read live from their measure; entered ones from ``IndicatorActual``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smarttvet.accounts.scoping import get_visible_or_404, visible
from smarttvet.plans import progress
from smarttvet.plans.measures import compute_many, owner_of
from smarttvet.plans.models import (
    OPEN_ACTIVITY,
    Activity,
    Goal,
    Indicator,
    IndicatorActual,
    IndicatorTarget,
    Objective,
    Plan,
    PlanMentor,
    SwotItem,
)
from smarttvet.registry.selectors import filter_region

STATUS_LABELS = {
    progress.ACHIEVED: _("Achieved"),
    progress.ON_TRACK: _("On track"),
    progress.AT_RISK: _("At risk"),
    progress.OFF_TRACK: _("Off track"),
    progress.NO_DATA: _("No data yet"),
}
MAX_SPAN = 30  # years of computed actuals read per indicator
MAX_BURNUP_MONTHS = 72


@dataclass(frozen=True)
class PlanFilters:
    level: str = ""
    region: str = ""
    status: str = ""
    year: int | None = None
    organization: int | None = None
    q: str = ""


def plan_list(user, filters: PlanFilters | None = None, *, today: dt.date | None = None) -> QuerySet[Plan]:
    """The plans ``user`` may see, filtered, with their activity counts (``activity_count``, ``open_count``,
    ``overdue_count``)."""
    f = filters or PlanFilters()
    today = today or timezone.localdate()
    qs = visible(user, Plan.objects.select_related("region", "organization", "organization__region"))
    if f.level:
        qs = qs.filter(level=f.level)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.region:
        qs = filter_region(qs, f.region)
    if f.year:
        qs = qs.filter(start_year__lte=f.year, end_year__gte=f.year)
    if f.organization:
        qs = qs.filter(organization_id=f.organization)
    if f.q:
        term = f.q.strip()
        qs = qs.filter(Q(title_kk__icontains=term) | Q(title_ru__icontains=term) | Q(title_en__icontains=term)
                       | Q(code__icontains=term) | Q(organization__bin=term)
                       | Q(organization__name_kk__icontains=term) | Q(organization__name_ru__icontains=term)
                       | Q(organization__name_en__icontains=term))
    return qs.annotate(
        activity_count=Count("activities"),
        open_count=Count("activities", filter=Q(activities__status__in=OPEN_ACTIVITY)),
        overdue_count=Count("activities", filter=Q(activities__status__in=OPEN_ACTIVITY,
                                                   activities__deadline__lt=today)),
    ).order_by("-start_year", "level", "code")


def plan_get(user, pk) -> Plan:
    """One plan ``user`` may see (404 otherwise)."""
    return get_visible_or_404(
        user, Plan.objects.select_related("region", "organization", "organization__region", "monitoring_entry",
                                          "monitoring_entry__monitoring_list", "created_by"),
        pk=pk,
    )


# ------------------------------------------------------------------------------------------ progress
@dataclass
class IndicatorProgress:
    indicator: Indicator
    targets: dict[int, float]
    actuals: dict[int, float]
    assessment: progress.Assessment

    @property
    def status(self) -> str:
        return self.assessment.status

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def final_target(self) -> float | None:
        return self.assessment.final_target if self.targets else None

    @property
    def final_year(self) -> int | None:
        return max(self.targets) if self.targets else None

    @property
    def latest_year(self) -> int | None:
        return self.assessment.year if self.assessment.actual is not None else None

    @property
    def latest_actual(self) -> float | None:
        return self.assessment.actual

    @property
    def target_of_latest_year(self) -> float | None:
        year = self.latest_year
        return self.targets.get(year) if year is not None else None

    @property
    def source(self) -> str:
        return self.indicator.source

    def rows(self) -> list[dict]:
        """Every year with a target or an actual (after the baseline), oldest first."""
        years = sorted(set(self.targets) | set(self.actuals))
        return [{"year": y, "target": self.targets.get(y), "actual": self.actuals.get(y)} for y in years]


@dataclass
class PlanProgress:
    status: str
    indicators: dict[int, IndicatorProgress] = field(default_factory=dict)
    objectives: dict[int, str] = field(default_factory=dict)
    goals: dict[int, str] = field(default_factory=dict)

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def counts(self) -> dict[str, int]:
        return progress.counts(p.status for p in self.indicators.values())


def _computed_years(indicator: Indicator, plan: Plan, targets: dict[int, float]) -> list[int]:
    first = indicator.baseline_year or plan.start_year
    last = max([plan.end_year, *targets])
    return list(range(first, min(last, first + MAX_SPAN) + 1))


def progress_for(plans: Iterable[Plan], *, indicators: list[Indicator] | None = None) -> dict[int, PlanProgress]:
    """The progress of each plan: every indicator assessed, rolled up to objectives, goals and the plan."""
    plans = {plan.pk: plan for plan in plans}
    if not plans:
        return {}
    ids = list(plans)
    if indicators is None:
        indicators = list(Indicator.objects.filter(plan_id__in=ids).order_by("plan_id", "order", "id"))
    targets: dict[int, dict[int, float]] = {}
    for indicator_id, year, value in (IndicatorTarget.objects.filter(indicator__plan_id__in=ids)
                                      .values_list("indicator_id", "year", "value")):
        targets.setdefault(indicator_id, {})[year] = value
    entered: dict[int, dict[int, float]] = {}
    for indicator_id, year, value in (IndicatorActual.objects.filter(indicator__plan_id__in=ids)
                                      .values_list("indicator_id", "year", "value")):
        entered.setdefault(indicator_id, {})[year] = value
    computed = [i for i in indicators if i.is_computed]
    requests = []
    for indicator in computed:
        plan = plans[indicator.plan_id]
        owner = owner_of(plan)
        requests.extend((indicator.measure, owner, year)
                        for year in _computed_years(indicator, plan, targets.get(indicator.pk, {})))
    values = compute_many(requests)
    objective_of_goal: dict[int, tuple[int, int]] = {}  # objective -> (goal, plan)
    for objective_id, goal_id, plan_id in (Objective.objects.filter(goal__plan_id__in=ids)
                                           .values_list("id", "goal_id", "goal__plan_id")):
        objective_of_goal[objective_id] = (goal_id, plan_id)

    result = {pk: PlanProgress(status=progress.NO_DATA) for pk in ids}
    for indicator in indicators:
        plan = plans[indicator.plan_id]
        its_targets = targets.get(indicator.pk, {})
        if indicator.is_computed:
            owner = owner_of(plan)
            actuals = {year: values[(indicator.measure, owner, year)]
                       for year in _computed_years(indicator, plan, its_targets)
                       if (indicator.measure, owner, year) in values}
        else:
            actuals = entered.get(indicator.pk, {})
        if indicator.baseline_year is not None:
            actuals = {y: v for y, v in actuals.items() if y > indicator.baseline_year}
        assessment = progress.assess(direction=indicator.direction, baseline_year=indicator.baseline_year,
                                     baseline_value=indicator.baseline_value, targets=its_targets, actuals=actuals)
        result[plan.pk].indicators[indicator.pk] = IndicatorProgress(indicator, its_targets, actuals, assessment)

    for pk, plan_progress in result.items():
        by_objective: dict[int, list[str]] = {}
        loose: list[str] = []
        for item in plan_progress.indicators.values():
            if item.indicator.objective_id:
                by_objective.setdefault(item.indicator.objective_id, []).append(item.status)
            else:
                loose.append(item.status)
        by_goal: dict[int, list[str]] = {}
        for objective_id, (goal_id, plan_id) in objective_of_goal.items():
            if plan_id != pk:
                continue
            status = progress.rollup(by_objective.get(objective_id, []))
            plan_progress.objectives[objective_id] = status
            by_goal.setdefault(goal_id, []).append(status)
        for goal_id, statuses in by_goal.items():
            plan_progress.goals[goal_id] = progress.rollup(statuses)
        plan_progress.status = progress.rollup([*plan_progress.goals.values(), *loose])
    return result


# ------------------------------------------------------------------------------------------ one plan
@dataclass
class ObjectiveNode:
    objective: Objective
    status: str
    indicators: list[IndicatorProgress]
    activities: list[Activity]

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


@dataclass
class GoalNode:
    goal: Goal
    status: str
    objectives: list[ObjectiveNode]

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


@dataclass
class PlanDetail:
    plan: Plan
    progress: PlanProgress
    goals: list[GoalNode]
    loose_indicators: list[IndicatorProgress]
    loose_activities: list[Activity]
    activities: list[Activity]
    overdue: list[Activity]
    mentors: list[PlanMentor]
    today: dt.date
    swot: dict[str, list[SwotItem]] = field(default_factory=dict)
    objectives: list[Objective] = field(default_factory=list)

    @property
    def indicators(self) -> list[IndicatorProgress]:
        return list(self.progress.indicators.values())

    @property
    def activity_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(Activity.Status.values, 0)
        for activity in self.activities:
            counts[activity.status] += 1
        return counts

    def chart(self) -> dict:
        return {"indicators": indicator_chart(self.indicators), "burnup": burnup(self.plan, self.activities,
                                                                                   self.today)}


def plan_detail(plan: Plan, *, today: dt.date | None = None) -> PlanDetail:
    """Everything a plan's page and API show: a fixed number of queries whatever the plan's size."""
    today = today or timezone.localdate()
    indicators = list(Indicator.objects.filter(plan=plan)
                      .order_by("objective__goal__order", "objective__goal_id", "objective__order", "objective_id",
                                "order", "id"))
    plan_progress = progress_for([plan], indicators=indicators)[plan.pk]
    goals = list(Goal.objects.filter(plan=plan).order_by("order", "id"))
    objectives = list(Objective.objects.filter(goal__plan=plan).order_by("goal_id", "order", "id"))
    activities = list(Activity.objects.filter(plan=plan).order_by("order", "deadline", "id"))
    for activity in activities:
        activity.overdue = activity.is_overdue(today)
    mentor_links = list(PlanMentor.objects.filter(plan=plan).select_related("organization", "organization__region")
                        .order_by("rank", "id"))
    indicators_by_objective: dict[int | None, list[IndicatorProgress]] = {}
    for item in plan_progress.indicators.values():
        indicators_by_objective.setdefault(item.indicator.objective_id, []).append(item)
    activities_by_objective: dict[int | None, list[Activity]] = {}
    for activity in activities:
        activities_by_objective.setdefault(activity.objective_id, []).append(activity)
    objectives_by_goal: dict[int, list[ObjectiveNode]] = {}
    for objective in objectives:
        objectives_by_goal.setdefault(objective.goal_id, []).append(ObjectiveNode(
            objective, plan_progress.objectives.get(objective.pk, progress.NO_DATA),
            indicators_by_objective.get(objective.pk, []), activities_by_objective.get(objective.pk, []),
        ))
    nodes = [GoalNode(goal, plan_progress.goals.get(goal.pk, progress.NO_DATA), objectives_by_goal.get(goal.pk, []))
             for goal in goals]
    return PlanDetail(
        plan=plan, progress=plan_progress, goals=nodes, loose_indicators=indicators_by_objective.get(None, []),
        loose_activities=activities_by_objective.get(None, []), activities=activities,
        overdue=[a for a in activities if a.overdue], mentors=mentor_links, today=today,
        swot=swot_for(plan), objectives=objectives,
    )


def swot_for(plan: Plan) -> dict[str, list[SwotItem]]:
    """The plan's SWOT items by kind (strengths, weaknesses, opportunities, threats; each kind present, maybe
    empty), with their linked objectives (two queries)."""
    result: dict[str, list[SwotItem]] = {kind: [] for kind in SwotItem.Kind.values}
    for item in SwotItem.objects.filter(plan=plan).prefetch_related("objectives").order_by("kind", "order", "id"):
        result[item.kind].append(item)
    return result


CHART_CAP = 1.5  # bars stop at 150 % of the planned change: beyond it the target is met, and the scale stays legible


def _percent(value: float | None) -> float | None:
    return round(100 * value, 1) if value is not None else None


def _capped_percent(value: float | None) -> float | None:
    return _percent(max(min(value, CHART_CAP), -CHART_CAP)) if value is not None else None


def indicator_chart(items: list[IndicatorProgress]) -> dict:
    """Per indicator: the share of the planned change achieved and the share the path expects (percent)."""
    rows = [item for item in items if item.targets]
    return {
        "labels": [item.indicator.title for item in rows],
        "actual": [_capped_percent(item.assessment.progress) for item in rows],
        "expected": [_percent(item.assessment.expected_progress) for item in rows],
        "status": [item.status for item in rows],
    }


def _month_end(year: int, month: int) -> dt.date:
    import calendar

    return dt.date(year, month, calendar.monthrange(year, month)[1])


def burnup(plan: Plan, activities: list[Activity], today: dt.date) -> dict:
    """Activities over the months of the plan: the scope (not cancelled), planned by their deadline and done."""
    counted = [a for a in activities if a.status != Activity.Status.CANCELLED]
    dates = [d for a in counted for d in (a.deadline, a.done_on) if d is not None]
    if not counted or not dates:
        return {"labels": [], "scope": [], "planned": [], "done": []}
    created = timezone.localtime(plan.created_at).date() if plan.created_at else min(dates)
    first = min([created, *dates])
    last = max([today, *dates])
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month) and len(months) < MAX_BURNUP_MONTHS:
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    labels, planned, done = [], [], []
    for year, month in months:
        end = _month_end(year, month)
        labels.append(f"{year}-{month:02d}")
        planned.append(sum(1 for a in counted if a.deadline is not None and a.deadline <= end))
        done.append(sum(1 for a in counted if a.done_on is not None and a.done_on <= end)
                    if (year, month) <= (today.year, today.month) else None)
    return {"labels": labels, "scope": [len(counted)] * len(labels), "planned": planned, "done": done}
