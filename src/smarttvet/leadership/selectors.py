"""Reads of the reserve selection, always scoped (``leadership.access``). Every function runs a fixed number of
queries whatever the number of candidates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from smarttvet.leadership import access, matching
from smarttvet.leadership.models import (
    Application,
    Appointment,
    Assignment,
    Cohort,
    ReserveEntry,
    Stage,
    StageResult,
)


# ------------------------------------------------------------------------------------------------ cohorts
def cohort_list() -> QuerySet[Cohort]:
    """Cohorts and their stages are public (their candidates are not)."""
    return Cohort.objects.select_related("programme", "region").annotate(n_applications=Count("applications"))


def cohort_get(code: str) -> Cohort:
    cohort = Cohort.objects.select_related("programme", "region").filter(code=code).first()
    if cohort is None:
        raise Http404("No such cohort.")
    return cohort


# ------------------------------------------------------------------------------------------------ funnel
@dataclass
class FunnelRow:
    order: int
    code: str
    name: str
    entered: int
    passed: int
    dropped: int
    pending: int

    @property
    def pass_rate(self) -> float | None:
        decided = self.passed + self.dropped
        return 100.0 * self.passed / decided if decided else None


@dataclass
class Funnel:
    cohort: Cohort
    rows: list[FunnelRow]

    @property
    def stage_rows(self) -> list[FunnelRow]:
        return self.rows[1:]

    def chart(self) -> dict:
        """An ECharts funnel: applications, then the candidates entering each stage."""
        data = [{"name": row.name, "value": row.entered} for row in self.rows]
        return {
            "tooltip": {"trigger": "item", "renderMode": "richText", "formatter": "{b}: {c}"},
            "series": [{"type": "funnel", "sort": "none", "left": "10%", "width": "80%", "minSize": "8%",
                        "label": {"show": True, "position": "inside", "formatter": "{b}: {c}"}, "data": data}],
        }


def funnel(cohort: Cohort, *, region=None, user=None) -> Funnel:
    """Counts per stage (and per region): the applications, then for each stage the candidates who entered it,
    passed, dropped or are still being assessed. ``user`` narrows to what they may see (None: everything)."""
    from django.utils.translation import gettext as _

    applications = Application.objects.filter(cohort=cohort)
    results = StageResult.objects.filter(stage__cohort=cohort)
    if region is not None:
        applications = applications.filter(region=region)
        results = results.filter(application__region=region)
    if user is not None:
        applications = access.visible_applications(user, applications)
        results = access.visible_related(user, results, "application__")
    counts = applications.aggregate(total=Count("pk"), ineligible=Count("pk", filter=Q(status="ineligible")),
                                    waiting=Count("pk", filter=Q(status="applied")))
    applied = FunnelRow(0, "applications", _("Applications"), counts["total"],
                        counts["total"] - counts["ineligible"] - counts["waiting"], counts["ineligible"],
                        counts["waiting"])
    by_stage = {row["stage_id"]: row for row in results.values("stage_id").annotate(
        entered=Count("pk"), passed=Count("pk", filter=Q(outcome="passed")),
        dropped=Count("pk", filter=Q(outcome="dropped")))}
    rows = [applied]
    for stage in cohort.stages.order_by("order"):
        row = by_stage.get(stage.pk, {"entered": 0, "passed": 0, "dropped": 0})
        rows.append(FunnelRow(stage.order, stage.code, stage.name, row["entered"], row["passed"], row["dropped"],
                              row["entered"] - row["passed"] - row["dropped"]))
    return Funnel(cohort=cohort, rows=rows)


def funnel_by_region(cohort: Cohort, *, user=None) -> list[dict]:
    """One row per region: applications, eligible, and the candidates entering each stage (2 queries + regions)."""
    from smarttvet.registry.models import Region

    applications = Application.objects.filter(cohort=cohort)
    results = StageResult.objects.filter(stage__cohort=cohort)
    if user is not None:
        applications = access.visible_applications(user, applications)
        results = access.visible_related(user, results, "application__")
    stages = list(cohort.stages.order_by("order"))
    table: dict[int, dict] = {}
    for row in applications.values("region_id").annotate(
            applied=Count("pk"), eligible=Count("pk", filter=~Q(status__in=["ineligible", "applied"]))):
        table[row["region_id"]] = {"applied": row["applied"], "eligible": row["eligible"],
                                   "stages": [0] * len(stages)}
    index = {s.pk: i for i, s in enumerate(stages)}
    for row in results.values("application__region_id", "stage_id").annotate(n=Count("pk")):
        entry = table.setdefault(row["application__region_id"],
                                 {"applied": 0, "eligible": 0, "stages": [0] * len(stages)})
        entry["stages"][index[row["stage_id"]]] = row["n"]
    regions = {r.pk: r for r in Region.objects.filter(pk__in=list(table))}
    rows = []
    for region_id, entry in table.items():
        region = regions[region_id]
        last = entry["stages"][-1] if entry["stages"] else 0
        rows.append({"region": region, **entry,
                     "share": 100.0 * last / entry["applied"] if entry["applied"] else None})
    rows.sort(key=lambda r: r["region"].kato)
    return rows


# ------------------------------------------------------------------------------------------------ candidates
@dataclass
class CandidateFilters:
    status: str = ""
    region_id: int | None = None
    stage: str = ""  # candidates who entered this stage (its code)
    flagged: bool = False
    q: str = ""


def candidate_list(user, cohort: Cohort, filters: CandidateFilters | None = None) -> QuerySet[Application]:
    filters = filters or CandidateFilters()
    qs = access.visible_applications(user, Application.objects.filter(cohort=cohort))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.region_id:
        qs = qs.filter(region_id=filters.region_id)
    if filters.stage:
        qs = qs.filter(results__stage__code=filters.stage)
    if filters.flagged:
        qs = qs.filter(results__outcome=StageResult.Outcome.REVIEW)
    if filters.q.strip():
        qs = qs.filter(full_name__icontains=filters.q.strip())
    return qs.select_related("region", "organization").annotate(
        reached=Count("results", distinct=True)).order_by("rank", "full_name", "id")


def candidate_get(user, pk: int) -> Application:
    found = access.visible_applications(user, Application.objects.filter(pk=pk)).select_related(
        "cohort", "region", "organization", "teacher").first()
    if found is None:
        raise Http404("No such candidate.")
    return found


@dataclass
class CandidateView:
    application: Application
    stages: list[dict]  # per stage: stage, result, assignments (those the user may see, with scores)
    appeals: list
    reserve: ReserveEntry | None
    sees_all_scores: bool
    assessor_only: bool = False  # an assessor who sees the candidate only through their assignments


def candidate_detail(user, application: Application) -> CandidateView:
    """The candidate's progress: per stage the result and the scores the user may see (the committee all of
    them; an assessor only their own; the candidate and the region none, only the stage results)."""
    stages = list(application.cohort.stages.order_by("order"))
    results = {r.stage_id: r for r in StageResult.objects.filter(application=application)
               .prefetch_related("appeals")}
    assignments = Assignment.objects.filter(application=application).select_related("assessor", "score")
    everything = access.sees_everything(user)
    if not everything:
        mine = access.assessor_of(user)
        assignments = assignments.filter(assessor=mine) if mine is not None else assignments.none()
    by_stage: dict[int, list] = {}
    for assignment in assignments:
        by_stage.setdefault(assignment.stage_id, []).append(assignment)
    rows = [{"stage": s, "result": results.get(s.pk), "assignments": by_stage.get(s.pk, [])} for s in stages]
    assessor_only = not everything and limited_to_assignments(user, application)
    if assessor_only:  # only the stages they score, with their own score: no means, outcomes or appeals
        rows = [dict(row, result=None) for row in rows if row["assignments"]]
        return CandidateView(application, rows, [], None, False, True)
    appeals = [a for r in results.values() for a in r.appeals.all()]
    reserve = ReserveEntry.objects.filter(application=application).first()
    return CandidateView(application, rows, appeals, reserve, everything)


def limited_to_assignments(user, application: Application | None = None) -> bool:
    """Whether ``user`` sees ``application`` (or, without one, candidates at all) only as its assessor: not the
    committee or the ministry, not the candidate's region, not the candidate."""
    if access.sees_everything(user):
        return False
    roles = access.role_set(user)
    if "assessor" not in roles:
        return False
    if application is None:
        return not (roles & {"region", "teacher"})
    for assignment in access.assignments(user):
        if assignment.role == "region" and assignment.region_id == application.region_id:
            return False
        if assignment.role == "teacher" and application.teacher_id and assignment.teacher_id == application.teacher_id:
            return False
    return True


