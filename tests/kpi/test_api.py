"""KPI API: scoped scorecards (list and detail), sign-off, payments of a year, scenario runs with 4xx on bad input."""

from __future__ import annotations

import pytest

from smarttvet.kpi.models import IncentiveScenario, Scorecard

BASE = "/api/v1/kpi"


def _card(org):
    return Scorecard.objects.filter(organization=org, year=2025).order_by("-version").first()


@pytest.mark.parametrize(("user", "count"), [("ministry", 4), ("region", 3), ("org_lead", 1), ("teacher", 0)])
def test_list_scoped(computed, client_as, django_assert_max_num_queries, user, count):
    client = client_as(computed.users[user])
    with django_assert_max_num_queries(8):
        response = client.get(f"{BASE}/scorecards", {"year": 2025})
    assert response.status_code == 200
    assert response.json()["count"] == count


def test_anonymous_needs_login(computed, client):
    assert client.get(f"{BASE}/scorecards").status_code == 401


def test_detail(computed, client_as):
    k = computed
    card = _card(k.lead)
    data = client_as(k.users["region"]).get(f"{BASE}/scorecards/{card.pk}").json()
    assert data["director_name"] == "Aigerim Director" and data["recomputed_matches"] is True
    assert [row["code"] for row in data["kpis"]][:2] == ["rating_score", "graduate_outcomes"]
    assert data["kpis"][0]["ref"]["run"] == k.run.pk and data["history"][0]["action"] == "computed"
    assert client_as(k.users["region_almaty"]).get(f"{BASE}/scorecards/{card.pk}").status_code == 404


def test_decision(computed, client_as):
    k = computed
    card = _card(k.lead)
    url = f"{BASE}/scorecards/{card.pk}/decision"
    assert client_as(k.users["org_lead"]).post(url, {"decision": "sign_off"},
                                               content_type="application/json").status_code == 403
    bad = client_as(k.users["ministry"]).post(url, {"decision": "return"}, content_type="application/json")
    assert bad.status_code == 422 and "comment" in bad.json()["errors"]
    ok = client_as(k.users["ministry"]).post(url, {"decision": "sign_off"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "signed_off"


def test_scenario_run_and_payments(signed, client_as):
    k = signed
    client = client_as(k.users["ministry"])
    response = client.post(f"{BASE}/scenarios/run", {"year": 2025, "pool": 999_999, "threshold": 0.3,
                                                     "cap": 600_000, "save_as": "api"},
                           content_type="application/json")
    assert response.status_code == 200
    data = response.json()
    assert data["total_paid"] <= 999_999 and sum(p["amount"] for p in data["payments"]) == data["total_paid"]
    assert all(p["explanation"] for p in data["payments"])
    assert max(p["amount"] for p in data["payments"]) <= 600_000
    assert IncentiveScenario.objects.filter(name="api").exists()
    # the region sees its organisations' payments only, the organisation its own
    region = client_as(k.users["region"]).get(f"{BASE}/payments", {"year": 2025, "scenario": "api"}).json()
    assert {p["bin"] for p in region["payments"]} == {k.lead.bin, k.back.bin, k.b.bin}
    own = client_as(k.users["org_lead"]).get(f"{BASE}/payments", {"year": 2025, "scenario": "api"}).json()
    assert [p["bin"] for p in own["payments"]] == [k.lead.bin]
    assert client_as(k.users["region"]).get(f"{BASE}/payments", {"year": 2025, "scenario": "nope"}).status_code == 422


@pytest.mark.parametrize(("payload", "field"), [
    ({"year": 2025, "pool": -1}, "pool"),
    ({"year": 2024, "pool": 10}, "year"),
    ({"year": 2025, "pool": 10, "threshold": 5}, "threshold"),
    ({"year": 2025, "pool": 10, "cap": -2}, "cap"),
    ({"year": 2025, "pool": 10, "league_pools": {"leaders": 4}}, "league_pools"),
    ({"year": 2025, "pool": 10, "league_pools": {"social": 10}}, "league_pools"),
    ({"year": 2025, "pool": 10, "save_as": ""}, "name"),
])
def test_scenario_run_refusals(signed, client_as, payload, field):
    response = client_as(signed.users["ministry"]).post(f"{BASE}/scenarios/run", payload,
                                                        content_type="application/json")
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not IncentiveScenario.objects.exists()


def test_scenario_run_types_and_rights(signed, client_as):
    client = client_as(signed.users["ministry"])
    assert client.post(f"{BASE}/scenarios/run", {"year": 2025, "pool": "lots"},
                       content_type="application/json").status_code == 422
    assert client_as(signed.users["region"]).post(f"{BASE}/scenarios/run", {"year": 2025, "pool": 10},
                                                  content_type="application/json").status_code == 403
    assert client_as(signed.users["region"]).get(f"{BASE}/scenarios").status_code == 403
