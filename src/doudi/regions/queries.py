"""Reads of the region tree, scoped to the reader's jurisdiction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from doudi.accounts.jurisdiction import get_in_scope, scope
from doudi.accounts.roles import Permission
from doudi.regions.codes import Level
from doudi.regions.models import Classification, Region

if TYPE_CHECKING:
    from doudi.accounts.models import User


def regions_visible_to(actor: User) -> QuerySet[Region]:
    return scope(actor, Region.objects.all(), Permission.VIEW_REGIONS, "code")


def region_for(actor: User, code: str) -> Region:
    return get_in_scope(
        actor, Region.objects.select_related("parent"), Permission.VIEW_REGIONS, "code", code=code
    )


def children_of(actor: User, region: Region) -> QuerySet[Region]:
    return regions_visible_to(actor).filter(parent=region)


def home_region(actor: User) -> Region:
    return region_for(actor, actor.region_id)


def counts_below(actor: User) -> dict[str, int]:
    """How many townships, villages, urban and rural places lie in the jurisdiction."""
    totals = regions_visible_to(actor).aggregate(
        townships=Count("code", filter=Q(level=Level.TOWNSHIP)),
        villages=Count("code", filter=Q(level=Level.VILLAGE)),
        urban=Count("code", filter=Q(level=Level.VILLAGE, classification=Classification.URBAN)),
        rural=Count("code", filter=Q(level=Level.VILLAGE, classification=Classification.RURAL)),
    )
    return {key: value or 0 for key, value in totals.items()}
