"""An administrator sets a day working or not (one transaction, one audit event)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction

from doudi.accounts.jurisdiction import require
from doudi.accounts.roles import Permission
from doudi.audit.actions import AuditAction
from doudi.audit.services import record
from doudi.text import required_reason
from doudi.workdays.models import CalendarDay

if TYPE_CHECKING:
    from doudi.accounts.models import User


@transaction.atomic
def set_day(
    actor: User, day: datetime.date, *, working: bool, name: str, reason: str
) -> CalendarDay:
    require(actor, Permission.EDIT_CALENDAR)
    reason = required_reason(reason)
    existing = CalendarDay.objects.filter(day=day).first()
    before = {"working": existing.working, "name": existing.name} if existing else None
    entry, _created = CalendarDay.objects.update_or_create(
        day=day, defaults={"working": working, "name": name.strip()[:60], "set_by": actor}
    )
    record(
        actor=actor,
        action=AuditAction.WORKDAYS_SET_DAY,
        object_type="calendar_day",
        object_id=day.isoformat(),
        region_code=actor.region_id,
        before=before,
        after={"working": working, "name": entry.name},
        reason=reason,
    )
    return entry
