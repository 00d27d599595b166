from django.urls import path

from smarttvet.registry import views

app_name = "registry"
urlpatterns = [
    path("regions/", views.regions, name="regions"),
    path("organizations/", views.organizations, name="organizations"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization"),
    path("organizations/<int:pk>/edit/", views.organization_edit, name="organization_edit"),
    path("specialties/", views.classifier, name="classifier"),
    path("enterprises/", views.enterprises, name="enterprises"),
]
