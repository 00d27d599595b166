"""Seeded plans: the files load and validate, the national roadmap holds every expected result of the roadmap, seeding
is idempotent, and the demo seeds the roadmaps with actuals and activities in every status."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import yaml
from django.test import override_settings

from smarttvet.accounts.models import AuditEntry
from smarttvet.core.i18n import LANGUAGE_CODES
from smarttvet.demo import generator
from smarttvet.demo.generator import plans as demo_plans
from smarttvet.plans import measures, progress, seeds
from smarttvet.plans.measures import MEASURES
from smarttvet.plans.models import Activity, Goal, Indicator, IndicatorActual, IndicatorTarget, Plan

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The expected results of the roadmap (../shared/seeds/001) by indicator code: the final target of 2027.
EXPECTED_RESULTS = {
    "leagues_working": 4,
    "corporate_governance": 100,
    "new_format_managers": 100,
    "certified_teachers": 10_000,
    "production_specialists": 500,
    "regulations_updated": 1,
    "national_portfolio": 1,
    "programmes_synchronised": 1,
    "textbooks_state_language": 100,
    "it_hubs": 5,
    "fab_labs": 5,
    "smart_tvet": 1,
    "clusters": 20,
    "technoparks": 20,
    "business_startup_centres": 100,
    "worldskills_centre": 1,
    "worldskills_competencies": 50,
}
# The twelve the issue names, by (a word of the English title, final target).
NAMED_IN_ISSUE = [
    ("leagues", 4), ("corporate governance", 100), ("managers", 100), ("certified teachers", 10_000),
    ("from production", 500), ("textbooks", 100), ("it hubs", 5), ("fab labs", 5), ("clusters", 20),
    ("technoparks", 20), ("business startup", 100), ("worldskills", 50),
]


def final_targets(plan) -> dict[str, float]:
    return {t.indicator.code: t.value for t in IndicatorTarget.objects.filter(indicator__plan=plan, year=plan.end_year)
            .select_related("indicator")}


def raw(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# --- the files ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", [seeds.NATIONAL_PATH, seeds.REGIONAL_PATH, seeds.COLLEGE_PATH], ids=lambda p: p.name)
def test_the_files_load_with_every_text_in_three_languages(path):
    seed = seeds.load(path)
    assert seed.goals and seed.indicators
    texts = [seed.title] + [g.title for g in seed.goals] + [o.title for g in seed.goals for o in g.objectives]
    texts += [i.title for i in seed.indicators] + [i.unit for i in seed.indicators]
    texts += [a.title for a in seed.activities] + [a.responsible for a in seed.activities]
    for text in texts:
        assert set(text) == set(LANGUAGE_CODES) and all(text.values())
    for indicator in seed.indicators:
        assert not indicator.measure or indicator.measure in MEASURES


def test_the_national_file_lists_every_expected_result_of_the_roadmap():
    seed = seeds.load(seeds.NATIONAL_PATH)
    assert (seed.code, seed.level, seed.start_year, seed.end_year) == ("national-roadmap-2025-2027", "national",
                                                                        2025, 2027)
    assert {i.code: i.targets[2027] for i in seed.indicators} == EXPECTED_RESULTS
    worldskills = next(i for i in seed.indicators if i.code == "worldskills_competencies")
    assert (worldskills.baseline_year, worldskills.baseline_value) == (2024, 30)
    assert [o.code for o in seed.goals[0].objectives] == ["leadership", "programmes", "staff", "digitalisation",
                                                          "business", "internationalisation"]


def test_measures_bind_where_the_platform_holds_the_data():
    seed = seeds.load(seeds.NATIONAL_PATH)
    bound = {i.code: seeds.bound_measure(i) for i in seed.indicators}
    assert bound["leagues_working"] == "rating.leagues_working"
    assert bound["worldskills_competencies"] == "worldskills.competencies"
    assert bound["business_startup_centres"] == "infrastructure.business_startup_centres"
    assert bound["clusters"] == "partnership.clusters"
    assert bound["certified_teachers"] == "teachers.new_format_certified"
    assert bound["textbooks_state_language"] == "" and bound["new_format_managers"] == ""
    unavailable = [k for k, m in MEASURES.items() if not m.available]
    for indicator in seed.indicators:
        if indicator.measure in unavailable:
            assert bound[indicator.code] == "" and indicator.baseline_value is not None


BAD = [
    (lambda d: d["goals"][0]["objectives"][1]["indicators"][2]["title"].pop("kk"),
     "goals[0].objectives[1].indicators[2].title: give the text in exactly kk, ru and en"),
    (lambda d: d["goals"][0]["objectives"][0]["indicators"][0].update(measure="no.such"),
     "goals[0].objectives[0].indicators[0].measure: unknown measure 'no.such'"),
    (lambda d: d["goals"][0]["objectives"][0]["indicators"][0].update(measure="rating.region_rank"),
     "goals[0].objectives[0].indicators[0].measure: rating.region_rank does not measure a national"),
    (lambda d: d["goals"][0]["objectives"][0]["indicators"][0]["targets"].pop(2027),
     "goals[0].objectives[0].indicators[0].targets: the final target (year 2027) is missing"),
    (lambda d: d["goals"][0]["objectives"][0]["indicators"][0]["targets"].update({2030: 4}),
     "goals[0].objectives[0].indicators[0].targets.2030: outside the plan's years"),
    (lambda d: d["goals"][0]["objectives"][0]["indicators"][2].pop("baseline"),
     "goals[0].objectives[0].indicators[2]: an entered indicator needs a baseline"),
    (lambda d: d["goals"][0]["objectives"][0]["activities"][0].update(kind="party"),
     "goals[0].objectives[0].activities[0].kind: use one of"),
    (lambda d: d["goals"][0]["objectives"][0]["activities"][1].update(code="leagues"),
     "goals[0].objectives[0].activities[1].code: the code 'leagues' is used twice"),
    (lambda d: d.update(colour="blue"), "unknown key(s) colour"),
    (lambda d: d.update(board_agreed=True), "board_agreed: only an organisation's plan"),
]


@pytest.mark.parametrize(("change", "message"), BAD, ids=[m.split(":")[0] for _, m in BAD])
def test_a_file_that_does_not_validate_names_the_file_and_the_path(change, message):
    data = copy.deepcopy(raw(seeds.NATIONAL_PATH))
    change(data)
    with pytest.raises(seeds.SeedError, match="^national_roadmap_2025_2027.yaml: ") as error:
        seeds.parse(data, "national_roadmap_2025_2027.yaml")
    assert message in str(error.value)


def test_invalid_yaml_names_the_file(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("goals: [\n", encoding="utf-8")
    with pytest.raises(seeds.SeedError, match="broken.yaml is not valid YAML"):
        seeds.load(path)


# --- seeding --------------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_seed_national_makes_the_ministrys_roadmap_once():
    plan = seeds.seed_national()
    assert (plan.code, plan.level, plan.region_id, plan.organization_id) == (seeds.NATIONAL_CODE, "national", None,
                                                                              None)
    assert plan.title_kk and plan.title_ru and plan.title_en and plan.years == [2025, 2026, 2027]
    assert final_targets(plan) == EXPECTED_RESULTS
    titles = {i.title_en.lower(): final_targets(plan)[i.code] for i in plan.indicators.all()}
    for word, target in NAMED_IN_ISSUE:
        assert any(word in title and value == target for title, value in titles.items()), word
    worldskills = plan.indicators.get(code="worldskills_competencies")
    assert (worldskills.baseline_value, worldskills.source, worldskills.measure) == (30, "computed",
                                                                                    "worldskills.competencies")
    certified = plan.indicators.get(code="certified_teachers")  # computed from the teachers' digital portfolios
    assert (certified.source, certified.measure) == ("computed", "teachers.new_format_certified")
    for indicator in plan.indicators.all():
        indicator.full_clean()
        assert indicator.objective.goal.plan_id == plan.pk
        assert set(indicator.targets.values_list("year", flat=True)) == {2025, 2026, 2027}
    assert plan.activities.count() == 18 and not plan.activities.exclude(status="planned").exists()
    assert all(a.responsible_kk and a.deadline for a in plan.activities.all())
    counts = (Plan.objects.count(), Goal.objects.count(), Indicator.objects.count(), IndicatorTarget.objects.count(),
              Activity.objects.count())
    assert seeds.seed_national().pk == plan.pk
    assert counts == (Plan.objects.count(), Goal.objects.count(), Indicator.objects.count(),
                      IndicatorTarget.objects.count(), Activity.objects.count())
    assert AuditEntry.objects.filter(target_type="plans.plan", target_id=str(plan.pk), action="create").count() == 1


@pytest.mark.django_db
def test_seeding_keeps_what_the_owner_entered():
    plan = seeds.seed_national()
    indicator = plan.indicators.get(code="textbooks_state_language")
    IndicatorActual.objects.create(indicator=indicator, year=2025, value=40)
    plan.activities.filter(code="leagues").update(status="done", done_on=dt.date(2025, 10, 1))
    seeds.seed_national()
    assert indicator.actuals.get().value == 40 and plan.activities.get(code="leagues").status == "done"


@pytest.mark.django_db
def test_seed_regional_enters_the_top_ten_and_opens_ten_specialties(world):
    plan = seeds.seed_regional()  # the region the file is written for: Turkistan (61)
    assert (plan.level, plan.region_id, plan.code) == ("regional", world.turkistan.pk, "regional-roadmap-61-2024-2029")
    assert world.turkistan.name_en in plan.title_en and world.turkistan.name_kk in plan.title_kk
    rank = plan.indicators.get(code="region_rank")
    assert (rank.source, rank.measure, rank.direction) == ("computed", "rating.region_rank", "decrease")
    assert set(rank.targets.values_list("value", flat=True)) == {10}
    specialties = plan.indicators.get(code="new_specialties")
    assert dict(specialties.targets.values_list("year", "value"))[2025] == 10
    assert seeds.seed_regional(world.turkistan).pk == plan.pk
    other = seeds.seed_regional(world.almaty)
    assert other.pk != plan.pk and other.region_id == world.almaty.pk


@pytest.mark.django_db
def test_seed_college_is_approved_by_the_pedagogical_council_and_agreed_with_the_board(world):
    plan = seeds.seed_college(world.college_a)
    assert (plan.level, plan.organization_id, plan.region_id) == ("organization", world.college_a.pk,
                                                                  world.turkistan.pk)
    assert (plan.start_year, plan.end_year, plan.approved_on, plan.board_agreed) == (2024, 2028, dt.date(2023, 8, 31),
                                                                                     True)
    assert "Pedagogical council" in plan.approval_body and world.college_a.name_en in plan.title_en
    assert set(plan.goals.values_list("code", flat=True)) >= {
        "graduate_outcomes", "learning_quality", "teaching_staff", "business_partnership",
        "innovation_infrastructure", "internationalisation", "governance_finance"}
    plan.full_clean()
    # a rule target: from the baseline (none here, so ``from``) by per_year, within the maximum
    dropout = plan.indicators.get(code="dropout")
    assert dict(dropout.targets.values_list("year", "value")) == {2024: 5.5, 2025: 5.0, 2026: 4.5, 2027: 4.0,
                                                                   2028: 3.5}
    employment = plan.indicators.get(code="employment_12m")
    assert employment.source == "computed" and employment.targets.count() == 5
    assert seeds.seed_college(world.college_a).pk == plan.pk
    assert seeds.seed_college(world.college_b).pk != plan.pk


# --- the demo -------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small(django_db_setup, django_db_blocker):
    """The small demo, generated once for this module and removed afterwards."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        generator.clear()
        counts = generator.generate(scale="small", seed=7, progress=False)
        yield counts
        generator.clear()
        AuditEntry.objects.filter(target_type="demo.demodataset").delete()


