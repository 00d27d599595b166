"""The partnership API: public clusters and agreements, scoped needs (401 anonymous, 404 outside the scope, 403 for
a visible need the caller may not change, 422 readable with nothing written), audited writes."""

import json

import pytest
from django.utils import timezone

from smarttvet.accounts.models import AuditEntry
from smarttvet.labour.models import EmployerNeed
from tests.partnership.conftest import graduate, specialty

pytestmark = pytest.mark.django_db

ROLES = ["ministry", "region", "organization", "teacher", "employer"]
NEXT = timezone.localdate().year + 1


def _send(client, method, url, data):
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json",
                                   headers={"accept-language": "en"})


def test_clusters_are_public_with_their_results(partners, client):
    w = partners.world
    for _ in range(4):
        graduate(w.college_a, year=2024, employer=w.enterprise_a)
    body = client.get("/api/v1/partnership/clusters").json()
    by_id = {c["id"]: c for c in body}
    assert set(by_id) == {partners.cluster.pk, partners.cluster_x.pk}
    results = by_id[partners.cluster.pk]["results"]
    assert results["employment_rate"] == 100.0 and results["observed"] == 5 and results["at_members"] == 5
    assert by_id[partners.cluster.pk]["region"]["kato"] == "610000000"
    assert [c["id"] for c in client.get("/api/v1/partnership/clusters?region=KZ-75").json()] == [
        partners.cluster_x.pk]
    assert client.get("/api/v1/partnership/clusters?region=nowhere").status_code == 404
    detail = client.get(f"/api/v1/partnership/clusters/{partners.cluster.pk}").json()
    assert [e["bin"] for e in detail["anchor_enterprises"]] == [w.enterprise_a.bin]
    assert [c["id"] for c in detail["colleges"]] == [w.college_a.pk]
    assert detail["schools"][0]["pupils_by_year"] == {"2024": 30, "2025": 40}
    assert detail["specialties"][0]["code"] == specialty().code
    assert [(y["year"], y["observed"], y["employed"]) for y in detail["by_year"]] == [(2023, 1, 1), (2024, 4, 4)]
    assert client.get("/api/v1/partnership/clusters/999999").status_code == 404


def test_agreements_are_filtered_and_paginated(partners, client):
    w = partners.world

    def ids(query):
        return {a["id"] for a in client.get(f"/api/v1/partnership/agreements?{query}").json()["items"]}

    assert ids("") == {partners.agreement_a.pk, partners.agreement_b.pk, partners.agreement_x.pk}
    assert ids("kind=dual_training") == {partners.agreement_a.pk}
    assert ids("region=61") == {partners.agreement_a.pk, partners.agreement_b.pk}
    assert ids(f"enterprise={partners.enterprise_x.pk}") == {partners.agreement_x.pk}
    assert ids("active_on=2022-06-01") == {partners.agreement_b.pk}
    first = client.get("/api/v1/partnership/agreements?page_size=2").json()
    assert first["count"] == 3 and len(first["items"]) == 2
    item = first["items"][0]
    assert set(item) == {"id", "organization", "enterprise", "kind", "signed_on", "expires_on"}
    assert item["enterprise"]["sector"] in ("C", "J")
    assert client.get("/api/v1/partnership/agreements?kind=castle").status_code == 422
    assert ids(f"organization={w.college_b.pk}") == {partners.agreement_b.pk}


def test_anonymous_callers_get_401_for_needs(partners, client):
    assert client.get("/api/v1/partnership/needs").status_code == 401
    assert client.get(f"/api/v1/partnership/needs/{partners.need_a.pk}").status_code == 401
    payload = {"enterprise": partners.world.enterprise_a.pk, "specialty": specialty().code, "year": NEXT,
               "people": 1}
    assert _send(client, "post", "/api/v1/partnership/needs", payload).status_code == 401
    assert client.delete(f"/api/v1/partnership/needs/{partners.need_a.pk}").status_code == 401
    assert EmployerNeed.objects.count() == 2


