from django.urls import path

from smarttvet.credentials import views

app_name = "credentials"
urlpatterns = [
    path("verify/", views.verify_page, name="verify"),
    path("keys.json", views.keys_json, name="keys"),
    path("<uuid:public_id>/", views.credential_detail, name="detail"),
    path("<uuid:public_id>.json", views.credential_json, name="json"),
    path("<uuid:public_id>/credential.pdf", views.credential_pdf, name="pdf"),
    path("<uuid:public_id>/revoke/", views.credential_revoke, name="revoke"),
]
