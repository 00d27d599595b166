"""The issue's acceptance path: after `smarttvet demo --scale small` the API serves regions and pages organisations."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_demo_small_then_regions_and_a_region_paged(client):
    call_command("demo", "--scale", "small", "--seed", "7", "--no-progress")
    assert len(client.get("/api/v1/regions").json()) == 20
    first = client.get("/api/v1/organizations?region=610000000&kind=college&page_size=2").json()
    assert first["count"] >= 3
    seen = []
    for page in range(1, first["count"] // 2 + 2):
        body = client.get(f"/api/v1/organizations?region=610000000&kind=college&page_size=2&page={page}").json()
        seen += [o["id"] for o in body["items"]]
        assert all(o["region"]["kato"] == "610000000" for o in body["items"])
    assert len(seen) == len(set(seen)) == first["count"]


def test_demo_logins_work_for_each_role(client):
    call_command("demo", "--scale", "small", "--seed", "7", "--no-progress")
    for username in ("ministry", "region", "college", "teacher", "employer"):
        client.logout()
        response = client.post("/en/accounts/login/", {"username": username, "password": "demo"})
        assert response.status_code == 302, username
        assert client.get("/en/people/teachers/").status_code == 200
