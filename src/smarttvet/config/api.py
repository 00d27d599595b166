"""The JSON API at /api/v1/ (OpenAPI at /api/v1/openapi.json, interactive docs at /api/v1/docs)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from smarttvet.core.openapi import PlatformAPI
from smarttvet.credentials.api import router as credentials_router
from smarttvet.gradebook.api import router as gradebook_router
from smarttvet.kpi.api import router as kpi_router
from smarttvet.labour.api import router as labour_router
from smarttvet.leadership.api import router as leadership_router
from smarttvet.partnership.api import router as partnership_router
from smarttvet.people.api import router as people_router
from smarttvet.plans.api import router as plans_router
from smarttvet.portfolio.api import router as portfolio_router
from smarttvet.rating.api import router as rating_router
from smarttvet.registry.api import router as registry_router

api = PlatformAPI(  # NinjaAPI whose OpenAPI document has unique schema names and documented errors
    title="SMART TVET API",
    version="1",
    description="The national TVET platform: registry, people, ratings and more. "
    "Every list is scoped to what the caller may see; anonymous callers see published data only.",
    urls_namespace="api",
)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Forbidden."}, status=403)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": "Invalid data.", "errors": errors}, status=422)


api.add_router("/", registry_router)
api.add_router("/", people_router)
api.add_router("/ratings", rating_router)
api.add_router("/gradebook", gradebook_router)
api.add_router("/labour", labour_router)
api.add_router("/plans", plans_router)
api.add_router("/partnership", partnership_router)
api.add_router("/credentials", credentials_router)
api.add_router("/portfolio", portfolio_router)
api.add_router("/leadership", leadership_router)
api.add_router("/kpi", kpi_router)

__all__ = ["api"]
