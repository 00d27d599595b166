"""The plan model's invariants, the measure registry and the support-plan template's checks."""

import copy

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from smarttvet.plans import measures, support_template
from smarttvet.plans.measures import Owner
from smarttvet.plans.models import Indicator, Plan
from tests.plans import factories as pf

pytestmark = pytest.mark.django_db


def test_an_organisations_plan_carries_its_region(world):
    plan = pf.plan(organization=world.college_other_region)
    assert plan.region == world.almaty and plan.owner == world.college_other_region


@pytest.mark.parametrize(("fields", "field"), [
    ({"level": "national", "region": "turkistan"}, "region"),
    ({"level": "regional"}, "region"),
    ({"level": "organization"}, "organization"),
    ({"level": "support"}, "organization"),
    ({"level": "regional", "region": "turkistan", "board_agreed": True}, "board_agreed"),
    ({"level": "national", "start_year": 2027, "end_year": 2025}, "end_year"),
])
def test_clean_explains_what_is_wrong(world, fields, field):
    fields = dict(fields)
    if fields.get("region") == "turkistan":
        fields["region"] = world.turkistan
    plan = Plan(code="p", title_en="P", start_year=fields.pop("start_year", 2025),
                end_year=fields.pop("end_year", 2027), **fields)
    with pytest.raises(ValidationError) as error:
        plan.full_clean()
    assert field in error.value.message_dict


def test_a_title_is_needed_in_one_language_and_shown_in_another(world):
    plan = Plan(code="p", level="national", start_year=2025, end_year=2027)
    with pytest.raises(ValidationError):
        plan.full_clean()
    plan.title_kk = "Жол картасы"
    plan.full_clean()
    from django.utils import translation

    with translation.override("en"):
        assert plan.title == "Жол картасы"


def test_the_database_refuses_an_owner_that_does_not_match_the_level(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(code="bad", level="national", region=world.turkistan, start_year=2025, end_year=2025,
                            title_en="Bad")
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(code="bad2", level="regional", start_year=2025, end_year=2025, title_en="Bad")


def test_a_computed_indicator_needs_a_known_measure(world):
    plan = pf.plan(organization=world.college_a)
    indicator = Indicator(plan=plan, title_en="x", source="computed", measure="nowhere.nothing")
    with pytest.raises(ValidationError) as error:
        indicator.full_clean()
    assert "measure" in error.value.message_dict
    indicator.measure = "gradebook.success_rate"
    indicator.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(plan=plan, title_en="x", source="computed", measure="")


def test_an_objective_of_another_plan_is_refused(world):
    mine, other = pf.plan(organization=world.college_a), pf.plan(organization=world.college_b)
    foreign = pf.objective(pf.goal(other))
    with pytest.raises(ValidationError) as error:
        Indicator(plan=mine, objective=foreign, title_en="x").full_clean()
    assert "objective" in error.value.message_dict


# ------------------------------------------------------------------------------------------ measures
def test_the_gradebook_measures_are_registered():
    assert {"gradebook.composite", "gradebook.knowledge_quality", "gradebook.success_rate"} <= set(measures.MEASURES)
    assert measures.get("gradebook.composite").names["ru"] == "Сводный показатель обученности"


def test_learning_measures_by_organisation_region_and_nation(world):
    pf.measure(world.college_a, 2025, 0.5, knowledge_quality=0.3)
    pf.measure(world.college_a, 2024, 0.4)
    pf.region_measure(world.turkistan, 2025, 0.6, students=3000)
    pf.region_measure(world.almaty, 2025, 0.8, students=1000)
    composite = measures.get("gradebook.composite")
    org, turkistan, nation = Owner("organization", world.college_a.pk), Owner("region", world.turkistan.pk), \
        Owner("national")
    values = composite.values([org, turkistan, nation, Owner("organization", world.college_b.pk)], [2024, 2025])
    assert values == {(org, 2025): 0.5, (org, 2024): 0.4, (turkistan, 2025): 0.6,
                      (nation, 2025): pytest.approx(0.65)}  # (0.6 x 3000 + 0.8 x 1000) / 4000
    quality = measures.compute_many([("gradebook.knowledge_quality", org, 2025), ("unknown", org, 2025)])
    assert quality == {("gradebook.knowledge_quality", org, 2025): 0.3}


def test_registering_another_measure_under_a_taken_key_is_refused():
    taken = measures.get("gradebook.composite")
    with pytest.raises(ValueError):
        measures.register(measures.Measure(key=taken.key, names=taken.names, units=taken.units,
                                           compute=lambda owners, years: {}))


# ------------------------------------------------------------------------------------------ template
def _raw():
    return yaml.safe_load(support_template.TEMPLATE_PATH.read_text(encoding="utf-8"))


def test_the_template_covers_the_four_kinds_of_help_in_three_languages():
    template = support_template.load()
    assert template.activity_kinds == {"methodological", "management", "teacher_training", "mentoring"}
    composite = template.goals[0].objectives[0].indicators[0]
    assert composite.measure == "gradebook.composite" and composite.baseline == "monitoring"


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["goals"][1]["objectives"][0]["activities"][0].update(kind="party"), "activities[0].kind"),
    (lambda d: d["goals"][1]["objectives"][0]["activities"][0]["title"].pop("kk"), "kk, ru and en"),
    (lambda d: d["goals"][0]["objectives"][0]["indicators"][0].update(measure="x.y"), "unknown measure"),
    (lambda d: d["goals"][1]["objectives"][0]["indicators"][0].update(baseline="measure"), "needs a measure"),
    (lambda d: d["goals"][0]["objectives"][0]["indicators"][0].update(target={"double": 2}), "target"),
    (lambda d: d["title"].update(en="Plan {nobody}"), "title.en"),
    (lambda d: d.update(goals=[]), "no goals"),
])
def test_a_broken_template_is_refused_naming_the_place(change, message):
    data = copy.deepcopy(_raw())
    change(data)
    with pytest.raises(support_template.TemplateError, match=message.replace("[", r"\[").replace("]", r"\]")):
        support_template.parse(data)
