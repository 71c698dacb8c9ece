"""The time limits of a case's steps, counted in working days on the working calendar.

The numbers are dated parameters (``procedure.*`` in policy/engine/regional, changeable by a
bureau for its place like the amounts): a case keeps the limits in force on the day it was
accepted, so a limit changed from a date applies to cases accepted from that date, not before.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.cases.models import Case
from doudi.cases.procedures import (
    LIMIT_NAMES,
    PROCEDURES,
    REVIEWS,
    SHARED_LIMITS,
    CaseKind,
    CaseProgramme,
    Procedure,
)
from doudi.errors import DoudiError
from doudi.policy.standards import first_in_force, regional_parameters, values_in_force
from doudi.workdays.calendar import WorkingCalendar

DUE_SOON_WORKING_DAYS = 3
PREFIX = "procedure."


def procedure_of(case: Case) -> Procedure:
    """The case's procedure with the time limits in force for its place on its acceptance day
    (today for a case not yet accepted); a re-check has a procedure of its own."""
    procedures = REVIEWS if case.kind == CaseKind.REVIEW else PROCEDURES
    procedure = procedures[CaseProgramme(case.programme)]
    return limits_in_force(procedure, case.region_id, case.accepted_on or timezone.localdate())


def limits_in_force(procedure: Procedure, place_code: str, day: datetime.date) -> Procedure:
    in_force = values_in_force(PREFIX, place_code, day)
    limits: dict[str, int | None] = {}
    for name in LIMIT_NAMES:
        parameter = _parameter(procedure, name)
        if parameter not in in_force:
            limits[name] = None  # the procedure has no such time limit
            continue
        value = in_force[parameter]
        if value is None:
            raise _not_in_force(parameter, place_code, day)
        limits[name] = int(value.value)
    return dataclasses.replace(procedure, **limits)


def _parameter(procedure: Procedure, name: str) -> str:
    return f"{PREFIX}{name}" if name in SHARED_LIMITS else f"{PREFIX}{procedure.limits}.{name}"


def _not_in_force(parameter: str, place_code: str, day: datetime.date) -> DoudiError:
    description = regional_parameters()[parameter].get("description", parameter)
    since = first_in_force(parameter, place_code, day)
    if since:
        return DoudiError(
            _("No time limit is in force on %(day)s: “%(limit)s” applies only from %(since)s."),
            field="accepted_on",
            day=day.isoformat(),
            limit=description,
            since=since,
        )
    return DoudiError(
        _("No time limit is in force on %(day)s: “%(limit)s” has no value for this place."),
        field="accepted_on",
        day=day.isoformat(),
        limit=description,
    )


def after(start: datetime.date, working_days: int | None) -> datetime.date | None:
    if working_days is None:
        return None
    return WorkingCalendar.current().add_working_days(start, working_days)


def whole_procedure_due(case: Case) -> datetime.date | None:
    """From acceptance: the total limit; the delegated one where the township confirms; the
    extended one once extended (低保: 30, 20 and 45 working days)."""
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
