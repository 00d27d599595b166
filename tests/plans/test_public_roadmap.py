"""The national roadmap's progress is public: anybody reads its page and reports; every other plan stays in
its scope (an anonymous visitor is sent to log in, a signed-in user outside the scope gets 404), and reading
a public plan gives no right to change it."""

import pytest

from smarttvet.accounts.models import AuditEntry
from smarttvet.accounts.scoping import can_write, visible
from smarttvet.plans.models import Activity, Goal, Indicator, IndicatorActual, IndicatorTarget, Objective, Plan
from tests.plans import factories as pf

pytestmark = pytest.mark.django_db


@pytest.fixture
def roadmap(plans):
    o = pf.objective(pf.goal(plans.national, "Leagues working"))
    plans.national_indicator = pf.indicator(plans.national, o, title="Organisations with corporate governance",
                                            baseline_value=10, targets={2025: 40, 2027: 100}, actuals={2025: 45})
    plans.national_activity = pf.activity(plans.national, o, title="Pass the regulation")
    return plans


def test_anonymous_visitor_reads_the_national_roadmap(roadmap, client):
    response = client.get(f"/en/plans/{roadmap.national.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "National roadmap" in html and "Organisations with corporate governance" in html
    assert "On track" in html  # 45 against 40 expected in 2025, the final 100 not yet met
    item = response.context["detail"].indicators[0]
    assert item.status == "on_track"
    # nothing to change for a visitor
    assert response.context["may_update"] is False and response.context["may_edit"] is False
    assert 'name="status"' not in html and "/actual/" not in html and "/swot/" not in html
    for suffix in ("report.pdf?lang=kk", "report.xlsx?lang=ru"):
        assert client.get(f"/en/plans/{roadmap.national.pk}/{suffix}").status_code == 200


def test_anonymous_visitor_does_not_see_other_plans(roadmap, client):
    for plan in (roadmap.a, roadmap.turkistan, roadmap.x):
        for url in (f"/en/plans/{plan.pk}/", f"/en/plans/{plan.pk}/report.pdf", f"/en/plans/{plan.pk}/report.xlsx"):
            response = client.get(url)
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert client.get("/en/plans/999999/").status_code == 302  # a missing plan looks the same
    assert client.get("/en/plans/").status_code == 302  # the list stays for signed-in users


@pytest.mark.parametrize("role", ["teacher", "employer", "organization", "region"])
def test_signed_in_users_read_the_national_roadmap_and_404_plans_outside_their_scope(roadmap, client_as, role):
    client = client_as(roadmap.world.users[role])
    assert client.get(f"/en/plans/{roadmap.national.pk}/").status_code == 200
    assert client.get(f"/en/plans/{roadmap.x.pk}/").status_code == 404  # the Almaty college's plan
    assert client.get(f"/en/plans/{roadmap.x.pk}/report.pdf").status_code == 404


def test_the_public_part_is_read_only(roadmap):
    user = roadmap.world.users["organization"]
    for model in (Plan, Goal, Objective, Indicator, IndicatorTarget, IndicatorActual, Activity):
        rows = visible(None, model.objects.all())
        assert rows.exists(), model
        if model is Plan:
            assert list(rows) == [roadmap.national]
    assert not can_write(user, roadmap.national)
    assert not can_write(user, roadmap.national_indicator)
    assert not can_write(user, roadmap.national_activity)
    assert can_write(roadmap.world.users["ministry"], roadmap.national)


def test_an_organisation_cannot_change_the_roadmap_or_another_plan(roadmap, client_as):
    world = roadmap.world
    client = client_as(world.users["organization"])
    national, indicator, activity = roadmap.national, roadmap.national_indicator, roadmap.national_activity
    before = AuditEntry.objects.count()
    assert client.post(f"/en/plans/{national.pk}/indicators/{indicator.pk}/actual/",
                       {"year": "2026", "value": "99"}).status_code == 403
    assert client.post(f"/en/plans/{national.pk}/activities/{activity.pk}/status/",
                       {"status": "done"}).status_code == 403
    assert client.post(f"/en/plans/{national.pk}/status/", {"status": "completed"}).status_code == 403
    b_activity = roadmap.b.activities.first()
    assert client.post(f"/en/plans/{roadmap.b.pk}/activities/{b_activity.pk}/status/",
                       {"status": "done"}).status_code == 404
    assert client.post(f"/en/plans/{roadmap.b.pk}/status/", {"status": "completed"}).status_code == 404
    assert client.post(f"/en/plans/{roadmap.b.pk}/swot/", {"kind": "threat", "text": "x"}).status_code == 404
    national.refresh_from_db()
    activity.refresh_from_db()
    roadmap.b.refresh_from_db()
    assert national.status == "active" and roadmap.b.status == "active" and activity.status == "planned"
    assert not IndicatorActual.objects.filter(indicator=indicator, year=2026).exists()
    assert AuditEntry.objects.count() == before


def test_anonymous_writes_go_to_log_in(roadmap, client):
    national, indicator = roadmap.national, roadmap.national_indicator
    for url, data in ((f"/en/plans/{national.pk}/indicators/{indicator.pk}/actual/", {"year": "2026", "value": "1"}),
                      (f"/en/plans/{national.pk}/status/", {"status": "completed"})):
        response = client.post(url, data)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not IndicatorActual.objects.filter(indicator=indicator, year=2026).exists()
    national.refresh_from_db()
    assert national.status == "active"
