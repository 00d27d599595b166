from django.urls import path

from smarttvet.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/activities/<int:activity_pk>/status/", views.activity_status, name="activity_status"),
]
