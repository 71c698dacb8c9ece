"""Audit events for log-ins, log-outs and lock-outs of existing accounts."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db import transaction
from django.dispatch import receiver

from doudi.accounts import sessions
from doudi.audit.actions import AuditAction
from doudi.audit.services import record


def _record_account_event(user, action: AuditAction, after: Any = None) -> None:
    record(
        actor=user,
        action=action,
        object_type="user",
        object_id=user.username,
        region_code=user.region_id,
        after=after,
    )


@receiver(user_logged_in)
def on_logged_in(sender, request, user, **kwargs) -> None:
    from doudi.accounts.lockout import lock_ends

    with transaction.atomic():
        sessions.remember(user, request)
        # A log-in that succeeds ends any lock-out, and says how often it was tried meanwhile.
        attempts = lock_ends(user)
        after = {"attempts_while_locked": attempts} if attempts else None
        _record_account_event(user, AuditAction.AUTH_LOGIN, after)


@receiver(user_logged_out)
def on_logged_out(sender, request, user, **kwargs) -> None:
    with transaction.atomic():
        sessions.forget(request)
        if user is not None:
            _record_account_event(user, AuditAction.AUTH_LOGOUT)


@receiver(user_locked_out)
def on_locked_out(sender, request, username, **kwargs) -> None:
    # Unknown user names are counted by axes but not audited: a stranger must not be able to
    # fill the audit trail by guessing names. For the same reason an account is audited once
    # when it locks; django-axes signals every later attempt too, and those are only counted.
    from doudi.accounts.lockout import lock_begins
    from doudi.accounts.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        return
    with transaction.atomic():
        # The lock ends what is already open too: a session or a token would outlive it.
        ended = sessions.end_everywhere(user)
        if lock_begins(user):
            _record_account_event(user, AuditAction.AUTH_LOCKED_OUT, after=ended)
