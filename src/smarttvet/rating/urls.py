from django.urls import path

from smarttvet.rating import views

app_name = "rating"
urlpatterns = [
    path("", views.league_table, name="league_table"),
    path("regions/", views.regions, name="regions"),
    path("organizations/<int:pk>/", views.card, name="card"),
    path("organizations/<int:pk>/what-if/", views.what_if, name="what_if"),
    path("methodology/", views.methodology, name="methodology"),
    path("compare/", views.compare, name="compare"),
    path("runs/", views.runs, name="runs"),
    path("runs/new/", views.run_create, name="run_create"),
    path("runs/<int:pk>/publish/", views.run_publish, name="run_publish"),
    path("runs/<int:pk>/delete/", views.run_delete, name="run_delete"),
]
