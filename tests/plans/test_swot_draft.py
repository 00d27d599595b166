"""Environment analysis: a draft development plan from the organisation's rating (weak pillars become
objectives with indicators, the rating's values as baselines, the league's median as targets) and from the
labour-market recommendations for its region, the SWOT prefilled; idempotent; scoped. SWOT items, the plan's
status and entered actuals through services and pages: audited, scoped, nothing written on bad input."""

import datetime as dt
import hashlib
import itertools
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

import smarttvet.rating
from smarttvet.accounts.models import AuditEntry
from smarttvet.plans import services
from smarttvet.plans.models import Goal, Indicator, IndicatorActual, Plan, SwotItem
from smarttvet.rating.models import MethodologyVersion, RatingInput, RatingResult, RatingRun
from smarttvet.registry.models import Offer, Qualification
from tests import factories as f
from tests.plans import factories as pf

pytestmark = pytest.mark.django_db

TVET = (Path(smarttvet.rating.__file__).parent / "methodologies" / "tvet.yaml").read_text(encoding="utf-8")
_n = itertools.count(1)


def rating_run(year, rows, *, status="published"):
    """A run of the real tvet methodology: ``rows`` are (organisation, league, score, groups, input values)."""
    n = next(_n)
    version = MethodologyVersion.objects.create(
        code="tvet", version=f"plans-test-{n}", name_kk="Т", name_ru="Т", name_en="T", yaml_text=TVET,
        hash=hashlib.sha256(f"{TVET}{n}".encode()).hexdigest())
    run = RatingRun.objects.create(year=year, methodology=version, seed=1, inputs_hash="x" * 64)
    for rank, (organization, league, score, groups, values) in enumerate(rows, start=1):
        RatingResult.objects.create(run=run, organization=organization, rated=True, coverage=1.0, score=score,
                                    rank=rank, league=league, groups=groups)
        RatingInput.objects.create(run=run, organization=organization, values=values)
    if status == "published":
        run.status = RatingRun.Status.PUBLISHED
        run.published_at = dt.datetime(year, 12, 1, tzinfo=dt.UTC)
        run.save()
    return run


@pytest.fixture
def rated(world):
    """College A in the backbone league of the 2025 rating: graduate outcomes weak (30, the league's median
    55), learning quality (80) and business partnership (40 = the median) strong; an Almaty college in
    another league does not count towards the medians. A later draft run is ignored. College A offers two
    specialties."""
    t = world.turkistan
    c1, c2, c3 = (f.organization(t) for _ in range(3))
    a = world.college_a
    rows = [
        (a, "backbone", 55.0, {"graduate_outcomes": 30.0, "learning_quality": 80.0, "business_partnership": 40.0},
         {"employment_12m": 40.0, "employment_in_field_12m": 70.0, "positive_destinations_12m": None,
          "dropout_rate": 12.0}),
        (c1, "backbone", 52.0, {"graduate_outcomes": 60.0, "learning_quality": 50.0, "business_partnership": 40.0},
         {"employment_12m": 60.0, "employment_in_field_12m": 60.0, "positive_destinations_12m": 80.0}),
        (c2, "backbone", 58.0, {"graduate_outcomes": 70.0, "learning_quality": 55.0, "business_partnership": 45.0},
         {"employment_12m": 70.0, "employment_in_field_12m": 65.0, "positive_destinations_12m": 85.0}),
        (c3, "backbone", 50.0, {"graduate_outcomes": 50.0, "learning_quality": 60.0, "business_partnership": 35.0},
         {"employment_12m": 80.0, "employment_in_field_12m": 90.0, "positive_destinations_12m": 90.0}),
        (world.college_other_region, "leaders", 90.0,
         {"graduate_outcomes": 10.0, "learning_quality": 10.0, "business_partnership": 10.0},
         {"employment_12m": 5.0}),
    ]
    run = rating_run(2025, rows)
    rating_run(2026, [(a, "leaders", 99.0, {"graduate_outcomes": 99.0}, {})], status="draft")
    first = Offer.objects.get(organization=a).specialty
    q2 = Qualification.objects.exclude(specialty=first).select_related("specialty").order_by("code").first()
    Offer.objects.create(organization=a, specialty=q2.specialty, qualification=q2, language="ru",
                         form="full_time", licensed_capacity=25)
    q3 = (Qualification.objects.exclude(specialty__in=[first, q2.specialty]).select_related("specialty")
          .order_by("code").first())
    recommendations = [
        {"specialty_code": q3.specialty.code, "recommendation": "open", "gap_per_year": 40.0, "reason": ""},
        {"specialty_code": first.code, "recommendation": "expand", "gap_per_year": 30.0, "reason": ""},
        {"specialty_code": q2.specialty.code, "recommendation": "reduce", "gap_per_year": -20.0, "reason": ""},
        {"specialty_code": "99999999", "recommendation": "reduce", "gap_per_year": -50.0, "reason": ""},  # not offered
        {"specialty_code": "99999998", "recommendation": "keep", "gap_per_year": 0.0, "reason": ""},
    ]
    return dict(run=run, first=first.code, second=q2.specialty.code, new=q3.specialty.code,
                recommendations=recommendations)


