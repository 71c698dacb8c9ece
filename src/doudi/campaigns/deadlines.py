"""How long a township has to close a finding: a dated parameter, in working days.

No national rule fixes the number; 10 working days is a local example, as the procedure limits
of policy/engine/regional are (the campaign plans of the bureaus give the townships one to two
weeks to verify each finding on the spot). A bureau changes it by adding a dated entry.
"""

from __future__ import annotations

import datetime

from doudi.workdays.calendar import WorkingCalendar

# (in force from, working days): the latest entry not after the run's day applies.
FINDING_LIMITS: tuple[tuple[datetime.date, int], ...] = ((datetime.date(2024, 1, 1), 10),)


def finding_limit(day: datetime.date) -> int:
    """The working days in force on ``day`` (the earliest entry before any is in force)."""
    in_force = [days for since, days in FINDING_LIMITS if since <= day]
    return in_force[-1] if in_force else FINDING_LIMITS[0][1]


def finding_due(run_on: datetime.date) -> datetime.date:
    return WorkingCalendar.current().add_working_days(run_on, finding_limit(run_on))
