"""The database goes away while the platform serves: the user gets a clear 503 in their language (a page, or
JSON for the API), never a stack trace, and the first request after the database is back works.

Two levels: in process, every query fails as it does when PostgreSQL is down (runs on SQLite and PostgreSQL);
and for real, a PostgreSQL cluster started by the test is stopped and started again under a running gunicorn
(PostgreSQL only).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client

from tests.reliability import report
from tests.reliability.clidb import ROOT, smarttvet_command

SUITE = "faults"
MESSAGES = {
    "en": "the database cannot be reached",
    "ru": "нет связи с базой данных",
    "kk": "дерекқорға қосылу мүмкін емес",
}
LEAKS = ("Traceback", "OperationalError", "InterfaceError", "psycopg", "File \"/", "connection refused")


def _down(exc_class=OperationalError):
    """Every query fails as when the server is gone."""
    error = exc_class("server closed the connection unexpectedly\n\tThis probably means the server terminated")
    return mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=error)


def _assert_clear_503(response, language: str, *, api: bool) -> None:
    body = response.content.decode()
    assert response.status_code == 503, body[:500]
    assert response["Retry-After"]
    assert MESSAGES[language] in body
    assert not any(leak in body for leak in LEAKS), body[:2000]
    if api:
        assert response["Content-Type"].startswith("application/json") and response.json()["detail"]
    else:
        assert response["Content-Type"].startswith("text/html")
        assert f'lang="{language}"' in body
        assert "Content-Security-Policy" in response and "X-Frame-Options" in response


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_pages_and_api_answer_503_in_the_users_language_while_the_database_is_down(world, language):
    anonymous = Client(raise_request_exception=False)
    logged_in = Client(raise_request_exception=False)
    logged_in.force_login(world.users["region"])
    cases = 0
    for client in (anonymous, logged_in):
        for url, api in ((f"/{language}/registry/organizations/", False), (f"/{language}/ratings/", False),
                         (f"/{language}/", False), ("/api/v1/organizations", True)):
            headers = {"HTTP_ACCEPT_LANGUAGE": language} if api else {}
            with _down():
                _assert_clear_503(client.get(url, **headers), language, api=api)
            with _down(InterfaceError):
                _assert_clear_503(client.get(url, **headers), language, api=api)
            cases += 2
            assert client.get(url, **headers).status_code < 400  # the database is back
    with _down():  # a write: the login form posted while the database is down
        response = anonymous.post(f"/{language}/accounts/login/", {"username": "region", "password": "x" * 12})
    _assert_clear_503(response, language, api=False)
    report.cases(SUITE, cases + 1, f"simulated outage, {language}")


@pytest.mark.django_db
def test_other_server_errors_are_not_disguised_as_an_outage(world):
    client = Client(raise_request_exception=False)
    with mock.patch("smarttvet.registry.views.render", side_effect=RuntimeError("a bug")):
        response = client.get("/en/registry/regions/")
    assert response.status_code == 500


# ------------------------------------------------------------------------------------------------ real PostgreSQL
def _postgres_suite() -> bool:
    return os.environ.get("SMARTTVET_DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def _bindir() -> Path | None:
    try:
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
        if (Path(out) / "initdb").exists():
            return Path(out)
    except (OSError, subprocess.CalledProcessError):
        pass
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A throw-away PostgreSQL cluster (as scripts/with-postgres.sh starts one), owned by the test."""

    def __init__(self, root: Path, bindir: Path):
        self.root, self.bindir, self.port = root, bindir, _free_port()
        self.as_pg: list[str] = []
        if os.geteuid() == 0:
            subprocess.run(["id", "postgres"], check=True, capture_output=True)
            shutil.chown(root, "postgres")
            self.as_pg = ["runuser", "-u", "postgres", "--"]
        self.data = root / "data"

    def _pg(self, *args: str) -> None:
        subprocess.run([*self.as_pg, *args], check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self._pg(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                 "--locale=C.UTF-8")
        self.start()
        subprocess.run([str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                        "smarttvet"], check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        self._pg(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"), "-w", "-o",
                 f"-h 127.0.0.1 -p {self.port} -k {self.root} -c fsync=off", "start")

    def stop(self) -> None:
        self._pg(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        subprocess.run([*self.as_pg, str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60, check=False)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/smarttvet"


def _get(url: str, language: str = "en") -> tuple[int, str, dict]:
    request = urllib.request.Request(url, headers={"Accept-Language": language})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


@pytest.mark.skipif(not _postgres_suite(), reason="PostgreSQL only: restarts a real PostgreSQL server under a "
                    "running gunicorn (run with scripts/with-postgres.sh or make reliability)")
def test_postgresql_restarted_under_a_running_server(tmp_path):
    bindir = _bindir()
    if bindir is None:
        pytest.skip("no PostgreSQL server binaries (initdb)")
    root = Path(os.environ.get("TMPDIR", "/tmp")) / f"smarttvet-outage-{os.getpid()}"  # noqa: S108
    root.mkdir(parents=True, exist_ok=True)
    cluster = Cluster(root, bindir)
    server = None
    try:
        cluster.init()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_SETTINGS"))}
        env.update(SMARTTVET_DATABASE_URL=cluster.url, SMARTTVET_DATA_DIR=str(tmp_path), SMARTTVET_DEBUG="1",
                   SMARTTVET_DB_CONN_MAX_AGE="60", PYTHONPATH=str(ROOT / "src"))
        subprocess.run([*smarttvet_command(), "migrate", "--no-input", "-v", "0"], env=env, check=True,
                       capture_output=True, timeout=600)
        port = _free_port()
        gunicorn = Path(smarttvet_command()[0]).parent / "gunicorn"
        server = subprocess.Popen([str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "1",
                                   "--timeout", "60", "smarttvet.config.wsgi:application"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=open(tmp_path / "gunicorn.log", "w"))  # noqa: SIM115
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                if _get(base + "/en/registry/organizations/")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        pages = [("/en/registry/organizations/", "en", False), ("/ru/registry/organizations/", "ru", False),
                 ("/kk/ratings/", "kk", False), ("/api/v1/organizations", "ru", True)]
        for path, _language, _api in pages:
            assert _get(base + path)[0] == 200
        cases = 0
        for _cycle in range(2):
            cluster.stop()  # the server's pooled connection now points at a dead server
            for path, language, api in pages:
                status, body, headers = _get(base + path, language)
                assert status == 503, body[:1000]
                assert MESSAGES[language] in body and not any(leak in body for leak in LEAKS), body[:2000]
                assert headers.get("Retry-After")
                if api:
                    assert headers["Content-Type"].startswith("application/json")
                cases += 1
            cluster.start()
            for path, _language, _api in pages:  # the very first request after the restart works
                status, body, _headers = _get(base + path)
                assert status == 200, body[:1000]
                cases += 1
        report.cases(SUITE, cases, "PostgreSQL stopped and restarted under gunicorn")
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        cluster.destroy()
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.django_db
def test_the_api_answers_503_also_with_debug_on(world, settings):
    """Regression: with DEBUG on, django-ninja turned the outage into a 500 with the traceback as its body."""
    settings.DEBUG = True
    client = Client(raise_request_exception=False)
    with _down():
        response = client.get("/api/v1/organizations", HTTP_ACCEPT_LANGUAGE="ru")
    _assert_clear_503(response, "ru", api=True)
