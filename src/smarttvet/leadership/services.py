"""Writes of the reserve selection: the only place that creates or changes its records, each in a transaction with
an audit row. Refused input raises ``SelectionError`` (a ValidationError with a ``code``) and writes nothing; a
write by someone without the right raises PermissionDenied.

Refusal codes (the API turns them into 4xx answers): ``range`` (a score above the stage maximum or negative),
``out_of_order`` (a stage the candidate has not entered: the previous one is not passed), ``own_organization``
(an assessor and a candidate of the same organisation), ``not_assigned`` (a candidate not given to this
assessor), ``closed`` (a stage closed for scoring, or a result already decided), ``invalid`` (anything else).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from smarttvet.accounts import audit
from smarttvet.leadership import access, eligibility, scoring
from smarttvet.leadership.models import (
    Appeal,
    Application,
    Appointment,
    Assessor,
    Assignment,
    Cohort,
    Programme,
    ReserveEntry,
    Score,
    Stage,
    StageResult,
)

# The five stages of "1000 leaders in education": code, names, maximum, pass mark, weight.
DEFAULT_STAGES = (
    ("testing", "Тестілеу", "Тестирование", "Testing", 100, 60, 1),
    ("training", "Оқыту", "Обучение", "Training", 100, 60, 1),
    ("internship", "Тағылымдама", "Стажировка", "Internship", 100, 60, 1),
    ("final_assessment", "Қорытынды бағалау", "Итоговая оценка", "Final assessment", 100, 65, 2),
    ("interview", "Сұхбат", "Собеседование", "Interview", 100, 65, 2),
)


class SelectionError(ValidationError):
    """Refused input; ``code`` says why (see the module docstring)."""

    def __init__(self, message, code: str = "invalid", field: str = "__all__"):
        super().__init__({field: [ValidationError(message, code=code)]})
        self.refusal = code
        self.text = str(message)


def _now():
    return timezone.now()


# ------------------------------------------------------------------------------------------------ cohorts
def default_stages(training_seats: int | None = None) -> list[dict]:
    stages = []
    for order, (code, kk, ru, en, maximum, mark, weight) in enumerate(DEFAULT_STAGES, start=1):
        stages.append({"code": code, "name_kk": kk, "name_ru": ru, "name_en": en, "order": order,
                       "max_score": maximum, "pass_mark": mark, "weight": weight,
                       "capacity": training_seats if code == "training" else None, "spread_threshold": 0.2,
                       "min_assessors": 2})
    return stages


def check_stages(stages: list[dict]) -> None:
    """SelectionError naming the stage when the configuration is unusable."""
    if not stages:
        raise SelectionError(_("A cohort needs at least one stage."), field="stages")
    orders, codes = set(), set()
    for i, stage in enumerate(sorted(stages, key=lambda s: s["order"])):
        name = stage.get("code") or f"#{i + 1}"
        try:
            maximum, mark = Decimal(str(stage["max_score"])), Decimal(str(stage["pass_mark"]))
            weight = Decimal(str(stage.get("weight", 1)))
        except (KeyError, InvalidOperation):
            raise SelectionError(_("Stage %(stage)s: the maximum score, pass mark and weight must be numbers.")
                                 % {"stage": name}, field="stages") from None
        if maximum <= 0 or mark < 0 or mark > maximum:
            raise SelectionError(_("Stage %(stage)s: the pass mark must be between 0 and the maximum score.")
                                 % {"stage": name}, field="stages")
        if weight < 0:
            raise SelectionError(_("Stage %(stage)s: the weight cannot be negative.") % {"stage": name},
                                 field="stages")
        if stage["order"] in orders or stage.get("code") in codes:
            raise SelectionError(_("Stage %(stage)s: the order and the code must be unique.") % {"stage": name},
                                 field="stages")
        if i == 0 and stage.get("capacity"):
            raise SelectionError(_("The first stage cannot have seats: everyone eligible enters it."),
                                 field="stages")
        orders.add(stage["order"])
        codes.add(stage.get("code"))
    if sum(Decimal(str(s.get("weight", 1))) for s in stages) <= 0:
        raise SelectionError(_("The stages' weights sum to zero."), field="stages")


@transaction.atomic
def cohort_create(*, actor, programme: Programme, code: str, year: int, names: dict[str, str], region=None,
                  stages: list[dict] | None = None, reserve_years: int = 3, rules: list[dict] | None = None) -> Cohort:
    access.require_manager(actor)
    stages = stages if stages is not None else default_stages()
    check_stages(stages)
    if code == "new" or Cohort.objects.filter(code=code).exists():
        raise SelectionError(_("A cohort with code %(code)s exists already.") % {"code": code}, field="code")
    cohort = Cohort(programme=programme, code=code, year=year, region=region, reserve_years=reserve_years,
                    eligibility=eligibility.validate_rules(rules if rules is not None else eligibility.load_rules()),
                    name_kk=names.get("kk", ""), name_ru=names.get("ru", ""), name_en=names.get("en", ""))
    cohort.full_clean()
    cohort.save()
    Stage.objects.bulk_create([Stage(cohort=cohort, **stage) for stage in stages])
    audit.record(actor=actor, action="create", obj=cohort, changes={"stages": [s["code"] for s in stages]})
    return cohort


@transaction.atomic
def stage_set_status(*, actor, stage: Stage, status: str) -> Stage:
    access.require_manager(actor)
    if status not in Stage.Status.values:
        raise SelectionError(_("Unknown stage status %(status)s.") % {"status": status}, field="status")
    before = audit.snapshot(stage, ["status"])
    stage.status = status
    stage.save(update_fields=["status"])
    audit.record(actor=actor, action="update", obj=stage, changes=audit.diff(before, {"status": status}))
    return stage


STAGE_ACTIONS = ("open", "close")


@transaction.atomic
def stage_transition(*, actor, stage: Stage, action: str) -> Stage:
    """Open a stage for scoring (once the previous stage has been opened: stages run in order) or close it.
    A stage already in the asked state is a conflict (``closed``); a stage before its turn is ``out_of_order``."""
    access.require_manager(actor)
    if action not in STAGE_ACTIONS:
        raise SelectionError(_("Unknown action %(action)s: open or close.") % {"action": action}, field="action")
    if action == "open":
        if stage.status == Stage.Status.OPEN:
            raise SelectionError(_("The stage %(stage)s is open already.") % {"stage": stage.name}, code="closed")
        previous = Stage.objects.filter(cohort_id=stage.cohort_id, order__lt=stage.order).order_by("-order").first()
        if previous is not None and previous.status == Stage.Status.PLANNED:
            raise SelectionError(_("Open the stage %(previous)s before the stage %(stage)s.")
                                 % {"previous": previous.name, "stage": stage.name}, code="out_of_order")
        return stage_set_status(actor=actor, stage=stage, status=Stage.Status.OPEN)
    if stage.status != Stage.Status.OPEN:
        raise SelectionError(_("The stage %(stage)s is not open: there is nothing to close.") % {"stage": stage.name},
                             code="closed")
    return stage_set_status(actor=actor, stage=stage, status=Stage.Status.CLOSED)


# ------------------------------------------------------------------------------------------------ applications
def teacher_profile(teacher) -> dict:
    """What the staff record (and the portfolio, when that app has records) says about an applicant."""
    from smarttvet.leadership import profiles

    return profiles.profile_of(teacher)


@transaction.atomic
def application_create(*, actor, cohort: Cohort, applied_on: dt.date, teacher=None, full_name: str = "",
                       person_key: str = "", region=None, organization=None, experience_years: int | None = None,
                       management_years: int = 0, category: str = "", record_date: dt.date | None = None,
                       field_codes: list[str] | None = None, preferred_kind: str = "any",
                       willing_to_move: bool = False) -> Application:
    """An application: a teacher's (their own, or entered by the committee) or an external applicant's."""
    if not access.may_manage(actor):
        own = {a.teacher_id for a in access.assignments(actor) if a.role == "teacher"}
        if teacher is None or teacher.pk not in own:
            raise PermissionDenied(_("You may apply only for yourself."))
    if cohort.status != Cohort.Status.OPEN:
        raise SelectionError(_("This cohort no longer takes applications."), code="closed")
    if teacher is not None:
        profile = teacher_profile(teacher)
        kind = Application.Kind.MANAGER if profile["management_years"] else Application.Kind.TEACHER
        values = dict(kind=kind, teacher=teacher, person_key=teacher.person_key, full_name=teacher.full_name,
                      region_id=teacher.organization.region_id, organization=teacher.organization,
                      position=teacher.get_position_display(), experience_years=profile["experience_years"],
                      management_years=profile["management_years"], category=teacher.category,
                      record_date=profile["record_date"], field_codes=field_codes or profile["field_codes"])
    else:
        values = dict(kind=Application.Kind.EXTERNAL, person_key=person_key, full_name=full_name.strip(),
                      region=region, organization=organization, experience_years=experience_years,
                      management_years=management_years, category=category, record_date=record_date,
                      field_codes=field_codes or [])
    if cohort.region_id and values.get("region_id", getattr(values.get("region"), "pk", None)) != cohort.region_id:
        raise SelectionError(_("This cohort takes applicants of its region only."), field="region")
    application = Application(cohort=cohort, applied_on=applied_on, preferred_kind=preferred_kind,
                              willing_to_move=willing_to_move, **values)
    try:
        application.full_clean()
    except ValidationError as error:
        raise SelectionError("; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())) from None
    application.save()
    audit.record(actor=actor, action="create", obj=application)
    return application


def screen_values(application: Application, as_of: dt.date) -> dict:
    return {"experience_years": application.experience_years, "management_years": application.management_years,
            "category": application.category,
            "record_age_years": eligibility.record_age_years(application.record_date, as_of)}


@transaction.atomic
def screen_cohort(*, actor, cohort: Cohort, as_of: dt.date | None = None,
                  require_pending: bool = False) -> dict[str, int]:
    """Screen every new application by the cohort's rules: the eligible enter the first stage, the others are
    refused with the reason of each failed rule. ``require_pending``: refuse (``closed``) when no application
    waits for screening."""
    access.require_manager(actor)
    if cohort.status != Cohort.Status.OPEN:
        raise SelectionError(_("The selection of this cohort is finished."), code="closed")
    as_of = as_of or timezone.localdate()
    first = cohort.stages.order_by("order").first()
    if first is None:
        raise SelectionError(_("This cohort has no stages."))
    pending = list(Application.objects.filter(cohort=cohort, status=Application.Status.APPLIED))
    if require_pending and not pending:
        raise SelectionError(_("No application of this cohort waits for screening."), code="closed")
    eligible, refused = [], []
    for application in pending:
        refusals = eligibility.screen(screen_values(application, as_of), cohort.eligibility)
        application.refusals = [r.as_dict() for r in refusals]
        application.status = Application.Status.INELIGIBLE if refusals else Application.Status.IN_SELECTION
        (refused if refusals else eligible).append(application)
    Application.objects.bulk_update(pending, ["refusals", "status"])
    StageResult.objects.bulk_create([StageResult(application=a, stage=first) for a in eligible])
    counts = {"eligible": len(eligible), "ineligible": len(refused)}
    audit.record(actor=actor, action="update", obj=cohort, target_label=f"{cohort.code}: eligibility screening",
                 changes=counts)
    return counts


# ------------------------------------------------------------------------------------------------ assessors
@transaction.atomic
def assessor_register(*, actor, user, full_name: str, organization=None) -> Assessor:
    access.require_manager(actor)
    assessor, _created = Assessor.objects.update_or_create(
        user=user, defaults={"full_name": full_name, "organization": organization})
    audit.record(actor=actor, action="create", obj=assessor,
                 changes={"organization": organization.pk if organization else None})
    return assessor


def _same_organization(assessor: Assessor, application: Application) -> bool:
    return assessor.organization_id is not None and assessor.organization_id == application.organization_id


@transaction.atomic
def assign(*, actor, stage: Stage, application: Application, assessor: Assessor) -> Assignment:
    """The committee gives ``assessor`` the candidate to score at ``stage``."""
    access.require_manager(actor)
    if application.cohort_id != stage.cohort_id:
        raise SelectionError(_("The candidate applied to another cohort."))
    if _same_organization(assessor, application):
        raise SelectionError(_("%(assessor)s works at the candidate's organisation and cannot assess them.")
                             % {"assessor": assessor.full_name}, code="own_organization")
    assignment, created = Assignment.objects.get_or_create(stage=stage, application=application, assessor=assessor)
    if created:
        audit.record(actor=actor, action="create", obj=assignment,
                     target_label=f"{assessor} → {application} ({stage.code})")
    return assignment


MAX_PER_CANDIDATE = 10


@transaction.atomic
def assign_round_robin(*, actor, stage: Stage, assessors: list[Assessor] | None = None,
                       per_candidate: int | None = None) -> dict[str, int]:
    """Give every undecided candidate of ``stage`` assessors until each has ``per_candidate`` (default: the
    stage's minimum), taking the assessors in turn, least loaded at this stage first, never one of the
    candidate's own organisation nor one already assigned. ``short``: candidates left with fewer (too few
    assessors outside their organisation)."""
    access.require_manager(actor)
    if stage.cohort.status != Cohort.Status.OPEN:
        raise SelectionError(_("The selection of this cohort is finished."), code="closed")
    pool = list(assessors) if assessors is not None else list(Assessor.objects.order_by("pk"))
    if not pool:
        raise SelectionError(_("Choose at least one assessor."), field="assessors")
    if per_candidate is None:
        per_candidate = stage.min_assessors
    try:
        per_candidate = int(per_candidate)
    except (TypeError, ValueError):
        raise SelectionError(_("The number of assessors per candidate must be a whole number."),
                             field="per_candidate") from None
    if not 1 <= per_candidate <= MAX_PER_CANDIDATE:
        raise SelectionError(_("The number of assessors per candidate must be from 1 to %(max)s.")
                             % {"max": MAX_PER_CANDIDATE}, field="per_candidate")
    pool.sort(key=lambda a: a.pk)
    results = list(StageResult.objects.filter(stage=stage).exclude(
        outcome__in=[StageResult.Outcome.PASSED, StageResult.Outcome.DROPPED])
        .select_related("application").order_by("application_id"))
    if not results:
        raise SelectionError(_("No candidate waits for assessment at the stage %(stage)s.") % {"stage": stage.name},
                             code="closed")
    existing: dict[int, set[int]] = {}
    load = {a.pk: 0 for a in pool}
    for application_id, assessor_id in Assignment.objects.filter(stage=stage).values_list("application_id",
                                                                                         "assessor_id"):
        existing.setdefault(application_id, set()).add(assessor_id)
        if assessor_id in load:
            load[assessor_id] += 1
    new, short, turn = [], 0, 0
    for result in results:
        application = result.application
        have = existing.get(application.pk, set())
        need = per_candidate - len(have)
        if need <= 0:
            continue
        order = pool[turn:] + pool[:turn]
        order.sort(key=lambda a: load[a.pk])  # stable: the turn decides among the equally loaded
        chosen = [a for a in order if a.pk not in have and not _same_organization(a, application)][:need]
        for assessor in chosen:
            new.append(Assignment(stage=stage, application=application, assessor=assessor))
            load[assessor.pk] += 1
        if len(chosen) < need:
            short += 1
        turn = (turn + 1) % len(pool)
    Assignment.objects.bulk_create(new, batch_size=1000)
    extended = {a.application_id for a in new}
    for result in results:  # a score complete before the new assessors waits for them again
        if result.application_id in extended and result.score is not None:
            result.stage = stage
            refresh_result(result)
    counts = {"assigned": len(new), "candidates": len({a.application_id for a in new}), "short": short}
    audit.record(actor=actor, action="create", obj=stage, target_label=f"{stage.cohort.code}: {stage.code} assessors",
                 changes={**counts, "per_candidate": per_candidate, "assessors": [a.pk for a in pool]})
    return counts


# ------------------------------------------------------------------------------------------------ scoring
def parse_score(raw, stage: Stage) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise SelectionError(_("The score must be a number, not %(value)s.") % {"value": raw}, code="range",
                             field="value") from None
    if not value.is_finite():
        raise SelectionError(_("The score must be a number, not %(value)s.") % {"value": raw}, code="range",
                             field="value")
    if value < 0:
        raise SelectionError(_("A score cannot be negative (%(value)s).") % {"value": value}, code="range",
                             field="value")
    if value > stage.max_score:
        raise SelectionError(_("The score %(value)s is above the maximum %(max)s of the stage %(stage)s.")
                             % {"value": value, "max": stage.max_score, "stage": stage.name}, code="range",
                             field="value")
    return value.quantize(Decimal("0.01"))


def check_scorable(assignment: Assignment, actor) -> StageResult:
    """The candidate's result at the assignment's stage, if ``actor`` may score it now; SelectionError otherwise."""
    stage, application = assignment.stage, assignment.application
    assessor = assignment.assessor
    if not access.trusted(actor):
        own = access.assessor_of(actor)
        if own is None or own.pk != assessor.pk:
            raise SelectionError(_("This candidate is not assigned to you at the stage %(stage)s.")
                                 % {"stage": stage.name}, code="not_assigned")
    if _same_organization(assessor, application):
        raise SelectionError(_("You work at the candidate's organisation: you cannot score them."),
                             code="own_organization")
    result = StageResult.objects.filter(application=application, stage=stage).first()
    if result is None:
        previous = Stage.objects.filter(cohort_id=stage.cohort_id, order__lt=stage.order).order_by("-order").first()
        if previous is None:
            raise SelectionError(_("The candidate has not passed the eligibility screening."), code="out_of_order")
        raise SelectionError(_("The candidate has not passed the stage %(previous)s: the stage %(stage)s cannot be "
                               "scored yet.") % {"previous": previous.name, "stage": stage.name}, code="out_of_order")
    if stage.status != Stage.Status.OPEN and not result.reopened:
        raise SelectionError(_("The stage %(stage)s is %(status)s: scores can no longer be given.")
                             % {"stage": stage.name, "status": stage.get_status_display().lower()}, code="closed")
    if result.is_decided:
        raise SelectionError(_("The candidate's result at this stage is already decided."), code="closed")
    return result


def refresh_result(result: StageResult) -> StageResult:
    """The result's score, spread and flag from the assessors' scores, once every assigned assessor scored
    (and at least the stage's minimum number)."""
    stage = result.stage
    values = list(Score.objects.filter(assignment__stage=stage, assignment__application_id=result.application_id)
                  .values_list("value", flat=True))
    assigned = Assignment.objects.filter(stage=stage, application_id=result.application_id).count()
    if values and len(values) == assigned and len(values) >= stage.min_assessors:
        floats = [float(v) for v in values]
        result.score = round(scoring.stage_score(floats), 2)
        result.spread = round(scoring.spread(floats), 2)
        result.flagged = scoring.is_flagged(floats, float(stage.max_score), float(stage.spread_threshold))
        result.outcome = (StageResult.Outcome.REVIEW if result.flagged and not result.review_cleared
                          else StageResult.Outcome.PENDING)
    else:
        result.score = result.spread = None
        result.flagged = False
        result.outcome = StageResult.Outcome.PENDING
    result.save(update_fields=["score", "spread", "flagged", "outcome"])
    return result


@transaction.atomic
def submit_score(*, actor, assignment: Assignment, value, comment: str = "") -> Score:
    """An assessor's score of an assigned candidate (a second submission replaces the first while the result is
    open)."""
    value = parse_score(value, assignment.stage)
    result = check_scorable(assignment, actor)
    score = Score.objects.filter(assignment=assignment).first()
    before = {"value": str(score.value) if score else None}
    if score is None:
        score = Score(assignment=assignment, value=value, comment=comment[:500])
    else:
        score.value, score.comment = value, comment[:500]
    score.save()
    result.stage = assignment.stage
    refresh_result(result)
    audit.record(actor=actor, action="update" if before["value"] else "create", obj=score,
                 target_label=f"{assignment.application} / {assignment.stage.code} / {assignment.assessor}",
                 changes=audit.diff(before, {"value": str(value)}))
    return score


@transaction.atomic
def review_clear(*, actor, result: StageResult, note: str) -> StageResult:
    """The committee looked at a flagged spread and keeps the mean (``note`` says why)."""
    access.require_manager(actor)
    if not result.flagged:
        raise SelectionError(_("This result is not flagged for review."), code="closed")
    if not note.strip():
        raise SelectionError(_("Say why the spread is acceptable."), field="note")
    result.review_cleared = True
    result.outcome = StageResult.Outcome.PENDING
    result.save(update_fields=["review_cleared", "outcome"])
    audit.record(actor=actor, action="update", obj=result, target_label=f"{result.application}: review cleared",
                 changes={"review_cleared": [False, True], "note": note.strip()[:300]})
    return result


# ------------------------------------------------------------------------------------------------ decisions
@dataclass
class DecisionPlan:
    """What deciding a stage would do now: ``ready`` results (scored, not waiting for review) and the decisions
    at the pass mark and the next stage's remaining seats; ``blocked`` says why it cannot be done yet."""

    stage: Stage
    following: Stage | None
    ready: list
    waiting: int  # undecided results without a complete score or waiting for review
    seats: int | None  # the next stage's seats still free (None: no limit)
    advance: int = 0
    drop: int = 0
    blocked: str = ""


_UNSET = object()


def decision_plan(stage: Stage, results: list | None = None, taken: int | None = None,
                  following=_UNSET) -> DecisionPlan:
    """The decisions ``decide_stage`` would write (no writes). ``results`` (the stage's undecided results),
    ``taken`` (the next stage's entrants) and ``following`` (the next stage or None) can be given when the caller
    read them already."""
    if results is None:
        results = list(StageResult.objects.filter(stage=stage).exclude(
            outcome__in=[StageResult.Outcome.PASSED, StageResult.Outcome.DROPPED]).select_related("application"))
    ready = [r for r in results if r.score is not None and r.outcome == StageResult.Outcome.PENDING]
    if following is _UNSET:
        following = Stage.objects.filter(cohort_id=stage.cohort_id, order__gt=stage.order).order_by("order").first()
    seats = following.capacity if following is not None else None
    plan = DecisionPlan(stage, following, ready, len(results) - len(ready), None)
    if seats is not None:
        if plan.waiting:
            plan.blocked = (_("%(n)s candidates still wait for scores or a review: the %(seats)s seats of the "
                              "next stage can be given only when everyone is assessed.")
                            % {"n": plan.waiting, "seats": seats})
            return plan
        if taken is None:
            taken = StageResult.objects.filter(stage=following).count()
        plan.seats = max(0, seats - taken)
    decisions = scoring.decide({r.application_id: r.score for r in ready}, float(stage.pass_mark), plan.seats)
    plan.advance = sum(1 for d in decisions if d.passed)
    plan.drop = len(decisions) - plan.advance
    return plan


@transaction.atomic
def decide_stage(*, actor, stage: Stage, at=None, require_ready: bool = False) -> dict[str, int]:
    """Pass or drop every candidate of ``stage`` whose score is complete (and not waiting for review), at the
    pass mark and the next stage's seats. With seats, every candidate must be complete first. ``require_ready``:
    refuse (``closed``) when no candidate is ready to be decided."""
    access.require_manager(actor)
    plan = decision_plan(stage)
    if plan.blocked:
        raise SelectionError(plan.blocked, code="closed")
    if require_ready and not plan.ready:
        raise SelectionError(_("No candidate of the stage %(stage)s is ready to be decided: every result is "
                               "decided, waits for scores or waits for a review.") % {"stage": stage.name},
                             code="closed")
    counts = apply_decisions(stage, plan.following, plan.ready, plan.seats, at=at or _now())
    audit.record(actor=actor, action="update", obj=stage, target_label=f"{stage.cohort.code}: {stage.code} decided",
                 changes=counts)
    return counts


def apply_decisions(stage: Stage, following: Stage | None, ready: list[StageResult], seats: int | None, *,
                    at) -> dict[str, int]:
    """Write the decisions of ``ready`` results (no checks, no audit: the callers do those)."""
    decisions = {d.key: d for d in scoring.decide({r.application_id: r.score for r in ready},
                                                    float(stage.pass_mark), seats)}
    passed, dropped, finished = [], [], []
    for result in ready:
        decision = decisions[result.application_id]
        result.outcome = StageResult.Outcome.PASSED if decision.passed else StageResult.Outcome.DROPPED
        result.reason = decision.reason
        result.decided_at = at
        application = result.application
        if decision.passed:
            passed.append(result)
            if following is None:
                application.status = Application.Status.COMPLETED
                finished.append(application)
        else:
            dropped.append(result)
            application.status = Application.Status.DROPPED
            finished.append(application)
    StageResult.objects.bulk_update(ready, ["outcome", "reason", "decided_at"], batch_size=1000)
    Application.objects.bulk_update(finished, ["status"], batch_size=1000)
    if following is not None:
        StageResult.objects.bulk_create([StageResult(application_id=r.application_id, stage=following)
                                         for r in passed], batch_size=1000, ignore_conflicts=True)
    return {"passed": len(passed), "dropped": len(dropped)}


# ------------------------------------------------------------------------------------------------ appeals
@transaction.atomic
def appeal_file(*, actor, result: StageResult, grounds: str, filed_on: dt.date | None = None) -> Appeal:
    """The candidate (or the committee for them) appeals a stage they dropped at."""
    if not access.may_manage(actor):
        own = {a.teacher_id for a in access.assignments(actor) if a.role == "teacher"}
        if result.application.teacher_id not in own:
            raise PermissionDenied(_("You may appeal only your own results."))
    if result.outcome != StageResult.Outcome.DROPPED:
        raise SelectionError(_("Only a stage the candidate dropped at can be appealed."))
    if not grounds.strip():
        raise SelectionError(_("Give the grounds of the appeal."), field="grounds")
    if result.appeals.filter(decision=Appeal.Decision.PENDING).exists():
        raise SelectionError(_("An appeal of this result is already pending."), code="closed")
    appeal = Appeal.objects.create(result=result, grounds=grounds.strip(), filed_on=filed_on or timezone.localdate())
    audit.record(actor=actor, action="create", obj=appeal, target_label=f"{result.application}: appeal")
    return appeal


@transaction.atomic
def appeal_decide(*, actor, appeal: Appeal, decision: str, note: str, on: dt.date | None = None) -> Appeal:
    """Uphold (the stage is reopened for this candidate: the assessors may score again) or reject an appeal."""
    access.require_manager(actor)
    if appeal.decision != Appeal.Decision.PENDING:
        raise SelectionError(_("This appeal is already decided."), code="closed")
    if decision not in (Appeal.Decision.UPHELD, Appeal.Decision.REJECTED):
        raise SelectionError(_("Decide upheld or rejected."), field="decision")
    if not note.strip():
        raise SelectionError(_("Give the reasons for the decision."), field="note")
    appeal.decision, appeal.decision_note, appeal.decided_on = decision, note.strip(), on or timezone.localdate()
    appeal.save()
    if decision == Appeal.Decision.UPHELD:
        result = appeal.result
        result.outcome, result.reopened, result.decided_at = StageResult.Outcome.PENDING, True, None
        result.reason = ""
        result.save(update_fields=["outcome", "reopened", "decided_at", "reason"])
        Application.objects.filter(pk=result.application_id).update(status=Application.Status.IN_SELECTION)
    audit.record(actor=actor, action="update", obj=appeal, target_label=f"{appeal.result.application}: appeal",
                 changes={"decision": [Appeal.Decision.PENDING, decision], "note": note.strip()[:300]})
    return appeal


# ------------------------------------------------------------------------------------------------ reserve
def total_scores(cohort: Cohort, application_ids=None) -> dict[int, float]:
    """The weighted total (0-100) of every candidate who passed every stage."""
    stages = {s.pk: s for s in cohort.stages.all()}
    rows = StageResult.objects.filter(stage__cohort=cohort, outcome=StageResult.Outcome.PASSED)
    if application_ids is not None:
        rows = rows.filter(application_id__in=application_ids)
    parts: dict[int, list] = {}
    for application_id, stage_id, score in rows.values_list("application_id", "stage_id", "score"):
        stage = stages[stage_id]
        parts.setdefault(application_id, []).append((score, float(stage.max_score), float(stage.weight)))
    return {key: scoring.weighted_total(value) for key, value in parts.items() if len(value) == len(stages)}


@transaction.atomic
def reserve_build(*, actor, cohort: Cohort, valid_from: dt.date, require_new: bool = False) -> int:
    """Rank the candidates who passed every stage by their weighted total and enter them in the reserve for the
    cohort's ``reserve_years``. ``require_new``: refuse (``closed``) when nobody waits to enter."""
    access.require_manager(actor)
    completed = Application.objects.filter(cohort=cohort, status=Application.Status.COMPLETED,
                                           reserve_entry__isnull=True)
    totals = total_scores(cohort, completed.values("pk"))
    if require_new and not totals:
        raise SelectionError(_("No candidate who passed every stage waits to enter the reserve."), code="closed")
    start = (ReserveEntry.objects.filter(application__cohort=cohort).aggregate(m=Max("rank"))["m"] or 0)
    ordered = sorted(totals, key=lambda key: (-totals[key], key))
    until = valid_from.replace(year=valid_from.year + cohort.reserve_years)
    entries = [ReserveEntry(application_id=key, valid_from=valid_from, valid_until=until,
                            total_score=round(totals[key], 2), rank=start + i + 1) for i, key in enumerate(ordered)]
    ReserveEntry.objects.bulk_create(entries)
    applications = [Application(pk=e.application_id, total_score=e.total_score, rank=e.rank) for e in entries]
    Application.objects.bulk_update(applications, ["total_score", "rank"], batch_size=1000)
    audit.record(actor=actor, action="create", obj=cohort, target_label=f"{cohort.code}: reserve",
                 changes={"entered": len(entries), "valid_until": until.isoformat()})
    return len(entries)


@transaction.atomic
def appoint(*, actor, entry: ReserveEntry, organization, position: str, appointed_on: dt.date,
            route: str) -> Appointment:
    access.require_manager(actor)
    if entry.status not in (ReserveEntry.Status.ACTIVE, ReserveEntry.Status.APPOINTED):
        raise SelectionError(_("This reserve entry is %(status)s.") % {"status": entry.get_status_display()},
                             code="closed")
    if not entry.valid_from <= appointed_on <= entry.valid_until:
        raise SelectionError(_("The reserve entry is valid from %(start)s to %(end)s only.")
                             % {"start": entry.valid_from, "end": entry.valid_until}, field="appointed_on")
    if position not in Appointment.Position.values:
        raise SelectionError(_("Choose the position: director or deputy director."), field="position")
    if route not in Appointment.Route.values:
        raise SelectionError(_("Say whether the appointment was by competition or outside it."), field="route")
    appointment = Appointment.objects.create(entry=entry, organization=organization, position=position,
                                             appointed_on=appointed_on, route=route)
    entry.status = ReserveEntry.Status.APPOINTED
    entry.save(update_fields=["status"])
    audit.record(actor=actor, action="create", obj=appointment)
    return appointment
