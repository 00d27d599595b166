"""Requests that carry a NUL character are refused with a clear 400 before any view sees them.

PostgreSQL text cannot hold NUL (0x00): ``?q=a%00b`` reached a filter and the database raised ``DataError`` —
a 500 on every list page and API list with a text filter (SQLite accepted it, so only production failed).
Django's form fields already refuse NUL; query parameters, URL-encoded bodies and JSON bodies are checked here.
"""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from smarttvet.core.outage import request_language, secure_headers

_JSON_NUL = (b"\\u0000", b"\\U0000")


def _has_nul(request) -> bool:
    if "\x00" in request.path_info or any("\x00" in k or "\x00" in v for k, vs in request.GET.lists() for v in vs):
        return True
    content_type = request.META.get("CONTENT_TYPE", "")
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        try:
            if content_type.startswith("application/x-www-form-urlencoded"):
                return any("\x00" in k or "\x00" in v for k, vs in request.POST.lists() for v in vs)
            if "json" in content_type:
                body = request.body
                return b"\x00" in body or any(marker in body for marker in _JSON_NUL)
        except Exception:  # noqa: BLE001 - an unreadable or oversized body is the view's to refuse
            return False
    return False


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _has_nul(request):
            return self.get_response(request)
        with translation.override(request_language(request)):
            message = gettext("The request contains a NUL character (0x00), which no field accepts. "
                              "Remove it and try again.")
            if request.path_info.startswith("/api/"):
                response = JsonResponse({"detail": message}, status=400, json_dumps_params={"ensure_ascii": False})
            else:
                response = HttpResponse(f"<!doctype html><meta charset=utf-8><p>{escape(message)}</p>", status=400,
                                        content_type="text/html; charset=utf-8")
        secure_headers(response)
        return response
