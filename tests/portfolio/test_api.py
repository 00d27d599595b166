"""The portfolio API with personal tokens (Authorization: Bearer): export, import (all or nothing, drafts, scoped
to the token's user), the rules' summary; tokens are stored hashed and revocable."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from smarttvet.portfolio import exchange, tokens
from smarttvet.portfolio.models import ApiToken, Record
from tests import factories as f
from tests.portfolio.conftest import record

pytestmark = pytest.mark.django_db


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def org_token(world):
    return tokens.create(user=world.users["organization"], name="HR system").secret


def test_tokens_are_stored_hashed_and_shown_once(world, org_token):
    stored = ApiToken.objects.get()
    assert org_token.startswith("stv_") and len(org_token) > 40
    assert stored.digest == ApiToken.digest_of(org_token) and org_token not in (stored.digest, stored.hint)
    assert stored.hint == org_token[:10]


def test_export_then_import_round_trip_creates_drafts(world, client, org_token):
    verified = record(world.teacher_a, status="verified")
    url = f"/api/v1/portfolio/teachers/{world.teacher_a.pk}/export"
    data = client.get(url, **bearer(org_token)).json()
    assert data["format"] == "smarttvet.portfolio" and data["teacher"]["id"] == world.teacher_a.pk
    assert [(r["kind"], r["status"], r["hours"]) for r in data["records"]] == [("course", "verified", 72)]
    # the same file again changes nothing
    response = client.post(f"/api/v1/portfolio/teachers/{world.teacher_a.pk}/import", json.dumps(data),
                           content_type="application/json", **bearer(org_token))
    assert response.status_code == 200 and response.json()["imported"] == 0
    # a changed record becomes the next version (a draft); a new one arrives as a draft
    data["records"][0]["hours"] = 80
    data["records"].append({"kind": "internship", "title": "KEGOC", "hours": 72, "start_date": "2025-06-01",
                            "end_date": "2025-06-30", "details": {}})
    response = client.post(f"/api/v1/portfolio/teachers/{world.teacher_a.pk}/import", json.dumps(data),
                           content_type="application/json", **bearer(org_token))
    assert response.status_code == 200 and response.json()["imported"] == 2
    versions = list(Record.objects.filter(lineage=verified.lineage).order_by("version").values_list("status", "hours"))
    assert versions == [("verified", 72), ("draft", 80)]
    assert Record.objects.get(kind="internship").status == "draft"


def test_import_validates_everything_first_and_writes_nothing_on_an_error(world, client, org_token):
    payload = {"records": [
        {"kind": "course", "details": {"provider": "Orleu"}, "title": "Fine", "hours": 36, "start_date": "2025-01-01"},
        {"kind": "course", "details": {}, "title": "", "hours": "lots", "start_date": "2025-01-01"},
        {"kind": "yoga", "details": {}},
        {"kind": "language", "details": {}, "title": "English", "code": "Z9", "start_date": "2025-01-01"},
        "not an object",
    ]}
    response = client.post(f"/api/v1/portfolio/teachers/{world.teacher_a.pk}/import", json.dumps(payload),
                           content_type="application/json", **bearer(org_token))
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {"records[1].title", "records[1].hours", "records[1].provider", "records[2].kind", "records[3].code",
            "records[4]"} <= set(errors)
    assert "records[0].title" not in errors and not Record.objects.exists()
    response = client.post(f"/api/v1/portfolio/teachers/{world.teacher_a.pk}/import", "{not json",
                           content_type="application/json", **bearer(org_token))
    assert response.status_code == 422 and not Record.objects.exists()


def test_an_organisations_token_syncs_its_teachers_only(world, client, org_token):
    other = world.teacher_other_region
    assert client.get(f"/api/v1/portfolio/teachers/{other.pk}/export", **bearer(org_token)).status_code == 404
    response = client.post(f"/api/v1/portfolio/teachers/{other.pk}/import", json.dumps({"records": []}),
                           content_type="application/json", **bearer(org_token))
    assert response.status_code == 404
    region_token = tokens.create(user=world.users["region"], name="Regional system").secret
    assert client.get(f"/api/v1/portfolio/teachers/{world.teacher_a.pk}/export",
                      **bearer(region_token)).status_code == 200
    response = client.post(f"/api/v1/portfolio/teachers/{world.teacher_a.pk}/import", json.dumps({"records": []}),
                           content_type="application/json", **bearer(region_token))
    assert response.status_code == 403


def test_a_lineage_of_another_teacher_is_refused(world, client, org_token):
    foreign = record(f.teacher(world.college_b), status="verified")
    payload = {"records": [{"lineage": str(foreign.lineage), "kind": "course", "title": "Copied", "hours": 72,
                            "start_date": "2025-03-01", "details": {"provider": "Orleu"}}]}
    response = client.post(f"/api/v1/portfolio/teachers/{world.teacher_a.pk}/import", json.dumps(payload),
                           content_type="application/json", **bearer(org_token))
    assert response.status_code == 422 and "another teacher" in json.dumps(response.json(), ensure_ascii=False)


def test_no_wrong_or_revoked_token_no_access(world, client, org_token):
    url = f"/api/v1/portfolio/teachers/{world.teacher_a.pk}/summary"
    assert client.get(url).status_code == 401
    assert client.get(url, **bearer("stv_wrong")).status_code == 401
    assert client.get(url, **bearer(org_token)).status_code == 200
    tokens.revoke(user=world.users["organization"], pk=ApiToken.objects.get().pk)
    assert client.get(url, **bearer(org_token)).status_code == 401


def test_summary_reports_the_rules_from_verified_records(world, client, org_token):
    record(world.teacher_a, "category", {"code": "moderator", "start_date": "2022-01-10", "title": "Order"},
           status="verified")
    record(world.teacher_a, "category", {"code": "master", "start_date": "2024-01-10", "title": "Order"},
           status="submitted")  # not verified: does not count
    data = client.get(f"/api/v1/portfolio/teachers/{world.teacher_a.pk}/summary", **bearer(org_token)).json()
    assert data["category"] == "moderator" and data["rules_version"] == "2025.1"
    expert = next(c for c in data["categories"] if c["category"] == "expert")
    assert not expert["eligible"] and "test_pass" in expert["missing"] and "publications" in expert["missing"]


def test_admin_command_makes_a_token_and_refuses_bad_input(world, capsys):
    call_command("portfolio", "token", "college", "--name", "HR")
    secret = capsys.readouterr().out.strip()
    assert tokens.user_for(secret) == world.users["organization"]
    with pytest.raises(CommandError) as caught:
        call_command("portfolio", "token", "nobody", "--name", "HR")
    assert caught.value.returncode == 2 and "USERNAME" in str(caught.value)
    with pytest.raises(CommandError) as caught:
        call_command("portfolio", "token", "college", "--name", " ")
    assert caught.value.returncode == 2 and "--name" in str(caught.value)


def test_export_format_is_documented():
    table = exchange.kinds_table()
    assert "`certification`" in table and "`new_format`" in table


def test_tokens_page_makes_a_token_shown_once_and_revokes_it(world, client_as):
    from django.urls import reverse

    client = client_as(world.users["teacher"])
    page = client.post(reverse("portfolio:tokens"), {"name": "School system"})
    secret = page.context["made"].secret
    assert secret in page.content.decode() and tokens.user_for(secret) == world.users["teacher"]
    again = client.get(reverse("portfolio:tokens")).content.decode()
    assert secret not in again and secret[:10] in again
    bad = client.post(reverse("portfolio:tokens"), {"name": ""}, follow=True)
    assert "Name the token" in bad.content.decode() and ApiToken.objects.count() == 1
    client.post(reverse("portfolio:tokens"), {"revoke": ApiToken.objects.get().pk})
    assert tokens.user_for(secret) is None
