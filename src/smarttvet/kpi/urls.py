from django.urls import path

from smarttvet.kpi import views

app_name = "kpi"
urlpatterns = [
    path("", views.scorecard_list, name="list"),
    path("compute/", views.scorecards_compute, name="compute"),
    path("<int:pk>/", views.scorecard_detail, name="detail"),
    path("<int:pk>/decide/", views.scorecard_decide, name="decide"),
    path("sets/", views.kpi_sets, name="sets"),
    path("incentives/", views.incentives, name="incentives"),
    path("incentives.xlsx", views.incentives_xlsx, name="incentives_xlsx"),
    path("incentives/compare/", views.compare, name="compare"),
    path("incentives/scenarios/<int:pk>/delete/", views.scenario_delete, name="scenario_delete"),
]
