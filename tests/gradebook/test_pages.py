"""Gradebook pages: the organisation's learning page, the monitoring dashboard and a monitoring list, for
every role (out of scope is 404, anonymous goes to the login page), small counts marked, bad query strings
harmless, exports with the command's columns, the support-plan button, and constant query counts."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smarttvet.gradebook import present
from smarttvet.gradebook.models import MonitoringEntry
from tests.gradebook.fixtures import grow_learning, learning_world, subject_names  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

ROLES = ["ministry", "region", "organization", "teacher", "employer"]


def _pages(lw) -> dict[str, str]:
    return {
        "own": f"/en/gradebook/organizations/{lw.college_a.pk}/",
        "neighbour": f"/en/gradebook/organizations/{lw.college_b.pk}/",
        "far": f"/en/gradebook/organizations/{lw.college_other_region.pk}/",
        "dashboard": "/en/gradebook/monitoring/",
        "national": f"/en/gradebook/monitoring/lists/{lw.national.pk}/",
        "turkistan": f"/en/gradebook/monitoring/lists/{lw.turkistan_list.pk}/",
        "almaty": f"/en/gradebook/monitoring/lists/{lw.almaty_list.pk}/",
    }


# Who gets what: 200 or 404 (out of scope does not exist).
EXPECTED = {
    "ministry": {"own": 200, "neighbour": 200, "far": 200, "dashboard": 200, "national": 200, "turkistan": 200,
                 "almaty": 200},
    "region": {"own": 200, "neighbour": 200, "far": 404, "dashboard": 200, "national": 200, "turkistan": 200,
               "almaty": 404},
    "organization": {"own": 200, "neighbour": 404, "far": 404, "dashboard": 200, "national": 200,
                     "turkistan": 404, "almaty": 404},
    "teacher": {"own": 404, "neighbour": 404, "far": 404, "dashboard": 200, "national": 404, "turkistan": 404,
                "almaty": 404},
    "employer": {"own": 404, "neighbour": 404, "far": 404, "dashboard": 200, "national": 404, "turkistan": 404,
                 "almaty": 404},
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_its_scope_only(learning_world, client_as, role):  # noqa: F811
    client = client_as(learning_world.users[role])
    for name, url in _pages(learning_world).items():
        assert client.get(url).status_code == EXPECTED[role][name], (role, name)


def test_anonymous_visitors_are_sent_to_the_login_page(learning_world, client):  # noqa: F811
    for name, url in _pages(learning_world).items():
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name
    assert client.post(f"/en/gradebook/monitoring/lists/{learning_world.national.pk}/support-plans/").status_code == 302


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_pages_answer_in_each_language(learning_world, client_as, lang):  # noqa: F811
    client = client_as(learning_world.users["ministry"])
    for url in _pages(learning_world).values():
        response = client.get(url.replace("/en/", f"/{lang}/"))
        assert response.status_code == 200 and f'<html lang="{lang}">' in response.content.decode()


def test_nav_shows_the_dashboard_to_logged_in_users(learning_world, client, client_as):  # noqa: F811
    assert "/en/gradebook/monitoring/" not in client.get("/en/").content.decode()
    assert "/en/gradebook/monitoring/" in client_as(learning_world.users["region"]).get("/en/").content.decode()


# ---------------------------------------------------------------------------------------- organisation page
def test_organisation_page_shows_trend_subjects_classes_terms_and_its_entry(learning_world, client_as):  # noqa: F811
    lw = learning_world
    page = client_as(lw.users["organization"]).get(f"/en/gradebook/organizations/{lw.college_a.pk}/")
    text = page.content.decode()
    assert page.context["year"] == 2025 and page.context["years"] == [2025, 2024]
    assert [r["year"] for r in page.context["trend"]] == [2024, 2025]
    assert "gradebook-trend-data" in text and 'data-chart="gradebook-trend"' in text
    chart = page.context["trend_chart"]
    assert chart["years"] == ["2024", "2025"] and [s["key"] for s in chart["series"]] == [
        "composite", "knowledge_quality", "success_rate", "attendance_rate"]
    # subjects by their names (the unknown code shows itself), sorted by name; KAZ has 12 students: small
    subjects = {r["key"]: r for r in page.context["subjects"]}
    assert subjects["MATH"]["label"] == "Mathematics" and subjects["KAZ"]["label"] == "KAZ"
    assert subjects["KAZ"]["small"] and "Mathematics" in text and "small-count" in text
    assert [r["label"] for r in page.context["groups"]] == ["9A", "9B", "10A"]  # natural order
    assert [r["key"] for r in page.context["terms"]] == ["1", "2", "3", "4"] and "Term 3" in text
    current = page.context["current"]
    assert current["students"] == 20 and current["small"]  # the whole college is small: a note says so
    assert "Fewer than 30 students" in text
    assert current["failing_students"] == 2 and current["change_composite"] == pytest.approx(2.0)
    # on the national list, with raw vs adjusted and its interval, without a plan yet
    (entry,) = page.context["entries"]
    assert entry["rank"] == 3 and entry["list"] == lw.national and not entry["naive_flagged"]
    assert entry["raw"] == pytest.approx(52.0) and entry["adjusted"] == pytest.approx(55.0)
    assert "On the monitoring list of 2025" in text and "No support plan yet." in text
    assert 'class="interval"' in text


def test_organisation_page_of_an_earlier_year(learning_world, client_as):  # noqa: F811
    lw = learning_world
    page = client_as(lw.users["ministry"]).get(f"/en/gradebook/organizations/{lw.college_b.pk}/?year=2024")
    assert page.context["year"] == 2024
    assert page.context["subjects"] == [] and page.context["entries"] == []
    assert "No measures by subject for this year." in page.content.decode()


@pytest.mark.parametrize("year", ["abc", "", "-1", "1999", "99999999999999", "2025.5", "%00"])
def test_bad_year_never_fails(learning_world, client_as, year):  # noqa: F811
    client = client_as(learning_world.users["ministry"])
    page = client.get(f"/en/gradebook/organizations/{learning_world.college_a.pk}/", {"year": year})
    assert page.status_code == 200 and page.context["year"] == 2025
    dashboard = client.get("/en/gradebook/monitoring/", {"year": year, "kind": "castle"})
    assert dashboard.status_code == 200 and dashboard.context["year"] == 2025 and dashboard.context["kind"] == ""


def test_organisation_without_measures(learning_world, client_as):  # noqa: F811
    from tests import factories as f

    newcomer = f.organization(learning_world.turkistan)
    page = client_as(learning_world.users["region"]).get(f"/en/gradebook/organizations/{newcomer.pk}/")
    assert page.status_code == 200 and page.context["year"] is None
    assert "No learning measures have been computed" in page.content.decode()
    assert client_as(learning_world.users["region"]).get("/en/gradebook/organizations/999999/").status_code == 404


def test_support_plan_link_on_the_pages(learning_world, client_as):  # noqa: F811
    from django.apps import apps

    try:
        plan_model = apps.get_model("plans", "Plan")
    except LookupError:
        pytest.skip("the plans app has no Plan model yet")
    if plan_model._meta.db_table not in connection.introspection.table_names():
        pytest.skip("the plans app has no migration yet")
    lw = learning_world
    entry = MonitoringEntry.objects.get(monitoring_list=lw.national, organization=lw.college_a)
    plan = plan_model.objects.create(code="support-test", level="support", region=lw.turkistan,
                                     organization=lw.college_a, start_year=2026, end_year=2026, title_en="Support",
                                     monitoring_entry=entry)
    client = client_as(lw.users["region"])
    page = client.get(f"/en/gradebook/organizations/{lw.college_a.pk}/")
    assert page.context["entries"][0]["plan_id"] == plan.pk
    dashboard = client.get("/en/gradebook/monitoring/")
    assert {row["organization"].pk: row["plan_id"] for row in dashboard.context["rows"]}[lw.college_a.pk] == plan.pk
    assert dashboard.context["without_plan"] == 1


# ---------------------------------------------------------------------------------------- dashboard
def test_ministry_dashboard_shows_every_region_and_the_national_list(learning_world, client_as):  # noqa: F811
    lw = learning_world
    page = client_as(lw.users["ministry"]).get("/en/gradebook/monitoring/")
    text = page.content.decode()
    assert page.context["monitoring_list"] == lw.national and page.context["region"] is None
    assert {r["region"].pk for r in page.context["overview"]} == {lw.turkistan.pk, lw.almaty.pk}
    assert page.context["overview_chart"]["labels"] and "gradebook-regions-data" in text
    assert [row["rank"] for row in page.context["rows"]] == [1, 2, 3]
    assert page.context["naive_differences"] == 1  # college A: raw rank 7 on a list of 3
    histogram = page.context["histogram"]
    assert histogram["total"] == 5 and histogram["flagged_total"] == 3
    assert sum(histogram["other"]) + sum(histogram["flagged"]) == 5
    assert "gradebook-histogram-data" in text and "raw rank 7" in text
    assert 'action="/en/gradebook/monitoring/lists/' in text  # the support-plans button
    assert len(page.context["lists"]) == 3


def test_ministry_narrows_to_a_region_and_a_kind(learning_world, client_as):  # noqa: F811
    lw = learning_world
    client = client_as(lw.users["ministry"])
    page = client.get("/en/gradebook/monitoring/?region=75")
    assert page.context["region"] == lw.almaty and page.context["overview"] == []
    assert page.context["monitoring_list"] == lw.national  # no Almaty list of both kinds: the national one
    assert [row["organization"] for row in page.context["rows"]] == [lw.school_x]
    assert page.context["histogram"]["total"] == 2
    schools = client.get("/en/gradebook/monitoring/?region=KZ-75&kind=school")
    assert schools.context["monitoring_list"] == lw.almaty_list and schools.context["histogram"]["total"] == 1
    assert client.get("/en/gradebook/monitoring/?region=99").status_code == 404
    assert client.get("/en/gradebook/monitoring/?list=abc").status_code == 200
    assert client.get("/en/gradebook/monitoring/?list=999999").status_code == 404


def test_region_dashboard_is_its_region(learning_world, client_as):  # noqa: F811
    lw = learning_world
    client = client_as(lw.users["region"])
    page = client.get("/en/gradebook/monitoring/")
    assert page.context["region"] == lw.turkistan
    assert page.context["monitoring_list"] == lw.national
    assert {row["organization"].pk for row in page.context["rows"]} == {lw.college_a.pk, lw.college_b.pk}
    assert page.context["histogram"]["total"] == 3 and page.context["histogram"]["flagged_total"] == 2
    assert f">{lw.school_x.name}<" not in page.content.decode()
    assert {lst.pk for lst in page.context["lists"]} == {lw.national.pk, lw.turkistan_list.pk}
    schools = client.get("/en/gradebook/monitoring/?kind=school")
    assert schools.context["monitoring_list"] == lw.turkistan_list
    assert client.get("/en/gradebook/monitoring/?region=75").status_code == 404
    assert client.get(f"/en/gradebook/monitoring/?list={lw.almaty_list.pk}").status_code == 404


@pytest.mark.parametrize("role", ["teacher", "employer"])
def test_dashboard_shows_nothing_to_other_roles(learning_world, client_as, role):  # noqa: F811
    page = client_as(learning_world.users[role]).get("/en/gradebook/monitoring/")
    assert page.context["year"] is None
    assert "No learning measures or monitoring lists in your scope yet." in page.content.decode()


def test_organisation_sees_its_own_entry_only(learning_world, client_as):  # noqa: F811
    lw = learning_world
    page = client_as(lw.users["organization"]).get("/en/gradebook/monitoring/")
    assert [row["organization"] for row in page.context["rows"]] == [lw.college_a]
    assert page.context["histogram"]["total"] == 1 and not page.context["may_create_plans"]
    assert "Create support plans" not in page.content.decode()


# ---------------------------------------------------------------------------------------- list page and export
def test_list_page_for_a_region_shows_its_organisations(learning_world, client_as):  # noqa: F811
    lw = learning_world
    page = client_as(lw.users["region"]).get(f"/en/gradebook/monitoring/lists/{lw.national.pk}/")
    assert page.context["filtered"] and page.context["naive_differences"] == 1
    assert [row["organization"] for row in page.context["rows"]] == [lw.college_b, lw.college_a]
    text = page.content.decode()
    assert "you see the organisations of your region only" in text and f">{lw.school_x.name}<" not in text


@pytest.mark.parametrize("role", ["ministry", "region"])
def test_list_exports_csv_with_the_commands_columns(learning_world, client_as, role):  # noqa: F811
    lw = learning_world
    response = client_as(lw.users[role]).get(f"/en/gradebook/monitoring/lists/{lw.national.pk}/?export=csv")
    assert response.status_code == 200 and "text/csv" in response["Content-Type"]
    assert 'filename="monitoring-2025-national.csv"' in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert tuple(rows[0].keys()) == present.EXPORT_COLUMNS
    assert {"organization", "region", "raw_measure", "adjusted_measure", "interval_low", "interval_high",
            "rank"} <= set(rows[0])
    expected = [lw.college_b, lw.school_x, lw.college_a] if role == "ministry" else [lw.college_b, lw.college_a]
    assert [r["organization"] for r in rows] == [o.bin for o in expected]
    first = rows[0]
    assert first["rank"] == "1" and first["region"] == "61" and first["raw_measure"] == "0.5000"
    assert first["weakest_subjects"].startswith("KAZ 0.4000 (n=12)")
    assert first["trend"] == "2024 0.4800; 2025 0.5000" and first["change"] == "+0.0200"


def test_list_exports_xlsx_and_refuses_other_formats(learning_world, client_as):  # noqa: F811
    client = client_as(learning_world.users["ministry"])
    url = f"/en/gradebook/monitoring/lists/{learning_world.national.pk}/"
    xlsx = client.get(f"{url}?export=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(f"{url}?export=pdf").status_code == 404
    assert client.get(f"{url}?page=abc").status_code == 200


# ---------------------------------------------------------------------------------------- support plans button
@pytest.fixture
def fake_plans(monkeypatch):
    calls = []

    def support_plans_create(monitoring_list, actor):
        calls.append((monitoring_list.pk, actor.username))
        return ["plan"] * 2

    monkeypatch.setattr("smarttvet.gradebook.views.support_plans_create", support_plans_create)
    return calls


def test_region_creates_support_plans_from_the_dashboard(learning_world, client_as, fake_plans):  # noqa: F811
    lw = learning_world
    client = client_as(lw.users["region"])
    url = f"/en/gradebook/monitoring/lists/{lw.turkistan_list.pk}/support-plans/"
    response = client.post(url, {"next": "/en/gradebook/monitoring/?kind=school"}, follow=True)
    assert fake_plans == [(lw.turkistan_list.pk, "region")]
    assert response.redirect_chain[-1][0] == "/en/gradebook/monitoring/?kind=school"
    assert "Support plans created: 2." in response.content.decode()
    elsewhere = client.post(url, {"next": "https://example.com/"})
    assert elsewhere["Location"] == f"/en/gradebook/monitoring/lists/{lw.turkistan_list.pk}/"
    assert client.get(url).status_code == 405


def test_only_the_ministry_and_regions_create_support_plans(learning_world, client_as, fake_plans):  # noqa: F811
    lw = learning_world
    url = f"/en/gradebook/monitoring/lists/{lw.national.pk}/support-plans/"
    assert client_as(lw.users["organization"]).post(url).status_code == 403
    assert client_as(lw.users["teacher"]).post(url).status_code == 404
    assert client_as(lw.users["region"]).post(
        f"/en/gradebook/monitoring/lists/{lw.almaty_list.pk}/support-plans/").status_code == 404
    assert fake_plans == []
    assert client_as(lw.users["ministry"]).post(url).status_code == 302
    assert fake_plans == [(lw.national.pk, "ministry")]


def test_support_plan_refusals_are_shown(learning_world, client_as, monkeypatch):  # noqa: F811
    from django.core.exceptions import ValidationError

    def refuse(monitoring_list, actor):
        raise ValidationError("No organisation on this list is missing a plan.")

    monkeypatch.setattr("smarttvet.gradebook.views.support_plans_create", refuse)
    response = client_as(learning_world.users["ministry"]).post(
        f"/en/gradebook/monitoring/lists/{learning_world.national.pk}/support-plans/", follow=True)
    assert "No organisation on this list is missing a plan." in response.content.decode()


# ---------------------------------------------------------------------------------------- query counts
def _count(client, url) -> int:
    client.get(url)  # warm per-process caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


@pytest.mark.parametrize("role", ["ministry", "region", "organization"])
def test_query_counts_do_not_grow_with_the_organisations(learning_world, grow_learning, client_as, role):  # noqa: F811
    lw = learning_world
    client = client_as(lw.users[role])
    urls = [f"/en/gradebook/organizations/{lw.college_a.pk}/", "/en/gradebook/monitoring/",
            f"/en/gradebook/monitoring/lists/{lw.national.pk}/"]
    if role == "ministry":
        urls += ["/en/gradebook/monitoring/?region=61&kind=school"]
    small = {url: _count(client, url) for url in urls}
    grow_learning(30)
    assert lw.national.entries.count() == 33
    large = {url: _count(client, url) for url in urls}
    assert large == small
    assert max(small.values()) <= 16, small
