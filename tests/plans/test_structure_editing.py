"""Editing a plan's structure: the goal, objective, indicator (with targets) and activity services (audited,
scoped by ``plans.access``, refusing bad input with the field named and nothing written), the pages' forms
(editors only; 404 outside the read scope, 403 outside the write scope) and anonymous API reads of the public
roadmap."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from smarttvet.accounts.models import AuditEntry
from smarttvet.plans import services
from smarttvet.plans.models import Activity, Goal, Indicator, IndicatorTarget, Objective, Plan

pytestmark = pytest.mark.django_db


def _audits(model, action):
    return AuditEntry.objects.filter(target_type=f"plans.{model}", action=action)


def _counts():
    return (Goal.objects.count(), Objective.objects.count(), Indicator.objects.count(),
            IndicatorTarget.objects.count(), Activity.objects.count(), AuditEntry.objects.count())


@pytest.fixture
def editor(plans):
    return plans.world.users["organization"]  # college A's own plan: plans.a


def test_goal_and_objective_create_update_delete_are_audited(plans, editor):
    goal = services.goal_create(actor=editor, plan=plans.a, title={"ru": "Цель", "en": "A goal"})
    assert goal.plan == plans.a and goal.title_en == "A goal" and goal.order == 1  # after the factory's order 0
    assert _audits("goal", "create").get(target_id=str(goal.pk)).organization_id == plans.world.college_a.pk
    services.goal_update(actor=editor, goal=goal, title={"en": "A better goal"})
    goal.refresh_from_db()
    assert (goal.title_en, goal.title_ru) == ("A better goal", "")
    assert _audits("goal", "update").get(target_id=str(goal.pk)).changes["title_en"] == ["A goal", "A better goal"]

    objective = services.objective_create(actor=editor, goal=goal, title="An objective")
    assert objective.goal == goal and objective.title == "An objective"
    assert _audits("objective", "create").filter(target_id=str(objective.pk)).exists()
    services.objective_update(actor=editor, objective=objective, title={"en": "Renamed"})
    objective.refresh_from_db()
    assert objective.title_en == "Renamed"
    assert _audits("objective", "update").filter(target_id=str(objective.pk)).exists()
    services.activity_create(actor=editor, objective=objective, title="Inside")
    objective_pk, goal_pk = objective.pk, goal.pk
    services.objective_delete(actor=editor, objective=objective)
    assert not Objective.objects.filter(pk=objective_pk).exists()
    assert _audits("objective", "delete").get(target_id=str(objective_pk)).changes["activities"] == 1
    services.goal_delete(actor=editor, goal=goal)
    assert not Goal.objects.filter(pk=goal_pk).exists()
    assert _audits("goal", "delete").filter(target_id=str(goal_pk)).exists()


def test_indicator_create_update_delete_with_targets(plans, editor):
    objective = Objective.objects.filter(goal__plan=plans.a).first()
    indicator = services.indicator_create(
        actor=editor, objective=objective, title={"kk": "Үлес", "ru": "Доля", "en": "Share"}, unit="%",
        direction="decrease", baseline_year=2024, baseline_value="12,5", targets={2025: 10, "2027": "8"})
    assert (indicator.plan, indicator.objective, indicator.direction) == (plans.a, objective, "decrease")
    assert indicator.baseline_value == 12.5 and indicator.source == "entered" and indicator.measure == ""
    assert dict(indicator.targets.values_list("year", "value")) == {2025: 10.0, 2027: 8.0}
    created = _audits("indicator", "create").get(target_id=str(indicator.pk))
    assert created.changes["targets"] == {"2025": 10.0, "2027": 8.0}

    services.indicator_update(actor=editor, indicator=indicator, source="computed", measure="gradebook.composite",
                              targets={2026: 0.5})
    indicator.refresh_from_db()
    assert (indicator.source, indicator.measure, indicator.title_en) == ("computed", "gradebook.composite", "Share")
    assert dict(indicator.targets.values_list("year", "value")) == {2026: 0.5}
    changes = _audits("indicator", "update").get(target_id=str(indicator.pk)).changes
    assert changes["measure"] == ["", "gradebook.composite"]
    assert changes["targets"] == [{"2025": 10.0, "2027": 8.0}, {"2026": 0.5}]

    services.indicator_update(actor=editor, indicator=indicator, source="entered")
    indicator.refresh_from_db()
    assert (indicator.source, indicator.measure) == ("entered", "")

    pk = indicator.pk
    services.indicator_delete(actor=editor, indicator=indicator)
    assert not Indicator.objects.filter(pk=pk).exists()
    assert not IndicatorTarget.objects.filter(indicator_id=pk).exists()
    assert _audits("indicator", "delete").get(target_id=str(pk)).changes["targets"] == 1


def test_activity_create_update_delete(plans, editor):
    objective = Objective.objects.filter(goal__plan=plans.a).first()
    activity = services.activity_create(actor=editor, objective=objective, title="Train the teachers",
                                        kind="teacher_training", responsible="Deputy director",
                                        deadline="2026-05-31", budget="150000")
    assert (activity.plan, activity.kind, activity.deadline) == (plans.a, "teacher_training", dt.date(2026, 5, 31))
    assert activity.budget == Decimal("150000.00") and activity.status == "planned"
    assert _audits("activity", "create").get(target_id=str(activity.pk)).changes["budget"] == "150000.00"
    services.activity_update(actor=editor, activity=activity, budget="", deadline="2026-06-30", kind="mentoring")
    activity.refresh_from_db()
    assert (activity.budget, activity.deadline, activity.kind) == (None, dt.date(2026, 6, 30), "mentoring")
    assert _audits("activity", "update").get(target_id=str(activity.pk)).changes["kind"] == [
        "teacher_training", "mentoring"]
    pk = activity.pk
    services.activity_delete(actor=editor, activity=activity)
    assert not Activity.objects.filter(pk=pk).exists()
    assert _audits("activity", "delete").filter(target_id=str(pk)).exists()


def test_scope_of_the_writers(plans, editor):
    region, ministry = plans.world.users["region"], plans.world.users["ministry"]
    # an organisation: not another organisation's plan, not a roadmap
    for plan in (plans.b, plans.x, plans.turkistan, plans.national):
        with pytest.raises(PermissionDenied):
            services.goal_create(actor=editor, plan=plan, title="No")
    with pytest.raises(PermissionDenied):
        services.indicator_delete(actor=editor, indicator=plans.b.indicators.first())
    # a region: its roadmap and its organisations' plans, nothing else
    services.goal_create(actor=region, plan=plans.turkistan, title="Regional goal")
    services.goal_create(actor=region, plan=plans.b, title="Goal for college B")
    for plan in (plans.almaty, plans.x, plans.national):
        with pytest.raises(PermissionDenied):
            services.goal_create(actor=region, plan=plan, title="No")
    # the ministry: everything
    services.goal_create(actor=ministry, plan=plans.national, title="National goal")
    services.goal_create(actor=ministry, plan=plans.x, title="Almaty goal")
    assert Goal.objects.filter(title_ru="No").count() == 0 and Goal.objects.filter(title_en="No").count() == 0


def test_closed_plans_refuse_changes(plans, editor):
    Plan.objects.filter(pk=plans.a.pk).update(status="completed")
    plans.a.refresh_from_db()
    before = _counts()
    with pytest.raises(PermissionDenied):
        services.goal_create(actor=editor, plan=plans.a, title="Late")
    with pytest.raises(PermissionDenied):
        services.activity_delete(actor=plans.world.users["ministry"], activity=plans.a.activities.first())
    assert _counts() == before


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"measure": "no.such.measure", "source": "computed"}, "measure"),
    ({"direction": "sideways"}, "direction"),
    ({"targets": {2031: 5}}, "targets"),
    ({"targets": {2025: "a lot"}}, "targets"),
    ({"title": {"kk": "", "ru": "", "en": ""}}, "title"),
    ({"title": {"en": "  "}}, "title"),
    ({"baseline_value": 3, "baseline_year": None}, "baseline_year"),
    ({"source": "guessed"}, "source"),
])
def test_bad_indicator_input_names_the_field_and_writes_nothing(plans, editor, kwargs, field):
    objective = Objective.objects.filter(goal__plan=plans.a).first()
    indicator = plans.a.indicators.filter(source="entered").first()
    before = _counts()
    values = {"title": "Fine", "targets": {2025: 1}, **kwargs}
    with pytest.raises(ValidationError) as created:
        services.indicator_create(actor=editor, objective=objective, **values)
    assert field in created.value.message_dict
    with pytest.raises(ValidationError) as updated:
        services.indicator_update(actor=editor, indicator=indicator, **kwargs)
    assert field in updated.value.message_dict
    assert _counts() == before
    assert dict(indicator.targets.values_list("year", "value")) == {2025: 10.0}


def test_unavailable_measures_are_refused(plans, editor, monkeypatch):
    from smarttvet.plans import measures

    key = "gradebook.composite"
    monkeypatch.setitem(measures.MEASURES, key, dataclasses.replace(
        measures.MEASURES[key], unavailable={"kk": "-", "ru": "-", "en": "no source yet"}))
    objective = Objective.objects.filter(goal__plan=plans.a).first()
    with pytest.raises(ValidationError) as error:
        services.indicator_create(actor=editor, objective=objective, title="X", source="computed", measure=key)
    assert "measure" in error.value.message_dict


@pytest.mark.parametrize(("call", "field"), [
    (lambda o, u: services.goal_create(actor=u, plan=o.goal.plan, title=" "), "title"),
    (lambda o, u: services.objective_create(actor=u, goal=o.goal, title={"xx": "?"}), "title"),
    (lambda o, u: services.activity_create(actor=u, objective=o, title=""), "title"),
    (lambda o, u: services.activity_create(actor=u, objective=o, title="A", kind="party"), "kind"),
    (lambda o, u: services.activity_create(actor=u, objective=o, title="A", deadline="soon"), "deadline"),
    (lambda o, u: services.activity_create(actor=u, objective=o, title="A", budget="-5"), "budget"),
    (lambda o, u: services.activity_update(actor=u, activity=o.activities.first(), budget="lots"), "budget"),
])
def test_bad_input_of_the_other_parts(plans, editor, call, field):
    objective = Objective.objects.filter(goal__plan=plans.a).first()
    before = _counts()
    with pytest.raises(ValidationError) as error:
        call(objective, editor)
    assert field in error.value.message_dict
    assert _counts() == before


# ------------------------------------------------------------------------------------------ pages
def test_the_plan_page_shows_the_forms_to_editors_only(plans, client_as):
    url = f"/en/plans/{plans.a.pk}/"
    page = client_as(plans.world.users["organization"]).get(url).content.decode()
    assert "Add goal" in page and "Add objective" in page and "Add indicator" in page and "Add activity" in page
    assert f"/plans/{plans.a.pk}/goal/" in page and "csrfmiddlewaretoken" in page
    assert "<script>" not in page and "style=" not in page
    national = client_as(plans.world.users["organization"]).get(f"/en/plans/{plans.national.pk}/").content.decode()
    assert "Add goal" not in national and "/delete/" not in national
    assert "Add goal" in client_as(plans.world.users["ministry"]).get(
        f"/en/plans/{plans.national.pk}/").content.decode()
    Plan.objects.filter(pk=plans.a.pk).update(status="archived")
    assert "Add goal" not in client_as(plans.world.users["region"]).get(url).content.decode()


def test_pages_add_edit_and_delete(plans, client_as):
    client = client_as(plans.world.users["organization"])
    base = f"/en/plans/{plans.a.pk}"
    response = client.post(f"{base}/goals/add/", {"title": "New goal"})
    assert response.status_code == 302
    goal = Goal.objects.get(plan=plans.a, title_en="New goal")
    client.post(f"{base}/goals/{goal.pk}/objectives/add/", {"title": "New objective"})
    objective = Objective.objects.get(goal=goal)
    client.post(f"{base}/objectives/{objective.pk}/indicators/add/", {
        "title": "Graduates employed", "unit": "%", "direction": "increase", "measure": "",
        "baseline_year": "2024", "baseline_value": "60", "targets": "2025=65; 2027=70"})
    indicator = Indicator.objects.get(objective=objective)
    assert dict(indicator.targets.values_list("year", "value")) == {2025: 65.0, 2027: 70.0}
    client.post(f"{base}/objectives/{objective.pk}/activities/add/", {
        "title": "Visit employers", "kind": "management", "deadline": "2026-01-31", "budget": ""})
    activity = Activity.objects.get(objective=objective)

    edit = client.get(f"{base}/indicators/{indicator.pk}/edit/")
    assert edit.status_code == 200 and "2025=65; 2027=70" in edit.content.decode()
    response = client.post(f"{base}/indicators/{indicator.pk}/edit/", {
        "title_kk": "", "title_ru": "Трудоустроенные", "title_en": "Employed", "unit_en": "%", "direction": "increase",
        "decimals": "1", "measure": "", "baseline_year": "2024", "baseline_value": "60", "targets": "2026=67"})
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert (indicator.title_ru, indicator.decimals) == ("Трудоустроенные", 1)
    assert dict(indicator.targets.values_list("year", "value")) == {2026: 67.0}
    bad = client.post(f"{base}/indicators/{indicator.pk}/edit/", {
        "title_en": "Employed", "direction": "increase", "decimals": "1", "targets": "2099=1"}, follow=True)
    assert "outside the plan" in bad.content.decode()
    assert dict(indicator.targets.values_list("year", "value")) == {2026: 67.0}

    for kind, part in (("activity", activity), ("indicator", indicator), ("objective", objective), ("goal", goal)):
        assert client.post(f"{base}/{kind}/{part.pk}/delete/").status_code == 302
        assert not type(part).objects.filter(pk=part.pk).exists()
    assert client.post(f"{base}/castle/1/delete/").status_code == 404


def test_pages_refuse_outside_the_scope(plans, client_as):
    client = client_as(plans.world.users["organization"])
    before = _counts()
    goal_b = plans.b.goals.first()
    assert client.post(f"/en/plans/{plans.b.pk}/goals/add/", {"title": "Intruder"}).status_code == 404
    assert client.post(f"/en/plans/{plans.b.pk}/goal/{goal_b.pk}/delete/").status_code == 404
    # the national roadmap is public, so it is read (and the change refused)
    assert client.post(f"/en/plans/{plans.national.pk}/goals/add/", {"title": "Intruder"}).status_code == 403
    goal = Goal.objects.create(plan=plans.national, title_en="National goal")
    assert client.post(f"/en/plans/{plans.national.pk}/goal/{goal.pk}/delete/").status_code == 403
    # a part of another plan through this plan's address does not exist
    assert client.post(f"/en/plans/{plans.a.pk}/goal/{goal_b.pk}/delete/").status_code == 404
    indicator_b = plans.b.indicators.first()
    assert client.get(f"/en/plans/{plans.a.pk}/indicators/{indicator_b.pk}/edit/").status_code == 404
    assert client.get(f"/en/plans/{plans.b.pk}/indicators/{indicator_b.pk}/edit/").status_code == 404
    assert client_as(plans.world.users["ministry"]).get(
        f"/en/plans/{plans.b.pk}/indicators/{indicator_b.pk}/edit/").status_code == 200
    Goal.objects.filter(pk=goal.pk).delete()
    assert _counts() == before


def test_anonymous_api_reads_the_national_roadmap_only(plans, client):
    response = client.get(f"/api/v1/plans/{plans.national.pk}")
    assert response.status_code == 200 and response.json()["level"] == "national"
    assert client.get(f"/api/v1/plans/{plans.a.pk}").status_code == 401
    assert client.get(f"/api/v1/plans/{plans.turkistan.pk}").status_code == 401
    assert [p["id"] for p in client.get("/api/v1/plans").json()["items"]] == [plans.national.pk]
