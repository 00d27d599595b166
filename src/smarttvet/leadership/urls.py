from django.urls import path

from smarttvet.leadership import views

app_name = "leadership"
urlpatterns = [
    path("", views.index, name="index"),
    path("cohorts/<slug:code>/", views.cohort_detail, name="cohort"),
    path("cohorts/<slug:code>/candidates/", views.candidate_list, name="candidates"),
    path("cohorts/<slug:code>/stages/<slug:stage_code>/decide/", views.stage_decide, name="stage_decide"),
    path("candidates/<int:pk>/", views.candidate_detail, name="candidate"),
    path("candidates/<int:pk>/assign/", views.assessor_assign, name="assign"),
    path("assignments/", views.assignment_list, name="assignments"),
    path("assignments/<int:pk>/score/", views.score_submit, name="score"),
    path("results/<int:pk>/review/", views.review_clear, name="review_clear"),
    path("results/<int:pk>/appeal/", views.appeal_file, name="appeal_file"),
    path("appeals/<int:pk>/decide/", views.appeal_decide, name="appeal_decide"),
    path("reserve/", views.reserve, name="reserve"),
    path("appointments/", views.appointments, name="appointments"),
    path("match/", views.match, name="match"),
]
