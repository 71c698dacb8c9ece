"""What a user sees of the monitored population: the entries of their jurisdiction."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import scope
from doudi.accounts.roles import Permission
from doudi.errors import DoudiError
from doudi.monitoring.models import MonitoredCategory, MonitoredEntry
from doudi.regions.codes import is_well_formed, prefix_of

if TYPE_CHECKING:
    from doudi.accounts.models import User


def entries(
    user: User,
    *,
    category: str = "",
    place: str = "",
    current: bool = True,
    day: datetime.date | None = None,
) -> QuerySet[MonitoredEntry]:
    """Entries of the user's places, open on ``day`` when ``current`` (today: still open),
    else every entry; ``place`` narrows to a township or village inside the jurisdiction."""
    found = scope(user, MonitoredEntry.objects.all(), Permission.VIEW_HOUSEHOLDS, "region__code")
    if place:
        if not is_well_formed(place):
            raise DoudiError(_("Not a division code: %(code)s"), field="place", code=place)
        found = found.filter(region__code__startswith=prefix_of(place))
    if category:
        found = found.filter(category=category)
    if current:
        if day is None:
            found = found.filter(left_on__isnull=True)
        else:
            found = found.filter(Q(left_on__isnull=True) | Q(left_on__gt=day), entered_on__lte=day)
    return found.select_related("household", "region", "run").order_by(
        "region_id", "household_id", "category"
    )


@dataclass(frozen=True)
class CategoryCount:
    category: str
    label: str
    households: int


def counts(user: User) -> list[CategoryCount]:
    """Households now monitored in the user's places, per category (every category shown)."""
    rows = dict(
        entries(user)
        .order_by()
        .values("category")
        .annotate(households=Count("household_id", distinct=True))
        .values_list("category", "households")
    )
    return [
        CategoryCount(value, str(label), rows.get(value, 0))
        for value, label in MonitoredCategory.choices
    ]


def households_monitored(user: User) -> int:
    return entries(user).order_by().values("household_id").distinct().count()


def entries_of_household(user: User, household_id: int) -> QuerySet[MonitoredEntry]:
    """Every entry of the household, the latest first: part of its file, for its readers."""
    found = scope(user, MonitoredEntry.objects.all(), Permission.VIEW_HOUSEHOLDS, "region__code")
    return (
        found.filter(household_id=household_id)
        .select_related("run", "delivery")
        .order_by("-entered_on", "-pk")
    )
