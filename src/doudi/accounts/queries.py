"""Reads of staff accounts, scoped to the reader's jurisdiction."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from doudi.accounts.jurisdiction import get_in_scope, scope
from doudi.accounts.models import User
from doudi.accounts.roles import Permission


def users_visible_to(actor: User, search: str = "") -> QuerySet[User]:
    users = scope(
        actor, User.objects.select_related("region"), Permission.VIEW_USERS, "region__code"
    )
    if search:
        users = users.filter(Q(username__icontains=search) | Q(full_name__icontains=search))
    return users


def user_for(actor: User, username: str) -> User:
    return get_in_scope(
        actor,
        User.objects.select_related("region"),
        Permission.VIEW_USERS,
        "region__code",
        username=username,
    )
