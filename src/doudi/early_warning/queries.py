"""What a user sees of the warnings: those of their jurisdiction, the most urgent first."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Avg, Count, F, Q, QuerySet

from doudi.accounts.jurisdiction import scope
from doudi.accounts.roles import Permission
from doudi.early_warning.models import OPEN_STATES, EarlyWarning, HandlingRoute, WarningState

if TYPE_CHECKING:
    from doudi.accounts.models import User


def open_warnings(user: User, *, kind: str = "") -> QuerySet[EarlyWarning]:
    found = scope(user, EarlyWarning.objects.all(), Permission.VIEW_HOUSEHOLDS, "region__code")
    found = found.filter(state__in=OPEN_STATES)
    if kind:
        found = found.filter(kind=kind)
    return found.select_related("household", "region__parent", "raised_by").order_by(
        "due_on", "-severity", "pk"
    )


def warnings_of_household(user: User, household_id: int) -> QuerySet[EarlyWarning]:
    """Every warning of the household, handled or not: part of its file, for its readers."""
    found = scope(user, EarlyWarning.objects.all(), Permission.VIEW_HOUSEHOLDS, "region__code")
    return found.filter(household_id=household_id).order_by("-raised_on", "-pk")


def overdue(user: User, today: datetime.date) -> QuerySet[EarlyWarning]:
    return open_warnings(user).filter(due_on__lt=today)


def for_the_county(user: User, today: datetime.date) -> QuerySet[EarlyWarning]:
    """What climbs to the county: warnings its townships sent it, and every open one past its
    deadline (越期上移)."""
    return open_warnings(user).filter(
        Q(state=WarningState.WITH_COUNTY) | Q(state=WarningState.OPEN, due_on__lt=today)
    )


@dataclass(frozen=True)
class Figure:
    township: str
    township_name: str
    route: str
    route_label: str
    handled: int
    average_days: float | None  # from the day raised to the day closed


def figures(user: User) -> list[Figure]:
    """Warnings handled per township and route, and the average days from signal to help."""
    found = scope(user, EarlyWarning.objects.all(), Permission.VIEW_HOUSEHOLDS, "region__code")
    rows = (
        found.filter(state=WarningState.CLOSED)
        .values("region__parent_id", "region__parent__name", "route")
        .annotate(handled=Count("pk"), days=Avg(F("closed_on") - F("raised_on")))
        .order_by("region__parent_id", "route")
    )
    labels = dict(HandlingRoute.choices)
    return [
        Figure(
            row["region__parent_id"],
            row["region__parent__name"],
            row["route"],
            str(labels.get(row["route"], row["route"])),
            row["handled"],
            _days(row["days"]),
        )
        for row in rows
    ]


def _days(value: object) -> float | None:
    """The database's average of date differences: a duration, or a number of days."""
    if value is None:
        return None
    if isinstance(value, datetime.timedelta):
        return round(value.total_seconds() / 86400, 1)
    return round(float(value), 1)
