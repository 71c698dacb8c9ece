"""Hammering a locked account is counted, not audited attempt by attempt: one event per lock."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from doudi.accounts.models import Lockout, User
from doudi.accounts.roles import Role
from doudi.accounts.services import unlock
from doudi.audit.models import AuditEvent
from doudi.audit.verification import verify_chain
from doudi.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(make_user) -> User:
    return make_user(Role.COUNTY_APPROVER, username="county")


def _fail(times: int, path: str = "/login/") -> None:
    for _ in range(times):
        if path.startswith("/api/"):
            Client().post(
                path, {"username": "county", "password": "wrong"}, content_type="application/json"
            )
        else:
            Client().post(path, {"username": "county", "password": "wrong"})


def _lock_events() -> int:
    return AuditEvent.objects.filter(action="auth.locked_out", object_id="county").count()


@pytest.mark.parametrize("path", ["/login/", "/api/v1/auth/login/"])
def test_twenty_attempts_lock_once_and_count_the_rest(county, path):
    _fail(20, path)
    assert _lock_events() == 1
    limit = settings.AXES_FAILURE_LIMIT
    assert Lockout.objects.get(user=county).attempts_while_locked == 20 - limit
    assert verify_chain().intact


def test_the_right_password_on_a_locked_account_is_counted_too(county):
    _fail(settings.AXES_FAILURE_LIMIT)
    for _ in range(3):
        assert Client().post("/login/", {"username": "county", "password": PASSWORD}).status_code
    assert _lock_events() == 1
    assert Lockout.objects.get(user=county).attempts_while_locked == 3


def test_the_unlock_event_carries_the_count_and_a_new_lock_is_audited_again(county, make_user):
    _fail(12)
    unlock(make_user(Role.SECURITY_ADMIN), "county", reason="本人来电确认")
    event = AuditEvent.objects.filter(action="user.unlock").get()
    assert event.after["attempts_while_locked"] == 12 - settings.AXES_FAILURE_LIMIT
    assert not Lockout.objects.filter(user=county).exists()
    _fail(settings.AXES_FAILURE_LIMIT + 3)
    assert _lock_events() == 2


def test_a_lock_that_ran_out_is_a_new_lock_and_the_next_log_in_says_how_often_it_was_tried(
    county,
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _fail(8)
    later = start + settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert (
            Client().post("/login/", {"username": "county", "password": PASSWORD}).status_code
            == 302
        )
    login = AuditEvent.objects.filter(action="auth.login", object_id="county").get()
    assert login.after == {"attempts_while_locked": 8 - settings.AXES_FAILURE_LIMIT}
    with time_machine.travel(later + datetime.timedelta(minutes=1), tick=False):
        _fail(settings.AXES_FAILURE_LIMIT)
    assert _lock_events() == 2
