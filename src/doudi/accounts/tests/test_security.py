"""Passwords, lock-out, sessions, CSRF, headers, tokens, and who may enter the admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings as project_settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from doudi import settings as configured
from doudi.accounts.models import User
from doudi.accounts.roles import Role
from doudi.accounts.services import unlock
from doudi.audit.models import AuditEvent
from doudi.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(make_user) -> User:
    return make_user(Role.COUNTY_APPROVER, username="county")


def _log_in(client: Client, password: str, username: str = "county"):
    return client.post("/login/", {"username": username, "password": password})


def test_passwords_are_hashed_with_argon2(settings, places):
    settings.PASSWORD_HASHERS = configured.PASSWORD_HASHERS  # undo the suite's fast hasher
    user = User.objects.create_user("hashed", PASSWORD, role=Role.AUDITOR, region_id="410800000000")
    assert user.password.startswith("argon2$")
    assert user.check_password(PASSWORD)


def test_a_wrong_password_is_refused_in_chinese_and_logs_nobody_in(county):
    client = Client()
    response = _log_in(client, "wrong-password")
    assert response.status_code == 200
    assert "密码" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_right_password_logs_in_and_is_audited(county):
    client = Client()
    assert _log_in(client, PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(action="auth.login", object_id="county").exists()


def test_five_failures_lock_the_account_even_against_the_right_password(county, make_user):
    client = Client()
    for _ in range(project_settings.AXES_FAILURE_LIMIT):
        _log_in(client, "wrong-password")
    response = _log_in(client, PASSWORD)
    assert response.status_code == 403
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.locked_out", object_id="county").exists()
    unlock(make_user(Role.SECURITY_ADMIN), "county", reason="本人确认")
    assert _log_in(Client(), PASSWORD).status_code == 302


def test_the_api_locks_out_too(county, api_client):
    for _ in range(project_settings.AXES_FAILURE_LIMIT):
        response = api_client.post(
            "/api/v1/auth/login/", {"username": "county", "password": "nope"}, format="json"
        )
        assert response.status_code in (401, 403)
    response = api_client.post(
        "/api/v1/auth/login/", {"username": "county", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "account_locked"
    assert "锁定" in error["message"] and "locked" in error["message_en"]


def test_an_idle_session_expires(county):
    assert project_settings.SESSION_COOKIE_AGE == 30 * 60
    assert project_settings.SESSION_SAVE_EVERY_REQUEST
    client = Client()
    client.force_login(county)
    assert client.get("/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_post_without_the_csrf_token_is_refused(county):
    client = Client(enforce_csrf_checks=True)
    response = _log_in(client, PASSWORD)
    assert response.status_code == 403
    assert "表单已过期" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_security_headers_are_sent(places):
    response = Client().get("/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy


def test_only_system_administrators_enter_the_admin_and_it_changes_nothing(make_user, admin_user):
    for role in Role:
        if role == Role.SYSTEM_ADMIN:
            continue
        client = Client()
        client.force_login(make_user(role, username=f"u_{role.value}"))
        assert client.get("/admin/").status_code == 302  # sent to the admin log-in
    client = Client()
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/regions/region/").status_code == 200
    # The audit trail is the audit administrator's (三员分立), in the admin too.
    assert client.get("/admin/audit/auditevent/").status_code == 403
    assert client.get("/admin/regions/region/410821000000/delete/").status_code == 403
    assert client.get("/admin/accounts/user/add/").status_code == 403


def test_api_tokens_work_until_logged_out(county, api_client):
    response = api_client.post(
        "/api/v1/auth/login/", {"username": "county", "password": PASSWORD}, format="json"
    )
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/me/").json()["username"] == "county"
    assert api_client.post("/api/v1/auth/logout/").status_code == 204
    refused = api_client.get("/api/v1/me/")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "authentication_failed"


def test_a_wrong_api_password_gets_a_bilingual_message(county, api_client):
    response = api_client.post(
        "/api/v1/auth/login/", {"username": "county", "password": "nope"}, format="json"
    )
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["message"] == "用户名或密码错误。"
    assert error["message_en"] == "Wrong user name or password."
