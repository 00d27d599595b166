from django.contrib.auth.views import LogoutView
from django.urls import path

from smarttvet.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("audit/", views.audit, name="audit"),
]
