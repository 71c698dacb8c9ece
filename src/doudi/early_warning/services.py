"""Raising warnings: the daily run over the monitored population, and a worker's visit.

``run_daily`` reads the ``warning.*`` parameters in force for the place on the day (a kind whose
parameters have no value there raises nothing), computes the signals (``signals.py``), opens a
warning for each household and kind without an open one — severity and deadline in working days
from the parameters — and merges a repeat into the open warning: its last day seen and, once a
day, its count. One transaction, one audit event with the counts.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import NOT_FOUND, require
from doudi.accounts.roles import Permission
from doudi.audit.actions import AuditAction
from doudi.audit.services import record
from doudi.early_warning import signals
from doudi.early_warning.models import EarlyWarning, Severity, SignalKind, WarningState
from doudi.errors import DoudiError, OutsideJurisdiction
from doudi.policy.standards import values_in_force
from doudi.registry.models import Household
from doudi.workdays.calendar import WorkingCalendar

if TYPE_CHECKING:
    from doudi.accounts.models import User

PREFIX = "warning."
MAX_NOTE = 500


@dataclass
class Ran:
    raised: dict[str, int] = field(default_factory=dict)  # new warnings by kind
    merged: int = 0  # signals that found their warning open


def _parameters(place_code: str, day: datetime.date) -> dict[str, int]:
    """The ``warning.*`` values in force, without the prefix; a kind left without is off."""
    return {
        name.removeprefix(PREFIX): int(value.value)
        for name, value in values_in_force(PREFIX, place_code, day).items()
        if value is not None and value.value is not None
    }


def _kind_values(values: dict[str, int], kind: SignalKind, *names: str) -> list[int] | None:
    found = [values.get(f"{kind}.{name}") for name in names]
    return None if None in found else [int(v) for v in found]  # type: ignore[arg-type]


def _signals(place_code: str, day: datetime.date, values: dict[str, int]) -> list:
    windows = {}
    for kind in signals.PERSON_SIGNALS:
        if _kind_values(values, kind, "window", "severity", "deadline") is not None:
            windows[kind] = values[f"{kind}.window"]
    found = signals.person_signals(place_code, day, windows)
    medical = _kind_values(
        values, SignalKind.MEDICAL_COSTS, "share_percent", "severity", "deadline"
    )
    if medical is not None:
        found += signals.medical_signals(place_code, day, medical[0])
    return found


def _open_warnings(place_code: str, keys: Iterable[tuple[int, str]]) -> dict[tuple[int, str], int]:
    households = sorted({household for household, _kind in keys})
    open_now = EarlyWarning.objects.filter(state=WarningState.OPEN, household_id__in=households)
    return {(w.household_id, w.kind): w.pk for w in open_now.only("pk", "household_id", "kind")}


@transaction.atomic
def run_daily(actor: User | None, place_code: str, day: datetime.date | None = None) -> Ran:
    """Today's signals over the place's monitored households; ``actor`` None is the system's
    own daily run."""
    if actor is not None:
        require(actor, Permission.RUN_EVALUATION, place_code)
    day = day or timezone.localdate()
    values = _parameters(place_code, day)
    found = _signals(place_code, day, values)
    open_now = _open_warnings(place_code, [(s.household_id, s.kind) for s in found])
    calendar = WorkingCalendar.current()
    households = Household.objects.in_bulk({s.household_id for s in found})
    new, repeated, ran = [], [], Ran()
    for signal in found:
        if (signal.household_id, signal.kind) in open_now:
            repeated.append(open_now[(signal.household_id, signal.kind)])
            continue
        new.append(
            EarlyWarning(
                household_id=signal.household_id,
                region_id=households[signal.household_id].region_id,
                kind=signal.kind,
                severity=values[f"{signal.kind}.severity"],
                facts=signal.facts,
                delivery=signal.delivery,
                raised_on=day,
                due_on=calendar.add_working_days(day, values[f"{signal.kind}.deadline"]),
                last_seen_on=day,
            )
        )
        ran.raised[signal.kind] = ran.raised.get(signal.kind, 0) + 1
    EarlyWarning.objects.bulk_create(new)
    EarlyWarning.objects.filter(pk__in=repeated).exclude(last_seen_on__gte=day).update(
        last_seen_on=day, times_seen=F("times_seen") + 1
    )
    ran.merged = len(repeated)
    record(
        actor=actor,
        action=AuditAction.WARNINGS_RUN,
        object_type="early_warning.run",
        object_id=place_code,
        region_code=place_code,
        after={"day": day.isoformat(), "raised": ran.raised, "merged": ran.merged},
    )
    return ran


@transaction.atomic
def raise_from_visit(
    actor: User, household_id: int, severity: int, note: str, day: datetime.date | None = None
) -> EarlyWarning:
    """A village or grid worker raises a warning from a visit (走访发现); a second one while it
    is open is merged into it, the note added."""
    require(actor, Permission.EDIT_HOUSEHOLDS)
    note = (note or "").strip()
    if not note:
        raise DoudiError(_("Say what the visit found."), field="note")
    if len(note) > MAX_NOTE:
        raise DoudiError(
            _("The note is longer than %(max)d characters."), field="note", max=MAX_NOTE
        )
    if severity not in Severity.values:
        raise DoudiError(_("Choose a severity."), field="severity")
    household = Household.objects.filter(pk=household_id).first()
    if household is None:
        raise OutsideJurisdiction(NOT_FOUND)
    require(actor, Permission.EDIT_HOUSEHOLDS, household.region_id)
    day = day or timezone.localdate()
    warning = (
        EarlyWarning.objects.select_for_update()
        .filter(household=household, kind=SignalKind.VISIT, state=WarningState.OPEN)
        .first()
    )
    if warning is None:
        deadline = _parameters(household.region_id, day).get(f"{SignalKind.VISIT}.deadline")
        if deadline is None:
            raise DoudiError(_("No deadline for a visit's warning is in force here."))
        warning = EarlyWarning.objects.create(
            household=household,
            region_id=household.region_id,
            kind=SignalKind.VISIT,
            severity=severity,
            facts={"notes": [note]},
            raised_by=actor,
            raised_on=day,
            due_on=WorkingCalendar.current().add_working_days(day, deadline),
            last_seen_on=day,
        )
    else:
        warning.facts = {"notes": [*warning.facts.get("notes", []), note]}
        warning.severity = max(warning.severity, severity)
        warning.times_seen += 1 if warning.last_seen_on < day else 0
        warning.last_seen_on = day
        warning.save(update_fields=["facts", "severity", "times_seen", "last_seen_on"])
    record(
        actor=actor,
        action=AuditAction.WARNING_RAISED_FROM_VISIT,
        object_type="early_warning.earlywarning",
        object_id=str(warning.pk),
        region_code=household.region_id,
        after={"household": household.pk, "severity": warning.severity, "day": day.isoformat()},
        reason=note,
    )
    return warning
