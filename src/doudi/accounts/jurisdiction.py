"""The one place where "may this user do this, here?" is decided.

Services and queries of every app call these functions; the web pages, the API and the command
line only call services and queries, so the three faces cannot disagree. An object outside the
user's subtree is reported as not found, so its existence does not leak.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from doudi.accounts.roles import ROLE_PERMISSIONS, Permission, Role
from doudi.errors import NotPermitted, OutsideJurisdiction

if TYPE_CHECKING:
    from doudi.accounts.models import User

ModelT = TypeVar("ModelT", bound=models.Model)

NOT_FOUND = _("Not found, or outside your jurisdiction.")


def has_permission(user: User | None, permission: Permission) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return permission in ROLE_PERMISSIONS.get(Role(user.role), frozenset())


def covers(user: User, region_code: str) -> bool:
    return region_code.startswith(user.jurisdiction_prefix)


def require(user: User | None, permission: Permission, region_code: str | None = None) -> None:
    """Raise unless the user holds the permission (and, given a place, that place is theirs)."""
    if not has_permission(user, permission):
        raise NotPermitted(_("Your role does not allow this action."))
    if region_code is not None and not covers(user, region_code):
        raise OutsideJurisdiction(NOT_FOUND)


def scope(
    user: User | None,
    queryset: models.QuerySet[ModelT],
    permission: Permission,
    region_field: str = "region_code",
) -> models.QuerySet[ModelT]:
    """The part of ``queryset`` the user may see: rows whose place lies in their subtree."""
    require(user, permission)
    return queryset.filter(**{f"{region_field}__startswith": user.jurisdiction_prefix})


def get_in_scope(
    user: User | None,
    queryset: models.QuerySet[ModelT],
    permission: Permission,
    region_field: str = "region_code",
    **lookup: object,
) -> ModelT:
    try:
        return scope(user, queryset, permission, region_field).get(**lookup)
    except queryset.model.DoesNotExist:
        raise OutsideJurisdiction(NOT_FOUND) from None
