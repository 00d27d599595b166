import pytest

pytestmark = pytest.mark.django_db


def test_pages_carry_a_content_security_policy_and_secure_headers(world, client):
    response = client.get("/en/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_login_is_throttled_after_five_failures(world, client):
    for _ in range(4):
        response = client.post("/en/accounts/login/", {"username": "ministry", "password": "wrong"})
        assert response.status_code == 200  # the form again, with an error
    fifth = client.post("/en/accounts/login/", {"username": "ministry", "password": "wrong"})
    assert fifth.status_code == 429
    locked = client.post("/en/accounts/login/", {"username": "ministry", "password": "a-long-test-password"})
    assert locked.status_code == 429
    assert "Too many failed log-in attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_correct_login_works_and_lands_on_the_dashboard(world, client):
    response = client.post("/en/accounts/login/", {"username": "ministry", "password": "a-long-test-password"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.users["ministry"].pk)


def test_forms_require_csrf(world):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/en/accounts/login/", {"username": "ministry", "password": "a-long-test-password"})
    assert response.status_code == 403
