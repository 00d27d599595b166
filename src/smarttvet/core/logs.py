"""Structured logs: one JSON object a line on stderr (``SMARTTVET_LOG_FORMAT=json``) or readable text.

Every record logged while a request is handled carries its request id (``request_id``), taken from an
``X-Request-ID`` header when the proxy sends a sane one, generated otherwise, and echoed in the response.
``RequestLogMiddleware`` writes one line a request on the ``smarttvet.request`` logger with the method, the
path (URL parameters whose names look secret are redacted; never the query string), the route, the status,
the duration and the user's numeric id. Never a user name, a national ID, a password, a token, a cookie or
a query string: those are not read here at all.
"""

from __future__ import annotations

import contextvars
import logging
import re
import sys
import time
import uuid

from django.utils.functional import empty
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("smarttvet_request_id", default="-")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# URL parameters whose values are never logged (credential tokens, signatures, keys...).
_SECRET_PARAM = re.compile(r"token|secret|key|signature|password|iin|code_hash", re.IGNORECASE)
# Probes that come every few seconds are logged at DEBUG, so that they do not drown the requests.
PROBE_PATHS = frozenset({"/health/", "/ready/", "/metrics"})

request_logger = logging.getLogger("smarttvet.request")


class StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time of the record, not the stream present at configuration
    (test runners and process managers swap it; a handler holding the old one fails on a closed file)."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self):
        return sys.stderr


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside a request), for both formats."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            # Django logs a 5xx after the middleware has finished: the request still carries its id.
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", None) or request_id_var.get()
        return True


def _safe_extra(key: str, value):
    """Django's records carry the request object, whose text shows the query string: keep method + path."""
    if key == "request" and hasattr(value, "method") and hasattr(value, "path"):
        return f"{value.method} {safe_path(value)}"
    return value


class JsonFormatter(_JsonFormatter):
    """python-json-logger with fixed key names: timestamp, level, logger, message, request_id + extras."""

    def __init__(self, **kwargs):
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger", "asctime": "timestamp"})
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s", **kwargs)

    def add_fields(self, log_record, record, message_dict):
        super().add_fields(log_record, record, message_dict)
        if "request" in log_record:
            log_record["request"] = _safe_extra("request", log_record["request"])

    def formatTime(self, record, datefmt=None):  # noqa: N802 - logging's name
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z"


class TextFormatter(logging.Formatter):
    """Readable lines for a developer's terminal; the request's fields follow the message as key=value."""

    _STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime", "request_id",
                                                                                 "taskName"}

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = {k: v for k, v in record.__dict__.items() if k not in self._STANDARD}
        if extras:
            line += " " + " ".join(f"{k}={_safe_extra(k, v)}" for k, v in extras.items())
        return line


def logging_config(fmt: str, level: str = "INFO") -> dict:
    """The ``LOGGING`` setting for ``fmt`` ``json`` or ``text``: everything to stderr through one handler."""
    if fmt not in {"json", "text"}:
        from smarttvet.config.env import ConfigurationError

        raise ConfigurationError(f"SMARTTVET_LOG_FORMAT={fmt!r} is not a log format: use json or text")
    level = level.upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        from smarttvet.config.env import ConfigurationError

        raise ConfigurationError(f"SMARTTVET_LOG_LEVEL={level!r} is not a level: use DEBUG, INFO, WARNING or ERROR")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "smarttvet.core.logs.RequestIdFilter"}},
        "formatters": {
            "json": {"()": "smarttvet.core.logs.JsonFormatter"},
            "text": {"()": "smarttvet.core.logs.TextFormatter"},
        },
        "handlers": {"console": {"class": "smarttvet.core.logs.StderrHandler", "formatter": fmt,
                                 "filters": ["request_id"]}},
        "root": {"handlers": ["console"], "level": "WARNING"},
        "loggers": {
            "smarttvet": {"level": level},
            # The request line below replaces Django's own lines for 4xx (which would repeat the path).
            "django.request": {"level": "ERROR"},
        },
    }


def incoming_request_id(value: str | None) -> str:
    """The proxy's request id if it is a sane token, else a fresh one (a header is never trusted blindly)."""
    if value and _REQUEST_ID.match(value):
        return value
    return uuid.uuid4().hex


def safe_path(request) -> str:
    """The request path, with the values of URL parameters named like secrets replaced by ``[redacted]``."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name, value in match.kwargs.items():
            if _SECRET_PARAM.search(name) and value not in (None, ""):
                path = path.replace(str(value), "[redacted]")
    return path


def user_id(request) -> int | None:
    """The user's numeric id when the request has already loaded its user (never loads it just to log)."""
    user = getattr(request, "user", None)
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is empty or not getattr(wrapped, "is_authenticated", False):
        return None
    return wrapped.pk


def route_name(request) -> str:
    """A bounded label for the request: the URL name (``rating:card``), ``static``, or ``unmatched``."""
    from django.conf import settings

    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name or match.route or "unnamed"
    if settings.STATIC_URL and request.path.startswith(settings.STATIC_URL):
        return "static"
    return "unmatched"
