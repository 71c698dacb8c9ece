"""The command line acts for a user only when that user proves who they are: a personal API
token in DOUDI_TOKEN, or the password typed at a terminal; and it says why when it refuses."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from doudi.accounts.roles import Role
from doudi.audit.actions import AuditAction
from doudi.audit.models import AuditEvent
from doudi.conftest import PASSWORD

pytestmark = pytest.mark.django_db


class _Terminal(io.StringIO):
    """Standard input as a person at a terminal has it."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def admin_user(make_user):
    # Unlocking an account is the security administrator's work (三员分立).
    return make_user(Role.SECURITY_ADMIN)


@pytest.fixture
def locked(make_user):
    return make_user(Role.VILLAGE_WORKER, username="locked")


def _unlock(admin_username: str) -> None:
    call_command("users", "unlock", "locked", "--reason", "本人来电", "--user", admin_username)


def _unlocked() -> bool:
    return AuditEvent.objects.filter(action=AuditAction.USER_UNLOCK).exists()


def test_without_a_credential_the_command_is_refused_and_says_what_to_do(
    admin_user, locked, monkeypatch
):
    monkeypatch.delenv("DOUDI_TOKEN", raising=False)
    with pytest.raises(CommandError) as refused:
        _unlock(admin_user.username)
    message = str(refused.value)
    assert "DOUDI_TOKEN" in message and admin_user.username in message
    assert "凭据" in message and "credential" in message  # Chinese, then English
    assert not _unlocked()


def test_a_token_acts_for_its_own_user_only(admin_user, make_user, locked, cli_as):
    other = make_user(Role.SECURITY_ADMIN, username="other_admin")
    cli_as(other)
    with pytest.raises(CommandError, match="other_admin"):
        _unlock(admin_user.username)
    assert not _unlocked()
    cli_as(admin_user)
    _unlock(admin_user.username)
    assert AuditEvent.objects.get(action=AuditAction.USER_UNLOCK).actor_username == (
        admin_user.username
    )


def test_an_invalid_token_is_refused_naming_the_variable(admin_user, locked, monkeypatch):
    monkeypatch.setenv("DOUDI_TOKEN", "doudi_not-a-token")
    with pytest.raises(CommandError, match="DOUDI_TOKEN"):
        _unlock(admin_user.username)
    assert not _unlocked()


def test_a_revoked_token_no_longer_works(admin_user, locked, cli_as):
    from knox.models import AuthToken

    from doudi.accounts.services import revoke_token

    cli_as(admin_user)
    revoke_token(admin_user, AuthToken.objects.get(user=admin_user))
    with pytest.raises(CommandError, match="DOUDI_TOKEN"):
        _unlock(admin_user.username)


def test_at_a_terminal_the_password_is_asked_for(admin_user, locked, monkeypatch):
    monkeypatch.delenv("DOUDI_TOKEN", raising=False)
    monkeypatch.setattr("sys.stdin", _Terminal())
    monkeypatch.setattr("getpass.getpass", lambda prompt: "wrong-password")
    with pytest.raises(CommandError, match="密码"):
        _unlock(admin_user.username)
    assert not _unlocked()
    monkeypatch.setattr("getpass.getpass", lambda prompt: PASSWORD)
    _unlock(admin_user.username)
    assert _unlocked()


def test_users_token_prints_a_token_the_command_line_accepts(admin_user, locked, monkeypatch):
    monkeypatch.delenv("DOUDI_TOKEN", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    out = io.StringIO()
    call_command(
        "users",
        "token",
        "--username",
        admin_user.username,
        "--password-stdin",
        stdout=out,
        stderr=io.StringIO(),
    )
    token = out.getvalue().strip()
    assert token.startswith("doudi_")
    monkeypatch.setenv("DOUDI_TOKEN", token)
    _unlock(admin_user.username)
    assert _unlocked()


def test_users_token_refuses_a_wrong_password(admin_user, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("wrong-password\n"))
    with pytest.raises(CommandError, match="Wrong user name or password"):
        call_command("users", "token", "--username", admin_user.username, "--password-stdin")
    assert not AuditEvent.objects.filter(action=AuditAction.AUTH_LOGIN).exists()


def test_with_a_token_the_user_may_be_left_out(admin_user, locked, cli_as):
    cli_as(admin_user)
    call_command("users", "unlock", "locked", "--reason", "本人来电")
    assert AuditEvent.objects.get(action=AuditAction.USER_UNLOCK).actor_username == (
        admin_user.username
    )


def test_a_command_that_needs_someone_acting_refuses_nobody(places, monkeypatch):
    monkeypatch.delenv("DOUDI_TOKEN", raising=False)
    with pytest.raises(CommandError, match="--user"):
        call_command("evaluate_all", "--month", "2022-03")
    with pytest.raises(CommandError, match="--user"):
        call_command("deadlines")
