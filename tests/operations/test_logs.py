"""Structured request logs: one JSON line a request, with a request id, never secrets or personal data."""

from __future__ import annotations

import io
import json
import logging

import pytest

from smarttvet.config.env import ConfigurationError
from smarttvet.core import logs


@pytest.fixture
def log_lines():
    """The lines the ``smarttvet`` loggers write, through the production JSON formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    handler.addFilter(logs.RequestIdFilter())
    logger = logging.getLogger("smarttvet")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]

    yield lines
    logger.removeHandler(handler)
    logger.setLevel(old_level)


def _request_lines(lines):
    return [line for line in lines() if line["logger"] == "smarttvet.request"]


@pytest.mark.django_db
def test_a_request_line_carries_id_method_path_route_status_duration_user(client, world, log_lines):
    from django.contrib.auth.hashers import make_password

    user = world.users["region"]
    user.password = make_password("a-Secret-pass-123")
    user.save()
    response = client.post("/en/accounts/login/?next=/en/&token=abc123secret",
                           {"username": user.username, "password": "a-Secret-pass-123"})
    assert response.status_code == 302
    session = client.cookies["sessionid"].value
    response = client.get("/en/ratings/?q=x&api_key=topsecret", HTTP_X_REQUEST_ID="proxy-id-42")
    assert response["X-Request-ID"] == "proxy-id-42"
    login_line, page_line = _request_lines(log_lines)[-2:]
    assert page_line["request_id"] == "proxy-id-42"
    assert page_line["method"] == "GET" and page_line["path"] == "/en/ratings/"
    assert page_line["route"] == "rating:league_table" and page_line["status"] == 200
    assert page_line["duration_ms"] >= 0 and page_line["user_id"] == user.pk
    assert page_line["level"] == "INFO" and page_line["timestamp"].endswith("Z")
    assert login_line["method"] == "POST" and login_line["status"] == 302 and login_line["user_id"] == user.pk
    everything = json.dumps(log_lines())
    for secret in ("a-Secret-pass-123", session, "abc123secret", "topsecret", user.username, "api_key", "q=x"):
        assert secret not in everything


@pytest.mark.django_db
def test_a_request_id_is_generated_when_missing_or_not_sane(client, log_lines):
    first = client.get("/health/")["X-Request-ID"]
    second = client.get("/health/", HTTP_X_REQUEST_ID="bad id\nwith newline")["X-Request-ID"]
    assert len(first) == 32 and len(second) == 32 and first != second
    assert "newline" not in second


@pytest.mark.django_db
def test_anonymous_user_id_is_null_and_probes_are_not_logged_at_info(client, log_lines):
    client.get("/en/ratings/")
    client.get("/health/")
    lines = _request_lines(log_lines)
    assert [line["path"] for line in lines] == ["/en/ratings/"]
    assert lines[0]["user_id"] is None


def test_secret_url_parameters_are_redacted(rf):
    from types import SimpleNamespace

    request = rf.get("/en/credentials/verify/tok-123456/")
    request.resolver_match = SimpleNamespace(kwargs={"token": "tok-123456"}, view_name="x", route="x")
    assert logs.safe_path(request) == "/en/credentials/verify/[redacted]/"


def test_django_request_records_show_no_query_string(rf):
    request = rf.get("/en/ratings/?password=hunter2")
    request.request_id = "abc"
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s",
                               ("/en/ratings/",), None)
    record.request = request
    logs.RequestIdFilter().filter(record)
    line = json.loads(logs.JsonFormatter().format(record))
    assert line["request_id"] == "abc"
    assert line["request"] == "GET /en/ratings/"
    assert "hunter2" not in logs.TextFormatter().format(record)


def test_the_format_switch():
    assert logs.logging_config("json")["handlers"]["console"]["formatter"] == "json"
    assert logs.logging_config("text")["handlers"]["console"]["formatter"] == "text"
    with pytest.raises(ConfigurationError, match="SMARTTVET_LOG_FORMAT"):
        logs.logging_config("xml")
    with pytest.raises(ConfigurationError, match="SMARTTVET_LOG_LEVEL"):
        logs.logging_config("json", "LOUD")


def test_text_lines_carry_the_request_fields():
    record = logging.LogRecord("smarttvet.request", logging.INFO, __file__, 1, "request", (), None)
    record.method, record.status = "GET", 200
    logs.RequestIdFilter().filter(record)
    line = logs.TextFormatter().format(record)
    assert "[-] request" in line and "method=GET" in line and "status=200" in line
