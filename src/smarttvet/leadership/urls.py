from django.urls import path

from smarttvet.leadership import committee_views, views

app_name = "leadership"
urlpatterns = [
    path("", views.index, name="index"),
    path("cohorts/new/", committee_views.cohort_new, name="cohort_new"),
    path("cohorts/<slug:code>/", views.cohort_detail, name="cohort"),
    path("cohorts/<slug:code>/candidates/", views.candidate_list, name="candidates"),
    path("cohorts/<slug:code>/manage/", committee_views.cohort_manage, name="manage"),
    path("cohorts/<slug:code>/review/", committee_views.review_queue, name="review"),
    path("cohorts/<slug:code>/ranking/", committee_views.ranking, name="ranking"),
    path("cohorts/<slug:code>/do/<slug:action>/", committee_views.cohort_action, name="cohort_action"),
    path("cohorts/<slug:code>/stages/<slug:stage_code>/assign/", committee_views.stage_assign, name="stage_assign"),
    path("cohorts/<slug:code>/stages/<slug:stage_code>/<slug:action>/", committee_views.stage_action,
         name="stage_action"),
    path("candidates/<int:pk>/", views.candidate_detail, name="candidate"),
    path("candidates/<int:pk>/assign/", views.assessor_assign, name="assign"),
    path("assignments/", views.assignment_list, name="assignments"),
    path("assignments/<int:pk>/score/", views.score_submit, name="score"),
    path("results/<int:pk>/review/", views.review_clear, name="review_clear"),
    path("results/<int:pk>/appeal/", views.appeal_file, name="appeal_file"),
    path("appeals/<int:pk>/decide/", views.appeal_decide, name="appeal_decide"),
    path("reserve/", views.reserve, name="reserve"),
    path("appointments/", views.appointments, name="appointments"),
    path("reserve/<int:pk>/appoint/", committee_views.appoint, name="appoint"),
    path("match/", views.match, name="match"),
]