def assignments_for(user, cohort: Cohort | None = None) -> QuerySet[Assignment]:
    """The assessor's own assignments (the committee: all), with the candidate and the score."""
    qs = Assignment.objects.select_related("stage", "stage__cohort", "application", "application__region",
                                           "assessor", "score")
    if cohort is not None:
        qs = qs.filter(stage__cohort=cohort)
    if access.sees_everything(user):
        return qs
    mine = access.assessor_of(user)
    return qs.filter(assessor=mine) if mine is not None else qs.none()


def review_queue(cohort: Cohort) -> QuerySet[StageResult]:
    return StageResult.objects.filter(stage__cohort=cohort, outcome=StageResult.Outcome.REVIEW).select_related(
        "stage", "application", "application__region")


def appeal_queue(cohort: Cohort) -> QuerySet:
    """The cohort's pending appeals (committee only: the callers check)."""
    from smarttvet.leadership.models import Appeal

    return Appeal.objects.filter(result__stage__cohort=cohort, decision=Appeal.Decision.PENDING).select_related(
        "result", "result__stage", "result__application", "result__application__region").order_by("filed_on", "pk")


# ------------------------------------------------------------------------------------------------ management
@dataclass
class StageSummary:
    stage: Stage
    entered: int
    plan: object  # services.DecisionPlan


