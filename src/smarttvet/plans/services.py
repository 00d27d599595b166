"""Writes of the plans app: each in one transaction, checking the actor's write scope, with its audit rows.

* ``support_plans_create(monitoring_list, actor)``: one targeted support plan per entry of a gradebook monitoring
  list that has none yet (running it again creates only the missing ones), from the template
  (``data/support_plan_template.yaml``), with mentor suggestions (``plans.mentors``);
* ``activity_status_update``: an activity's status (and evidence), by the plan's region, the ministry or the
  organisation itself;
* ``indicator_actual_set``: an entered indicator's actual value of a year, with its evidence;
* ``plan_status_set``: draft → active → completed (or archived), with the approval fields;
* ``swot_item_create`` / ``swot_item_delete``: the environment analysis of an organisation's plan;
* ``goal_*``, ``objective_*``, ``indicator_*`` (with its targets), ``activity_*`` ``create/update/delete``: the
  structure of a plan, by whoever may change it;
* ``draft_plan_from_rating``: a draft development plan of an organisation from its weak pillars in the latest
  published rating and the labour-market recommendations for its region, with its SWOT prefilled.

Bad input raises ``django.core.exceptions.ValidationError`` keyed by the argument's name; a write outside the
actor's scope raises ``PermissionDenied``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from smarttvet.accounts import audit
from smarttvet.accounts.scoping import can_write
from smarttvet.core.i18n import LANGUAGE_CODES
from smarttvet.plans import access, mentors, support_template
from smarttvet.plans.measures import ORGANIZATION, REGION, Owner, compute_many
from smarttvet.plans.models import (
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

DEFAULT_DEADLINE_MONTHS = 9
MAX_DEADLINE_MONTHS = 36
EVIDENCE_MAX = 4000


def _actor_user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _whole(name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool):
        raise _invalid(name, f"{value!r} is not a whole number")
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise _invalid(name, f"{value!r} is not a whole number") from None
    if not low <= number <= high:
        raise _invalid(name, f"{number} is outside {low}-{high}")
    return number


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# ------------------------------------------------------------------------------------------ support plans
def _texts(prefix: str, texts: dict[str, str], **values) -> dict[str, str]:
    return {f"{prefix}_{code}": texts[code].format(**values) if values else texts[code] for code in LANGUAGE_CODES}


def _target(rule: dict[str, float], baseline: float | None, region_mean: float | None, decimals: int) -> float | None:
    if "value" in rule:
        return rule["value"]
    if baseline is None:
        return None
    if "increase" in rule:
        target = baseline + rule["increase"]
    else:
        reference = region_mean if region_mean is not None else baseline
        target = baseline + rule["gap_to_region_mean"] * max(reference - baseline, 0.0)
        target = max(target, baseline + rule.get("minimum_increase", 0.0))
    if "maximum" in rule:
        target = min(target, rule["maximum"])
    return round(target, decimals)


def support_plans_create(monitoring_list, actor, *, deadline_months: Any = DEFAULT_DEADLINE_MONTHS,
                         start: dt.date | None = None, template: support_template.SupportTemplate | None = None,
                         ) -> list[Plan]:
    """Make the missing support plans of ``monitoring_list``; returns the plans made (by rank on the list).

    A list of year Y (the school year ending in Y) gives plans for year Y + 1: each computed indicator's
    baseline is year Y (the composite: the organisation's raw measure on the list), its target year Y + 1, and
    the measure of Y + 1, once stored, is the plan's actual. Activity deadlines are the template's months after
    ``start`` (default today), never later than ``deadline_months``. Up to three mentors are suggested per
    plan (``plans.mentors``). One audit row per plan. Entries that already have a plan are left alone.
    """
    from smarttvet.gradebook.models import MonitoringEntry, MonitoringList

    access.require_support_plans_creatable(actor, monitoring_list)
    deadline_months = _whole("deadline_months", deadline_months, 1, MAX_DEADLINE_MONTHS)
    start = start or timezone.localdate()
    template = template or support_template.load()
    with transaction.atomic():
        locked = MonitoringList.objects.select_for_update().get(pk=monitoring_list.pk)
        year = locked.year
        entries = list(MonitoringEntry.objects.filter(monitoring_list=locked, support_plan__isnull=True)
                       .select_related("organization").order_by("rank", "id"))
        if not entries:
            return []
        on_list = set(MonitoringEntry.objects.filter(monitoring_list=locked).values_list("organization_id", flat=True))
        indicator_templates = [i for g in template.goals for o in g.objectives for i in o.indicators]
        requests = []
        for entry in entries:
            for it in indicator_templates:
                if it.baseline == "measure":
                    requests.append((it.measure, Owner(ORGANIZATION, entry.organization_id), year))
                if "gap_to_region_mean" in it.target:
                    requests.append((it.measure, Owner(REGION, entry.organization.region_id), year))
        measured = compute_many(requests)
        pools: dict[tuple[str, ...], mentors.Pool] = {}
        school_year = f"{year}–{year + 1}"
        user = _actor_user(actor)

        plans = []
        for entry in entries:
            organization = entry.organization
            names = {"kk": organization.name_kk, "ru": organization.name_ru, "en": organization.name_en}
            plans.append(Plan(
                code=f"support-{year}-{locked.pk}-{organization.bin}", level=Plan.Level.SUPPORT,
                organization=organization, region_id=organization.region_id, start_year=year + 1,
                end_year=year + 1, status=Plan.Status.ACTIVE, monitoring_entry=entry, created_by=user,
                **{f"title_{code}": template.title[code].format(organization=names[code], school_year=school_year)
                   for code in LANGUAGE_CODES},
            ))
        Plan.objects.bulk_create(plans)

        goals, objectives, indicators, targets, activities, links = [], [], [], [], [], []
        indicator_targets = []  # (indicator, target value) in the order of ``indicators``
        for plan, entry in zip(plans, entries, strict=True):
            organization = entry.organization
            for g, gt in enumerate(template.goals, start=1):
                goal = Goal(plan=plan, order=g, code=gt.code, **_texts("title", gt.title))
                goals.append(goal)
                for o, ot in enumerate(gt.objectives, start=1):
                    objective = Objective(goal=goal, order=o, code=ot.code, **_texts("title", ot.title))
                    objectives.append((objective, ot))
        Goal.objects.bulk_create(goals)
        for objective, _ot in objectives:
            objective.goal_id = objective.goal.pk
        Objective.objects.bulk_create([objective for objective, _ot in objectives])

        by_plan = {plan.pk: (plan, entry) for plan, entry in zip(plans, entries, strict=True)}
        for objective, ot in objectives:
            plan, entry = by_plan[objective.goal.plan_id]
            organization = entry.organization
            for i, it in enumerate(ot.indicators, start=1):
                if it.baseline == "monitoring":
                    baseline = entry.raw_measure
                elif it.baseline == "measure":
                    baseline = measured.get((it.measure, Owner(ORGANIZATION, organization.pk), year))
                else:
                    baseline = it.baseline
                region_mean = measured.get((it.measure, Owner(REGION, organization.region_id), year))
                indicator = Indicator(
                    plan=plan, objective=objective, order=i, code=it.code, direction=it.direction,
                    decimals=it.decimals, baseline_year=year, baseline_value=baseline,
                    source=Indicator.Source.COMPUTED if it.measure else Indicator.Source.ENTERED,
                    measure=it.measure, **_texts("title", it.title), **_texts("unit", it.unit),
                )
                indicators.append(indicator)
                indicator_targets.append(_target(it.target, baseline, region_mean, it.decimals))
            for a, at in enumerate(ot.activities, start=1):
                activities.append(Activity(
                    plan=plan, objective=objective, order=objective.goal.order * 100 + a, kind=at.kind,
                    deadline=add_months(start, min(at.month, deadline_months)),
                    **_texts("title", at.title), **_texts("responsible", at.responsible),
                ))
        Indicator.objects.bulk_create(indicators)
        for indicator, value in zip(indicators, indicator_targets, strict=True):
            if value is not None and not (isinstance(value, float) and math.isnan(value)):
                targets.append(IndicatorTarget(indicator=indicator, year=year + 1, value=value))
        IndicatorTarget.objects.bulk_create(targets)
        Activity.objects.bulk_create(activities)

        suggestions: dict[int, list[mentors.Suggestion]] = {}
        for plan, entry in zip(plans, entries, strict=True):
            organization = entry.organization
            kinds = mentors.kind_group(organization.kind)
            if kinds not in pools:
                pools[kinds] = mentors.Pool(mentors.candidate_pool(organization.kind, year))
            suggestions[plan.pk] = pools[kinds].suggest(
                organization.pk, organization.region_id, organization.latitude, organization.longitude,
                exclude=on_list,
            )
            links.extend(PlanMentor(plan=plan, organization_id=s.organization_id, rank=s.rank, reason=s.reason,
                                    league=s.league, measure_value=s.value, basis=s.basis, distance_km=s.distance_km)
                         for s in suggestions[plan.pk])
        PlanMentor.objects.bulk_create(links)

        counts = {"goals": len(template.goals),
                  "indicators": len(indicator_templates),
                  "activities": sum(len(o.activities) for g in template.goals for o in g.objectives)}
        for plan, entry in zip(plans, entries, strict=True):
            audit.record(actor=actor, action="create", obj=plan, changes={
                "level": plan.level, "monitoring_list": locked.pk, "monitoring_entry": entry.pk, "year": year,
                "organization": entry.organization_id, "template_version": template.version,
                "deadline_months": deadline_months, **counts,
                "mentors": [{"organization": s.organization_id, "reason": s.reason, "distance_km": s.distance_km}
                            for s in suggestions[plan.pk]],
            })
    return plans


# ------------------------------------------------------------------------------------------ activities
def activity_status_update(*, actor, activity: Activity, status: Any, evidence: Any = None,
                           today: dt.date | None = None) -> Activity:
    """Set an activity's status (and, if given, its evidence). Done records the day it was done; leaving done
    clears it. Refused (PermissionDenied) outside the actor's write scope or on a completed or archived plan;
    an unknown status or too long evidence raise ValidationError and nothing is written. An update that
    changes nothing writes nothing."""
    access.require_activity_writable(actor, activity)
    errors: dict[str, list[str]] = {}
    if not isinstance(status, str) or status not in Activity.Status.values:
        errors["status"] = [_("%(value)s is not a status; use one of: %(choices)s.")
                            % {"value": repr(status), "choices": ", ".join(Activity.Status.values)}]
    if evidence is not None:
        if not isinstance(evidence, str):
            errors["evidence"] = [_("The evidence must be text.")]
        elif len(evidence) > EVIDENCE_MAX:
            errors["evidence"] = [_("The evidence is longer than %(n)s characters.") % {"n": EVIDENCE_MAX}]
    if errors:
        raise ValidationError(errors)
    today = today or timezone.localdate()
    fields = ["status", "done_on", "evidence"]
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        locked.plan = Plan.objects.get(pk=locked.plan_id)
        access.require_activity_writable(actor, locked)  # the plan may have closed meanwhile
        before = audit.snapshot(locked, fields)
        locked.status = status
        if status == Activity.Status.DONE:
            locked.done_on = locked.done_on or today
        else:
            locked.done_on = None
        if evidence is not None:
            locked.evidence = evidence.strip()
        changes = audit.diff(before, audit.snapshot(locked, fields))
        if changes:
            locked.save(update_fields=[*changes, "updated_at"])
            audit.record(actor=actor, action="update", obj=locked, changes=changes)
    return locked


# ------------------------------------------------------------------------------------------ indicators
def indicator_actual_set(*, actor, indicator: Indicator, year: Any, value: Any, evidence: str = "") -> IndicatorActual:
    """Enter (or change) an entered indicator's actual of ``year``; computed indicators refuse (their actual is
    their measure's). The same writers as activities."""
    if indicator.plan.is_closed:
        raise PermissionDenied(_("This plan is %(status)s: it no longer changes.")
                               % {"status": indicator.plan.get_status_display().lower()})
    if not (isinstance(actor, str) or getattr(actor, "is_superuser", False) or can_write(actor, indicator)):
        raise PermissionDenied(_("You may not change this indicator."))
    if indicator.is_computed:
        raise _invalid("value", _("This indicator is computed from the platform's data; its actual is not entered."))
    year = _whole("year", year, 2000, 2100)
    if isinstance(value, bool):
        raise _invalid("value", f"{value!r} is not a number")
    try:
        number = float(str(value).strip().replace(",", "."))
    except (TypeError, ValueError):
        raise _invalid("value", f"{value!r} is not a number") from None
    if not math.isfinite(number):
        raise _invalid("value", f"{value!r} is not a finite number")
    if len(evidence or "") > EVIDENCE_MAX:
        raise _invalid("evidence", _("The evidence is longer than %(n)s characters.") % {"n": EVIDENCE_MAX})
    with transaction.atomic():
        actual = IndicatorActual.objects.select_for_update().filter(indicator=indicator, year=year).first()
        created = actual is None
        if created:
            actual = IndicatorActual(indicator=indicator, year=year, value=number)
        before = audit.snapshot(actual, ["value", "evidence"]) if not created else {}
        actual.value, actual.evidence, actual.entered_by = number, (evidence or "").strip(), _actor_user(actor)
        changes = audit.diff(before, audit.snapshot(actual, ["value", "evidence"]))
        if created or changes:
            actual.save()
            audit.record(actor=actor, action="create" if created else "update", obj=actual,
                         target_label=f"{indicator.title} {year}", changes={"year": year, **changes})
    return actual


# ------------------------------------------------------------------------------------------ plan status
TRANSITIONS = {
    Plan.Status.DRAFT: (Plan.Status.ACTIVE, Plan.Status.ARCHIVED),
    Plan.Status.ACTIVE: (Plan.Status.COMPLETED, Plan.Status.ARCHIVED),
}
APPROVAL_BODY_MAX = 300


def _date(name: str, value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise _invalid(name, _("%(value)s is not a date (YYYY-MM-DD).") % {"value": repr(value)}) from None


def plan_status_set(*, actor, plan: Plan, status: Any, approval_body: Any = None, approved_on: Any = None,
                    board_agreed: Any = None, board_agreed_on: Any = None) -> Plan:
    """Move a plan along draft → active → completed (draft or active may also be archived), with the approval
    fields. Activating an organisation's development plan needs its approval body and date. Whoever may
    change the plan (``access.may_edit_plan``); a completed or archived plan no longer changes."""
    access.require_plan_editable(actor, plan)
    allowed = TRANSITIONS.get(plan.status, ())
    if not isinstance(status, str) or status not in allowed:
        raise _invalid("status", _("A %(current)s plan can become: %(choices)s.")
                       % {"current": plan.get_status_display().lower(), "choices": ", ".join(allowed) or "-"})
    body = plan.approval_body if approval_body is None else str(approval_body).strip()
    if len(body) > APPROVAL_BODY_MAX:
        raise _invalid("approval_body", _("At most %(n)s characters.") % {"n": APPROVAL_BODY_MAX})
    approved = plan.approved_on if approved_on is None else _date("approved_on", approved_on)
    agreed = plan.board_agreed if board_agreed is None else bool(board_agreed)
    agreed_on = plan.board_agreed_on if board_agreed_on is None else _date("board_agreed_on", board_agreed_on)
    if (agreed or agreed_on) and plan.level != Plan.Level.ORGANIZATION:
        raise _invalid("board_agreed", _("Only an organisation's development plan is agreed with its board."))
    if agreed_on and not agreed:
        agreed = True
    if status == Plan.Status.ACTIVE and plan.level == Plan.Level.ORGANIZATION and not (body and approved):
        raise _invalid("approved_on", _("An organisation's development plan is activated once approved: give the "
                                        "approval body and date."))
    fields = ["status", "approval_body", "approved_on", "board_agreed", "board_agreed_on"]
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        if locked.status != plan.status:
            raise PermissionDenied(_("The plan changed meanwhile; reload it."))
        before = audit.snapshot(locked, fields)
        locked.status, locked.approval_body, locked.approved_on = status, body, approved
        locked.board_agreed, locked.board_agreed_on = agreed, agreed_on
        changes = audit.diff(before, audit.snapshot(locked, fields))
        locked.save(update_fields=[*changes, "updated_at"])
        audit.record(actor=actor, action="update", obj=locked, changes=changes)
    return locked


# ------------------------------------------------------------------------------------------ SWOT
SWOT_TEXT_MAX = 1000


def swot_item_create(*, actor, plan: Plan, kind: Any, text: Any, objectives: Any = (),
                     language: str | None = None) -> SwotItem:
    """Add a SWOT item to an organisation's development plan, in ``language`` (default: the active one),
    optionally linked to objectives of the same plan."""
    from django.utils.translation import get_language

    access.require_plan_editable(actor, plan)
    errors: dict[str, list[str]] = {}
    if plan.level != Plan.Level.ORGANIZATION:
        errors["plan"] = [_("Only an organisation's development plan has an environment analysis.")]
    if not isinstance(kind, str) or kind not in SwotItem.Kind.values:
        errors["kind"] = [_("%(value)s is not a kind; use one of: %(choices)s.")
                          % {"value": repr(kind), "choices": ", ".join(SwotItem.Kind.values)}]
    text = text.strip() if isinstance(text, str) else ""
    if not text:
        errors["text"] = [_("Write the item's text.")]
    elif len(text) > SWOT_TEXT_MAX:
        errors["text"] = [_("At most %(n)s characters.") % {"n": SWOT_TEXT_MAX}]
    ids = []
    for value in objectives or ():
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            errors["objectives"] = [_("%(value)s is not an objective.") % {"value": repr(value)}]
    found = set(Objective.objects.filter(goal__plan=plan, pk__in=ids).values_list("pk", flat=True)) if ids else set()
    if set(ids) - found:
        errors["objectives"] = [_("An objective does not belong to this plan.")]
    if errors:
        raise ValidationError(errors)
    code = (language or get_language() or "ru")[:2]
    code = code if code in LANGUAGE_CODES else "ru"
    with transaction.atomic():
        order = SwotItem.objects.filter(plan=plan, kind=kind).count() + 1
        item = SwotItem.objects.create(plan=plan, kind=kind, order=order, **{f"text_{code}": text})
        if found:
            item.objectives.set(sorted(found))
        audit.record(actor=actor, action="create", obj=item,
                     changes={"plan": plan.pk, "kind": kind, "text": text, "objectives": sorted(found)})
    return item


def swot_item_delete(*, actor, item: SwotItem) -> None:
    plan = Plan.objects.get(pk=item.plan_id)
    access.require_plan_editable(actor, plan)
    with transaction.atomic():
        audit.record(actor=actor, action="delete", obj=item,
                     changes={"plan": plan.pk, "kind": item.kind, "text": item.text})
        item.delete()


# ------------------------------------------------------------------------------------------ draft plans
MAX_WEAK_PILLARS = 3
MAX_STRONG_PILLARS = 3
MAX_OPEN = 3
LABOUR_HORIZON = 5


def _in_languages(message: str, **values) -> dict[str, str]:
    """``message`` (a gettext msgid) in each language, with ``values`` (``{code: text}`` dicts picked)."""
    from django.utils import translation

    texts = {}
    for code in LANGUAGE_CODES:
        with translation.override(code):
            texts[code] = _(message) % {k: (v[code] if isinstance(v, dict) else v) for k, v in values.items()}
    return texts


def _fields(prefix: str, texts: dict[str, str], limit: int = 500) -> dict[str, str]:
    return {f"{prefix}_{code}": texts[code][:limit] for code in LANGUAGE_CODES}


def latest_rating(organization):
    from smarttvet.rating.models import RatingResult, RatingRun

    return (RatingResult.objects.filter(organization=organization, run__status=RatingRun.Status.PUBLISHED)
            .select_related("run", "run__methodology")
            .order_by("-run__year", "-run__published_at", "-run_id").first())


def _median(values: list[float]) -> float | None:
    import statistics

    clean = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    return statistics.median(clean) if clean else None


@dataclass
class PillarReading:
    code: str
    names: dict[str, str]
    score: float
    median: float | None
    members: list[str]


def pillar_reading(result) -> tuple[list[PillarReading], list[PillarReading], dict, dict]:
    """(weak pillars, strong pillars, own raw values, median raw values) of a rating result: weak are the
    pillars below the median of the organisation's league in that run (of every rated organisation when it
    has no league), lowest first, at most ``MAX_WEAK_PILLARS``; without any, its lowest pillar. Strong are
    the others at or above the median, highest first."""
    from smarttvet.rating.models import RatingInput, RatingResult

    methodology = result.run.methodology.methodology
    groups = {g.code: g for g in methodology.groups}
    peers = RatingResult.objects.filter(run=result.run, rated=True)
    if result.league:
        peers = peers.filter(league=result.league)
    peer_ids, peer_groups = [], []
    for organization_id, scores in peers.values_list("organization_id", "groups"):
        peer_ids.append(organization_id)
        peer_groups.append(scores or {})
    readings = []
    for member in methodology.index.members:
        group = groups.get(member.code)
        score = (result.groups or {}).get(member.code)
        if group is None or score is None:
            continue
        names = {code: (group.names.get(code) if group.names else group.code) for code in LANGUAGE_CODES}
        readings.append(PillarReading(member.code, names, float(score),
                                      _median([g.get(member.code) for g in peer_groups]),
                                      [m.code for m in group.members]))
    weak = sorted([r for r in readings if r.median is not None and r.score < r.median], key=lambda r: r.score)
    weak = weak[:MAX_WEAK_PILLARS] or sorted(readings, key=lambda r: r.score)[:1]
    strong = sorted([r for r in readings if r not in weak and (r.median is None or r.score >= r.median)],
                    key=lambda r: -r.score)[:MAX_STRONG_PILLARS]
    inputs = dict(RatingInput.objects.filter(run=result.run, organization_id__in=[*peer_ids, result.organization_id])
                  .values_list("organization_id", "values"))
    own = inputs.get(result.organization_id) or {}
    codes = {c for r in weak for c in r.members}
    medians = {c: _median([(inputs.get(o) or {}).get(c) for o in peer_ids]) for c in codes}
    return weak, strong, own, medians


def labour_recommendations(region, horizon: int = LABOUR_HORIZON) -> list[dict]:
    """The labour-market recommendations for ``region`` as plain rows (specialty_code, recommendation,
    gap_per_year, reason)."""
    from smarttvet.labour import selectors as labour_selectors

    frame = labour_selectors.region_gap(region, horizon).recommendations
    return frame[["specialty_code", "recommendation", "gap_per_year", "reason"]].to_dict("records")


def _linear_targets(baseline_year: int, baseline: float | None, target: float, years: list[int],
                    decimals: int) -> dict[int, float]:
    later = [y for y in years if y > baseline_year]
    if baseline is None or not later:
        return {years[-1]: round(target, decimals)}
    span = later[-1] - baseline_year
    return {y: round(baseline + (target - baseline) * (y - baseline_year) / span, decimals) for y in later}


def draft_plan_code(organization, years: tuple[int, int]) -> str:
    return f"development-{organization.bin}-{years[0]}-{years[1]}"


def draft_plan_from_rating(organization, actor, years: tuple[int, int] = (2024, 2028), *,
                           recommendations: list[dict] | None = None) -> Plan:
    """A draft development plan of ``organization`` for ``years`` (first, last), for it to edit:

    * goal 1, from the latest published rating the organisation is in: an objective per weak pillar
      (``pillar_reading``), with the pillar's score and each of its indicators as entered indicators: the
      rating's values as baselines (the run's year), the median of its league (or the pillar median) as the
      final target, reached in a straight line;
    * goal 2, from the labour-market recommendations for its region: expand or reduce the specialties it
      offers, open (at most ``MAX_OPEN``, largest gap first) specialties no one in the region offers;
    * SWOT: strong pillars are strengths, weak pillars weaknesses, open/expand opportunities and reduce
      threats, each linked to its objective.

    Idempotent: a second call for the same organisation and years returns the plan made by the first.
    ``recommendations`` (rows as ``labour_recommendations`` gives them) replaces reading the labour market.
    """
    from django.db import IntegrityError

    from smarttvet.registry.models import Offer, Specialty

    if not access.may_draft_plan(actor, organization):
        raise PermissionDenied(_("You may not make a plan for this organisation."))
    first = _whole("years", years[0], 2000, 2100)
    last = _whole("years", years[1], 2000, 2100)
    if last < first:
        raise _invalid("years", _("The last year cannot be before the first year."))
    code = draft_plan_code(organization, (first, last))
    existing = Plan.objects.filter(code=code).first()
    if existing is not None:
        return existing
    result = latest_rating(organization)
    if recommendations is None:
        recommendations = labour_recommendations(organization.region)
    offered = set(Offer.objects.filter(organization=organization).values_list("specialty__code", flat=True))
    wanted = []
    opened = 0
    for row in sorted(recommendations, key=lambda r: -(r.get("gap_per_year") or 0) if r["recommendation"] == "open"
                      else 0):
        kind = row["recommendation"]
        if kind in ("expand", "reduce") and row["specialty_code"] in offered:
            wanted.append(row)
        elif kind == "open" and row["specialty_code"] not in offered and opened < MAX_OPEN:
            wanted.append(row)
            opened += 1
    specialties = {s.code: s for s in Specialty.objects.filter(code__in=[r["specialty_code"] for r in wanted])}
    year_list = list(range(first, last + 1))
    names = {"kk": organization.name_kk, "ru": organization.name_ru, "en": organization.name_en}
    user = _actor_user(actor)
    try:
        with transaction.atomic():
            plan = Plan.objects.create(
                code=code, level=Plan.Level.ORGANIZATION, organization=organization, region_id=organization.region_id,
                start_year=first, end_year=last, status=Plan.Status.DRAFT, created_by=user,
                **_fields("title", _in_languages(N_("Development plan of %(organization)s, %(first)s–%(last)s"),
                                                 organization=names, first=first, last=last)),
                description=_in_languages(N_("A draft made from the latest published rating and the labour market "
                                          "of the region, for the organisation to edit."))["en"],
            )
            swot: list[tuple[str, dict[str, str], Objective | None]] = []
            counts = {"weak_pillars": 0, "indicators": 0, "labour_objectives": 0}
            if result is not None:
                weak, strong, own, medians = pillar_reading(result)
                methodology = result.run.methodology.methodology
                described = {i.code: i for i in methodology.indicators}
                run_year = result.run.year
                goal = Goal.objects.create(plan=plan, order=1, code="rating",
                                           **_fields("title", _in_languages(N_("Close the gaps shown by the rating"))))
                for o, pillar in enumerate(weak, start=1):
                    objective = Objective.objects.create(
                        goal=goal, order=o, code=f"pillar-{pillar.code}"[:60],
                        **_fields("title", _in_languages(N_("Strengthen the pillar “%(pillar)s”"),
                                                         pillar=pillar.names)))
                    target = pillar.median if pillar.median is not None and pillar.median > pillar.score else \
                        pillar.score
                    rows = [(f"pillar-{pillar.code}", pillar.names, {c: "" for c in LANGUAGE_CODES}, "increase",
                             pillar.score, target)]
                    for member in pillar.members:
                        about = described.get(member)
                        if about is None:
                            continue
                        value, reference = own.get(member), medians.get(member)
                        direction = "increase" if about.direction == "positive" else "decrease"
                        sign = 1 if direction == "increase" else -1
                        if value is None:
                            goal_value = reference
                        elif reference is None or sign * (reference - value) <= 0:
                            goal_value = value
                        else:
                            goal_value = reference
                        if goal_value is None:
                            continue
                        rows.append((member, {c: about.names.get(c) for c in LANGUAGE_CODES},
                                     {c: about.unit for c in LANGUAGE_CODES}, direction, value, goal_value))
                    for i, (icode, titles, units, direction, baseline, target_value) in enumerate(rows, start=1):
                        indicator = Indicator.objects.create(
                            plan=plan, objective=objective, order=i, code=icode[:60], direction=direction,
                            decimals=2, baseline_year=run_year if baseline is not None else None,
                            baseline_value=baseline, source=Indicator.Source.ENTERED,
                            evidence=_in_languages(N_("Rating %(year)s"), year=run_year)["en"],
                            **_fields("title", titles), **_fields("unit", units, 60),
                        )
                        targets = _linear_targets(run_year, baseline, target_value, year_list, 2)
                        IndicatorTarget.objects.bulk_create(
                            IndicatorTarget(indicator=indicator, year=y, value=v) for y, v in targets.items())
                        counts["indicators"] += 1
                    counts["weak_pillars"] += 1
                    swot.append((SwotItem.Kind.WEAKNESS, _in_languages(N_(
                        "The pillar “%(pillar)s” scored %(score)s, below the median of %(median)s (rating %(year)s)."),
                        pillar=pillar.names, score=f"{pillar.score:.1f}",
                        median=f"{pillar.median:.1f}" if pillar.median is not None else "—", year=run_year),
                        objective))
                for pillar in strong:
                    swot.append((SwotItem.Kind.STRENGTH, _in_languages(N_(
                        "The pillar “%(pillar)s” scored %(score)s, at or above the median of %(median)s "
                        "(rating %(year)s)."), pillar=pillar.names, score=f"{pillar.score:.1f}",
                        median=f"{pillar.median:.1f}" if pillar.median is not None else "—", year=run_year), None))
            if wanted:
                goal = Goal.objects.create(plan=plan, order=2, code="labour-market", **_fields(
                    "title", _in_languages(N_("Answer the labour market of the region"))))
                messages = {
                    "expand": (N_("Expand training in %(specialty)s"),
                               N_("The region lacks graduates of %(specialty)s, about %(gap)s a year."),
                               SwotItem.Kind.OPPORTUNITY),
                    "open": (N_("Open training in %(specialty)s"),
                             N_("No one in the region trains %(specialty)s; the demand is about %(gap)s a year."),
                             SwotItem.Kind.OPPORTUNITY),
                    "reduce": (N_("Reduce admissions to %(specialty)s"),
                               N_("The region trains more %(specialty)s than it employs: about %(gap)s a year "
                                  "too many, and graduates find little work."), SwotItem.Kind.THREAT),
                }
                for o, row in enumerate(wanted, start=1):
                    specialty = specialties.get(row["specialty_code"])
                    label = ({c: f"{row['specialty_code']} {specialty.name_kk if c == 'kk' else specialty.name_ru if c == 'ru' else specialty.name_en}".strip()  # noqa: E501
                              for c in LANGUAGE_CODES} if specialty else
                             {c: row["specialty_code"] for c in LANGUAGE_CODES})
                    title, why, kind = messages[row["recommendation"]]
                    objective = Objective.objects.create(
                        goal=goal, order=o, code=f"{row['recommendation']}-{row['specialty_code']}"[:60],
                        **_fields("title", _in_languages(title, specialty=label)))
                    gap = abs(row.get("gap_per_year") or 0)
                    swot.append((kind, _in_languages(why, specialty=label, gap=f"{gap:.0f}"), objective))
                    counts["labour_objectives"] += 1
            order: dict[str, int] = {}
            for kind, texts, objective in swot:
                order[kind] = order.get(kind, 0) + 1
                item = SwotItem.objects.create(plan=plan, kind=kind, order=order[kind],
                                               **_fields("text", texts, SWOT_TEXT_MAX))
                if objective is not None:
                    item.objectives.add(objective)
            audit.record(actor=actor, action="create", obj=plan, changes={
                "level": plan.level, "drafted_from": "rating and labour market",
                "rating_run": result.run_id if result is not None else None, "swot_items": len(swot), **counts,
            })
    except IntegrityError:
        existing = Plan.objects.filter(code=code).first()
        if existing is None:
            raise
        return existing
    return plan


# ------------------------------------------------------------------------------------------ plan structure
# Goals, objectives, indicators (with their targets) and activities of a plan, by whoever may change the plan
# (``access.may_edit_plan``); a completed or archived plan no longer changes. Titles, units and the
# responsible are a ``{language: text}`` dict (the languages given replace all three) or one text in the active
# language. Every write locks the plan, validates everything first and writes one audit row.
TITLE_MAX = 500
UNIT_MAX = 60
RESPONSIBLE_MAX = 300
UNSET: Any = object()


def _texts_in(name: str, value: Any, limit: int, errors: dict) -> dict[str, str] | None:
    """``{code: text}`` of ``value`` (a dict by language, or one text in the active language): only the
    languages given."""
    from django.utils.translation import get_language

    if isinstance(value, str):
        code = (get_language() or "ru")[:2]
        texts = {code if code in LANGUAGE_CODES else "ru": value}
    elif isinstance(value, dict) and set(value) <= set(LANGUAGE_CODES):
        texts = {c: value.get(c) or "" for c in LANGUAGE_CODES}
    else:
        errors[name] = [_("Give a text, or texts by language (kk, ru, en).")]
        return None
    if not all(isinstance(t, str) for t in texts.values()):
        errors[name] = [_("Give a text, or texts by language (kk, ru, en).")]
        return None
    texts = {c: t.strip() for c, t in texts.items()}
    if any(len(t) > limit for t in texts.values()):
        errors[name] = [_("At most %(n)s characters.") % {"n": limit}]
        return None
    return texts


def _apply_texts(obj, prefix: str, texts: dict[str, str] | None, *, replace_all: bool) -> None:
    if texts is None:
        return
    for code in LANGUAGE_CODES:
        if code in texts or replace_all:
            setattr(obj, f"{prefix}_{code}", texts.get(code, ""))


def _title_into(obj, value: Any, errors: dict) -> None:
    """Set ``obj``'s title from ``value`` (UNSET: unchanged); a title is needed in at least one language."""
    if value is UNSET:
        return
    texts = _texts_in("title", value, TITLE_MAX, errors)
    _apply_texts(obj, "title", texts, replace_all=isinstance(value, dict))
    if texts is not None and not (obj.title_kk or obj.title_ru or obj.title_en):
        errors["title"] = [_("Write a title in at least one language.")]


def _number(name: str, value: Any, errors: dict, *, optional: bool = True) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if not optional:
            errors[name] = [_("A number is needed.")]
        return None
    if isinstance(value, bool):
        errors[name] = [f"{value!r} is not a number"]
        return None
    try:
        number = float(str(value).strip().replace(",", "."))
    except (TypeError, ValueError):
        errors[name] = [f"{value!r} is not a number"]
        return None
    if not math.isfinite(number):
        errors[name] = [f"{value!r} is not a finite number"]
        return None
    return number


def _locked_plan(actor, plan_id: int) -> Plan:
    """The plan, locked for this transaction, once ``actor`` may change it (PermissionDenied otherwise)."""
    plan = Plan.objects.select_for_update().get(pk=plan_id)
    access.require_plan_editable(actor, plan)
    return plan


def _next_order(queryset) -> int:
    from django.db.models import Max

    return (queryset.aggregate(top=Max("order"))["top"] or 0) + 1


def _fail(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _record_change(actor, obj, fields: list[str], before: dict) -> dict:
    changes = audit.diff(before, audit.snapshot(obj, fields))
    if changes:
        obj.save()
        audit.record(actor=actor, action="update", obj=obj, target_label=obj.title, changes=changes)
    return changes


def _record_delete(actor, obj, plan: Plan, **counts) -> None:
    audit.record(actor=actor, action="delete", obj=obj, target_label=obj.title,
                 changes={"plan": plan.pk, "title": obj.title, **counts})
    obj.delete()


TITLE_FIELDS = ["title_kk", "title_ru", "title_en"]


# goals
def goal_create(*, actor, plan: Plan, title: Any) -> Goal:
    with transaction.atomic():
        plan = _locked_plan(actor, plan.pk)
        goal, errors = Goal(plan=plan), {}
        _title_into(goal, title, errors)
        _fail(errors)
        goal.order = _next_order(Goal.objects.filter(plan=plan))
        goal.save()
        audit.record(actor=actor, action="create", obj=goal, target_label=goal.title,
                     changes={"plan": plan.pk, **audit.snapshot(goal, TITLE_FIELDS)})
    return goal


def goal_update(*, actor, goal: Goal, title: Any = UNSET) -> Goal:
    with transaction.atomic():
        _locked_plan(actor, goal.plan_id)
        goal, errors = Goal.objects.get(pk=goal.pk), {}
        before = audit.snapshot(goal, TITLE_FIELDS)
        _title_into(goal, title, errors)
        _fail(errors)
        _record_change(actor, goal, TITLE_FIELDS, before)
    return goal


def goal_delete(*, actor, goal: Goal) -> None:
    """Delete a goal with its objectives and their indicators and activities."""
    with transaction.atomic():
        plan = _locked_plan(actor, goal.plan_id)
        _record_delete(actor, goal, plan, objectives=Objective.objects.filter(goal=goal).count(),
                       indicators=Indicator.objects.filter(objective__goal=goal).count(),
                       activities=Activity.objects.filter(objective__goal=goal).count())


# objectives
def objective_create(*, actor, goal: Goal, title: Any) -> Objective:
    with transaction.atomic():
        plan = _locked_plan(actor, goal.plan_id)
        objective, errors = Objective(goal=goal), {}
        _title_into(objective, title, errors)
        _fail(errors)
        objective.order = _next_order(Objective.objects.filter(goal=goal))
        objective.save()
        audit.record(actor=actor, action="create", obj=objective, target_label=objective.title,
                     changes={"plan": plan.pk, "goal": goal.pk, **audit.snapshot(objective, TITLE_FIELDS)})
    return objective


def objective_update(*, actor, objective: Objective, title: Any = UNSET) -> Objective:
    with transaction.atomic():
        _locked_plan(actor, objective.goal.plan_id)
        objective, errors = Objective.objects.get(pk=objective.pk), {}
        before = audit.snapshot(objective, TITLE_FIELDS)
        _title_into(objective, title, errors)
        _fail(errors)
        _record_change(actor, objective, TITLE_FIELDS, before)
    return objective


def objective_delete(*, actor, objective: Objective) -> None:
    """Delete an objective with its indicators and activities."""
    with transaction.atomic():
        plan = _locked_plan(actor, objective.goal.plan_id)
        _record_delete(actor, objective, plan, indicators=Indicator.objects.filter(objective=objective).count(),
                       activities=Activity.objects.filter(objective=objective).count())


# indicators
INDICATOR_FIELDS = [*TITLE_FIELDS, "unit_kk", "unit_ru", "unit_en", "direction", "decimals", "baseline_year",
                    "baseline_value", "source", "measure"]


def parse_targets(text: str) -> dict[int, float]:
    """``"2025=10; 2026=12"`` (commas as decimal marks allowed) as ``{2025: 10.0, 2026: 12.0}``; the years
    and values are checked by the indicator services."""
    targets: dict[Any, Any] = {}
    for part in (text or "").replace("\n", ";").split(";"):
        if not part.strip():
            continue
        year, sep, value = part.partition("=")
        if not sep:
            raise _invalid("targets", _("Write the targets as year=value; year=value."))
        targets[year.strip()] = value.strip()
    return targets


def targets_text(indicator: Indicator) -> str:
    return "; ".join(f"{t.year}={t.value:g}" for t in indicator.targets.order_by("year"))


def _clean_targets(plan: Plan, targets: Any, errors: dict) -> dict[int, float] | None:
    if not isinstance(targets, dict):
        errors["targets"] = [_("Give the targets by year.")]
        return None
    cleaned: dict[int, float] = {}
    for year, value in targets.items():
        try:
            number_year = int(str(year).strip())
        except (TypeError, ValueError):
            errors["targets"] = [_("%(value)s is not a year.") % {"value": repr(year)}]
            return None
        if number_year not in plan.years:
            errors["targets"] = [_("%(year)s is outside the plan's years (%(first)s–%(last)s).")
                                 % {"year": number_year, "first": plan.start_year, "last": plan.end_year}]
            return None
        number = _number("targets", value, errors, optional=False)
        if number is None:
            return None
        cleaned[number_year] = number
    return cleaned


def _indicator_into(indicator: Indicator, plan: Plan, values: dict[str, Any], errors: dict) -> None:
    """Validate ``values`` (UNSET: unchanged) into ``indicator``, checking the result as a whole."""
    from smarttvet.plans import measures

    _title_into(indicator, values["title"], errors)
    if values["unit"] is not UNSET:
        units = _texts_in("unit", values["unit"] or "", UNIT_MAX, errors)
        _apply_texts(indicator, "unit", units, replace_all=isinstance(values["unit"], dict))
    if values["direction"] is not UNSET:
        if values["direction"] not in Indicator.Direction.values:
            errors["direction"] = [_("%(value)s is not a direction; use one of: %(choices)s.")
                                   % {"value": repr(values["direction"]),
                                      "choices": ", ".join(Indicator.Direction.values)}]
        else:
            indicator.direction = values["direction"]
    if values["decimals"] is not UNSET:
        try:
            indicator.decimals = _whole("decimals", values["decimals"], 0, 6)
        except ValidationError as error:
            errors.update(error.message_dict)
    if values["baseline_year"] is not UNSET:
        if values["baseline_year"] in (None, ""):
            indicator.baseline_year = None
        else:
            try:
                indicator.baseline_year = _whole("baseline_year", values["baseline_year"], 2000, plan.end_year)
            except ValidationError as error:
                errors.update(error.message_dict)
    if values["baseline_value"] is not UNSET:
        indicator.baseline_value = _number("baseline_value", values["baseline_value"], errors)
    if indicator.baseline_value is not None and indicator.baseline_year is None and "baseline_year" not in errors:
        errors["baseline_year"] = [_("A baseline value needs its year.")]
    source, measure = values["source"], values["measure"]
    if source is not UNSET:
        if source not in Indicator.Source.values:
            errors["source"] = [_("%(value)s is not a source; use one of: %(choices)s.")
                                % {"value": repr(source), "choices": ", ".join(Indicator.Source.values)}]
            return
        indicator.source = source
        if source == Indicator.Source.ENTERED and measure is UNSET:
            indicator.measure = ""
    if measure is not UNSET:
        indicator.measure = (measure or "").strip() if isinstance(measure, str) else measure
    if indicator.source == Indicator.Source.COMPUTED:
        found = measures.get(indicator.measure) if isinstance(indicator.measure, str) else None
        if found is None or not found.available or measures.owner_of(plan).level not in found.levels:
            errors["measure"] = [_("%(value)s is not an available measure for this plan; use one of: %(choices)s.")
                                 % {"value": repr(indicator.measure), "choices": ", ".join(
                                     key for key, _name in measures.choices())}]
    elif indicator.measure:
        errors["measure"] = [_("An entered indicator has no measure.")]


def _set_targets(indicator: Indicator, targets: dict[int, float] | None) -> dict | None:
    """Replace the indicator's targets; returns the change for the audit row (None: unchanged)."""
    if targets is None:
        return None
    before = dict(IndicatorTarget.objects.filter(indicator=indicator).values_list("year", "value"))
    if before == targets:
        return None
    IndicatorTarget.objects.filter(indicator=indicator).delete()
    IndicatorTarget.objects.bulk_create(IndicatorTarget(indicator=indicator, year=y, value=v)
                                        for y, v in sorted(targets.items()))
    return {"targets": [{str(k): v for k, v in sorted(before.items())},
                        {str(k): v for k, v in sorted(targets.items())}]}


def indicator_create(*, actor, objective: Objective, title: Any, unit: Any = "", direction: Any = "increase",
                     decimals: Any = 0, baseline_year: Any = None, baseline_value: Any = None,
                     source: Any = "entered", measure: Any = "", targets: Any = None) -> Indicator:
    """An indicator of ``objective``'s plan: computed ones name an available measure (``plans.measures``);
    ``targets`` is ``{year: value}`` within the plan's years."""
    with transaction.atomic():
        plan = _locked_plan(actor, objective.goal.plan_id)
        indicator, errors = Indicator(plan=plan, objective=objective), {}
        _indicator_into(indicator, plan, dict(title=title, unit=unit, direction=direction, decimals=decimals,
                                              baseline_year=baseline_year, baseline_value=baseline_value,
                                              source=source, measure=measure), errors)
        cleaned = _clean_targets(plan, targets or {}, errors)
        _fail(errors)
        indicator.order = _next_order(Indicator.objects.filter(objective=objective))
        indicator.save()
        changes = {"plan": plan.pk, "objective": objective.pk, **audit.snapshot(indicator, INDICATOR_FIELDS)}
        _set_targets(indicator, cleaned)
        changes["targets"] = {str(k): v for k, v in sorted(cleaned.items())}
        audit.record(actor=actor, action="create", obj=indicator, target_label=indicator.title, changes=changes)
    return indicator


def indicator_update(*, actor, indicator: Indicator, title: Any = UNSET, unit: Any = UNSET, direction: Any = UNSET,
                     decimals: Any = UNSET, baseline_year: Any = UNSET, baseline_value: Any = UNSET,
                     source: Any = UNSET, measure: Any = UNSET, targets: Any = UNSET) -> Indicator:
    """Change the given fields (the others stay); ``targets`` replaces all the targets."""
    with transaction.atomic():
        plan = _locked_plan(actor, indicator.plan_id)
        indicator, errors = Indicator.objects.get(pk=indicator.pk), {}
        before = audit.snapshot(indicator, INDICATOR_FIELDS)
        _indicator_into(indicator, plan, dict(title=title, unit=unit, direction=direction, decimals=decimals,
                                              baseline_year=baseline_year, baseline_value=baseline_value,
                                              source=source, measure=measure), errors)
        cleaned = None if targets is UNSET else _clean_targets(plan, targets or {}, errors)
        _fail(errors)
        changes = audit.diff(before, audit.snapshot(indicator, INDICATOR_FIELDS))
        if changes:
            indicator.save()
        changes.update(_set_targets(indicator, cleaned) or {})
        if changes:
            audit.record(actor=actor, action="update", obj=indicator, target_label=indicator.title, changes=changes)
    return indicator


def indicator_delete(*, actor, indicator: Indicator) -> None:
    """Delete an indicator with its targets and entered actuals."""
    with transaction.atomic():
        plan = _locked_plan(actor, indicator.plan_id)
        _record_delete(actor, indicator, plan, targets=IndicatorTarget.objects.filter(indicator=indicator).count(),
                       actuals=IndicatorActual.objects.filter(indicator=indicator).count())


# activities
ACTIVITY_FIELDS = [*TITLE_FIELDS, "kind", "responsible_kk", "responsible_ru", "responsible_en", "deadline", "budget"]


def _activity_into(activity: Activity, values: dict[str, Any], errors: dict) -> None:
    from decimal import Decimal, InvalidOperation

    _title_into(activity, values["title"], errors)
    if values["kind"] is not UNSET:
        if values["kind"] not in Activity.Kind.values:
            errors["kind"] = [_("%(value)s is not a kind; use one of: %(choices)s.")
                              % {"value": repr(values["kind"]), "choices": ", ".join(Activity.Kind.values)}]
        else:
            activity.kind = values["kind"]
    if values["responsible"] is not UNSET:
        texts = _texts_in("responsible", values["responsible"] or "", RESPONSIBLE_MAX, errors)
        _apply_texts(activity, "responsible", texts, replace_all=isinstance(values["responsible"], dict))
    if values["deadline"] is not UNSET:
        try:
            activity.deadline = _date("deadline", values["deadline"])
        except ValidationError as error:
            errors.update(error.message_dict)
    budget = values["budget"]
    if budget is not UNSET:
        if budget is None or (isinstance(budget, str) and not budget.strip()):
            activity.budget = None
        else:
            try:
                amount = Decimal(str(budget).strip().replace(",", ".").replace(" ", ""))
            except InvalidOperation:
                amount = None
            if isinstance(budget, bool) or amount is None or not amount.is_finite() or amount < 0 \
                    or amount >= Decimal(10) ** 14:
                errors["budget"] = [_("%(value)s is not an amount of tenge.") % {"value": repr(budget)}]
            else:
                activity.budget = amount.quantize(Decimal("0.01"))


def activity_create(*, actor, objective: Objective, title: Any, kind: Any = "other", responsible: Any = "",
                    deadline: Any = None, budget: Any = None) -> Activity:
    with transaction.atomic():
        plan = _locked_plan(actor, objective.goal.plan_id)
        activity, errors = Activity(plan=plan, objective=objective), {}
        _activity_into(activity, dict(title=title, kind=kind, responsible=responsible, deadline=deadline,
                                      budget=budget), errors)
        _fail(errors)
        activity.order = _next_order(Activity.objects.filter(objective=objective))
        activity.save()
        audit.record(actor=actor, action="create", obj=activity, target_label=activity.title,
                     changes={"plan": plan.pk, "objective": objective.pk,
                              **audit.snapshot(activity, ACTIVITY_FIELDS)})
    return activity


def activity_update(*, actor, activity: Activity, title: Any = UNSET, kind: Any = UNSET, responsible: Any = UNSET,
                    deadline: Any = UNSET, budget: Any = UNSET) -> Activity:
    """Change an activity's description (its status: ``activity_status_update``)."""
    with transaction.atomic():
        _locked_plan(actor, activity.plan_id)
        activity, errors = Activity.objects.get(pk=activity.pk), {}
        before = audit.snapshot(activity, ACTIVITY_FIELDS)
        _activity_into(activity, dict(title=title, kind=kind, responsible=responsible, deadline=deadline,
                                      budget=budget), errors)
        _fail(errors)
        _record_change(actor, activity, ACTIVITY_FIELDS, before)
    return activity


def activity_delete(*, actor, activity: Activity) -> None:
    with transaction.atomic():
        plan = _locked_plan(actor, activity.plan_id)
        _record_delete(actor, activity, plan, status=activity.status)
