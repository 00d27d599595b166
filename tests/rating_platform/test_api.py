"""The ratings API: scoping (drafts are the ministry's), filters, sorting, pagination, explanation,
what-if (422 naming the field, nothing stored) and the immutability of published runs (409)."""

import json

import pytest

from smarttvet.rating import services
from smarttvet.rating.models import RatingInput, RatingResult, RatingRun

pytestmark = pytest.mark.django_db


def _post(client, url, data=None):
    return client.post(url, data=json.dumps(data or {}), content_type="application/json")


def test_methodologies_and_runs_newest_first(rated_world, client):
    methodologies = client.get("/api/v1/ratings/methodologies").json()
    assert [m["code"] for m in methodologies] == ["tvet"]
    assert methodologies[0]["leagues"] == ["leaders", "backbone", "social", "target"]
    assert methodologies[0]["run_count"] == 2 and len(methodologies[0]["hash"]) == 64
    runs = client.get("/api/v1/ratings/runs").json()
    assert [r["id"] for r in runs["items"]] == [rated_world.run_2025.pk, rated_world.run_2024.pk]
    first = runs["items"][0]
    assert first["status"] == "published" and first["uncertainty_draws"] == 100 and first["n_units"] == 12
    assert [league["code"] for league in first["leagues"]] == ["leaders", "backbone", "social", "target"]
    assert sum(league["count"] for league in first["leagues"]) == first["n_rated"]
    detail = client.get(f"/api/v1/ratings/runs/{rated_world.run_2025.pk}").json()
    assert detail["summary"]["histogram"]["counts"] and "redundant_pairs" in detail["summary"]


def test_drafts_are_404_for_everyone_but_the_ministry(rated_world, client, client_as):
    draft = services.rating_run_create(actor=rated_world.users["ministry"], year=2025, seed=1)
    for url in (f"/api/v1/ratings/runs/{draft.pk}", f"/api/v1/ratings/runs/{draft.pk}/results",
                f"/api/v1/ratings/runs/{draft.pk}/results/{rated_world.college_a.pk}"):
        assert client.get(url).status_code == 404, url
    assert draft.pk not in [r["id"] for r in client.get("/api/v1/ratings/runs").json()["items"]]
    organization = client_as(rated_world.users["organization"])
    assert organization.get(f"/api/v1/ratings/runs/{draft.pk}").status_code == 404
    assert _post(organization, f"/api/v1/ratings/runs/{draft.pk}/what-if",
                 {"organization_id": rated_world.college_a.pk, "changes": {"employment": 80}}).status_code == 404
    ministry = client_as(rated_world.users["ministry"])
    assert ministry.get(f"/api/v1/ratings/runs/{draft.pk}").json()["status"] == "draft"
    assert draft.pk in [r["id"] for r in ministry.get("/api/v1/ratings/runs").json()["items"]]
    assert ministry.get(f"/api/v1/ratings/runs/{draft.pk}/results").json()["count"] == 12


def test_results_carry_the_organisation_and_the_uncertainty(rated_world, client):
    body = client.get(f"/api/v1/ratings/runs/{rated_world.run_2025.pk}/results").json()
    assert body["count"] == 12
    top = body["items"][0]
    assert top["rank"] == 1 and top["league"] == "leaders" and top["score"] is not None
    assert set(top["organization"]) >= {"id", "bin", "name_kk", "name_ru", "name_en", "kind", "region"}
    assert top["organization"]["region"]["kato"] in {"610000000", "750000000"}
    assert top["rank_p05"] <= top["rank_median"] <= top["rank_p95"]
    assert sum(top["league_probabilities"].values()) == pytest.approx(1.0)


