"""An account made by an administrator starts with a password somebody else knows: its owner
must choose a new one at the first log-in before doing anything else, on the pages, the API
and the command line alike."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from doudi.accounts.models import User
from doudi.accounts.roles import Role
from doudi.accounts.services import create_user
from doudi.audit.actions import AuditAction
from doudi.audit.models import AuditEvent
from doudi.conftest import INSIDE_TOWNSHIP, PASSWORD

pytestmark = pytest.mark.django_db
NEW = "Lantern-River-2027"


@pytest.fixture
def newcomer(admin_user) -> User:
    return create_user(
        admin_user,
        username="li",
        password=PASSWORD,
        role=Role.TOWNSHIP_HANDLER,
        region_code=INSIDE_TOWNSHIP,
        reason="新入职",
    )


def _logged_in(username: str = "li", password: str = PASSWORD) -> Client:
    client = Client()
    assert client.post("/login/", {"username": username, "password": password}).status_code == 302
    return client


def _change(client: Client, current: str, new: str, again: str | None = None):
    return client.post(
        "/staff/password/",
        {"current_password": current, "new_password": new, "new_password_again": again or new},
    )


def test_a_created_account_is_sent_to_change_its_password_first(newcomer):
    assert newcomer.must_change_password
    client = _logged_in()
    for path in ("/", "/households/", "/cases/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/staff/password/", path
    assert client.get("/staff/password/").status_code == 200
    assert client.get("/api/v1/me/").json()["error"]["code"] == "password_change_required"


def test_after_the_change_everything_works_and_it_is_audited(newcomer):
    client = _logged_in()
    assert _change(client, PASSWORD, NEW).status_code == 302
    assert client.get("/").status_code == 200  # the session survives the change
    newcomer.refresh_from_db()
    assert not newcomer.must_change_password and newcomer.check_password(NEW)
    event = AuditEvent.objects.get(action=AuditAction.USER_PASSWORD_CHANGE)
    assert event.actor_username == "li" and NEW not in str(event.after)


@pytest.mark.parametrize(
    ("current", "new", "again", "field", "words"),
    [
        ("wrong-password", NEW, NEW, "current_password", "当前密码"),
        (PASSWORD, NEW, NEW + "x", "new_password_again", "不一致"),
        (PASSWORD, PASSWORD, PASSWORD, "new_password", "不同"),
        (PASSWORD, "short-2027", "short-2027", "new_password", "12"),
    ],
)
def test_a_refused_change_names_its_field_and_changes_nothing(
    newcomer, current, new, again, field, words
):
    client = _logged_in()
    response = _change(client, current, new, again)
    assert response.status_code == 400
    page = response.content.decode()
    assert f'data-field="{field}"' in page and words in page
    newcomer.refresh_from_db()
    assert newcomer.must_change_password and newcomer.check_password(PASSWORD)


def test_no_api_token_before_the_change(newcomer, api_client, monkeypatch):
    response = api_client.post(
        "/api/v1/auth/login/", {"username": "li", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "password_change_required"
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    monkeypatch.delenv("DOUDI_TOKEN", raising=False)
    with pytest.raises(CommandError, match="修改密码"):
        call_command("users", "token", "--username", "li", "--password-stdin")


def test_the_first_administrator_chose_their_own_password(places):
    from doudi.accounts.services import bootstrap_admin

    root = bootstrap_admin(username="root", password=PASSWORD, region_code="410800000000")
    assert not root.must_change_password


def test_the_demo_accounts_need_no_change(db):
    from doudi.demo.loader import load_demo

    load_demo()  # their password is published anyway, and the demo must start at once
    assert User.objects.exists()
    assert not User.objects.filter(must_change_password=True).exists()
