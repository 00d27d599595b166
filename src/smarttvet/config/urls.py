from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from smarttvet.config.api import api
from smarttvet.core import health

urlpatterns = [
    path("api/v1/", api.urls),
    # Operations: liveness, readiness and Prometheus metrics, outside the language prefix, no login.
    path("health/", health.health, name="health"),
    path("ready/", health.ready, name="ready"),
    path("metrics", health.metrics_view, name="metrics"),
]
urlpatterns += i18n_patterns(
    # Inside the language prefix, so that the page's own language is active and its URL translates.
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("accounts/", include("smarttvet.accounts.urls")),
    path("registry/", include("smarttvet.registry.urls")),
    path("people/", include("smarttvet.people.urls")),
    path("ratings/", include("smarttvet.rating.urls")),
    path("gradebook/", include("smarttvet.gradebook.urls")),
    path("plans/", include("smarttvet.plans.urls")),
    path("partnership/", include("smarttvet.partnership.urls")),
    path("labour/", include("smarttvet.labour.urls")),
    path("credentials/", include("smarttvet.credentials.urls")),
    path("portfolio/", include("smarttvet.portfolio.urls")),
    path("leadership/", include("smarttvet.leadership.urls")),
    path("kpi/", include("smarttvet.kpi.urls")),
    path("", include("smarttvet.web.urls")),
    prefix_default_language=True,
)
