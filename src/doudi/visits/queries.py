"""Visits a user sees: those of their places; the follow-ups due for a worker."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import OuterRef, QuerySet, Subquery

from doudi.accounts.jurisdiction import scope
from doudi.accounts.roles import Permission
from doudi.visits.models import HomeVisit

if TYPE_CHECKING:
    from doudi.accounts.models import User

DUE_WITHIN_DAYS = 7


def visits(user: User) -> QuerySet[HomeVisit]:
    found = scope(user, HomeVisit.objects.all(), Permission.VIEW_HOUSEHOLDS, "region__code")
    return found.select_related("household", "region", "visited_by", "warning")


def follow_ups_due(user: User, today: datetime.date) -> QuerySet[HomeVisit]:
    """Each household's latest visit whose follow-up falls within a week (or is past): the
    visits due, in the user's places, the most overdue first."""
    latest = HomeVisit.objects.filter(household_id=OuterRef("household_id")).order_by(
        "-visited_on", "-pk"
    )
    return (
        visits(user)
        .filter(pk=Subquery(latest.values("pk")[:1]))
        .filter(follow_up_on__lte=today + datetime.timedelta(days=DUE_WITHIN_DAYS))
        .order_by("follow_up_on", "pk")
    )