def draft(world, rated, actor="cli"):
    return services.draft_plan_from_rating(world.college_a, actor, recommendations=rated["recommendations"])


def test_draft_plan_objectives_indicators_and_swot(world, rated):
    plan = draft(world, rated)
    assert (plan.level, plan.status, plan.organization, plan.region, plan.start_year, plan.end_year) == (
        "organization", "draft", world.college_a, world.turkistan, 2024, 2028)
    assert plan.title_kk and plan.title_ru and world.college_a.name_en in plan.title_en
    goals = list(plan.goals.order_by("order"))
    assert [g.code for g in goals] == ["rating", "labour-market"]
    rating_objectives = list(goals[0].objectives.all())
    assert [o.code for o in rating_objectives] == ["pillar-graduate_outcomes"]  # the only pillar below its median
    indicators = {i.code: i for i in Indicator.objects.filter(objective=rating_objectives[0])}
    assert set(indicators) == {"pillar-graduate_outcomes", "employment_12m", "employment_in_field_12m",
                               "positive_destinations_12m"}
    assert all(i.source == "entered" and i.plan_id == plan.pk for i in indicators.values())

    def targets(code):
        return dict(indicators[code].targets.values_list("year", "value"))

    pillar = indicators["pillar-graduate_outcomes"]
    assert (pillar.baseline_year, pillar.baseline_value) == (2025, 30.0)
    assert targets("pillar-graduate_outcomes") == {2026: pytest.approx(38.33), 2027: pytest.approx(46.67),
                                                   2028: 55.0}  # to the league's median, in a straight line
    employment = indicators["employment_12m"]
    assert (employment.baseline_value, employment.direction, employment.unit_en) == (40.0, "increase", "%")
    assert targets("employment_12m")[2028] == 65.0  # the league's median of 40, 60, 70, 80
    assert targets("employment_in_field_12m")[2028] == 70.0  # already above the median (67.5): kept
    missing = indicators["positive_destinations_12m"]
    assert missing.baseline_value is None and missing.baseline_year is None
    assert targets("positive_destinations_12m") == {2028: 85.0}
    assert indicators["employment_12m"].title_kk and indicators["employment_12m"].title_ru

    labour = {o.code: o for o in goals[1].objectives.all()}
    assert set(labour) == {f"open-{rated['new']}", f"expand-{rated['first']}", f"reduce-{rated['second']}"}
    assert rated["new"] in labour[f"open-{rated['new']}"].title_en

    swot = {kind: list(plan.swot_items.filter(kind=kind).order_by("order")) for kind in SwotItem.Kind.values}
    assert len(swot["weakness"]) == 1 and list(swot["weakness"][0].objectives.all()) == rating_objectives
    assert "30.0" in swot["weakness"][0].text_en and "55.0" in swot["weakness"][0].text_en
    assert ["80.0" in s.text_en for s in swot["strength"]] == [True, False]  # strongest first
    assert "40.0" in swot["strength"][1].text_en  # exactly the median counts as strong
    assert len(swot["strength"]) == 2 and all(not s.objectives.exists() for s in swot["strength"])
    assert {o.code for s in swot["opportunity"] for o in s.objectives.all()} == {
        f"open-{rated['new']}", f"expand-{rated['first']}"}
    assert [o.code for s in swot["threat"] for o in s.objectives.all()] == [f"reduce-{rated['second']}"]
    assert all(s.text_kk and s.text_ru and s.text_en for items in swot.values() for s in items)
    entry = AuditEntry.objects.get(target_type="plans.plan", target_id=str(plan.pk), action="create")
    assert entry.changes["rating_run"] == rated["run"].pk and entry.changes["weak_pillars"] == 1


