"""Prometheus metrics (prometheus-client): request latency, requests in flight, long jobs.

Labels are bounded: a request is labelled by its URL *name* (``rating:card``, never ``/ratings/organizations/17/``),
its method (the usual verbs, else ``other``) and its status class (``2xx``...). A job by its fixed name and
its outcome (``ok``, ``rejected`` for bad input, ``error``, ``interrupted``).

Under gunicorn every worker is a process: set ``PROMETHEUS_MULTIPROC_DIR`` to an empty directory writable by
the workers (cleared at start by ``smarttvet.core.gunicorn_conf``) and ``/metrics`` adds up the workers' files.
Management commands run with the same variable write their job metrics there too, so a nightly
``smarttvet rating run`` shows on the server's ``/metrics``. Jobs that pages and the API start too (a rating
run, the KPI scorecards) are tracked in their service, so they count wherever they were started.

``/metrics`` answers only to a client on an allowed network (``SMARTTVET_METRICS_ALLOW``, loopback by default)
that did not come through a proxy, or to one that sends ``Authorization: Bearer <SMARTTVET_METRICS_TOKEN>``.
"""

from __future__ import annotations

import contextlib
import hmac
import ipaddress
import logging
import os
import time

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Gauge, Histogram, generate_latest

logger = logging.getLogger("smarttvet.jobs")

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
JOB_BUCKETS = (0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200)

REQUEST_LATENCY = Histogram(
    "smarttvet_http_request_duration_seconds", "Time from the request's arrival to its response, by URL name.",
    ["route", "method", "status"], buckets=REQUEST_BUCKETS,
)
REQUESTS_IN_PROGRESS = Gauge(
    "smarttvet_http_requests_in_progress", "Requests being handled now.", multiprocess_mode="livesum",
)
JOB_DURATION = Histogram(
    "smarttvet_job_duration_seconds", "Duration of long jobs (imports, rating runs, gradebook analysis, demo).",
    ["job", "outcome"], buckets=JOB_BUCKETS,
)
JOBS_IN_PROGRESS = Gauge("smarttvet_jobs_in_progress", "Long jobs running now.", ["job"], multiprocess_mode="livesum")
JOB_LAST_SUCCESS = Gauge(
    "smarttvet_job_last_success_timestamp_seconds", "Unix time a job last finished successfully.", ["job"],
    multiprocess_mode="max",
)


def status_class(status: int) -> str:
    return f"{status // 100}xx" if 100 <= status < 600 else "other"


def method_label(method: str) -> str:
    return method if method in METHODS else "other"


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    REQUEST_LATENCY.labels(route=route, method=method_label(method), status=status_class(status)).observe(seconds)


def _outcome(exc: BaseException | None) -> str:
    if exc is None:
        return "ok"
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    if isinstance(exc, SystemExit):
        return "ok" if exc.code in (0, None) else "error"
    returncode = getattr(exc, "returncode", None)
    if returncode == 2:  # CommandError(..., returncode=2): bad input, nothing written
        return "rejected"
    from django.core.exceptions import PermissionDenied, ValidationError

    if isinstance(exc, ValidationError | PermissionDenied):  # a service refused the input or the actor
        return "rejected"
    return "error"


class track_job(contextlib.ContextDecorator):  # noqa: N801 - reads as a verb: ``with track_job("rating_run"):``
    """Time a long job and record its outcome; usable as ``with track_job("name"):`` or ``@track_job("name")``.

    Exceptions pass through unchanged. One log line a job (``job finished``) carries name, outcome, seconds.
    """

    def __init__(self, job: str):
        self.job = job
        self._started: list[float] = []

    def __enter__(self):
        self._started.append(time.monotonic())
        JOBS_IN_PROGRESS.labels(job=self.job).inc()
        return self

    def __exit__(self, exc_type, exc, tb):
        seconds = time.monotonic() - self._started.pop()
        outcome = _outcome(exc)
        JOBS_IN_PROGRESS.labels(job=self.job).dec()
        JOB_DURATION.labels(job=self.job, outcome=outcome).observe(seconds)
        if outcome == "ok":
            JOB_LAST_SUCCESS.labels(job=self.job).set(time.time())
        level = logging.INFO if outcome in ("ok", "rejected") else logging.ERROR
        logger.log(level, "job finished", extra={"job": self.job, "outcome": outcome,
                                                 "duration_s": round(seconds, 3)})
        return False


def registry() -> CollectorRegistry:
    """The registry to expose: every worker's files in multiprocess mode, this process's metrics otherwise."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        collected = CollectorRegistry()
        multiprocess.MultiProcessCollector(collected)
        return collected
    from prometheus_client import REGISTRY

    return REGISTRY


def exposition() -> tuple[bytes, str]:
    return generate_latest(registry()), CONTENT_TYPE_LATEST


def _networks(values: list[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    from smarttvet.config.env import ConfigurationError

    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            raise ConfigurationError(f"SMARTTVET_METRICS_ALLOW: {value!r} is not an address or network") from None
    return networks


_PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")


def may_scrape(request) -> bool:
    """A bearer token equal to ``METRICS_TOKEN``, or a direct (not proxied) client on an allowed network."""
    from django.conf import settings

    token = getattr(settings, "METRICS_TOKEN", "")
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].strip().encode(), token.encode()):
        return True
    if any(request.META.get(name) for name in _PROXY_HEADERS):
        return False  # came through the proxy: the address is the proxy's, not the client's
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in _networks(getattr(settings, "METRICS_ALLOW", [])))