def statuses(plan) -> set[str]:
    found = set()
    for indicator in plan.indicators.filter(source="entered"):
        targets = dict(indicator.targets.values_list("year", "value"))
        actuals = dict(indicator.actuals.values_list("year", "value"))
        found.add(progress.assess(direction=indicator.direction, baseline_year=indicator.baseline_year,
                                  baseline_value=indicator.baseline_value, targets=targets, actuals=actuals).status)
    return found


@pytest.mark.django_db
def test_the_demo_seeds_the_national_roadmap_with_computed_indicators(small):
    plan = Plan.objects.get(code=seeds.NATIONAL_CODE)
    assert final_targets(plan) == EXPECTED_RESULTS
    computed = plan.indicators.filter(source="computed")
    assert computed.count() >= 9
    for indicator in computed:
        assert indicator.measure in MEASURES and MEASURES[indicator.measure].available
        assert measures.NATIONAL in MEASURES[indicator.measure].levels
    assert small["plans"] == 3 and small["plan_actuals"] == IndicatorActual.objects.count()
    assert statuses(plan) >= {progress.ACHIEVED, progress.ON_TRACK, progress.AT_RISK, progress.OFF_TRACK}
    assert not AuditEntry.objects.filter(target_type="plans.plan").exists()  # the dataset's one row covers them


