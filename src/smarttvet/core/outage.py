"""A database outage becomes a clear "try again shortly" answer (HTTP 503), never a stack trace.

When PostgreSQL restarts, fails over or refuses connections, Django raises ``OperationalError`` or
``InterfaceError`` wherever the request first touches the database: in a view, a template, the session
or the login check. Django turns that into a 500; this middleware (second in ``MIDDLEWARE``, outside
everything that may touch the database) recognises those responses by the exception that caused them and
replaces them with a 503 in the page's language: a small HTML page that needs no database, or for the
API a JSON body ``{"detail": ...}``. ``Retry-After`` tells clients when to try again. The next request
after the database is back works: ``CONN_HEALTH_CHECKS`` drops the broken connection and reconnects.

It also keeps the API's promise of JSON: a URL under /api/ that matches no route (e.g. a malformed id that
the URL converter rejects) gets ``{"detail": "Not found."}`` instead of Django's HTML 404 page.
"""

from __future__ import annotations

import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

logger = logging.getLogger("smarttvet.outage")

OUTAGE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
_MARK = "_smarttvet_database_outage"


def is_outage(exc: BaseException | None) -> bool:
    """The exception, or one it was raised from, says the database cannot be reached."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OUTAGE_ERRORS):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


@receiver(got_request_exception, dispatch_uid="smarttvet-database-outage")
def _mark_outage(sender, request=None, **kwargs) -> None:
    """Django sends this while it handles the exception: remember on the request that it was an outage."""
    if request is not None and is_outage(sys.exc_info()[1]):
        setattr(request, _MARK, True)


def request_language(request) -> str:
    """The language of the page asked for (its path, else cookie/header), without touching the database."""
    language = translation.get_language_from_path(request.path_info)
    if not language:
        try:
            language = translation.get_language_from_request(request, check_path=False)
        except Exception:  # noqa: BLE001 - a cookie or header that cannot be read must not hide the outage page
            language = None
    return language or "kk"


def outage_response(request) -> HttpResponse:
    """The 503 answer, in the language of the page that was asked for."""
    with translation.override(request_language(request)):  # noqa: SIM117
        message = gettext("The service is temporarily unavailable: the database cannot be reached. "
                          "Nothing you sent was lost or half-saved. Please try again in a minute.")
        if request.path_info.startswith("/api/"):
            response = JsonResponse({"detail": message}, status=503, json_dumps_params={"ensure_ascii": False})
        else:
            html = render_to_string("core/unavailable.html", {
                "LANGUAGE_CODE": translation.get_language(), "message": message,
                "title": gettext("Service temporarily unavailable"),
            })
            response = HttpResponse(html, status=503, content_type="text/html; charset=utf-8")
        response["Content-Language"] = translation.get_language()
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    secure_headers(response)
    return response


def secure_headers(response: HttpResponse) -> None:
    """The headers the inner middleware would have added, for an answer given before (or instead of) it."""
    from django.conf import settings

    try:
        from csp.utils import build_policy

        response.setdefault("Content-Security-Policy", build_policy())
    except Exception:  # noqa: BLE001 - fall back to the strictest policy
        response.setdefault("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
    response.setdefault("X-Frame-Options", getattr(settings, "X_FRAME_OPTIONS", "DENY"))


class DatabaseOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        except OUTAGE_ERRORS:  # only when an exception escapes Django's own conversion (tests may re-raise)
            logger.warning("database unreachable while serving %s %s", request.method, request.path_info)
            return outage_response(request)
        if response.status_code >= 500 and getattr(request, _MARK, False):
            logger.warning("database unreachable while serving %s %s", request.method, request.path_info)
            return outage_response(request)
        if response.status_code == 404 and request.path_info.startswith("/api/") \
                and "json" not in response.get("Content-Type", ""):
            response = JsonResponse({"detail": "Not found."}, status=404)
            secure_headers(response)
        return response

    def process_exception(self, request, exception):
        if is_outage(exception):
            setattr(request, _MARK, True)
        return None
