"""Ending every way in of an account at once: its web sessions and its API tokens.

Called when django-axes locks the account (signals.py) and when an administrator deactivates
it (services.set_active): a lock that left an open session or a valid token working would lock
nobody out.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.http import HttpRequest
from knox.models import AuthToken

from doudi.accounts.models import LoginSession, User


def _store(session_key: str | None = None):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


def remember(user: User, request: HttpRequest) -> None:
    """Note the session a log-in has just opened (and forget the user's sessions that ended)."""
    key = request.session.session_key
    if not key:
        return
    stale = [
        row.session_key
        for row in LoginSession.objects.filter(user=user).exclude(session_key=key)
        if not _store().exists(row.session_key)
    ]
    LoginSession.objects.filter(session_key__in=stale).delete()
    LoginSession.objects.update_or_create(session_key=key, defaults={"user": user})


def forget(request: HttpRequest) -> None:
    key = getattr(request, "session", None) and request.session.session_key
    if key:
        LoginSession.objects.filter(session_key=key).delete()


def end_everywhere(user: User) -> dict[str, int]:
    """Delete the user's sessions and API tokens; returns how many of each (for the audit)."""
    keys = list(LoginSession.objects.filter(user=user).values_list("session_key", flat=True))
    store = _store()
    for key in keys:
        store.delete(key)
    LoginSession.objects.filter(session_key__in=keys).delete()
    tokens, _by_model = AuthToken.objects.filter(user=user).delete()
    return {"sessions_ended": len(keys), "tokens_ended": tokens}
