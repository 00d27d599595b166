"""Fixtures of the plans tests: schools and colleges with coordinates, learning measures and monitoring lists."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.plans import factories as pf


@pytest.fixture
def schools(world):
    """A 2024 school monitoring list of Turkistan (two flagged schools) among schools with known composites.

    The top quartile of the 2024 composite among schools is exactly near (0.80), mid (0.75), far (0.85, in
    Almaty) and unlocated (0.90, Turkistan, no coordinates). A strong college nearby and a weak school next
    door are never suggested to a school.
    """
    t, a = world.turkistan, world.almaty
    s = SimpleNamespace(world=world)
    s.flagged = pf.school(t, lat=43.30, lon=68.25, name_en="Flagged school")
    s.flagged_unlocated = pf.school(t, name_en="Flagged school without coordinates")
    s.near = pf.school(t, lat=43.35, lon=68.30, name_en="Near strong school")
    s.mid = pf.school(t, lat=43.60, lon=68.60, name_en="Mid strong school")
    s.far = pf.school(a, lat=43.25, lon=76.90, name_en="Far strong school")
    s.unlocated = pf.school(t, name_en="Strong school without coordinates")
    s.weak_neighbour = pf.school(t, lat=43.301, lon=68.251, name_en="Weak neighbour")
    s.strong_college = pf.school(t, lat=43.302, lon=68.252, kind="college", name_en="Strong college")
    composites = {s.flagged: 0.30, s.flagged_unlocated: 0.32, s.weak_neighbour: 0.55, s.mid: 0.75, s.near: 0.80,
                  s.far: 0.85, s.unlocated: 0.90, s.strong_college: 0.95}
    for i, value in enumerate((0.50, 0.60, 0.62, 0.65, 0.68, 0.70, 0.72)):
        composites[pf.school(a, lat=51.1 + i / 10, lon=71.4, name_en=f"Ordinary school {i}")] = value
    for organization, value in composites.items():
        pf.measure(organization, 2024, value)
    # the flagged school's own knowledge quality and success rate of 2024 (baselines), and the region's mean
    from smarttvet.gradebook.models import LearningMeasure

    LearningMeasure.objects.filter(organization=s.flagged, year=2024).update(knowledge_quality=0.40, success_rate=0.80)
    pf.region_measure(t, 2024, 0.60)
    s.list = pf.monitoring_list(2024, region=t, kind="school",
                                entries=[(s.flagged, 0.30), (s.flagged_unlocated, 0.32)])
    return s


@pytest.fixture
def colleges(world):
    """A 2024 college monitoring list of Turkistan (college_a and college_b) and two published rating runs: the
    latest (2025) decides the leagues."""
    t, a = world.turkistan, world.almaty
    c = SimpleNamespace(world=world)
    world.college_a.latitude, world.college_a.longitude = 43.30, 68.25
    world.college_a.save()
    world.college_b.latitude, world.college_b.longitude = 43.305, 68.255
    world.college_b.save()
    c.lead = pf.school(t, lat=42.32, lon=69.59, kind="college", name_en="Leader college")
    c.back = pf.school(t, lat=43.35, lon=68.30, kind="college", name_en="Backbone college")
    c.social = pf.school(t, lat=43.31, lon=68.26, kind="college", name_en="Social college")
    c.higher = pf.school(a, lat=43.25, lon=76.90, kind="higher_college", name_en="Leader higher college")
    c.school = pf.school(t, lat=43.30, lon=68.25, name_en="A school next door")
    pf.published_run(2024, {c.social: ("leaders", 90.0), c.back: ("social", 40.0)})
    pf.published_run(2025, {c.lead: ("leaders", 80.0), c.back: ("backbone", 65.0), c.social: ("social", 40.0),
                            c.higher: ("leaders", 85.0), world.college_b: ("backbone", 60.0),
                            world.college_a: ("target", 20.0)})
    for organization in (world.college_a, world.college_b):
        pf.measure(organization, 2024, 0.35, knowledge_quality=0.3, success_rate=0.7)
    pf.region_measure(t, 2024, 0.55)
    c.list = pf.monitoring_list(2024, region=t, kind="college",
                                entries=[(world.college_a, 0.35), (world.college_b, 0.40)])
    return c


@pytest.fixture
def plans(world):
    """Plans of every level: the colleges' (two in Turkistan, one in Almaty), both regions' and the nation's."""
    p = SimpleNamespace(world=world)
    p.a = pf.full_plan(world.college_a, n_indicators=2, title="Plan of college A")
    p.b = pf.full_plan(world.college_b, title="Plan of college B")
    p.x = pf.full_plan(world.college_other_region, title="Plan of the Almaty college")
    p.turkistan = pf.plan(level="regional", region=world.turkistan, title="Turkistan roadmap")
    p.almaty = pf.plan(level="regional", region=world.almaty, title="Almaty roadmap")
    p.national = pf.plan(level="national", title="National roadmap")
    p.visible = {
        "ministry": {p.a, p.b, p.x, p.turkistan, p.almaty, p.national},
        "region": {p.a, p.b, p.turkistan},
        "organization": {p.a},
        "teacher": set(),
        "employer": set(),
    }
    for seen in p.visible.values():
        seen.add(p.national)  # the national roadmap's progress is public
    return p
