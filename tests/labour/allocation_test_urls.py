"""A URLconf for the allocation tests: the project's URLs plus the allocation pages under the "labour"
namespace (unless the project already serves them) and the allocation router on a test API."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import NoReverseMatch, include, path, reverse
from ninja import NinjaAPI

from smarttvet.config import urls as project
from smarttvet.labour import allocation_urls
from smarttvet.labour.allocation_api import router

API_PREFIX = "api/allocation-test/"
api = NinjaAPI(title="allocation tests", urls_namespace="allocation_test_api")
api.add_router("/", router)

try:
    reverse("labour:allocation_new", urlconf=project)
    pages = []
except NoReverseMatch:
    patterns = list(allocation_urls.urlpatterns)
    try:  # keep the rest of the labour pages reachable under the same namespace (navigation links)
        from smarttvet.labour import urls as labour_urls

        patterns = [*patterns, *labour_urls.urlpatterns]
    except ImportError:
        pass
    pages = i18n_patterns(path("labour/", include((patterns, "labour"))), prefix_default_language=True)

urlpatterns = [path(API_PREFIX, api.urls), *pages, *project.urlpatterns]
