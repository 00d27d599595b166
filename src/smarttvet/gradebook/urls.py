from django.urls import path

from smarttvet.gradebook import views

app_name = "gradebook"
urlpatterns = [
    path("organizations/<int:pk>/", views.organization, name="organization"),
    path("monitoring/", views.monitoring, name="monitoring"),
    path("monitoring/lists/<int:pk>/", views.monitoring_list, name="list"),
    path("monitoring/lists/<int:pk>/support-plans/", views.support_plans, name="support_plans"),
]