@pytest.mark.django_db
def test_the_demo_has_turkistans_roadmap_and_a_college_plan_with_activities_in_every_status(small):
    regional = Plan.objects.get(level="regional")
    assert regional.region.prefix == "61"
    college = Plan.objects.get(level="organization")
    assert college.region_id == regional.region_id and college.organization.parent_id is None
    all_statuses = set(Activity.objects.values_list("status", flat=True))
    assert all_statuses == {"planned", "in_progress", "done", "cancelled"}
    for plan in (Plan.objects.get(code=seeds.NATIONAL_CODE), regional, college):
        assert set(plan.activities.values_list("status", flat=True)) >= {"done", "in_progress"}
        assert any(a.is_overdue(dt.date(2026, 1, 31)) for a in plan.activities.all())
        assert not plan.activities.filter(status="done", done_on__isnull=True).exists()


@pytest.mark.django_db
def test_demo_plans_clear_is_idempotent_and_generate_does_not_duplicate(small):
    from smarttvet.demo.generator.context import Context

    demo_plans.clear()
    demo_plans.clear()
    assert not Plan.objects.filter(level__in=["national", "regional", "organization"]).exists()
    # the gradebook's clear deletes organisations' plans too; the national and regional roadmaps are ours
    generator.gradebook.clear()
    ctx = Context(scale=None, seed=7, progress=False, regions=[], per_region={}, totals={})
    demo_plans.generate(ctx)
    demo_plans.generate(ctx)
    assert Plan.objects.filter(code=seeds.NATIONAL_CODE).count() == 1 and Plan.objects.count() == 1
    assert ctx.counts["plans"] == 1
