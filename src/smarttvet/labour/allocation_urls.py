"""URLs of the state-order allocation pages, included by ``labour/urls.py`` (app_name "labour")."""

from django.urls import path

from smarttvet.labour import allocation_views

urlpatterns = [
    path("allocations/new/", allocation_views.allocation_new, name="allocation_new"),
    path("allocations/<int:pk>/", allocation_views.allocation_detail, name="allocation_detail"),
    path("allocations/<int:pk>/xlsx/", allocation_views.allocation_xlsx, name="allocation_xlsx"),
]
