"""Fixtures of the KPI tests: a published rating run of the tvet methodology with leagues, pillar scores and raw
indicator values; directors; a development plan; users of every role."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from types import SimpleNamespace

import pytest

from tests import factories as f

_counter = itertools.count(1)


def published_run(year: int, rows: dict, *, code: str = "tvet"):
    """A published run of ``year``: ``{organisation: (league, score, groups, values)}``."""
    from smarttvet.rating.models import MethodologyVersion, RatingInput, RatingResult, RatingRun

    n = next(_counter)
    version = MethodologyVersion.objects.create(
        code=code, version=f"test-{n}", name_kk="Т", name_ru="Т", name_en="T", yaml_text=f"code: {code}",
        hash=hashlib.sha256(f"kpi{n}".encode()).hexdigest())
    run = RatingRun.objects.create(year=year, methodology=version, seed=1, inputs_hash="x" * 64)
    ranked = sorted(rows.items(), key=lambda item: -(item[1][1] or 0))
    for rank, (organization, (league, score, groups, values)) in enumerate(ranked, start=1):
        RatingResult.objects.create(run=run, organization=organization, rated=league is not None, coverage=1.0,
                                    score=score, rank=rank if league else None, league=league, groups=groups)
        RatingInput.objects.create(run=run, organization=organization, values=values)
    run.status = RatingRun.Status.PUBLISHED
    run.published_at = dt.datetime(year, 12, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=n)  # later runs, later
    run.save()
    return run


def groups(outcomes: float, partnership: float) -> dict:
    return {"graduate_outcomes": outcomes, "business_partnership": partnership}


def values(employment: float | None, dropout: float | None) -> dict:
    return {"employment_12m": employment, "dropout_rate": dropout}


@pytest.fixture
def kpi(world):
    """Organisations of 2025: ``lead`` (leaders, everything at target or above), ``back`` (backbone, halfway),
    ``college_b`` (backbone, below every threshold), ``college_x`` (Almaty, leaders, most data missing) and
    ``college_a`` (social league: no scorecard). Directors at lead (one who left before the year ended, and the
    current one) and at college_b."""
    from smarttvet.plans.models import Indicator

    t = world.turkistan
    k = SimpleNamespace(world=world)
    k.lead = f.organization(t, name_en="Leader college")
    k.back = f.organization(t, name_en="Backbone college")
    k.b = world.college_b
    k.x = world.college_other_region
    k.a = world.college_a
    k.run = published_run(2025, {
        k.lead: ("leaders", 80.0, groups(80.0, 70.0), values(85.0, 1.5)),
        k.back: ("backbone", 57.5, groups(57.5, 47.5), values(65.0, 4.0)),
        k.b: ("backbone", 40.0, groups(30.0, 20.0), values(40.0, 9.0)),
        k.x: ("leaders", 75.0, {}, {}),
        k.a: ("social", 30.0, groups(30.0, 20.0), values(40.0, 9.0)),
    })
    f.teacher(k.lead, position="director", full_name="Former Director", employed_from=dt.date(2010, 1, 1),
              employed_until=dt.date(2025, 3, 1))
    k.director = f.teacher(k.lead, position="director", full_name="Aigerim Director",
                           employed_from=dt.date(2025, 3, 2))
    k.b_director = f.teacher(k.b, position="director", full_name="Bolat Director", employed_from=dt.date(2018, 9, 1))
    # the leader's development plan: 2 of its 2 indicators with a 2025 actual are on track or achieved
    from tests.plans import factories as pf

    plan = pf.plan(organization=k.lead, start_year=2024, end_year=2027, status="active")
    pf.indicator(plan, targets={2025: 10, 2027: 20}, actuals={2025: 12}, baseline_value=0.0)
    pf.indicator(plan, targets={2025: 10}, actuals={2025: 10}, baseline_value=0.0)
    pf.indicator(plan, targets={2025: 10}, baseline_value=0.0, direction=Indicator.Direction.INCREASE)
    k.plan = plan
    k.users = dict(world.users)
    k.users["region_almaty"] = f.user_with_role("almaty", "region", region=world.almaty)
    k.users["org_lead"] = f.user_with_role("lead", "organization", organization=k.lead)
    return k


@pytest.fixture
def computed(kpi):
    from smarttvet.kpi import services

    kpi.summary = services.scorecards_compute(actor="test", year=2025)
    return kpi


@pytest.fixture
def signed(computed):
    """Every 2025 scorecard signed off by the ministry."""
    from smarttvet.kpi import services
    from smarttvet.kpi.models import Scorecard

    for card in Scorecard.objects.filter(year=2025):
        services.scorecard_decide(actor=computed.users["ministry"], card=card, decision="sign_off")
    return computed