def test_results_filter_sort_and_paginate(rated_world, client):
    url = f"/api/v1/ratings/runs/{rated_world.run_2025.pk}/results"
    for code in ("750000000", "75", "KZ-75"):
        rows = client.get(f"{url}?region={code}").json()["items"]
        assert rows and all(r["organization"]["region"]["kato"] == "750000000" for r in rows)
    assert client.get(f"{url}?region=99").json()["count"] == 0
    leaders = client.get(f"{url}?league=leaders").json()
    assert leaders["count"] == rated_world.run_2025.league_counts["leaders"]
    assert all(r["league"] == "leaders" for r in leaders["items"])
    assert client.get(f"{url}?kind=school").json()["count"] == 0
    assert client.get(f"{url}?kind=college").json()["count"] == 12
    scores = [r["score"] for r in client.get(f"{url}?sort=-score").json()["items"]]
    assert scores == sorted(scores, reverse=True)
    names = [r["organization"]["name_en"] for r in client.get(f"{url}?sort=name", HTTP_ACCEPT_LANGUAGE="en").json()[
        "items"]]
    assert len(names) == 12
    first = client.get(f"{url}?page_size=5").json()
    second = client.get(f"{url}?page_size=5&page=2").json()
    ids = [r["organization"]["id"] for r in first["items"] + second["items"]]
    assert len(ids) == len(set(ids)) == 10
    assert [r["rank"] for r in first["items"] + second["items"]] == sorted(r["rank"] for r in first["items"]
                                                                           + second["items"])


