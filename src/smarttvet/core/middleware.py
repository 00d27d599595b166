"""The outermost middleware: request id, one structured log line a request, and the request metrics."""

from __future__ import annotations

import logging
import time

from smarttvet.core import logs, metrics


class RequestObservabilityMiddleware:
    """Sets the request id (``X-Request-ID`` in and out), times the request, logs it, counts it.

    First in ``MIDDLEWARE``, so the duration covers every other middleware and static files are counted too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = logs.incoming_request_id(request.META.get("HTTP_X_REQUEST_ID"))
        request.request_id = request_id
        token = logs.request_id_var.set(request_id)
        started = time.monotonic()
        metrics.REQUESTS_IN_PROGRESS.inc()
        try:
            response = self.get_response(request)
        finally:
            metrics.REQUESTS_IN_PROGRESS.dec()
        try:
            seconds = time.monotonic() - started
            route = logs.route_name(request)
            metrics.observe_request(route, request.method, response.status_code, seconds)
            response["X-Request-ID"] = request_id
            level = logging.DEBUG if request.path in logs.PROBE_PATHS else (
                logging.ERROR if response.status_code >= 500 else logging.INFO)
            if logs.request_logger.isEnabledFor(level):
                logs.request_logger.log(level, "request", extra={
                    "method": request.method, "path": logs.safe_path(request), "route": route,
                    "status": response.status_code, "duration_ms": round(seconds * 1000, 1),
                    "user_id": logs.user_id(request),
                })
        finally:
            logs.request_id_var.reset(token)
        return response
