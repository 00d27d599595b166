"""/health/ (liveness, no database) and /ready/ (database, migrations, data dir, gradebook store)."""

from __future__ import annotations

import json

import pytest
from django.db import OperationalError

from smarttvet.core import health


def test_health_is_200_without_touching_the_database(client):
    response = client.get("/health/")  # no django_db mark: any database access would raise
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_ready_is_200_with_every_check_when_all_is_well(client, settings, tmp_path, django_assert_max_num_queries):
    settings.DATA_DIR = tmp_path
    settings.GRADEBOOK_STORE = tmp_path / "gradebook"
    (tmp_path / "gradebook" / "marks").mkdir(parents=True)
    with django_assert_max_num_queries(2):  # SELECT 1 and the applied migrations
        response = client.get("/ready/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "migrations", "data_dir", "gradebook_store"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["migrations"]["applied"] > 10
    assert body["checks"]["gradebook_store"]["datasets"] == 1
    assert str(tmp_path) not in response.content.decode()  # no paths, no personal data


@pytest.mark.django_db
def test_ready_is_503_when_the_database_is_down(client, monkeypatch):
    def down():
        raise OperationalError("connection to server at 10.0.0.5 failed: password authentication failed")

    monkeypatch.setitem(health.CHECKS, "database", down)
    response = client.get("/ready/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    database = body["checks"]["database"]
    assert database == {"ok": False, "error": "OperationalError", "ms": database["ms"]}
    assert body["checks"]["migrations"]["ok"] is False  # not tried without a database
    assert "10.0.0.5" not in response.content.decode() and "password" not in response.content.decode()


@pytest.mark.django_db
def test_ready_is_503_when_a_migration_is_not_applied(client, monkeypatch):
    on_disk = health._migrations_on_disk()
    monkeypatch.setattr(health, "_migrations_on_disk", lambda: (*on_disk, (("rating", "9999_future"), ())))
    response = client.get("/ready/")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"]["pending"] == 1


@pytest.mark.django_db
def test_ready_is_503_when_the_data_dir_is_not_writable(client, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "missing"
    response = client.get("/ready/")
    assert response.status_code == 503
    assert response.json()["checks"]["data_dir"]["ok"] is False


@pytest.mark.django_db
def test_ready_is_503_when_the_gradebook_store_is_unreadable(client, settings, tmp_path, monkeypatch):
    settings.GRADEBOOK_STORE = tmp_path
    monkeypatch.setattr(health.os, "access", lambda path, mode: False)
    response = client.get("/ready/")
    assert response.status_code == 503
    store = json.loads(response.content)["checks"]["gradebook_store"]
    assert store == {"ok": False, "error": "the gradebook store is not readable", "ms": store["ms"]}


@pytest.mark.django_db
def test_probes_need_no_login_and_no_language_prefix(client, world):
    for path in ("/health/", "/ready/"):
        response = client.get(path)
        assert response.status_code in (200, 503)
        assert "Location" not in response


def test_probes_refuse_writes(client):
    assert client.post("/health/").status_code == 405