@dataclass
class CohortSummary:
    cohort: Cohort
    stages: list[StageSummary]
    to_screen: int  # applications waiting for the eligibility screening
    to_reserve: int  # candidates who passed every stage and are not in the reserve yet
    reviews: int
    appeals: int


def cohort_summary(cohort: Cohort) -> CohortSummary:
    """What the committee's actions would do now, for every stage (a fixed number of queries: the undecided
    results of the cohort are read once)."""
    from smarttvet.leadership import services
    from smarttvet.leadership.models import Appeal

    stages = list(cohort.stages.order_by("order"))
    entered = dict(StageResult.objects.filter(stage__cohort=cohort).values("stage_id").annotate(n=Count("pk"))
                   .values_list("stage_id", "n"))
    undecided: dict[int, list] = {s.pk: [] for s in stages}
    for result in StageResult.objects.filter(stage__cohort=cohort).exclude(outcome__in=["passed", "dropped"]).only(
            "pk", "stage_id", "application_id", "score", "outcome"):
        undecided[result.stage_id].append(result)
    rows = []
    for i, stage in enumerate(stages):
        following = stages[i + 1] if i + 1 < len(stages) else None
        plan = services.decision_plan(stage, undecided[stage.pk], entered.get(following.pk, 0) if following else 0,
                                      following=following)
        rows.append(StageSummary(stage, entered.get(stage.pk, 0), plan))
    counts = Application.objects.filter(cohort=cohort).aggregate(
        to_screen=Count("pk", filter=Q(status=Application.Status.APPLIED)),
        to_reserve=Count("pk", filter=Q(status=Application.Status.COMPLETED, reserve_entry__isnull=True)))
    return CohortSummary(
        cohort, rows, counts["to_screen"], counts["to_reserve"],
        StageResult.objects.filter(stage__cohort=cohort, outcome=StageResult.Outcome.REVIEW).count(),
        Appeal.objects.filter(result__stage__cohort=cohort, decision=Appeal.Decision.PENDING).count())


@dataclass
class RankedRow:
    place: int
    application: Application
    total: float
    entry: ReserveEntry | None


