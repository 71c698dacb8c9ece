"""How long a township has to rectify a supervision finding: dated parameters, in working days.

No national rule fixes the number. The bureaus' inspection notices give the townships about a
month for an ordinary finding and two weeks for a serious one (money paid wrongly, a favour to
a relative); 20 and 10 working days are this local example. A bureau changes them by adding a
dated entry; the latest entry not after the day the task is set applies.
"""

from __future__ import annotations

import datetime

from doudi.supervision.models import Severity
from doudi.workdays.calendar import WorkingCalendar

# severity → ((in force from, working days), …), oldest first.
RECTIFICATION_LIMITS: dict[str, tuple[tuple[datetime.date, int], ...]] = {
    Severity.GENERAL: ((datetime.date(2024, 1, 1), 20),),
    Severity.SERIOUS: ((datetime.date(2024, 1, 1), 10),),
}


def rectification_limit(severity: str, day: datetime.date) -> int:
    """The working days in force on ``day`` (the earliest entry before any is in force)."""
    entries = RECTIFICATION_LIMITS[severity]
    in_force = [days for since, days in entries if since <= day]
    return in_force[-1] if in_force else entries[0][1]


def rectification_due(severity: str, day: datetime.date) -> tuple[int, datetime.date]:
    days = rectification_limit(severity, day)
    return days, WorkingCalendar.current().add_working_days(day, days)
