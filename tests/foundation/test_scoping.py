"""Scoped access: outside its scope an object answers 404; a forbidden write answers 403 and changes nothing."""

import datetime as dt
import json

import pytest

from smarttvet.accounts.models import AuditEntry
from smarttvet.accounts.scoping import visible
from smarttvet.people.models import GraduateOutcome, Student, Teacher
from smarttvet.registry.models import Organization

pytestmark = pytest.mark.django_db


def _patch(client, url, data):
    return client.patch(url, data=json.dumps(data), content_type="application/json")


@pytest.mark.parametrize(
    ("role", "sees_teacher_a", "sees_teacher_other_region"),
    [("ministry", True, True), ("region", True, False), ("organization", True, False),
     ("teacher", True, False), ("employer", False, False)],
)
def test_teacher_api_detail_answers_404_outside_the_scope(world, client_as, role, sees_teacher_a,
                                                          sees_teacher_other_region):
    client = client_as(world.users[role])
    own = client.get(f"/api/v1/teachers/{world.teacher_a.pk}")
    other = client.get(f"/api/v1/teachers/{world.teacher_other_region.pk}")
    assert own.status_code == (200 if sees_teacher_a else 404)
    assert other.status_code == (200 if sees_teacher_other_region else 404)
    if other.status_code == 404:
        assert other.json() == {"detail": "Not found."}


def test_lists_contain_only_the_scope(world, client_as):
    region_client = client_as(world.users["region"])
    ids = {row["organization_id"] for row in region_client.get("/api/v1/students?page_size=500").json()["items"]}
    assert world.college_other_region.pk not in ids and world.college_a.pk in ids
    org_ids = {row["organization_id"] for row in client_as(world.users["organization"]).get(
        "/api/v1/teachers").json()["items"]}
    assert org_ids == {world.college_a.pk}


def test_employer_sees_only_students_it_sponsors(world):
    employer = world.users["employer"]
    assert list(visible(employer, Student.objects.all())) == [world.student_a]
    assert visible(employer, GraduateOutcome.objects.all()).count() == 1
    assert visible(employer, Teacher.objects.all()).count() == 0


def test_anonymous_sees_public_registry_but_no_people(world, client):
    assert client.get("/api/v1/organizations").status_code == 200
    assert client.get("/api/v1/teachers").status_code == 401
    assert client.get("/en/people/teachers/").status_code == 302  # to the login page


def test_organization_user_cannot_patch_another_organization(world, client_as):
    client = client_as(world.users["organization"])
    before = Organization.objects.get(pk=world.college_b.pk)
    response = _patch(client, f"/api/v1/organizations/{world.college_b.pk}", {"capacity": 1})
    assert response.status_code == 403
    assert "may not change" in response.json()["detail"]
    after = Organization.objects.get(pk=world.college_b.pk)
    assert after.capacity == before.capacity and after.updated_at == before.updated_at
    assert not AuditEntry.objects.exists()


def test_region_officer_cannot_edit_another_region_in_the_web_form(world, client_as):
    client = client_as(world.users["region"])
    url = f"/en/registry/organizations/{world.college_other_region.pk}/edit/"
    assert client.get(url).status_code == 403
    response = client.post(url, {"name_kk": "X", "name_ru": "X", "name_en": "X", "languages": "kk",
                                 "settlement": "rural"})
    assert response.status_code == 403
    assert Organization.objects.get(pk=world.college_other_region.pk).name_en != "X"


def test_region_officer_edits_own_region_and_the_audit_records_the_change(world, client_as):
    client = client_as(world.users["region"])
    response = _patch(client, f"/api/v1/organizations/{world.college_a.pk}", {"capacity": 950})
    assert response.status_code == 200 and response.json()["capacity"] == 950
    entry = AuditEntry.objects.get()
    assert entry.action == "update" and entry.actor == world.users["region"]
    assert entry.changes == {"capacity": [800, 950]}
    assert entry.region_id == world.turkistan.pk and entry.organization_id == world.college_a.pk


def test_an_unchanged_save_writes_no_audit_row(world, client_as):
    client = client_as(world.users["organization"])
    assert _patch(client, f"/api/v1/organizations/{world.college_a.pk}", {"capacity": 800}).status_code == 200
    assert not AuditEntry.objects.exists()


def test_invalid_patch_answers_422_naming_the_field_and_writes_nothing(world, client_as):
    client = client_as(world.users["organization"])
    response = _patch(client, f"/api/v1/organizations/{world.college_a.pk}", {"languages": "fr"})
    assert response.status_code == 422
    assert "languages" in response.json()["errors"]
    assert Organization.objects.get(pk=world.college_a.pk).languages == "kk;ru"
    assert not AuditEntry.objects.exists()


def test_teacher_and_employer_cannot_write_organizations(world, client_as):
    for role in ("teacher", "employer"):
        client = client_as(world.users[role])
        assert _patch(client, f"/api/v1/organizations/{world.college_a.pk}", {"capacity": 1}).status_code == 403
    assert Organization.objects.get(pk=world.college_a.pk).capacity == 800


def test_api_writes_need_the_csrf_token(world, client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.users["ministry"])
    response = _patch(strict, f"/api/v1/organizations/{world.college_a.pk}", {"capacity": 1})
    assert response.status_code in (401, 403)
    assert Organization.objects.get(pk=world.college_a.pk).capacity == 800


def test_audit_page_shows_a_region_only_its_own_records(world, client_as):
    ministry = client_as(world.users["ministry"])
    _patch(ministry, f"/api/v1/organizations/{world.college_other_region.pk}", {"capacity": 700})
    _patch(ministry, f"/api/v1/organizations/{world.college_a.pk}", {"capacity": 701})
    page = client_as(world.users["region"]).get("/en/accounts/audit/")
    assert page.status_code == 200
    rows = list(page.context["page"])
    assert [r.organization_id for r in rows] == [world.college_a.pk]


def test_an_audit_entry_reads_in_the_platforms_time_zone():
    entry = AuditEntry(at=dt.datetime(2026, 11, 30, 22, 30, tzinfo=dt.UTC), actor_label="command line",
                       action="update", target_type="credential", target_id="7")
    assert str(entry) == "2026-12-01 03:30 command line update credential 7"
