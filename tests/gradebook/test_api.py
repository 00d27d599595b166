"""The gradebook API: login required, every list and object scoped (out of scope is 404), filters with
readable 422 answers, pagination, an organisation's measures of a year, monitoring lists with their
entries, and constant query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smarttvet.gradebook.models import LearningMeasure, MonitoringEntry
from tests.gradebook.fixtures import grow_learning, learning_world, subject_names  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

MEASURES = "/api/v1/gradebook/measures"
LISTS = "/api/v1/gradebook/monitoring-lists"


def _all(client, url) -> list[dict]:
    body = client.get(url, {"page_size": 1000} if "?" not in url else None).json()
    return body["items"]


def test_anonymous_callers_get_401(learning_world, client):  # noqa: F811
    lw = learning_world
    for url in (MEASURES, f"/api/v1/gradebook/organizations/{lw.college_a.pk}/measures", LISTS,
                f"{LISTS}/{lw.national.pk}"):
        response = client.get(url)
        assert response.status_code == 401, url


def test_ministry_reads_every_measure(learning_world, client_as):  # noqa: F811
    client = client_as(learning_world.users["ministry"])
    body = client.get(MEASURES).json()
    assert body["count"] == LearningMeasure.objects.count()
    row = body["items"][0]
    assert set(row) >= {"year", "level", "region", "organization_id", "organization_bin", "key", "students",
                        "marks", "mean_mark", "knowledge_quality", "success_rate", "attendance_rate",
                        "unexcused_rate", "term_students", "failing_students", "composite", "change_composite"}
    assert set(row["region"]) >= {"kato", "iso_code", "name_en"}


@pytest.mark.parametrize(("role", "regions", "organizations"), [
    ("region", {"610000000"}, "turkistan"),
    ("organization", {"610000000"}, "own"),
    ("teacher", set(), "none"),
    ("employer", set(), "none"),
])
def test_measures_are_scoped(learning_world, client_as, role, regions, organizations):  # noqa: F811
    lw = learning_world
    items = _all(client_as(lw.users[role]), MEASURES)
    assert {row["region"]["kato"] for row in items} == regions
    ids = {row["organization_id"] for row in items}
    if organizations == "own":
        assert ids == {lw.college_a.pk}
    elif organizations == "turkistan":
        assert ids == {lw.college_a.pk, lw.college_b.pk, lw.school_t.pk, None}
    else:
        assert items == []


def test_measure_filters(learning_world, client_as):  # noqa: F811
    lw = learning_world
    client = client_as(lw.users["ministry"])
    subjects = _all(client, f"{MEASURES}?level=subject&organization={lw.college_b.pk}&page_size=100")
    assert sorted(r["key"] for r in subjects) == ["KAZ", "MATH", "PHYS"]
    assert all(r["organization_bin"] == lw.college_b.bin and r["year"] == 2025 for r in subjects)
    for code in ("750000000", "75", "KZ-75"):
        regional = _all(client, f"{MEASURES}?region={code}&level=region&page_size=100")
        assert [r["year"] for r in regional] == [2025, 2024] and all(r["organization_id"] is None for r in regional)
    math = client.get(f"{MEASURES}?key=MATH&year=2025").json()
    assert math["count"] == 5 and {r["key"] for r in math["items"]} == {"MATH"}
    assert client.get(f"{MEASURES}?year=2023").json()["count"] == 0
    first = client.get(f"{MEASURES}?page_size=7").json()
    second = client.get(f"{MEASURES}?page_size=7&page=2").json()
    assert len({r["id"] for r in first["items"] + second["items"]}) == 14


@pytest.mark.parametrize(("query", "field"), [
    ("level=castle", "level"), ("year=soon", "year"), ("year=1800", "year"), ("organization=-3", "organization"),
    ("page=0", "page"), ("organization=abc", "organization"),
])
def test_bad_measure_filters_answer_422_naming_the_field(learning_world, client_as, query, field):  # noqa: F811
    response = client_as(learning_world.users["ministry"]).get(f"{MEASURES}?{query}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == field


def test_unknown_region_answers_422_in_words(learning_world, client_as):  # noqa: F811
    response = client_as(learning_world.users["ministry"]).get(f"{MEASURES}?region=99")
    assert response.status_code == 422
    assert "unknown region '99'" in response.json()["errors"]["region"][0]


# ---------------------------------------------------------------------------------------- organisation
def test_organisation_measures_of_a_year(learning_world, client_as):  # noqa: F811
    lw = learning_world
    client = client_as(lw.users["organization"])
    body = client.get(f"/api/v1/gradebook/organizations/{lw.college_a.pk}/measures").json()
    assert body["year"] == 2025 and body["years"] == [2024, 2025]
    assert body["organization"]["bin"] == lw.college_a.bin
    levels = [m["level"] for m in body["measures"]]
    assert levels.count("organization") == 1 and levels.count("subject") == 3
    assert levels.count("group") == 3 and levels.count("term") == 4
    earlier = client.get(f"/api/v1/gradebook/organizations/{lw.college_a.pk}/measures?year=2024").json()
    assert earlier["year"] == 2024 and [m["level"] for m in earlier["measures"]] == ["organization"]
    empty = client.get(f"/api/v1/gradebook/organizations/{lw.college_a.pk}/measures?year=2020").json()
    assert empty["year"] == 2020 and empty["measures"] == []


def test_organisation_measures_out_of_scope_are_404(learning_world, client_as):  # noqa: F811
    lw = learning_world
    assert client_as(lw.users["organization"]).get(
        f"/api/v1/gradebook/organizations/{lw.college_b.pk}/measures").status_code == 404
    assert client_as(lw.users["region"]).get(
        f"/api/v1/gradebook/organizations/{lw.college_other_region.pk}/measures").status_code == 404
    assert client_as(lw.users["teacher"]).get(
        f"/api/v1/gradebook/organizations/{lw.college_a.pk}/measures").status_code == 404
    response = client_as(lw.users["ministry"]).get(f"/api/v1/gradebook/organizations/{lw.college_a.pk}/measures"
                                                   "?year=abc")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "year"
    response = client_as(lw.users["ministry"]).get(f"/api/v1/gradebook/organizations/{lw.college_a.pk}/measures"
                                                   "?year=1900")
    assert response.status_code == 422 and "year" in response.json()["errors"]


# ---------------------------------------------------------------------------------------- monitoring lists
@pytest.mark.parametrize(("role", "expected"), [
    ("ministry", {"national", "turkistan_list", "almaty_list"}), ("region", {"national", "turkistan_list"}),
    ("organization", {"national"}), ("teacher", set()), ("employer", set()),
])
def test_monitoring_lists_are_scoped(learning_world, client_as, role, expected):  # noqa: F811
    lw = learning_world
    items = _all(client_as(lw.users[role]), LISTS)
    assert {item["id"] for item in items} == {getattr(lw, name).pk for name in expected}


def test_monitoring_list_filters(learning_world, client_as):  # noqa: F811
    client = client_as(learning_world.users["ministry"])
    schools = client.get(f"{LISTS}?kind=school").json()
    assert schools["count"] == 2 and all(item["kind"] == "school" for item in schools["items"])
    assert client.get(f"{LISTS}?year=2024").json()["count"] == 0
    national = next(item for item in client.get(LISTS).json()["items"] if item["region"] is None)
    assert national["size"] == 3 and national["naive_differences"] == 1 and national["parameters"]["n"] == 3
    for query, field in (("kind=castle", "kind"), ("year=x", "year")):
        response = client.get(f"{LISTS}?{query}")
        assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == field


def test_monitoring_list_entries_follow_the_scope(learning_world, client_as):  # noqa: F811
    lw = learning_world
    ministry = client_as(lw.users["ministry"]).get(f"{LISTS}/{lw.national.pk}").json()
    assert [e["organization"]["id"] for e in ministry["entries"]] == [lw.college_b.pk, lw.school_x.pk,
                                                                      lw.college_a.pk]
    first = ministry["entries"][0]
    assert first["rank"] == 1 and first["raw_measure"] == pytest.approx(0.5)
    assert first["interval_low"] <= first["adjusted_measure"] <= first["interval_high"]
    assert first["details"]["weakest_subjects"][0]["subject"] == "KAZ" and first["plan_id"] is None
    region = client_as(lw.users["region"]).get(f"{LISTS}/{lw.national.pk}").json()
    assert [e["organization"]["id"] for e in region["entries"]] == [lw.college_b.pk, lw.college_a.pk]
    own = client_as(lw.users["organization"]).get(f"{LISTS}/{lw.national.pk}").json()
    assert [e["organization"]["id"] for e in own["entries"]] == [lw.college_a.pk]


def test_monitoring_lists_out_of_scope_are_404(learning_world, client_as):  # noqa: F811
    lw = learning_world
    assert client_as(lw.users["region"]).get(f"{LISTS}/{lw.almaty_list.pk}").status_code == 404
    assert client_as(lw.users["organization"]).get(f"{LISTS}/{lw.turkistan_list.pk}").status_code == 404
    assert client_as(lw.users["teacher"]).get(f"{LISTS}/{lw.national.pk}").status_code == 404
    assert client_as(lw.users["ministry"]).get(f"{LISTS}/999999").status_code == 404
    assert client_as(lw.users["ministry"]).get(f"{LISTS}/abc").status_code == 422


# ---------------------------------------------------------------------------------------- query counts
def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


@pytest.mark.parametrize("role", ["ministry", "region"])
def test_query_counts_do_not_grow(learning_world, grow_learning, client_as, role):  # noqa: F811
    lw = learning_world
    client = client_as(lw.users[role])
    urls = [f"{MEASURES}?page_size=100", f"{MEASURES}?level=subject", f"{LISTS}", f"{LISTS}/{lw.national.pk}",
            f"/api/v1/gradebook/organizations/{lw.college_a.pk}/measures"]
    small = {url: _count(client, url) for url in urls}
    grow_learning(25)
    assert MonitoringEntry.objects.filter(monitoring_list=lw.national).count() == 28
    assert {url: _count(client, url) for url in urls} == small
    assert max(small.values()) <= 8, small


def test_openapi_lists_the_gradebook_endpoints(db, client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {MEASURES, LISTS, f"{LISTS}/{{list_id}}",
            "/api/v1/gradebook/organizations/{organization_id}/measures"} <= set(paths)
