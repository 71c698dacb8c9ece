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

from doudi.accounts.jurisdiction import get_in_scope, require
from doudi.accounts.roles import Permission
from doudi.audit.actions import AuditAction
from doudi.audit.services import record
from doudi.cases.procedures import Channel
from doudi.early_warning import signals
from doudi.early_warning.models import (
    OPEN_STATES,
    EarlyWarning,
    HandlingRoute,
    Severity,
    SignalKind,
    WarningState,
)
from doudi.errors import DoudiError
from doudi.policy.standards import values_in_force
from doudi.registry.models import Household
from doudi.window.services import record_intake
from doudi.workdays.calendar import WorkingCalendar

if TYPE_CHECKING:
    from doudi.accounts.models import User

PREFIX = "warning."
MAX_NOTE = 500
BATCH = 10_000  # households named in one statement


@dataclass
class Ran:
    raised: dict[str, int] = field(default_factory=dict)  # new warnings by kind
    merged: int = 0  # signals that found their warning open


def warning_values(place_code: str, day: datetime.date) -> dict[str, int]:
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
    windows = {
        kind: values[f"{kind}.window"]
        for kind in signals.PERSON_SIGNALS
        if _kind_values(values, kind, "window", "severity", "deadline") is not None
    }
    medical = _kind_values(
        values, SignalKind.MEDICAL_COSTS, "share_percent", "severity", "deadline"
    )
    disaster = _kind_values(values, SignalKind.DISASTER, "window", "severity", "deadline")
    # The disaster signal reads the system's own reports, no department's delivery.
    found = signals.disaster_signals(place_code, day, disaster[0]) if disaster else []
    fall = _kind_values(values, SignalKind.INCOME_FALL, "share_percent", "severity", "deadline")
    seen = signals.watched(place_code, day) if windows or medical or fall else None
    if seen is None:
        return found
    found += signals.person_signals(place_code, day, windows, seen)
    if medical is not None:
        found += signals.medical_signals(place_code, day, medical[0], seen)
    if fall is not None:
        found += signals.income_fall_signals(place_code, day, fall[0], seen)
    return found


def _severity(values: dict[str, int], signal: signals.Signal) -> int:
    """The kind's severity; a main earner's death takes its own where the place has one."""
    if signal.facts.get("main_earner"):
        return values.get(f"{signal.kind}.main_earner_severity", values[f"{signal.kind}.severity"])
    return values[f"{signal.kind}.severity"]


def _open_warnings(keys: Iterable[tuple[int, str]]) -> dict[tuple[int, str], int]:
    households = sorted({household for household, _kind in keys})
    open_now = EarlyWarning.objects.filter(state__in=OPEN_STATES, household_id__in=households)
    return {(w.household_id, w.kind): w.pk for w in open_now.only("pk", "household_id", "kind")}


def _regions(households: set[int]) -> dict[int, str]:
    """Each household's place (the warning's owner), in batches SQLite's statements can hold."""
    ids, regions = sorted(households), {}
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        regions.update(Household.objects.filter(pk__in=chunk).values_list("pk", "region_id"))
    return regions


