"""Prometheus metrics: bounded labels, job durations and outcomes, multiprocess files, a protected endpoint."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from prometheus_client import REGISTRY, CollectorRegistry

from smarttvet.core import metrics


def _value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.mark.django_db
def test_requests_are_labelled_by_url_name_not_by_path(client, world):
    pk = world.college_a.pk
    labels = {"route": "rating:card", "method": "GET", "status": "2xx"}
    before = _value("smarttvet_http_request_duration_seconds_count", **labels)
    client.get(f"/en/ratings/organizations/{pk}/")
    client.get(f"/en/ratings/organizations/{world.college_b.pk}/")
    assert _value("smarttvet_http_request_duration_seconds_count", **labels) == before + 2
    unmatched = _value("smarttvet_http_request_duration_seconds_count", route="unmatched", method="GET",
                       status="4xx")
    client.get("/no/such/page/12345/")
    assert _value("smarttvet_http_request_duration_seconds_count", route="unmatched", method="GET",
                  status="4xx") == unmatched + 1
    exposed = client.get("/metrics").content.decode()
    assert f"/organizations/{pk}/" not in exposed and "12345" not in exposed
    assert 'route="rating:card"' in exposed and "smarttvet_http_requests_in_progress" in exposed


def test_odd_methods_share_one_label():
    assert metrics.method_label("BREW") == "other" and metrics.method_label("GET") == "GET"
    assert metrics.status_class(503) == "5xx" and metrics.status_class(42) == "other"


def test_track_job_records_duration_and_outcome():
    count = "smarttvet_job_duration_seconds_count"
    ok, error = _value(count, job="t_job", outcome="ok"), _value(count, job="t_job", outcome="error")
    with metrics.track_job("t_job"):
        pass

    @metrics.track_job("t_job")
    def broken():
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        broken()
    assert _value(count, job="t_job", outcome="ok") == ok + 1
    assert _value(count, job="t_job", outcome="error") == error + 1
    assert _value("smarttvet_jobs_in_progress", job="t_job") == 0
    assert _value("smarttvet_job_last_success_timestamp_seconds", job="t_job") > 1.7e9


@pytest.mark.django_db
def test_an_import_with_bad_input_is_a_rejected_job(tmp_path):
    path = tmp_path / "students.csv"
    path.write_text("not,the,columns\n1,2,3\n", encoding="utf-8")
    before = _value("smarttvet_job_duration_seconds_count", job="import_students", outcome="rejected")
    with pytest.raises(CommandError) as raised:
        call_command("import", "students", str(path), "--no-progress")
    assert raised.value.returncode == 2
    assert _value("smarttvet_job_duration_seconds_count", job="import_students", outcome="rejected") == before + 1


@pytest.mark.django_db
def test_a_rating_run_started_from_a_page_is_a_tracked_job(client_as, world):
    """The run is tracked in its service: a page, the API and the command line all count."""
    count = "smarttvet_job_duration_seconds_count"
    ok, rejected = _value(count, job="rating_run", outcome="ok"), _value(count, job="rating_run", outcome="rejected")
    client = client_as(world.users["ministry"])
    assert client.post("/en/ratings/runs/new/", {"year": "2025"}).status_code == 302
    assert client.post("/en/ratings/runs/new/", {"year": "nineteen"}).status_code == 302  # refused with a message
    assert _value(count, job="rating_run", outcome="ok") == ok + 1
    assert _value(count, job="rating_run", outcome="rejected") == rejected + 1
    assert _value("smarttvet_job_last_success_timestamp_seconds", job="rating_run") > 1.7e9


def test_multiprocess_mode_adds_up_the_files_of_other_processes(tmp_path):
    """A command run with PROMETHEUS_MULTIPROC_DIR leaves its job metrics for the server's /metrics."""
    env = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=str(tmp_path))
    code = "from smarttvet.core.metrics import track_job\nwith track_job('nightly_import'):\n    pass\n"
    for _ in range(2):
        subprocess.run([sys.executable, "-c", code], env=env, check=True)
    from prometheus_client import multiprocess

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(tmp_path))
    assert registry.get_sample_value("smarttvet_job_duration_seconds_count",
                                     {"job": "nightly_import", "outcome": "ok"}) == 2


def test_registry_is_the_multiprocess_collector_when_the_directory_is_set(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    assert metrics.registry() is not REGISTRY
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR")
    assert metrics.registry() is REGISTRY


@pytest.mark.django_db
def test_metrics_endpoint_is_for_the_monitoring_network_or_a_token(client, settings):
    settings.METRICS_ALLOW = ["127.0.0.1/32"]
    settings.METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics").status_code == 200  # the test client is 127.0.0.1
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    # Through the proxy the address is the proxy's own: not enough.
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-token")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    settings.METRICS_ALLOW = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer ").status_code == 403