def test_draft_is_idempotent_per_organisation_and_years(world, rated):
    plan = draft(world, rated)
    counts = (Plan.objects.count(), Goal.objects.count(), Indicator.objects.count(), SwotItem.objects.count())
    again = draft(world, rated)
    assert again.pk == plan.pk
    assert (Plan.objects.count(), Goal.objects.count(), Indicator.objects.count(),
            SwotItem.objects.count()) == counts
    other = services.draft_plan_from_rating(world.college_a, "cli", (2025, 2029),
                                            recommendations=rated["recommendations"])
    assert other.pk != plan.pk and Plan.objects.count() == counts[0] + 1


def test_without_a_rating_or_labour_data_the_draft_is_still_made(world):
    # no published rating of college B, and the world holds no labour-market data
    plan = services.draft_plan_from_rating(world.college_b, "cli")
    assert plan.level == "organization" and plan.status == "draft"
    assert not plan.goals.filter(code="rating").exists()


def test_who_may_draft(world, rated):
    users = world.users
    with pytest.raises(PermissionDenied):
        services.draft_plan_from_rating(world.college_b, users["organization"], recommendations=[])
    with pytest.raises(PermissionDenied):
        services.draft_plan_from_rating(world.college_other_region, users["region"], recommendations=[])
    for role in ("teacher", "employer"):
        with pytest.raises(PermissionDenied):
            services.draft_plan_from_rating(world.college_a, users[role], recommendations=[])
    assert not Plan.objects.exists()
    assert draft(world, rated, users["organization"]).created_by == users["organization"]
    services.draft_plan_from_rating(world.college_b, users["region"], recommendations=[])
    services.draft_plan_from_rating(world.college_other_region, users["ministry"], recommendations=[])
    assert Plan.objects.count() == 3


def test_draft_page(world, rated, client_as, monkeypatch):
    monkeypatch.setattr(services, "labour_recommendations", lambda region, horizon=5: rated["recommendations"])
    client = client_as(world.users["organization"])
    url = f"/en/plans/new/organization/{world.college_a.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and "Draft a development plan" in page.content.decode()
    assert client.get(f"/en/plans/new/organization/{world.college_b.pk}/").status_code == 404
    assert client.post(f"/en/plans/new/organization/{world.college_b.pk}/").status_code == 404
    assert not Plan.objects.exists()
    response = client.post(url)
    plan = Plan.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/plans/{plan.pk}/")
    assert client.post(url)["Location"].endswith(f"/plans/{plan.pk}/") and Plan.objects.count() == 1
    html = client.get(f"/en/plans/{plan.pk}/").content.decode()
    assert 'id="swot"' in html and "Weakness" in html
    assert f'action="/en/plans/{plan.pk}/swot/"' in html
    region = client_as(world.users["region"])
    assert region.get(url).status_code == 200


# ------------------------------------------------------------------------------------------ SWOT services
@pytest.fixture
def own(world):
    p = pf.plan(organization=world.college_a, status="draft")
    other = pf.plan(organization=world.college_b, status="draft")
    o = pf.objective(pf.goal(p))
    return p, other, o