@pytest.mark.parametrize("query", ["sort=height", "kind=castle", "page=0"])
def test_bad_result_queries_answer_422(rated_world, client, query):
    response = client.get(f"/api/v1/ratings/runs/{rated_world.run_2025.pk}/results?{query}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] in query


def test_result_detail_explains_for_the_own_scope_only(rated_world, client, client_as):
    url = f"/api/v1/ratings/runs/{rated_world.run_2025.pk}/results/{rated_world.college_a.pk}"
    public = client.get(url).json()
    assert public["explanation"] is None and public["inputs"] is None and public["score"] is not None
    own = client_as(rated_world.users["organization"]).get(url).json()
    explanation = own["explanation"]
    assert own["inputs"].keys() == own["normalised"].keys() == own["contributions"].keys()
    assert explanation["league"] == own["league"]
    if own["league"] != "leaders":
        assert explanation["next_league"] and len(explanation["required_changes"]) == 5
        assert {c["note"] for c in explanation["required_changes"] if not c["reachable"]} <= {
            "not reachable by this indicator alone"}
        assert explanation["own_league"]["league"] == own["league"]
    assert client.get(f"/api/v1/ratings/runs/{rated_world.run_2025.pk}/results/999999").status_code == 404


def test_what_if_answers_the_new_outcome_and_stores_nothing(rated_world, client_as):
    client = client_as(rated_world.users["organization"])
    before = (RatingRun.objects.count(), RatingResult.objects.count(), RatingInput.objects.count())
    response = _post(client, f"/api/v1/ratings/runs/{rated_world.run_2025.pk}/what-if",
                     {"organization_id": rated_world.college_a.pk, "changes": {"employment": 100, "dual": None}})
    assert response.status_code == 200
    body = response.json()
    stored = RatingResult.objects.get(run=rated_world.run_2025, organization=rated_world.college_a)
    assert body["before"] == {"score": stored.score, "rank": stored.rank, "league": stored.league}
    assert body["after"]["league"] in {"leaders", "backbone", "social", "target"}
    assert body["changes"] == {"employment": 100.0, "dual": None}
    assert (RatingRun.objects.count(), RatingResult.objects.count(), RatingInput.objects.count()) == before


@pytest.mark.parametrize(("changes", "field"), [
    ({"unknown_code": 1}, "changes.unknown_code"), ({"employment": "many"}, "changes.employment"),
    ({"partners": -1}, "changes.partners"), ({}, "changes"),
])
def test_what_if_bad_input_is_422_naming_the_field(rated_world, client_as, changes, field):
    client = client_as(rated_world.users["ministry"])
    response = _post(client, f"/api/v1/ratings/runs/{rated_world.run_2025.pk}/what-if",
                     {"organization_id": rated_world.college_a.pk, "changes": changes})
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_what_if_organisation_must_be_in_the_run(rated_world, client_as):
    from tests import factories as f

    client = client_as(rated_world.users["ministry"])
    url = f"/api/v1/ratings/runs/{rated_world.run_2025.pk}/what-if"
    newcomer = f.organization(rated_world.turkistan)
    for organization_id in (newcomer.pk, 999999):
        response = _post(client, url, {"organization_id": organization_id, "changes": {"employment": 1}})
        assert response.status_code == 422 and "organization_id" in response.json()["errors"]
    response = _post(client, url, {"changes": {"employment": 1}})
    assert response.status_code == 422 and "organization_id" in json.dumps(response.json()["detail"])


def test_what_if_of_another_organisation_is_forbidden(rated_world, client, client_as):
    url = f"/api/v1/ratings/runs/{rated_world.run_2025.pk}/what-if"
    payload = {"organization_id": rated_world.college_b.pk, "changes": {"employment": 99}}
    assert _post(client, url, payload).status_code == 401
    assert _post(client_as(rated_world.users["organization"]), url, payload).status_code == 403
    assert _post(client_as(rated_world.users["teacher"]), url, payload).status_code == 403
    far = {"organization_id": rated_world.college_other_region.pk, "changes": {"employment": 99}}
    region = client_as(rated_world.users["region"])
    assert _post(region, url, far).status_code == 403
    assert _post(region, url, payload).status_code == 200


def test_ministry_creates_and_publishes_runs(world, rating_setup, client_as):
    client = client_as(world.users["ministry"])
    response = _post(client, "/api/v1/ratings/runs", {"year": 2025, "uncertainty": 10, "seed": 3})
    assert response.status_code == 201
    run = response.json()
    assert run["status"] == "draft" and run["n_units"] == 3 and run["uncertainty_draws"] == 10
    published = _post(client, f"/api/v1/ratings/runs/{run['id']}/publish")
    assert published.status_code == 200 and published.json()["status"] == "published"
    again = _post(client, f"/api/v1/ratings/runs/{run['id']}/publish")
    assert again.status_code == 409 and "already published" in again.json()["detail"]


def test_bad_run_arguments_are_422_naming_the_field(world, rating_setup, client_as):
    client = client_as(world.users["ministry"])
    response = _post(client, "/api/v1/ratings/runs", {"year": 1900})
    assert response.status_code == 422 and "year" in response.json()["errors"]
    response = _post(client, "/api/v1/ratings/runs", {"year": 2025, "methodology": "nope"})
    assert response.status_code == 422 and "methodology" in response.json()["errors"]
    response = _post(client, "/api/v1/ratings/runs", {"year": "soon"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "year"
    assert not RatingRun.objects.exists()


@pytest.mark.parametrize("role", ["region", "organization", "teacher", "employer"])
def test_only_the_ministry_writes(rated_world, client, client_as, role):
    other = client_as(rated_world.users[role])
    assert _post(other, "/api/v1/ratings/runs", {"year": 2025}).status_code == 403
    assert RatingRun.objects.count() == 2
    draft = services.rating_run_create(actor=rated_world.users["ministry"], year=2023)
    assert _post(other, f"/api/v1/ratings/runs/{draft.pk}/publish").status_code == 404  # a draft is not visible
    assert other.delete(f"/api/v1/ratings/runs/{rated_world.run_2025.pk}").status_code == 403
    assert RatingRun.objects.get(pk=draft.pk).status == "draft"
    client.logout()
    assert _post(client, "/api/v1/ratings/runs", {"year": 2025}).status_code == 401


def test_a_published_run_cannot_be_deleted_or_changed_through_the_api(rated_world, client_as):
    client = client_as(rated_world.users["ministry"])
    url = f"/api/v1/ratings/runs/{rated_world.run_2025.pk}"
    before = client.get(f"{url}/results?page_size=100").json()
    response = client.delete(url)
    assert response.status_code == 409 and "cannot be changed or deleted" in response.json()["detail"]
    assert client.put(url, data="{}", content_type="application/json").status_code == 405
    assert client.patch(url, data="{}", content_type="application/json").status_code == 405
    assert client.get(f"{url}/results?page_size=100").json() == before
    draft = services.rating_run_create(actor=rated_world.users["ministry"], year=2023)
    assert client.delete(f"/api/v1/ratings/runs/{draft.pk}").status_code == 204
    assert not RatingRun.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_results_export(rated_world, client, fmt):
    response = client.get(f"/api/v1/ratings/runs/{rated_world.run_2025.pk}/results/export?format={fmt}&league=target")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        lines = body.decode("utf-8-sig").strip().splitlines()
        assert len(lines) == 1 + rated_world.run_2025.league_counts["target"]
    else:
        assert body[:2] == b"PK"


def test_openapi_lists_the_rating_endpoints(db, client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/ratings/methodologies", "/api/v1/ratings/runs", "/api/v1/ratings/runs/{run_id}/results",
            "/api/v1/ratings/runs/{run_id}/results/{organization_id}", "/api/v1/ratings/runs/{run_id}/what-if",
            "/api/v1/ratings/runs/{run_id}/publish"} <= set(paths)
