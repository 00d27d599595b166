from django.urls import path

from smarttvet.people import views

app_name = "people"
urlpatterns = [
    path("teachers/", views.teachers, name="teachers"),
    path("students/", views.students, name="students"),
    path("graduates/", views.graduates, name="graduates"),
]
