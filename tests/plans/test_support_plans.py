"""Support plans from a monitoring list: the template's content, baselines and targets from the learning
measures, mentor suggestions, idempotence, write scope and audit, and next year's measure as the actual."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from smarttvet.accounts.models import AuditEntry
from smarttvet.plans import mentors, progress, selectors, services, support_template
from smarttvet.plans.models import Activity, Indicator, Plan, PlanMentor
from tests import factories as f
from tests.plans import factories as pf

pytestmark = pytest.mark.django_db

START = dt.date(2024, 9, 1)


def create(lst, actor, **kwargs):
    return services.support_plans_create(lst, actor, start=START, **kwargs)


def test_one_plan_per_entry_from_the_template(schools):
    region = schools.world.users["region"]
    plans = create(schools.list, region)
    assert [p.organization for p in plans] == [schools.flagged, schools.flagged_unlocated]
    plan = Plan.objects.get(organization=schools.flagged)
    assert plan.level == "support" and plan.status == "active" and plan.region == schools.world.turkistan
    assert plan.monitoring_entry.monitoring_list == schools.list and plan.created_by == region
    assert (plan.start_year, plan.end_year) == (2025, 2025)
    assert plan.title_en == "Targeted support plan: Flagged school, school year 2024–2025"
    assert "2024–2025" in plan.title_kk and plan.title_ru.startswith("Адресный план поддержки")

    template = support_template.load()
    assert [g.code for g in plan.goals.order_by("order")] == [g.code for g in template.goals] == [
        "outcomes", "methodological", "management", "teacher_training", "mentoring"]
    activities = list(plan.activities.all())
    assert {a.kind for a in activities} == {"methodological", "management", "teacher_training", "mentoring"}
    assert len(activities) == sum(len(o.activities) for g in template.goals for o in g.objectives) == 11
    for a in activities:
        assert a.title_kk and a.title_ru and a.title_en and a.responsible_kk and a.responsible_ru and a.responsible_en
        assert a.status == "planned" and a.objective.goal.plan_id == plan.pk
    first = next(a for a in activities if a.title_en.startswith("Identify the weakest subjects"))
    assert first.deadline == dt.date(2024, 10, 1)  # month 1 after the start
    assert max(a.deadline for a in activities) == dt.date(2025, 5, 1)  # month 8


def test_baselines_and_targets_come_from_the_list_and_the_measures(schools):
    create(schools.list, schools.world.users["ministry"])
    plan = Plan.objects.get(organization=schools.flagged)
    by_code = {i.code: i for i in Indicator.objects.filter(plan=plan)}
    composite = by_code["composite"]
    assert composite.source == "computed" and composite.measure == "gradebook.composite"
    assert (composite.baseline_year, composite.baseline_value) == (2024, 0.30)  # the entry's raw measure
    # halfway to the region's mean (0.60) in the next year
    assert {t.year: t.value for t in composite.targets.all()} == {2025: pytest.approx(0.45)}
    quality = by_code["knowledge_quality"]
    assert quality.baseline_value == pytest.approx(0.40)
    assert {t.year: t.value for t in quality.targets.all()} == {2025: pytest.approx(0.45)}
    assert {t.year: t.value for t in by_code["success_rate"].targets.all()} == {2025: pytest.approx(0.83)}
    trained = by_code["teachers_trained"]
    assert trained.source == "entered" and trained.measure == "" and trained.baseline_value == 0
    assert {t.year: t.value for t in trained.targets.all()} == {2025: 5}
    # the other school has no knowledge quality of 2024: no baseline, so no target either
    other = Plan.objects.get(organization=schools.flagged_unlocated)
    other_quality = Indicator.objects.get(plan=other, code="knowledge_quality")
    assert other_quality.baseline_value is None and not other_quality.targets.exists()
    assert Indicator.objects.get(plan=other, code="composite").targets.get().value == pytest.approx(0.46)


def test_the_composite_target_rises_by_the_minimum_when_already_above_the_region_mean(schools):
    pf.region_measure(schools.world.almaty, 2024, 0.20)
    high = pf.school(schools.world.almaty, lat=43.2, lon=76.8)
    lst = pf.monitoring_list(2024, region=schools.world.almaty, kind="school", entries=[(high, 0.25)])
    create(lst, schools.world.users["ministry"])
    composite = Indicator.objects.get(plan__organization=high, code="composite")
    assert composite.targets.get().value == pytest.approx(0.27)


def test_running_again_creates_only_the_missing_plans(schools):
    ministry = schools.world.users["ministry"]
    assert len(create(schools.list, ministry)) == 2
    counts = (Plan.objects.count(), Activity.objects.count(), PlanMentor.objects.count(), AuditEntry.objects.count())
    assert create(schools.list, ministry) == []
    assert (Plan.objects.count(), Activity.objects.count(), PlanMentor.objects.count(),
            AuditEntry.objects.count()) == counts
    newcomer = pf.school(schools.world.turkistan, lat=43.0, lon=68.0)
    pf.add_entry(schools.list, newcomer, 0.33, rank=3)
    again = create(schools.list, ministry)
    assert [p.organization for p in again] == [newcomer]
    assert Plan.objects.filter(monitoring_entry__monitoring_list=schools.list).count() == 3


def test_each_plan_writes_one_audit_row(schools):
    plans = create(schools.list, schools.world.users["region"])
    rows = AuditEntry.objects.filter(target_type="plans.plan", action="create")
    assert sorted(int(r.target_id) for r in rows) == sorted(p.pk for p in plans)
    row = rows.get(target_id=str(plans[0].pk))
    assert row.actor == schools.world.users["region"] and row.region_id == schools.world.turkistan.pk
    assert row.organization_id == schools.flagged.pk and row.changes["monitoring_list"] == schools.list.pk
    assert len(row.changes["mentors"]) == 3


@pytest.mark.parametrize("role", ["organization", "teacher", "employer"])
def test_only_the_ministry_and_the_lists_region_may_create(schools, role):
    with pytest.raises(PermissionDenied):
        create(schools.list, schools.world.users[role])
    assert not Plan.objects.exists()


def test_another_region_may_not_create_and_a_region_not_from_a_national_list(schools):
    almaty = f.user_with_role("almaty", "region", region=schools.world.almaty)
    with pytest.raises(PermissionDenied):
        create(schools.list, almaty)
    national = pf.monitoring_list(2024, entries=[(schools.flagged, 0.30)])
    with pytest.raises(PermissionDenied):
        create(national, schools.world.users["region"])
    assert create(national, "gradebook command")  # the command line is trusted
    assert not Plan.objects.filter(monitoring_entry__monitoring_list=schools.list).exists()


@pytest.mark.parametrize("months", [0, 37, "nine", True])
def test_bad_deadline_months_are_refused(schools, months):
    with pytest.raises(ValidationError) as error:
        create(schools.list, "cli", deadline_months=months)
    assert "deadline_months" in error.value.message_dict
    assert not Plan.objects.exists()


def test_deadlines_never_pass_deadline_months(schools):
    create(schools.list, "cli", deadline_months=3)
    deadlines = set(Activity.objects.values_list("deadline", flat=True))
    assert max(deadlines) == dt.date(2024, 12, 1) and min(deadlines) == dt.date(2024, 10, 1)


# ------------------------------------------------------------------------------------------ mentors
def _mentors(plan):
    return list(PlanMentor.objects.filter(plan=plan).order_by("rank"))


def test_school_mentors_are_the_nearest_top_quartile_schools(schools):
    create(schools.list, "cli")
    links = _mentors(Plan.objects.get(organization=schools.flagged))
    assert [m.organization for m in links] == [schools.near, schools.mid, schools.far]
    assert all(m.reason == "top_quartile" and m.basis == "distance" for m in links)
    assert links[0].distance_km == pytest.approx(mentors.haversine_km(43.30, 68.25, 43.35, 68.30), abs=0.1)
    assert links[2].distance_km == pytest.approx(mentors.haversine_km(43.30, 68.25, 43.25, 76.90), abs=0.1)
    assert links[0].measure_value == pytest.approx(0.80)


def test_without_coordinates_the_strongest_of_the_same_region_are_suggested(schools):
    create(schools.list, "cli")
    links = _mentors(Plan.objects.get(organization=schools.flagged_unlocated))
    assert [m.organization for m in links] == [schools.unlocated, schools.near, schools.mid]
    assert all(m.basis == "same_region" and m.distance_km is None for m in links)


def test_college_mentors_come_from_the_higher_leagues_of_the_latest_published_run(colleges):
    create(colleges.list, "cli")
    world = colleges.world
    links = _mentors(Plan.objects.get(organization=world.college_a))
    # college_b is in the backbone league and nearest, but it is on the same list
    assert [m.organization for m in links] == [colleges.back, colleges.lead, colleges.higher]
    assert [m.league for m in links] == ["backbone", "leaders", "leaders"]
    assert all(m.reason == "higher_league" for m in links)
    assert links[0].distance_km < links[1].distance_km < links[2].distance_km
    assert 140 < links[1].distance_km < 170  # Turkistan → near Shymkent


def test_colleges_fall_back_to_the_composite_without_a_published_run(world):
    from smarttvet.rating.models import RatingRun

    assert not RatingRun.objects.exists()
    strong = pf.school(world.turkistan, lat=43.4, lon=68.4, kind="higher_college")
    weak = pf.school(world.turkistan, lat=43.3, lon=68.2, kind="college")
    for organization, value in ((strong, 0.9), (weak, 0.3), (world.college_b, 0.5), (world.college_a, 0.4)):
        pf.measure(organization, 2024, value)
    pool = mentors.candidate_pool("college", 2024)
    assert [c.organization_id for c in pool] == [strong.pk]
    assert pool[0].reason == "top_quartile"


def test_haversine():
    assert mentors.haversine_km(43.30, 68.25, 43.30, 68.25) == 0
    # Astana to Almaty is about 970 km
    assert 950 < mentors.haversine_km(51.17, 71.45, 43.24, 76.89) < 990


# ------------------------------------------------------------------------------------------ next year
@pytest.mark.parametrize(("composite_2025", "status"), [
    (0.46, progress.ACHIEVED), (0.42, progress.AT_RISK), (0.40, progress.OFF_TRACK), (None, progress.NO_DATA)])
def test_next_years_measure_is_the_plans_actual(schools, composite_2025, status):
    create(schools.list, "cli")
    if composite_2025 is not None:
        pf.measure(schools.flagged, 2025, composite_2025)
    pf.measure(schools.flagged_unlocated, 2025, 0.99)  # another organisation's value is not this plan's
    plan = Plan.objects.get(organization=schools.flagged)
    detail = selectors.plan_detail(plan)
    composite = next(i for i in detail.indicators if i.indicator.code == "composite")
    assert composite.status == status
    if composite_2025 is None:
        assert composite.actuals == {}
    else:
        assert composite.actuals == {2025: pytest.approx(composite_2025)}
        assert composite.latest_year == 2025 and composite.target_of_latest_year == pytest.approx(0.45)
    outcomes = next(g for g in detail.goals if g.goal.code == "outcomes")
    assert outcomes.status == progress.rollup(
        i.status for o in outcomes.objectives for i in o.indicators)
