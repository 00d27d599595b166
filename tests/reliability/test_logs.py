"""No secrets or personal data in the logs: everything logged while people log in (also with a wrong password),
browse every page, call the API, hit a server error with secrets in the URL and import teachers with national ID
numbers is captured, formatted exactly as the platform writes it (JSON and text), and searched for the password,
the session id, the CSRF token, the secret key, tokens in URLs, the IINs and the person keys.
"""

from __future__ import annotations

import io
import logging
import re
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client

from tests.reliability import report
from tests.reliability.conftest import PASSWORD
from tests.reliability.sweep import routes

SUITE = "secrets in logs"
pytestmark = pytest.mark.django_db
SECRET_TOKEN = "Tok3n-5ecret-9f8e7d6c5b4a"  # noqa: S105 - a marker to search the logs for
IINS = ["990101300123", "850615400456"]


class Capture(logging.Handler):
    """Formats every record with the platform's own JSON and text formatters and filter, as they would be written."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        from smarttvet.core import logs

        self.filter_ = logs.RequestIdFilter()
        self.formatters = [logs.JsonFormatter(), logs.TextFormatter()]
        self.lines: list[str] = []

    def emit(self, record):
        self.filter_.filter(record)
        for formatter in self.formatters:
            self.lines.append(formatter.format(record))


@pytest.fixture
def captured():
    """Everything the configured loggers let through (the platform's own at DEBUG, its most verbose setting)."""
    handler = Capture()
    root, own = logging.getLogger(), logging.getLogger("smarttvet")
    level = own.level
    root.addHandler(handler)
    own.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    own.setLevel(level)


def _teachers_csv(world, path) -> None:
    bin_ = world.home_org.bin
    path.write_text(
        "organization_bin,iin,full_name,gender,birth_year,position,category,employed_from\n"
        f"{bin_},{IINS[0]},Test Teacher One,f,1985,teacher,none,2020-09-01\n"
        f"{bin_},{IINS[1]},Test Teacher Two,m,1979,teacher,none,2019-09-01\n"
        f"{bin_},123,Bad Row,x,1800,teacher,none,2019-13-01\n", encoding="utf-8")


def test_logs_hold_no_passwords_sessions_tokens_or_personal_data(demo_world, captured, tmp_path, settings):
    from smarttvet.people.models import Student, Teacher

    client = Client(raise_request_exception=False, enforce_csrf_checks=False)
    user = demo_world.users["region"]
    # a wrong password, then the right one
    client.post("/en/accounts/login/", {"username": user.username, "password": PASSWORD + "-wrong"})
    response = client.post("/en/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    session_id = client.cookies[settings.SESSION_COOKIE_NAME].value
    csrf = client.get("/en/").cookies.get(settings.CSRF_COOKIE_NAME)
    requests = 0
    for route in routes():  # every page without parameters, and the API lists, with secrets in the query string
        if "<" in route.path or route.name in ("accounts:logout",):
            continue
        client.get("/" + route.path, {"token": SECRET_TOKEN, "iin": IINS[0], "password": PASSWORD})
        requests += 1
    client.get("/api/v1/teachers", {"q": IINS[0]}, HTTP_COOKIE=f"sessionid={session_id}")
    client.get(f"/en/no-such-page/?token={SECRET_TOKEN}")
    secret_routes = [r for r in routes() if any(re.search(r"token|secret|key", name) for name, _c in r.params)]
    for route in secret_routes:  # a URL that carries a secret in its path (none yet): it must not reach the logs
        client.get("/" + re.sub(r"<(?:[^>:]+:)?\w+>", SECRET_TOKEN, route.path))
    with mock.patch("smarttvet.registry.views.render", side_effect=RuntimeError("a bug")):
        client.get("/en/registry/regions/", {"token": SECRET_TOKEN, "iin": IINS[1]})
    # an import with national ID numbers, one row invalid
    path = tmp_path / "teachers.csv"
    _teachers_csv(demo_world, path)
    try:
        call_command("import", "teachers", str(path), "--no-progress", "--skip-invalid", stdout=io.StringIO(),
                     stderr=io.StringIO())
    except Exception:  # noqa: BLE001,S110 - the import's own outcome is tested elsewhere; here only its logs
        pass
    person_keys = list(Student.objects.values_list("person_key", flat=True)[:200])
    person_keys += list(Teacher.objects.exclude(person_key="").values_list("person_key", flat=True)[:200]) \
        if hasattr(Teacher, "person_key") else []
    secrets = {"password": PASSWORD, "session id": session_id, "secret key": settings.SECRET_KEY,
               "token in the URL": SECRET_TOKEN, **{f"IIN {i}": iin for i, iin in enumerate(IINS)}}
    if csrf is not None:
        secrets["CSRF token"] = csrf.value
    secrets.update({f"person key {key[:8]}…": key for key in person_keys if key})
    text = "\n".join(captured.lines)
    assert len(captured.lines) > requests  # the capture saw the request lines
    found = [name for name, value in secrets.items() if value and value in text]
    report.cases(SUITE, len(captured.lines), f"{len(captured.lines)} log lines searched for {len(secrets)} secrets")
    assert not found, f"in the logs: {found}"
