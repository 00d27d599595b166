"""Liveness (``/health/``), readiness (``/ready/``) and the Prometheus endpoint (``/metrics``).

``/health/`` answers 200 while the process can serve a request; it touches nothing else (no database),
so a restart is not triggered by a database outage. ``/ready/`` answers 200 only when the instance can do
its work: the database answers one query, every migration on disk is applied (one more query), the data
directory is writable and the gradebook store readable; otherwise 503, with each check's result. Neither
says anything about people or paths: check names, ``ok``, a duration and, on failure, the error's class.
All three are outside the language prefix and need no login.
"""

from __future__ import annotations

import functools
import logging
import os
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from smarttvet.core import metrics

logger = logging.getLogger("smarttvet.health")


@functools.lru_cache(maxsize=1)
def _migrations_on_disk() -> tuple[tuple[tuple[str, str], tuple[tuple[str, str], ...]], ...]:
    """Every migration the code holds, with what it replaces (read from disk once per process)."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return tuple((key, tuple(migration.replaces or ())) for key, migration in loader.disk_migrations.items())


def check_database() -> dict:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def check_migrations() -> dict:
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connections[DEFAULT_DB_ALIAS])
    applied = set(recorder.migration_qs.values_list("app", "name"))  # one query (no table introspection)
    on_disk = _migrations_on_disk()
    # A squashed migration counts as applied when everything it replaces is (Django records those).
    pending = [key for key, replaces in on_disk
               if key not in applied and not (replaces and all(old in applied for old in replaces))]
    if pending:
        raise NotReady(f"{len(pending)} migration(s) not applied", pending=len(pending))
    return {"applied": len(on_disk)}


def check_data_dir() -> dict:
    directory = Path(settings.DATA_DIR)
    with tempfile.NamedTemporaryFile(dir=directory, prefix=".ready-", delete=True) as handle:
        handle.write(b"ok")
        handle.flush()
    return {}


def check_gradebook_store() -> dict:
    store = str(settings.GRADEBOOK_STORE)
    if "://" in store:
        return {"skipped": "remote store"}  # s3a://, hdfs://: read by the Spark cluster, not by this process
    path = Path(store)
    if not path.exists():
        return {"partitions": 0}  # no marks imported yet: nothing to read, nothing wrong
    if not os.access(path, os.R_OK | os.X_OK):
        raise NotReady("the gradebook store is not readable")
    with os.scandir(path) as entries:
        datasets = sum(1 for entry in entries if entry.is_dir())
    return {"datasets": datasets}


class NotReady(Exception):
    def __init__(self, message: str, **details):
        super().__init__(message)
        self.details = details


CHECKS = {
    "database": check_database,
    "migrations": check_migrations,
    "data_dir": check_data_dir,
    "gradebook_store": check_gradebook_store,
}


def run_checks() -> tuple[bool, dict]:
    results: dict[str, dict] = {}
    database_ok = True
    for name, check in CHECKS.items():
        if name == "migrations" and not database_ok:
            results[name] = {"ok": False, "error": "skipped: the database is not reachable"}
            continue
        started = time.monotonic()
        try:
            details = check()
        except NotReady as exc:
            results[name] = {"ok": False, "error": str(exc), **exc.details}
        except Exception as exc:  # noqa: BLE001 - any failure makes the instance not ready, with its class only
            logger.warning("readiness check %s failed: %s", name, exc.__class__.__name__,
                           extra={"check": name, "error": exc.__class__.__name__})
            results[name] = {"ok": False, "error": exc.__class__.__name__}
        else:
            results[name] = {"ok": True, **details}
        results[name]["ms"] = round((time.monotonic() - started) * 1000, 1)
        if name == "database" and not results[name]["ok"]:
            database_ok = False
    return all(r["ok"] for r in results.values()), results


@login_not_required
@never_cache
@require_GET
def health(request):
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_GET
def ready(request):
    ok, checks = run_checks()
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503)


@login_not_required
@never_cache
@require_GET
def metrics_view(request):
    if not metrics.may_scrape(request):
        return HttpResponse("Forbidden: metrics are for the monitoring network or a bearer token.\n",
                            status=403, content_type="text/plain; charset=utf-8")
    body, content_type = metrics.exposition()
    return HttpResponse(body, content_type=content_type)
