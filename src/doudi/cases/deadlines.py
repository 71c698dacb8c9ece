"""The time limits of a case's steps, counted in working days on the working calendar."""

from __future__ import annotations

import datetime

from doudi.cases.models import Case
from doudi.cases.procedures import PROCEDURES, CaseProgramme, Procedure
from doudi.workdays.calendar import WorkingCalendar

DUE_SOON_WORKING_DAYS = 3


def procedure_of(case: Case) -> Procedure:
    return PROCEDURES[CaseProgramme(case.programme)]


def after(start: datetime.date, working_days: int | None) -> datetime.date | None:
    if working_days is None:
        return None
    return WorkingCalendar.current().add_working_days(start, working_days)


def whole_procedure_due(case: Case) -> datetime.date | None:
    """30 working days from acceptance; 20 where the township confirms; 45 once extended."""
    procedure = procedure_of(case)
    if case.extension_reason:
        limit = procedure.extended_total_limit
    elif case.delegated:
        limit = procedure.delegated_total_limit
    else:
        limit = procedure.total_limit
    return after(case.accepted_on, limit) if case.accepted_on else None


def earliest(*days: datetime.date | None) -> datetime.date | None:
    known = [day for day in days if day is not None]
    return min(known) if known else None


def due_soon_until(today: datetime.date) -> datetime.date:
    return WorkingCalendar.current().add_working_days(today, DUE_SOON_WORKING_DAYS)
