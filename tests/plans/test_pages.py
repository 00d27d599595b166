"""Plan pages: login, scope (404 outside it), content, overdue activities, the activity form (audited,
scoped, refusing bad input), exports, the three languages and constant query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smarttvet.accounts.models import AuditEntry
from smarttvet.plans import services
from smarttvet.plans.models import Activity, Plan
from tests import factories as f
from tests.plans import factories as pf

pytestmark = pytest.mark.django_db

ROLES = ["ministry", "region", "organization", "teacher", "employer"]


def test_anonymous_visitors_are_sent_to_log_in(plans, client):
    for url in ("/en/plans/", f"/en/plans/{plans.a.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    activity = plans.a.activities.first()
    response = client.post(f"/en/plans/{plans.a.pk}/activities/{activity.pk}/status/", {"status": "done"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    activity.refresh_from_db()
    assert activity.status == "planned"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_lists_exactly_its_plans_and_404s_the_others(plans, client_as, role):
    client = client_as(plans.world.users[role])
    listed = client.get("/en/plans/").context["page"].object_list
    assert {p.pk for p in listed} == {p.pk for p in plans.visible[role]}
    for plan in plans.visible["ministry"]:
        expected = 200 if plan in plans.visible[role] else 404
        assert client.get(f"/en/plans/{plan.pk}/").status_code == expected, (role, plan.title_en)


def test_filters(plans, client_as):
    client = client_as(plans.world.users["ministry"])

    def codes(query):
        return {p.code for p in client.get(f"/en/plans/?{query}").context["page"].object_list}

    assert codes("level=regional") == {plans.turkistan.code, plans.almaty.code}
    assert codes("region=75") == {plans.x.code, plans.almaty.code}
    assert codes("region=99") == set()
    assert codes("q=college A") == {plans.a.code}
    assert codes(f"q={plans.world.college_b.bin}") == {plans.b.code}
    Plan.objects.filter(pk=plans.national.pk).update(status="draft", start_year=2030, end_year=2031)
    assert codes("status=draft") == {plans.national.code}
    assert codes("year=2031") == {plans.national.code}
    assert codes("year=2026") == {p.code for p in plans.visible["ministry"]} - {plans.national.code}
    assert len(codes("level=castle")) == 6  # an unknown value filters nothing


def test_detail_shows_indicators_status_overdue_activities_and_the_chart_data(plans, client_as):
    pf.measure(plans.world.college_a, 2025, 0.5)  # the computed indicator's actual: its target → achieved
    response = client_as(plans.world.users["organization"]).get(f"/en/plans/{plans.a.pk}/")
    html = response.content.decode()
    detail = response.context["detail"]
    computed = next(i for i in detail.indicators if i.indicator.is_computed)
    entered = next(i for i in detail.indicators if not i.indicator.is_computed)
    assert computed.status == "achieved" and computed.actuals == {2025: 0.5}
    assert entered.status == "off_track"  # 4 of 10 in the target year
    assert "Achieved" in html and "Off track" in html
    overdue = plans.a.activities.get(deadline=dt.date(2020, 1, 1))
    assert [a.pk for a in detail.overdue] == [overdue.pk]
    assert f'id="activity-{overdue.pk}" class="overdue"' in html
    assert 'id="plan-chart-data"' in html and 'src="/static/plans/plans.js"' in html
    assert "<script>" not in html.replace('<script src=', '')  # no inline script (CSP)
    assert response.context["may_update"] is True
    assert 'name="status"' in html


def test_support_plan_page_shows_mentors_and_the_monitoring_entry(schools, client_as):
    services.support_plans_create(schools.list, "cli", start=dt.date(2024, 9, 1))
    plan = Plan.objects.get(organization=schools.flagged)
    pf.measure(schools.flagged, 2025, 0.42)
    html = client_as(schools.world.users["region"]).get(f"/en/plans/{plan.pk}/").content.decode()
    for name in ("Near strong school", "Mid strong school", "Far strong school"):
        assert name in html
    assert "Year 2024: rank 1 from the lowest" in html
    assert "Composite learning measure" in html and "0.420" in html and "0.450" in html and "At risk" in html
    assert "Methodological help" in html and "Mentoring" in html
    russian = client_as(schools.world.users["region"]).get(f"/ru/plans/{plan.pk}/").content.decode()
    assert "Сводный показатель обученности" in russian and "Адресный план поддержки" in russian
    kazakh = client_as(schools.world.users["region"]).get(f"/kk/plans/{plan.pk}/").content.decode()
    assert "Білім алудың құрама көрсеткіші" in kazakh


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_pages_answer_in_each_language(plans, client_as, lang):
    client = client_as(plans.world.users["region"])
    for url in (f"/{lang}/plans/", f"/{lang}/plans/{plans.a.pk}/", f"/{lang}/plans/{plans.turkistan.pk}/"):
        response = client.get(url)
        assert response.status_code == 200 and f'<html lang="{lang}">' in response.content.decode()


def test_export_lists_the_visible_plans(plans, client_as):
    client = client_as(plans.world.users["region"])
    response = client.get("/en/plans/?export=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("code,level,title_kk")
    assert sorted(line.split(",")[0] for line in lines[1:]) == sorted(p.code for p in plans.visible["region"])
    row = next(line for line in lines if line.startswith(plans.a.code))
    assert row.endswith(",1,1,1")  # one activity, open, overdue
    assert client.get("/en/plans/?export=xlsx").status_code == 200
    assert client.get("/en/plans/?export=pdf").status_code == 404


# ------------------------------------------------------------------------------------------ activity form
def _post(client, plan, activity, **data):
    return client.post(f"/en/plans/{plan.pk}/activities/{activity.pk}/status/", data)


def test_the_organisation_reports_its_activity_with_an_audit_row(plans, client_as):
    activity = plans.a.activities.first()
    client = client_as(plans.world.users["organization"])
    response = _post(client, plans.a, activity, status="done", evidence="Minutes of the council, 12 May")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/en/plans/{plans.a.pk}/#activity-{activity.pk}")
    activity.refresh_from_db()
    assert activity.status == "done" and activity.done_on is not None and activity.evidence.startswith("Minutes")
    entry = AuditEntry.objects.get(target_type="plans.activity", target_id=str(activity.pk))
    assert entry.actor == plans.world.users["organization"] and entry.action == "update"
    assert entry.changes["status"] == ["planned", "done"] and entry.organization_id == plans.world.college_a.pk
    # the same again changes nothing and writes nothing
    _post(client, plans.a, activity, status="done", evidence="Minutes of the council, 12 May")
    assert AuditEntry.objects.filter(target_type="plans.activity").count() == 1


def test_out_of_scope_activities_do_not_exist(plans, client_as):
    org_client = client_as(plans.world.users["organization"])
    other = plans.b.activities.first()
    assert _post(org_client, plans.b, other, status="done").status_code == 404
    assert _post(org_client, plans.a, other, status="done").status_code == 404  # not an activity of that plan
    region_x = f.user_with_role("almaty", "region", region=plans.world.almaty)
    assert _post(client_as(region_x), plans.a, plans.a.activities.first(), status="done").status_code == 404
    assert not Activity.objects.filter(status="done").exists()
    assert not AuditEntry.objects.filter(target_type="plans.activity").exists()


def test_a_bad_status_writes_nothing_and_says_why(plans, client_as):
    activity = plans.a.activities.first()
    client = client_as(plans.world.users["region"])
    response = _post(client, plans.a, activity, status="finished")
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "is not a status" in page.content.decode()
    activity.refresh_from_db()
    assert activity.status == "planned"
    assert not AuditEntry.objects.filter(target_type="plans.activity").exists()


def test_a_closed_plan_refuses_changes_with_403(plans, client_as):
    Plan.objects.filter(pk=plans.a.pk).update(status="archived")
    activity = plans.a.activities.first()
    client = client_as(plans.world.users["region"])
    assert _post(client, plans.a, activity, status="done").status_code == 403
    assert client.get(f"/en/plans/{plans.a.pk}/").context["may_update"] is False
    activity.refresh_from_db()
    assert activity.status == "planned"


def test_the_activity_form_is_post_only(plans, client_as):
    activity = plans.a.activities.first()
    client = client_as(plans.world.users["ministry"])
    assert client.get(f"/en/plans/{plans.a.pk}/activities/{activity.pk}/status/").status_code == 405


# ------------------------------------------------------------------------------------------ query counts
def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def test_list_page_queries_do_not_grow_with_the_plans(world, client_as, django_assert_max_num_queries):
    client = client_as(world.users["ministry"])
    pf.full_plan(world.college_a)
    one = _count(client, "/en/plans/")
    for _ in range(12):
        pf.full_plan(world.college_b, n_goals=2, n_indicators=3, n_activities=2)
    pf.plan(level="regional", region=world.almaty)
    with django_assert_max_num_queries(one):
        response = client.get("/en/plans/")
    assert len(response.context["page"].object_list) == 14


def test_detail_page_queries_do_not_grow_with_the_plan(world, client_as, django_assert_max_num_queries):
    client = client_as(world.users["ministry"])
    small = pf.full_plan(world.college_a)
    big = pf.full_plan(world.college_b, n_goals=5, n_indicators=4, n_activities=5)
    pf.plan(level="regional", region=world.almaty)
    one = _count(client, f"/en/plans/{small.pk}/")
    with django_assert_max_num_queries(one):
        response = client.get(f"/en/plans/{big.pk}/")
    assert len(response.context["detail"].activities) == 25