def test_swot_create_and_delete(world, own):
    plan, _other, objective = own
    user = world.users["organization"]
    item = services.swot_item_create(actor=user, plan=plan, kind="threat", text="  A new college nearby ",
                                     objectives=[str(objective.pk)], language="en")
    assert (item.kind, item.text_en, item.text_ru, item.order) == ("threat", "A new college nearby", "", 1)
    assert list(item.objectives.all()) == [objective]
    assert AuditEntry.objects.filter(target_type="plans.swotitem", action="create",
                                     organization_id=world.college_a.pk).count() == 1
    services.swot_item_delete(actor=user, item=item)
    assert not SwotItem.objects.exists()
    assert AuditEntry.objects.filter(target_type="plans.swotitem", action="delete").count() == 1


@pytest.mark.parametrize("bad", [
    dict(kind="castle", text="x"), dict(kind="strength", text="   "), dict(kind="strength", text="x" * 1001),
    dict(kind="strength", text="x", objectives=["nope"]), dict(kind="strength", text=None),
])
def test_swot_bad_input_writes_nothing(world, own, bad):
    plan, _other, _objective = own
    with pytest.raises(ValidationError):
        services.swot_item_create(actor=world.users["organization"], plan=plan, **bad)
    assert not SwotItem.objects.exists() and not AuditEntry.objects.filter(target_type="plans.swotitem").exists()


def test_swot_scope_and_levels(world, own):
    plan, other, _objective = own
    foreign = pf.objective(pf.goal(other))
    user = world.users["organization"]
    with pytest.raises(PermissionDenied):
        services.swot_item_create(actor=user, plan=other, kind="strength", text="x")
    with pytest.raises(ValidationError):
        services.swot_item_create(actor=user, plan=plan, kind="strength", text="x", objectives=[foreign.pk])
    with pytest.raises(ValidationError):
        services.swot_item_create(actor=world.users["ministry"], plan=pf.plan(level="regional",
                                  region=world.turkistan), kind="strength", text="x")
    for role in ("teacher", "employer"):
        with pytest.raises(PermissionDenied):
            services.swot_item_create(actor=world.users[role], plan=plan, kind="strength", text="x")
    item = services.swot_item_create(actor=world.users["region"], plan=other, kind="strength", text="x")
    with pytest.raises(PermissionDenied):
        services.swot_item_delete(actor=user, item=item)
    Plan.objects.filter(pk=other.pk).update(status="completed")
    item.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.swot_item_delete(actor=world.users["ministry"], item=item)
    assert SwotItem.objects.count() == 1


def test_swot_pages(world, own, client_as):
    plan, other, _objective = own
    client = client_as(world.users["organization"])
    response = client.post(f"/en/plans/{plan.pk}/swot/", {"kind": "opportunity", "text": "IT hub grant"})
    assert response.status_code == 302 and response["Location"].endswith("#swot")
    item = SwotItem.objects.get()
    assert item.text_en == "IT hub grant"
    assert "IT hub grant" in client.get(f"/en/plans/{plan.pk}/").content.decode()
    client.post(f"/en/plans/{plan.pk}/swot/", {"kind": "bogus", "text": "x"})
    assert SwotItem.objects.count() == 1
    assert client.post(f"/en/plans/{other.pk}/swot/", {"kind": "strength", "text": "x"}).status_code == 404
    foreign = SwotItem.objects.create(plan=other, kind="threat", text_en="theirs")
    assert client.post(f"/en/plans/{other.pk}/swot/{foreign.pk}/delete/").status_code == 404
    assert client.post(f"/en/plans/{plan.pk}/swot/{foreign.pk}/delete/").status_code == 404
    assert client.post(f"/en/plans/{plan.pk}/swot/{item.pk}/delete/").status_code == 302
    assert list(SwotItem.objects.all()) == [foreign]
    assert client.get(f"/en/plans/{plan.pk}/swot/").status_code == 405


