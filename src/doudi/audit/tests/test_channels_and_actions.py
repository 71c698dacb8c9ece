"""Every event says which door it came through (web, api, cli), and names its action from the
one vocabulary; the pages show the Chinese label, the API the code and the label."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from rest_framework.test import APIClient

from doudi.accounts.roles import Role
from doudi.audit import triggers
from doudi.audit.actions import AuditAction, UnknownAuditAction, action_label
from doudi.audit.channels import Channel
from doudi.audit.models import AuditEvent
from doudi.audit.services import record
from doudi.audit.verification import verify_chain
from doudi.conftest import INSIDE_VILLAGE, PASSWORD, api_as
from doudi.regions.services import update_region

pytestmark = pytest.mark.django_db


def _last(action: AuditAction) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("seq")


def test_a_page_records_the_web_channel(admin_user):
    client = Client()
    assert client.post("/login/", {"username": admin_user.username, "password": PASSWORD})
    response = client.post(
        f"/places/{INSIDE_VILLAGE}/update/",
        {"name": "新名村", "classification": "rural", "reason": "更名"},
    )
    assert response.status_code == 302
    assert _last(AuditAction.AUTH_LOGIN).channel == Channel.WEB
    assert _last(AuditAction.REGION_UPDATE).channel == Channel.WEB
    client.post("/logout/")
    assert _last(AuditAction.AUTH_LOGOUT).channel == Channel.WEB


def test_api_log_in_and_log_out_are_audited_through_the_api(admin_user):
    client = APIClient()
    response = client.post(
        "/api/v1/auth/login/",
        {"username": admin_user.username, "password": PASSWORD},
        format="json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    login = _last(AuditAction.AUTH_LOGIN)
    assert (login.channel, login.actor_username) == (Channel.API, admin_user.username)
    # The event tells tokens apart by their first characters, never the whole token.
    assert token.startswith(login.after["token"]) and token not in str(login.after)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.patch(
        f"/api/v1/regions/{INSIDE_VILLAGE}/",
        {"name": "新名村", "classification": "rural", "reason": "更名"},
        format="json",
    )
    assert response.status_code == 200
    assert _last(AuditAction.REGION_UPDATE).channel == Channel.API
    assert client.post("/api/v1/auth/logout/").status_code == 204
    logout = _last(AuditAction.AUTH_LOGOUT)
    assert (logout.channel, logout.before) == (Channel.API, {"token": login.after["token"]})
    assert client.get("/api/v1/me/").status_code == 401  # the token is gone


def test_a_wrong_api_password_issues_no_token_and_no_log_in_event(admin_user):
    response = APIClient().post(
        "/api/v1/auth/login/", {"username": admin_user.username, "password": "x"}, format="json"
    )
    assert response.status_code == 401
    assert not AuditEvent.objects.filter(action=AuditAction.AUTH_LOGIN).exists()


def test_a_command_records_the_cli_channel(make_user, cli_as):
    make_user(Role.VILLAGE_WORKER, username="locked")
    security = make_user(Role.SECURITY_ADMIN)  # unlocking is the security administrator's
    cli_as(security)
    call_command("users", "unlock", "locked", "--reason", "本人来电", "--user", security.username)
    event = _last(AuditAction.USER_UNLOCK)
    assert (event.channel, event.actor_username) == (Channel.CLI, security.username)


def test_code_outside_any_door_records_the_system_channel(admin_user):
    update_region(admin_user, INSIDE_VILLAGE, name="新名村", classification="rural", reason="更名")
    assert _last(AuditAction.REGION_UPDATE).channel == Channel.SYSTEM


def test_the_channel_is_covered_by_the_hash(admin_user):
    update_region(admin_user, INSIDE_VILLAGE, name="新名村", classification="rural", reason="更名")
    seq = _last(AuditAction.REGION_UPDATE).seq
    assert verify_chain().intact
    triggers.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET channel = 'web' WHERE seq = %s", [seq])
    triggers.install(connection)
    assert verify_chain().broken_at == seq


def test_an_action_outside_the_vocabulary_is_refused():
    with pytest.raises(UnknownAuditAction, match=r"case\.acept"), transaction.atomic():
        record(
            actor=None,
            action="case.acept",
            object_type="case",
            object_id="1",
            region_code=INSIDE_VILLAGE,
        )
    assert not AuditEvent.objects.exists()


def test_every_action_has_a_chinese_label():
    for action in AuditAction:
        label = action_label(action.value)
        assert label != action.value
        assert any("\u4e00" <= char <= "\u9fff" for char in label), action.value


def test_the_audit_pages_show_chinese_labels_and_the_api_code_and_label(admin_user, make_user):
    update_region(admin_user, INSIDE_VILLAGE, name="新名村", classification="rural", reason="更名")
    event = _last(AuditAction.REGION_UPDATE)
    reader = make_user(Role.AUDIT_ADMIN)  # the audit trail is the audit administrator's
    client = Client()
    client.force_login(reader)
    listing = client.get("/audit/").content.decode()
    label = str(AuditAction.REGION_UPDATE.label)
    assert f'data-action="region.update">{label}</td>' in listing
    detail = client.get(f"/audit/{event.seq}/").content.decode()
    assert f'data-action="region.update">{label}</td>' in detail
    assert "region.update</td>" not in detail and "(system_admin," not in detail
    body = api_as(reader).get(f"/api/v1/audit-events/{event.seq}/").json()
    assert body["action"] == "region.update" and body["action_label"] == label
    assert body["channel"] == "system"


def test_the_template_filter_names_an_action_for_other_pages():
    from django.template import Context, Template

    page = Template("{% load audit_labels %}{{ code|action_label }}").render(
        Context({"code": "household.create"})
    )
    assert page == str(AuditAction.HOUSEHOLD_CREATE.label)
