"""Builders of plans-test records: learning measures, monitoring lists, rating runs and plans (numbered, no
randomness)."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools

from smarttvet.gradebook.models import LearningMeasure, MonitoringEntry, MonitoringList
from smarttvet.plans.models import Activity, Goal, Indicator, IndicatorActual, IndicatorTarget, Objective, Plan
from smarttvet.rating.models import MethodologyVersion, RatingResult, RatingRun
from tests import factories as f

_counter = itertools.count(1)


def school(region, *, lat=None, lon=None, kind="school", **fields):
    return f.organization(region, kind=kind, latitude=lat, longitude=lon, **fields)


def measure(organization, year, composite, *, knowledge_quality=None, success_rate=None, students=200):
    return LearningMeasure.objects.create(
        year=year, level=LearningMeasure.Level.ORGANIZATION, region_id=organization.region_id,
        organization=organization, key="", students=students, marks=students * 40, composite=composite,
        knowledge_quality=knowledge_quality, success_rate=success_rate,
    )


def region_measure(region, year, composite, *, knowledge_quality=None, success_rate=None, students=10_000):
    return LearningMeasure.objects.create(
        year=year, level=LearningMeasure.Level.REGION, region=region, organization=None, key="", students=students,
        marks=students * 40, composite=composite, knowledge_quality=knowledge_quality, success_rate=success_rate,
    )


def monitoring_list(year, *, region=None, kind="", entries=()):
    """A saved list with ``entries``: (organisation, raw measure) pairs, ranked in that order."""
    lst = MonitoringList.objects.create(year=year, region=region, kind=kind, size=len(entries), method="test",
                                        candidates=10 * max(1, len(entries)))
    for rank, (organization, raw) in enumerate(entries, start=1):
        add_entry(lst, organization, raw, rank=rank)
    return lst


def add_entry(lst, organization, raw, *, rank):
    return MonitoringEntry.objects.create(
        monitoring_list=lst, organization=organization, rank=rank, naive_rank=rank, students=150, raw_measure=raw,
        adjusted_measure=raw + 0.01, interval_low=raw - 0.05, interval_high=raw + 0.05,
    )


def published_run(year, leagues: dict):
    """A published rating run of ``year`` with ``{organisation: (league or None, score)}``."""
    n = next(_counter)
    version = MethodologyVersion.objects.create(
        code=f"test{n}", version="1", name_kk="Тест", name_ru="Тест", name_en="Test", yaml_text="code: test",
        hash=hashlib.sha256(str(n).encode()).hexdigest(),
    )
    run = RatingRun.objects.create(year=year, methodology=version, seed=1, inputs_hash="x" * 64)
    ranked = sorted(leagues.items(), key=lambda item: -(item[1][1] or 0))
    for rank, (organization, (league, score)) in enumerate(ranked, start=1):
        RatingResult.objects.create(run=run, organization=organization, rated=league is not None, coverage=1.0,
                                    score=score, rank=rank if league else None, league=league)
    run.status = RatingRun.Status.PUBLISHED
    run.published_at = dt.datetime(year, 12, 1, tzinfo=dt.UTC)
    run.save()
    return run


def plan(*, level="organization", organization=None, region=None, start_year=2025, end_year=2027, status="active",
         title="Development plan", **fields) -> Plan:
    n = next(_counter)
    return Plan.objects.create(code=f"plan-{n}", level=level, organization=organization, region=region,
                               start_year=start_year, end_year=end_year, status=status, title_en=title,
                               title_ru=f"{title} (ru)", **fields)


def goal(plan_obj, title="Goal", order=1) -> Goal:
    return Goal.objects.create(plan=plan_obj, order=order, title_en=title)


def objective(goal_obj, title="Objective", order=1) -> Objective:
    return Objective.objects.create(goal=goal_obj, order=order, title_en=title)


def indicator(plan_obj, objective_obj=None, *, targets=None, actuals=None, title="Indicator", **fields) -> Indicator:
    defaults = dict(baseline_year=2024, baseline_value=0.0, source="entered", direction="increase")
    defaults.update(fields)
    item = Indicator.objects.create(plan=plan_obj, objective=objective_obj, title_en=title, **defaults)
    for year, value in (targets or {}).items():
        IndicatorTarget.objects.create(indicator=item, year=year, value=value)
    for year, value in (actuals or {}).items():
        IndicatorActual.objects.create(indicator=item, year=year, value=value)
    return item


def activity(plan_obj, objective_obj=None, *, title="Activity", **fields) -> Activity:
    defaults = dict(kind="methodological", status="planned", deadline=dt.date(2030, 1, 1))
    defaults.update(fields)
    return Activity.objects.create(plan=plan_obj, objective=objective_obj, title_en=title, **defaults)


def full_plan(organization, *, n_goals=1, n_indicators=1, n_activities=1, **fields) -> Plan:
    """A plan with goals, each with one objective, its indicators (one computed) and activities."""
    p = plan(organization=organization, **fields)
    for g in range(n_goals):
        o = objective(goal(p, f"Goal {g}", order=g))
        for i in range(n_indicators):
            if i == 0:
                indicator(p, o, source="computed", measure="gradebook.composite", baseline_value=0.4,
                          targets={2025: 0.5}, title=f"Composite {g}")
            else:
                indicator(p, o, targets={2025: 10}, actuals={2025: 4}, title=f"Entered {g}.{i}")
        for a in range(n_activities):
            activity(p, o, title=f"Activity {g}.{a}", deadline=dt.date(2020, 1, 1) if a == 0 else None)
    return p
