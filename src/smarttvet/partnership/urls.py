from django.urls import path

from smarttvet.partnership import views

app_name = "partnership"
urlpatterns = [
    path("", views.index, name="index"),
    path("clusters/", views.clusters, name="clusters"),
    path("clusters/<int:pk>/", views.cluster, name="cluster"),
    path("agreements/", views.agreements, name="agreements"),
    path("training/", views.training, name="training"),
    path("infrastructure/", views.infrastructure, name="infrastructure"),
    path("organizations/<int:pk>/", views.organization, name="organization"),
    path("my-enterprise/", views.my_enterprise, name="my_enterprise"),
    path("enterprises/<int:pk>/", views.enterprise, name="enterprise"),
    path("enterprises/<int:pk>/needs/", views.need_add, name="need_add"),
    path("needs/<int:pk>/edit/", views.need_edit, name="need_edit"),
    path("needs/<int:pk>/delete/", views.need_delete, name="need_delete"),
]
