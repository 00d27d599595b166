"""Writes of the plans app: each in one transaction, checking the actor's write scope, with its audit rows.

* ``support_plans_create(monitoring_list, actor)``: one targeted support plan per entry of a gradebook monitoring
  list that has none yet (running it again creates only the missing ones), from the template
  (``data/support_plan_template.yaml``), with mentor suggestions (``plans.mentors``);
* ``activity_status_update``: an activity's status (and evidence), by the plan's region, the ministry or the
  organisation itself;
* ``indicator_actual_set``: an entered indicator's actual value of a year, with its evidence.

Bad input raises ``django.core.exceptions.ValidationError`` keyed by the argument's name; a write outside the
actor's scope raises ``PermissionDenied``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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
