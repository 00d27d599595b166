from django.urls import path

from smarttvet.plans import edit_views, views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/report.pdf", views.plan_report, {"fmt": "pdf"}, name="report_pdf"),
    path("<int:pk>/report.xlsx", views.plan_report, {"fmt": "xlsx"}, name="report_xlsx"),
    path("<int:pk>/status/", views.plan_status, name="status"),
    path("<int:pk>/swot/", views.swot_add, name="swot_add"),
    path("<int:pk>/swot/<int:item_pk>/delete/", views.swot_delete, name="swot_delete"),
    path("<int:pk>/indicators/<int:indicator_pk>/actual/", views.indicator_actual, name="indicator_actual"),
    path("<int:pk>/activities/<int:activity_pk>/status/", views.activity_status, name="activity_status"),
    path("<int:pk>/goals/add/", edit_views.goal_add, name="goal_add"),
    path("<int:pk>/goals/<int:goal_pk>/objectives/add/", edit_views.objective_add, name="objective_add"),
    path("<int:pk>/objectives/<int:objective_pk>/indicators/add/", edit_views.indicator_add, name="indicator_add"),
    path("<int:pk>/objectives/<int:objective_pk>/activities/add/", edit_views.activity_add, name="activity_add"),
    path("<int:pk>/indicators/<int:indicator_pk>/edit/", edit_views.indicator_edit, name="indicator_edit"),
    path("<int:pk>/<str:kind>/<int:part_pk>/delete/", edit_views.part_delete, name="part_delete"),
    path("new/organization/<int:pk>/", views.draft_for_organization, name="draft_for_organization"),
]
