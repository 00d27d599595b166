from django.urls import path

from smarttvet.portfolio import views

app_name = "portfolio"
urlpatterns = [
    path("", views.home, name="home"),
    path("queue/", views.queue, name="queue"),
    path("staff/", views.staff, name="staff"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("tokens/", views.token_list, name="tokens"),
    path("teachers/<int:pk>/", views.teacher_portfolio, name="teacher"),
    path("teachers/<int:pk>/form/", views.record_form, name="record_form"),
    path("teachers/<int:pk>/cv.pdf", views.teacher_cv, name="cv"),
    path("teachers/<int:pk>/portfolio.json", views.teacher_export, name="export"),
    path("teachers/<int:pk>/credentials/summary/", views.issue_summary, name="issue_summary"),
    path("teachers/<int:pk>/credentials/<uuid:public_id>.json", views.credential_json, name="credential_json"),
    path("records/<int:pk>/edit/", views.record_edit, name="record_edit"),
    path("records/<int:pk>/action/", views.record_action, name="record_action"),
    path("records/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("records/<int:pk>/credential/", views.issue_certification, name="issue_certification"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
]
