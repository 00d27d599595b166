"""Where each KPI's value comes from: the published rating run and the organisation's plan (or a named measure).

``collect(indicators, run, organization_ids, year)`` reads every value of every organisation at once - a fixed
number of queries whatever the number of organisations (one per source kind, one per measure) - and returns
``{organisation id: {kpi code: Reading}}``. A reading keeps the value and where it came from, so a scorecard stores
what anyone needs to compute it again.

Sources (the KPI set's ``source`` field):

* ``rating.score``: the composite score of the organisation in the run;
* ``rating.group:<code>``: a pillar (group) score in the run;
* ``rating.indicator:<code>``: a raw indicator value the run used (``RatingInput``);
* ``measure:<key>``: a named measure of ``smarttvet.plans.measures`` for the organisation and the year;
* ``plan.on_track_share``: the share of the indicators of the organisation's development plan that are achieved
  or on track in the year (``smarttvet.plans.progress``), among those with a target and an actual of that year.
  The plan is the organisation's development plan (active or completed) whose years include the year - the
  latest starting one when there are several.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

MISSING = ("not_rated", "no_group", "no_indicator", "no_measure", "no_plan", "no_plan_data")
SOURCE_KINDS = ("rating.score", "rating.group", "rating.indicator", "measure", "plan.on_track_share")


@dataclass(frozen=True)
class Reading:
    value: float | None
    ref: dict = field(default_factory=dict)  # where the value came from
    missing: str = ""  # why there is no value: a code of MISSING


def parse_source(source: str) -> tuple[str, str]:
    """``("rating.group", "graduate_outcomes")`` of ``"rating.group:graduate_outcomes"``; ValueError if unknown."""
    kind, _, arg = (source or "").partition(":")
    if kind not in SOURCE_KINDS:
        raise ValueError(f"unknown source {source!r}: use one of {', '.join(SOURCE_KINDS)}")
    needs_arg = kind in ("rating.group", "rating.indicator", "measure")
    if needs_arg and not arg:
        raise ValueError(f"source {source!r} needs a code after ':'")
    if not needs_arg and arg:
        raise ValueError(f"source {kind!r} takes no code")
    if kind == "measure":
        from smarttvet.plans.measures import MEASURES

        if arg not in MEASURES:
            raise ValueError(f"unknown measure {arg!r}")
    return kind, arg


def _number(value) -> float | None:
    import math

    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _plan_shares(organization_ids: Sequence[int], year: int) -> dict[int, Reading]:
    from smarttvet.plans import progress
    from smarttvet.plans.models import Plan
    from smarttvet.plans.selectors import progress_for

    plans = list(Plan.objects.filter(organization_id__in=list(organization_ids), level=Plan.Level.ORGANIZATION,
                                     status__in=[Plan.Status.ACTIVE, Plan.Status.COMPLETED],
                                     start_year__lte=year, end_year__gte=year)
                 .order_by("organization_id", "-start_year", "-id"))
    chosen: dict[int, Plan] = {}
    for plan in plans:
        chosen.setdefault(plan.organization_id, plan)
    result: dict[int, Reading] = {}
    if not chosen:
        return result
    for plan_id, plan_progress in progress_for(chosen.values()).items():
        plan = next(p for p in chosen.values() if p.pk == plan_id)
        statuses = []
        for item in plan_progress.indicators.values():
            i = item.indicator
            assessment = progress.assess(direction=i.direction, baseline_year=i.baseline_year,
                                         baseline_value=i.baseline_value, targets=item.targets,
                                         actuals=item.actuals, year=year)
            statuses.append(assessment.status)
        assessed = [s for s in statuses if s != progress.NO_DATA]
        good = sum(1 for s in assessed if s in (progress.ACHIEVED, progress.ON_TRACK))
        ref = {"plan": plan.code, "plan_id": plan.pk, "assessed": len(assessed), "achieved_or_on_track": good,
               "indicators": len(statuses)}
        if assessed:
            result[plan.organization_id] = Reading(round(good / len(assessed), 6), ref)
        else:
            result[plan.organization_id] = Reading(None, ref, "no_plan_data")
    return result


def collect(indicators: Iterable, run, organization_ids: Sequence[int], year: int) -> dict[int, dict[str, Reading]]:
    """Every KPI reading of every organisation (see the module's description)."""
    from smarttvet.plans.measures import ORGANIZATION, Owner, compute_many
    from smarttvet.rating.models import RatingInput, RatingResult

    indicators = list(indicators)
    ids = list(organization_ids)
    kinds = {i.code: parse_source(i.source) for i in indicators}
    used = {kind for kind, _arg in kinds.values()}
    results = {}
    if used & {"rating.score", "rating.group"}:
        results = {oid: (score, groups) for oid, score, groups in
                   RatingResult.objects.filter(run=run, organization_id__in=ids)
                   .values_list("organization_id", "score", "groups")}
    inputs = {}
    if "rating.indicator" in used:
        inputs = dict(RatingInput.objects.filter(run=run, organization_id__in=ids)
                      .values_list("organization_id", "values"))
    measured = {}
    measure_keys = sorted({arg for kind, arg in kinds.values() if kind == "measure"})
    if measure_keys:
        measured = compute_many((key, Owner(ORGANIZATION, oid), year) for key in measure_keys for oid in ids)
    plan_shares = _plan_shares(ids, year) if "plan.on_track_share" in used else {}

    readings: dict[int, dict[str, Reading]] = {}
    run_ref = {"run": run.pk, "run_year": run.year}
    for oid in ids:
        row: dict[str, Reading] = {}
        for indicator in indicators:
            kind, arg = kinds[indicator.code]
            if kind == "rating.score":
                value = _number(results.get(oid, (None, {}))[0])
                row[indicator.code] = Reading(value, run_ref, "" if value is not None else "not_rated")
            elif kind == "rating.group":
                value = _number((results.get(oid, (None, {}))[1] or {}).get(arg))
                row[indicator.code] = Reading(value, {**run_ref, "group": arg},
                                              "" if value is not None else "no_group")
            elif kind == "rating.indicator":
                value = _number((inputs.get(oid) or {}).get(arg))
                row[indicator.code] = Reading(value, {**run_ref, "indicator": arg},
                                              "" if value is not None else "no_indicator")
            elif kind == "measure":
                value = _number(measured.get((arg, Owner(ORGANIZATION, oid), year)))
                row[indicator.code] = Reading(value, {"measure": arg, "year": year},
                                              "" if value is not None else "no_measure")
            else:
                row[indicator.code] = plan_shares.get(
                    oid, Reading(None, {}, "no_plan"))
        readings[oid] = row
    return readings