@pytest.mark.parametrize(("role", "visible"), [("ministry", {"a", "x"}), ("region", {"a"}), ("organization", set()),
                                               ("teacher", set()), ("employer", {"a"})])
def test_each_role_reads_exactly_its_needs(partners, client_as, role, visible):
    client = client_as(partners.world.users[role])
    needs = {"a": partners.need_a, "x": partners.need_x}
    body = client.get("/api/v1/partnership/needs?page_size=50").json()
    assert {n["id"] for n in body["items"]} == {needs[k].pk for k in visible}
    for key, need in needs.items():
        expected = 200 if key in visible else 404
        assert client.get(f"/api/v1/partnership/needs/{need.pk}").status_code == expected, (role, key)


def test_the_employer_declares_changes_and_withdraws_through_the_api(partners, client_as):
    w = partners.world
    client = client_as(w.users["employer"])
    created = _send(client, "post", "/api/v1/partnership/needs",
                    {"enterprise": w.enterprise_a.pk, "specialty": specialty().code, "year": NEXT + 2, "people": 5})
    assert created.status_code == 201
    body = created.json()
    assert (body["specialty"], body["year"], body["people"], body["enterprise_bin"]) == (
        specialty().code, NEXT + 2, 5, w.enterprise_a.bin)
    patched = _send(client, "patch", f"/api/v1/partnership/needs/{body['id']}", {"people": 8, "comment": "more"})
    assert patched.status_code == 200 and patched.json()["people"] == 8 and patched.json()["comment"] == "more"
    assert client.delete(f"/api/v1/partnership/needs/{body['id']}").status_code == 204
    assert not EmployerNeed.objects.filter(pk=body["id"]).exists()
    assert list(AuditEntry.objects.filter(target_id=str(body["id"])).order_by("id").values_list("action", flat=True)) \
        == ["create", "update", "delete"]


def test_writes_outside_the_scope_are_404_and_write_nothing(partners, client_as):
    w = partners.world
    payload = {"enterprise": partners.enterprise_x.pk, "specialty": specialty().code, "year": NEXT + 1, "people": 2}
    for role in ("region", "employer", "organization"):
        client = client_as(w.users[role])
        assert _send(client, "post", "/api/v1/partnership/needs", payload).status_code == 404
        assert _send(client, "patch", f"/api/v1/partnership/needs/{partners.need_x.pk}",
                     {"people": 9}).status_code == 404
        assert client.delete(f"/api/v1/partnership/needs/{partners.need_x.pk}").status_code == 404
    partners.need_x.refresh_from_db()
    assert partners.need_x.people == 3 and EmployerNeed.objects.count() == 2 and not AuditEntry.objects.exists()
    ministry = client_as(w.users["ministry"])
    assert _send(ministry, "post", "/api/v1/partnership/needs", payload).status_code == 201


@pytest.mark.parametrize(("payload", "field"), [
    ({"specialty": "00000000"}, "specialty"),
    ({"year": 1999}, "year"),
    ({"people": 0}, "people"),
    ({"qualification": "nothing"}, "qualification"),
])
def test_bad_input_is_422_with_readable_errors(partners, client_as, payload, field):
    w = partners.world
    client = client_as(w.users["employer"])
    data = {"enterprise": w.enterprise_a.pk, "specialty": specialty().code, "year": NEXT + 3, "people": 2, **payload}
    response = _send(client, "post", "/api/v1/partnership/needs", data)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Invalid data." and body["errors"][field]
    patched = _send(client, "patch", f"/api/v1/partnership/needs/{partners.need_a.pk}", payload)
    assert patched.status_code == 422 and patched.json()["errors"][field]
    partners.need_a.refresh_from_db()
    assert partners.need_a.people == 7 and EmployerNeed.objects.count() == 2 and not AuditEntry.objects.exists()
    assert _send(client, "post", "/api/v1/partnership/needs", {"enterprise": "x"}).status_code == 422
