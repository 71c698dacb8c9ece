"""Reads of the region tree, scoped to the reader's jurisdiction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from doudi.accounts.jurisdiction import get_in_scope, scope
from doudi.accounts.roles import Permission
from doudi.regions.codes import Level, ancestor_at, prefix_of
from doudi.regions.models import Classification, Region

if TYPE_CHECKING:
    from doudi.accounts.models import User


def regions_visible_to(actor: User) -> QuerySet[Region]:
    return scope(actor, Region.objects.all(), Permission.VIEW_REGIONS, "code")


def place_names(codes: Iterable[str]) -> dict[str, str]:
    """The names of places whose codes a scoped read already gave: names are not secret."""
    return dict(Region.objects.filter(code__in=set(codes)).values_list("code", "name"))


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


# --- places offered in a form, as a tree ------------------------------------------------------

DEPTH = {level: depth for depth, level in enumerate(Level.values)}
BELOW_COUNTY = (Level.TOWNSHIP, Level.VILLAGE)


@dataclass(frozen=True)
class PlaceChoice:
    """One place of a form's choice: its code (the value sent) and its name, indented by its
    level below the list's top so that the tree reads in a plain select."""

    code: str
    label: str
    selectable: bool = True


def _tree(places: Iterable[Region], levels: Iterable[str]) -> list[PlaceChoice]:
    """The places in code order, each indented by its depth; those not at ``levels`` are shown
    as the headings of their part of the tree, not to be chosen."""
    places, levels = list(places), set(levels)
    top = min((DEPTH[place.level] for place in places), default=0)
    return [
        PlaceChoice(
            place.code,
            "\u3000" * (DEPTH[place.level] - top) + place.name,
            place.level in levels,
        )
        for place in places
    ]


def place_choices(actor: User, levels: Iterable[str] = tuple(Level.values)) -> list[PlaceChoice]:
    """The places of the actor's jurisdiction at ``levels``, in tree order (a code sorts under
    its parent), for a form that asks for a place instead of a typed 12-digit code."""
    levels = list(levels)
    return _tree(regions_visible_to(actor).filter(level__in=levels).order_by("code"), levels)


def hukou_place_choices(actor: User) -> list[PlaceChoice]:
    """The townships and villages of the actor's city, by county: a hukou or a residence
    elsewhere lies outside the jurisdiction, but names a place, not a secret. The city is the
    reach of the form; a place beyond it is given through the API or the Excel form."""
    city = prefix_of(ancestor_at(actor.region_id, Level.CITY))
    places = Region.objects.filter(code__startswith=city, level__in=(Level.COUNTY, *BELOW_COUNTY))
    return _tree(places.order_by("code"), BELOW_COUNTY)