# ------------------------------------------------------------------------------------------ plan status
def test_plan_status_rules(world, own):
    plan, other, _objective = own
    user = world.users["organization"]
    with pytest.raises(ValidationError) as error:
        services.plan_status_set(actor=user, plan=plan, status="active")
    assert "approved_on" in error.value.message_dict
    for bad in ("completed", "draft", "castle", None):
        with pytest.raises(ValidationError):
            services.plan_status_set(actor=user, plan=plan, status=bad)
    with pytest.raises(ValidationError):
        services.plan_status_set(actor=user, plan=plan, status="active", approval_body="Council",
                                 approved_on="31.12.2024")
    plan.refresh_from_db()
    assert plan.status == "draft" and not plan.approval_body
    with pytest.raises(PermissionDenied):
        services.plan_status_set(actor=user, plan=other, status="archived")
    plan = services.plan_status_set(actor=user, plan=plan, status="active", approval_body="Pedagogical council",
                                    approved_on="2024-08-28", board_agreed_on="2024-08-20")
    assert (plan.status, plan.approved_on, plan.board_agreed, plan.board_agreed_on) == (
        "active", dt.date(2024, 8, 28), True, dt.date(2024, 8, 20))
    plan = services.plan_status_set(actor=user, plan=plan, status="completed")
    with pytest.raises(PermissionDenied):
        services.plan_status_set(actor=user, plan=plan, status="archived")
    assert AuditEntry.objects.filter(target_type="plans.plan", target_id=str(plan.pk), action="update").count() == 2
    regional = pf.plan(level="regional", region=world.turkistan, status="draft")
    with pytest.raises(PermissionDenied):
        services.plan_status_set(actor=user, plan=regional, status="active")
    with pytest.raises(ValidationError):
        services.plan_status_set(actor=world.users["region"], plan=regional, status="active", board_agreed=True)
    assert services.plan_status_set(actor=world.users["region"], plan=regional, status="active").status == "active"


def test_plan_status_page(world, own, client_as):
    plan, other, _objective = own
    client = client_as(world.users["organization"])
    client.post(f"/en/plans/{plan.pk}/status/", {"status": "active"})
    plan.refresh_from_db()
    assert plan.status == "draft"
    response = client.post(f"/en/plans/{plan.pk}/status/", {"status": "active", "approval_body": "Council",
                                                            "approved_on": "2024-08-28", "board_agreed": "1"})
    plan.refresh_from_db()
    assert response.status_code == 302 and plan.status == "active" and plan.board_agreed
    assert client.post(f"/en/plans/{other.pk}/status/", {"status": "archived"}).status_code == 404


# ------------------------------------------------------------------------------------------ entered actuals
def test_indicator_actual_form(world, own, client_as):
    plan, other, objective = own
    indicator = pf.indicator(plan, objective, targets={2026: 10})
    theirs = pf.indicator(other, targets={2026: 10})
    client = client_as(world.users["organization"])
    html = client.get(f"/en/plans/{plan.pk}/").content.decode()
    assert f'action="/en/plans/{plan.pk}/indicators/{indicator.pk}/actual/"' in html
    url = f"/en/plans/{plan.pk}/indicators/{indicator.pk}/actual/"
    response = client.post(url, {"year": "2025", "value": "4,5", "evidence": "Order No. 12"})
    assert response.status_code == 302 and response["Location"].endswith(f"#indicator-{indicator.pk}")
    actual = IndicatorActual.objects.get(indicator=indicator)
    assert (actual.year, actual.value, actual.evidence, actual.entered_by) == (
        2025, 4.5, "Order No. 12", world.users["organization"])
    for bad in ({"year": "2025", "value": "lots"}, {"year": "1800", "value": "1"}, {"year": "", "value": "1"},
                {"year": "2025", "value": "nan"}, {"year": "2025", "value": "1", "evidence": "x" * 4001}):
        client.post(url, bad)
    actual.refresh_from_db()
    assert actual.value == 4.5 and IndicatorActual.objects.count() == 1
    assert client.post(f"/en/plans/{other.pk}/indicators/{theirs.pk}/actual/",
                       {"year": "2025", "value": "1"}).status_code == 404
    assert client.post(f"/en/plans/{plan.pk}/indicators/{theirs.pk}/actual/",
                       {"year": "2025", "value": "1"}).status_code == 404
    assert not IndicatorActual.objects.filter(indicator=theirs).exists()
