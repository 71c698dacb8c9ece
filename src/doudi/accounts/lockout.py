"""The answer to a log-in attempt on a locked account (django-axes calls this), and the
record of each lock-out: audited once, its further attempts counted."""

from __future__ import annotations

from django.conf import settings
from django.db.models import F
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.accounts.models import Lockout, User
from doudi.errors import DoudiError


class AccountLocked(DoudiError):
    code = "account_locked"
    http_status = 403


def locked_out_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    error = AccountLocked(
        _(
            "Too many failed log-ins: this account is locked for %(minutes)d minutes. "
            "Ask your system administrator to unlock it sooner."
        ),
        minutes=minutes,
    )
    if request.path.startswith("/api/"):
        return JsonResponse({"error": error.as_dict()}, status=error.http_status)
    return render(request, "web/login.html", {"error": error.render()}, status=error.http_status)


def lock_begins(user: User) -> bool:
    """Note a locked-out log-in attempt on ``user``; True when it starts a new lock-out (to be
    audited), False when the account was already locked (only counted).

    A lock-out lasts while attempts keep coming within the cool-off time of each other, as
    django-axes keeps it (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT); an unlock or a
    successful log-in ends it (``lock_ends``). Call inside the transaction of the event.
    """
    now = timezone.now()
    current = Lockout.objects.select_for_update().filter(user=user).first()
    if current is not None and now < current.last_attempt_at + settings.AXES_COOLOFF_TIME:
        Lockout.objects.filter(user=user).update(
            attempts_while_locked=F("attempts_while_locked") + 1, last_attempt_at=now
        )
        return False
    Lockout.objects.update_or_create(
        user=user,
        defaults={"locked_at": now, "last_attempt_at": now, "attempts_while_locked": 0},
    )
    return True


def lock_ends(user: User) -> int:
    """End the account's lock-out record; how many log-ins were tried while it was locked."""
    current = Lockout.objects.select_for_update().filter(user=user).first()
    if current is None:
        return 0
    current.delete()
    return current.attempts_while_locked
