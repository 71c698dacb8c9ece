"""What a user sees of the warnings: those of their jurisdiction, the most urgent first."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from doudi.accounts.jurisdiction import scope
from doudi.accounts.roles import Permission
from doudi.early_warning.models import EarlyWarning, WarningState

if TYPE_CHECKING:
    from doudi.accounts.models import User


def open_warnings(user: User, *, kind: str = "") -> QuerySet[EarlyWarning]:
    found = scope(user, EarlyWarning.objects.all(), Permission.VIEW_HOUSEHOLDS, "region__code")
    found = found.filter(state=WarningState.OPEN)
    if kind:
        found = found.filter(kind=kind)
    return found.select_related("household", "region__parent", "raised_by").order_by(
        "due_on", "-severity", "pk"
    )


def overdue(user: User, today: datetime.date) -> QuerySet[EarlyWarning]:
    return open_warnings(user).filter(due_on__lt=today)