def ranked_list(cohort: Cohort) -> list[RankedRow]:
    """The final ranked list: the candidates who passed every stage by their weighted total (the reserve's rank
    once it is built; ties: the earlier application). Three queries."""
    from smarttvet.leadership import services

    base = Application.objects.filter(cohort=cohort, status=Application.Status.COMPLETED)
    completed = list(base.select_related("region", "reserve_entry"))
    totals = services.total_scores(cohort, base.values("pk"))
    rows = []
    ordered = sorted((a for a in completed if a.pk in totals), key=lambda a: (-totals[a.pk], a.pk))
    for place, application in enumerate(ordered, start=1):
        entry = getattr(application, "reserve_entry", None)
        rows.append(RankedRow(place, application, round(totals[application.pk], 2), entry))
    return rows


# ------------------------------------------------------------------------------------------------ reserve
def reserve_list(user, *, cohort: Cohort | None = None, status: str = "") -> QuerySet[ReserveEntry]:
    qs = ReserveEntry.objects.select_related("application", "application__cohort", "application__region")
    if cohort is not None:
        qs = qs.filter(application__cohort=cohort)
    if status:
        qs = qs.filter(status=status)
    return access.visible_related(user, qs, "application__").order_by("application__cohort__year", "rank")


def appointment_list(user) -> QuerySet[Appointment]:
    qs = Appointment.objects.select_related("entry", "entry__application", "entry__application__cohort",
                                            "organization", "organization__region")
    return access.visible_related(user, qs, "entry__application__")


@dataclass
class Outcome:
    before: object | None  # RatingResult of the latest published year before the appointment
    after: object | None  # RatingResult of the latest published year after it

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None or self.before.score is None or self.after.score is None:
            return None
        return self.after.score - self.before.score


def outcomes(appointments: list[Appointment]) -> dict[int, Outcome]:
    """For each appointment, the rating of the organisation in the last published year before the appointment
    and in the latest published year from the appointment's year on (one query)."""
    from smarttvet.rating.models import RatingResult, RatingRun

    org_ids = {a.organization_id for a in appointments}
    results: dict[int, dict[int, object]] = {}
    rows = (RatingResult.objects.filter(organization_id__in=org_ids, run__status=RatingRun.Status.PUBLISHED)
            .select_related("run").order_by("run__year", "run__published_at", "run_id"))
    for row in rows:
        results.setdefault(row.organization_id, {})[row.run.year] = row  # later publications replace
    found = {}
    for appointment in appointments:
        years = results.get(appointment.organization_id, {})
        year = appointment.appointed_on.year
        before = [y for y in years if y < year]
        after = [y for y in years if y > year]
        found[appointment.pk] = Outcome(years[max(before)] if before else None, years[max(after)] if after else None)
    return found


# ------------------------------------------------------------------------------------------------ matching
def vacancy_for(organization, on: dt.date | None = None) -> matching.Vacancy:
    codes = frozenset(organization.offers.values_list("specialty__field__code", flat=True))
    return matching.Vacancy(region_id=organization.region_id, organization_kind=organization.kind,
                            field_codes=codes, on=on or timezone.localdate())


def match_vacancy(user, organization, *, on: dt.date | None = None, limit: int = 50) -> list[matching.Match]:
    """Reserve members ranked by fit for a vacancy at ``organization`` (scoped to the members the user may see)."""
    vacancy = vacancy_for(organization, on)
    entries = reserve_list(user, status=ReserveEntry.Status.ACTIVE).prefetch_related(
        Prefetch("application", queryset=Application.objects.select_related("region")))
    members = []
    by_id = {}
    for entry in entries:
        app = entry.application
        members.append(matching.Member(id=entry.pk, region_id=app.region_id, willing_to_move=app.willing_to_move,
                                       preferred_kind=app.preferred_kind, field_codes=frozenset(app.field_codes),
                                       total_score=entry.total_score, valid_until=entry.valid_until))
        by_id[entry.pk] = entry
    ranked = matching.rank(vacancy, members, limit)
    for match in ranked:
        match.entry = by_id[match.member.id]
    return ranked


def stage_of(cohort: Cohort, code: str) -> Stage | None:
    return cohort.stages.filter(code=code).first()