@transaction.atomic
def run_daily(actor: User | None, place_code: str, day: datetime.date | None = None) -> Ran:
    """Today's signals over the place's monitored households; ``actor`` None is the system's
    own daily run."""
    if actor is not None:
        require(actor, Permission.RUN_EVALUATION, place_code)
    day = day or timezone.localdate()
    values = warning_values(place_code, day)
    found = _signals(place_code, day, values)
    open_now = _open_warnings([(s.household_id, s.kind) for s in found])
    calendar = WorkingCalendar.current()
    due_on = {  # one deadline per kind: each counted once, not once per warning
        kind: calendar.add_working_days(day, values[f"{kind}.deadline"])
        for kind in {s.kind for s in found}
    }
    regions = _regions({s.household_id for s in found})
    new, repeated, ran = [], [], Ran()
    for signal in found:
        if (signal.household_id, signal.kind) in open_now:
            repeated.append(open_now[(signal.household_id, signal.kind)])
            continue
        new.append(
            EarlyWarning(
                household_id=signal.household_id,
                region_id=regions[signal.household_id],
                kind=signal.kind,
                severity=_severity(values, signal),
                facts=signal.facts,
                delivery=signal.delivery,
                raised_on=day,
                due_on=due_on[signal.kind],
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
        object_type="warning_run",
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
    household = get_in_scope(
        actor, Household.objects.all(), Permission.EDIT_HOUSEHOLDS, "region__code", pk=household_id
    )
    day = day or timezone.localdate()
    warning = (
        EarlyWarning.objects.select_for_update()
        .filter(household=household, kind=SignalKind.VISIT, state__in=OPEN_STATES)
        .first()
    )
    if warning is None:
        deadline = warning_values(household.region_id, day).get(f"{SignalKind.VISIT}.deadline")
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
        object_type="warning",
        object_id=str(warning.pk),
        region_code=household.region_id,
        after={"household": household.pk, "severity": warning.severity, "day": day.isoformat()},
        reason=note,
    )
    return warning


# ------------------------------------------------------------------ handling (四种处置方式)


def _warning_for(actor: User, warning_id: int, permission: Permission) -> EarlyWarning:
    return get_in_scope(
        actor, EarlyWarning.objects.select_for_update(), permission, "region__code", pk=warning_id
    )


def _handled_note(note: str) -> str:
    note = (note or "").strip()
    if not note:
        raise DoudiError(_("Say what was done."), field="note")
    return note[:MAX_NOTE]


def _close(actor: User, warning: EarlyWarning, route: HandlingRoute, note: str, **after) -> None:
    before = {"state": warning.state}
    warning.state, warning.route, warning.note = WarningState.CLOSED, route, note
    warning.handled_by, warning.closed_on = actor, timezone.localdate()
    warning.save()
    record(
        actor=actor,
        action=AuditAction.WARNING_HANDLED,
        object_type="warning",
        object_id=str(warning.pk),
        region_code=warning.region_id,
        before=before,
        after={"route": route, "closed_on": warning.closed_on.isoformat(), **after},
        reason=note,
    )


def _intake(actor: User, warning: EarlyWarning, need: dict, note: str):
    """The case or referral through the window, so it is tracked as every other need is."""
    return record_intake(
        actor,
        warning.household_id,
        channel=Channel.DISCOVERY,
        needs=[{"description": note, **need}],
        note=_("Early warning %(number)d") % {"number": warning.pk},
    )


@transaction.atomic
def apply_policy(
    actor: User,
    warning_id: int,
    *,
    programme: str,
    note: str,
    requested_amount_fen: int | None = None,
) -> EarlyWarning:
    """Route 1: the township opens the programme's case for the household (主动发现)."""
    warning = _warning_for(actor, warning_id, Permission.HANDLE_CASES)
    _refuse_closed(warning, WarningState.OPEN)
    note = _handled_note(note)
    need = {
        "route": "application",
        "programme": programme,
        "requested_amount_fen": requested_amount_fen,
    }
    warning.intake = _intake(actor, warning, need, note)
    case = warning.intake.needs.get().case
    _close(actor, warning, HandlingRoute.APPLY_POLICY, note, case=case.pk)
    return warning


@transaction.atomic
def refer(
    actor: User, warning_id: int, *, department: str, note: str, department_name: str = ""
) -> EarlyWarning:
    """Route 2: referred to the department, with the window's due date for its answer."""
    warning = _warning_for(actor, warning_id, Permission.HANDLE_CASES)
    _refuse_closed(warning, WarningState.OPEN)
    note = _handled_note(note)
    need = {"route": "referral", "department": department, "department_name": department_name}
    warning.intake = _intake(actor, warning, need, note)
    _close(actor, warning, HandlingRoute.REFER, note, intake=warning.intake.pk)
    return warning


@transaction.atomic
def send_to_county(actor: User, warning_id: int, *, note: str) -> EarlyWarning:
    """Route 3, first half: the township asks the county to decide case by case (一事一议)."""
    warning = _warning_for(actor, warning_id, Permission.HANDLE_CASES)
    _refuse_closed(warning, WarningState.OPEN)
    warning.note = _handled_note(note)
    warning.state, warning.sent_to_county_on = WarningState.WITH_COUNTY, timezone.localdate()
    warning.save(update_fields=["note", "state", "sent_to_county_on"])
    record(
        actor=actor,
        action=AuditAction.WARNING_SENT_TO_COUNTY,
        object_type="warning",
        object_id=str(warning.pk),
        region_code=warning.region_id,
        before={"state": WarningState.OPEN},
        after={"state": warning.state},
        reason=warning.note,
    )
    return warning


@transaction.atomic
def decide_by_county(actor: User, warning_id: int, *, note: str) -> EarlyWarning:
    """Route 3, second half: the county's case-by-case decision closes the warning."""
    warning = _warning_for(actor, warning_id, Permission.COORDINATE_WARNINGS)
    _refuse_closed(warning, WarningState.WITH_COUNTY)
    _close(actor, warning, HandlingRoute.COUNTY, _handled_note(note))
    return warning


@transaction.atomic
def verify(actor: User, warning_id: int, *, note: str) -> EarlyWarning:
    """Route 4: verified on the spot — no help needed, or no longer eligible (then the
    household's termination goes through its own case)."""
    warning = _warning_for(actor, warning_id, Permission.HANDLE_CASES)
    _refuse_closed(warning, WarningState.OPEN)
    _close(actor, warning, HandlingRoute.VERIFY, _handled_note(note))
    return warning


def _refuse_closed(warning: EarlyWarning, expected: WarningState) -> None:
    if warning.state != expected:
        raise DoudiError(
            _("This warning is %(state)s: it cannot be handled that way now."),
            state=warning.get_state_display(),
        )
