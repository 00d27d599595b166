"""Labour-market pages under /<lang>/labour/ (the allocation pages come from ``allocation_urls``)."""

from django.urls import path

from smarttvet.labour import views
from smarttvet.labour.allocation_urls import urlpatterns as allocation_urlpatterns

app_name = "labour"
urlpatterns = [
    path("", views.heatmap, name="heatmap"),
    path("regions/<str:kato>/", views.region, name="region"),
    path("regions/<str:kato>/specialties/<str:code>/", views.specialty, name="specialty"),
    path("employment/", views.employment, name="employment"),
    *allocation_urlpatterns,
]
