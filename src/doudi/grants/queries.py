"""Which grants a user sees: those issued in their jurisdiction, and those issued above it
that reach into it (a city's grant is paid by its counties)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from doudi.accounts.jurisdiction import NOT_FOUND, require
from doudi.accounts.roles import Permission
from doudi.errors import OutsideJurisdiction
from doudi.grants.models import Grant
from doudi.regions.codes import parent_code

if TYPE_CHECKING:
    from doudi.accounts.models import User


def _ancestors(code: str) -> list[str]:
    found = []
    while (code := parent_code(code)) is not None:
        found.append(code)
    return found


def grants_visible_to(actor: User) -> QuerySet[Grant]:
    require(actor, Permission.VIEW_FUNDS)
    return Grant.objects.select_related("region").filter(
        Q(region__code__startswith=actor.jurisdiction_prefix)
        | Q(region_id__in=_ancestors(actor.region_id))
    )


def grant_for(actor: User, grant_id: int) -> Grant:
    grant = grants_visible_to(actor).filter(pk=grant_id).first()
    if grant is None:
        raise OutsideJurisdiction(NOT_FOUND)
    return grant
