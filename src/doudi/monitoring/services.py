"""Keeping the monitored population current, and the entries staff report or remove by hand.

``refresh`` derives the 低保 and 特困 entries from the benefits in force and the 低保边缘 and
rigid-spending entries from the latest whole-place evaluation covering the place, in four set
statements (no row-by-row loop: a county holds hundreds of thousands of households). It closes
before it opens, each close dated and with its reason, and writes one audit event with the
counts, all in one transaction; run twice on a day it changes nothing the second time.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import NOT_FOUND, require
from doudi.accounts.roles import Permission
from doudi.audit.actions import AuditAction
from doudi.audit.services import record
from doudi.benefits.queries import in_force_sql
from doudi.dates import parse_month
from doudi.errors import DoudiError, OutsideJurisdiction
from doudi.monitoring.models import (
    FROM_BENEFITS,
    FROM_EVALUATION,
    EntrySource,
    ExitReason,
    MonitoredCategory,
    MonitoredEntry,
)
from doudi.policy.models import EvaluationRun
from doudi.regions.codes import ancestors, prefix_of
from doudi.registry.models import Household

if TYPE_CHECKING:
    from doudi.accounts.models import User

ENTRIES = MonitoredEntry._meta.db_table
MAX_REASON = 300


@dataclass
class Refreshed:
    entered: dict[str, int] = field(default_factory=dict)  # by category
    left: dict[str, int] = field(default_factory=dict)  # by exit reason
    run: EvaluationRun | None = None


def latest_run(place_code: str) -> EvaluationRun | None:
    """The last whole-place evaluation made that covered all of the place (one of a smaller
    place would close the entries of the rest)."""
    return (
        EvaluationRun.objects.filter(place_code__in=[place_code, *ancestors(place_code)])
        .order_by("-finished_at", "-pk")
        .first()
    )


def _case(column: str, mapping: dict[str, str]) -> str:
    whens = " ".join(f"WHEN '{key}' THEN '{value}'" for key, value in mapping.items())
    return f"CASE {column} {whens} END"


def _someone_left(household: str) -> str:
    """SQL: the household still has a member on ``%(day)s``."""
    return (
        f"EXISTS (SELECT 1 FROM registry_member m WHERE m.household_id = {household}"
        " AND (m.left_on IS NULL OR m.left_on > %(day)s))"
    )


def _close(where: str, reason: ExitReason, parameters: dict) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {ENTRIES} SET left_on = %(day)s, exit_reason = %(reason)s"
            f" WHERE left_on IS NULL AND region_id LIKE %(like)s AND {where}",
            {**parameters, "reason": reason.value},
        )
        return cursor.rowcount


def _open(select: str, parameters: dict) -> dict[str, int]:
    """Insert the entries ``select`` yields (household, place, category, source, run) that are
    not open already; their count by category."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ENTRIES} (household_id, region_id, category, source, run_id,"
            " entered_on, entry_reason, left_on, exit_reason, exit_note)"
            " SELECT c.household_id, c.region_id, c.category, c.source, c.run_id,"
            " %(day)s, '', NULL, '', '' FROM (" + select + ") c"
            f" WHERE NOT EXISTS (SELECT 1 FROM {ENTRIES} e WHERE e.household_id = c.household_id"
            " AND e.category = c.category AND e.left_on IS NULL)"
            " AND " + _someone_left("c.household_id") + " RETURNING category",
            parameters,
        )
        counts: dict[str, int] = {}
        for (category,) in cursor.fetchall():
            counts[category] = counts.get(category, 0) + 1
        return counts


def _benefit_rows() -> str:
    programmes = ", ".join(f"'{p}'" for p in FROM_BENEFITS)
    return (
        "SELECT DISTINCT b.household_id, h.region_id, "
        + _case("b.programme", FROM_BENEFITS)
        + f" AS category, '{EntrySource.BENEFIT}' AS source, NULL AS run_id"
        " FROM benefits_benefit b JOIN registry_household h ON h.id = b.household_id"
        f" WHERE b.programme IN ({programmes}) AND {in_force_sql('b', '%(month)s')}"
        " AND h.region_id LIKE %(like)s"
    )


def _evaluation_rows() -> str:
    programmes = ", ".join(f"'{p}'" for p in FROM_EVALUATION)
    return (
        "SELECT DISTINCT r.household_id, h.region_id, "
        + _case("r.programme", FROM_EVALUATION)
        + f" AS category, '{EntrySource.EVALUATION}' AS source, r.run_id"
        " FROM policy_evaluationresult r JOIN registry_household h ON h.id = r.household_id"
        f" WHERE r.run_id = %(run)s AND r.programme IN ({programmes})"
        " AND h.region_id LIKE %(like)s"
    )


@transaction.atomic
def refresh(actor: User | None, place_code: str, day: datetime.date | None = None) -> Refreshed:
    """Bring the place's monitored population up to ``day`` (today by default). ``actor`` None
    is the system itself (the demo load)."""
    if actor is not None:
        require(actor, Permission.RUN_EVALUATION, place_code)
    day = day or timezone.localdate()
    month = parse_month(day)
    run = latest_run(place_code)
    parameters = {"day": day, "month": month, "like": prefix_of(place_code) + "%", "run": None}
    done = Refreshed(run=run)
    left = {
        ExitReason.HOUSEHOLD_EMPTY: _close(
            "NOT " + _someone_left(f"{ENTRIES}.household_id"),
            ExitReason.HOUSEHOLD_EMPTY,
            parameters,
        ),
        ExitReason.BENEFIT_ENDED: _close(
            f"source = '{EntrySource.BENEFIT}' AND NOT EXISTS (SELECT 1 FROM benefits_benefit b"
            f" WHERE b.household_id = {ENTRIES}.household_id AND b.programme = {ENTRIES}.category"
            f" AND {in_force_sql('b', '%(month)s')})",
            ExitReason.BENEFIT_ENDED,
            parameters,
        ),
    }
    done.entered = _open(_benefit_rows(), parameters)
    if run is not None:
        parameters["run"] = run.pk
        found = {value: key for key, value in FROM_EVALUATION.items()}
        left[ExitReason.NO_LONGER_FOUND] = _close(
            f"source = '{EntrySource.EVALUATION}' AND NOT EXISTS (SELECT 1 FROM"
            f" policy_evaluationresult r WHERE r.run_id = %(run)s AND r.household_id ="
            f" {ENTRIES}.household_id AND r.programme = {_case(f'{ENTRIES}.category', found)})",
            ExitReason.NO_LONGER_FOUND,
            parameters,
        )
        for category, count in _open(_evaluation_rows(), parameters).items():
            done.entered[category] = done.entered.get(category, 0) + count
    done.left = {str(reason): count for reason, count in left.items() if count}
    record(
        actor=actor,
        action=AuditAction.MONITORING_REFRESHED,
        object_type="monitoring.population",
        object_id=place_code,
        region_code=place_code,
        after={
            "day": day.isoformat(),
            "entered": done.entered,
            "left": done.left,
            "evaluation": run.pk if run else None,
        },
    )
    return done


def _reason(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DoudiError(_("Say why."), field="reason")
    if len(text) > MAX_REASON:
        raise DoudiError(
            _("The reason is longer than %(max)d characters."), field="reason", max=MAX_REASON
        )
    return text


@transaction.atomic
def report_risk(
    actor: User, household_id: int, reason: str, day: datetime.date | None = None
) -> MonitoredEntry:
    """Staff put a household under watch as at risk of returning to poverty (防止返贫)."""
    require(actor, Permission.MANAGE_MONITORING)
    reason = _reason(reason)
    household = Household.objects.filter(pk=household_id).first()
    if household is None:
        raise OutsideJurisdiction(NOT_FOUND)
    require(actor, Permission.MANAGE_MONITORING, household.region_id)
    day = day or timezone.localdate()
    if not household.members.filter(left_on__isnull=True).exists():
        raise DoudiError(_("No member of this household is left."), field="household")
    open_entries = MonitoredEntry.objects.select_for_update().filter(
        household=household, category=MonitoredCategory.RETURN_RISK, left_on__isnull=True
    )
    if open_entries.exists():
        raise DoudiError(_("This household is already monitored as at risk."), field="household")
    entry = MonitoredEntry.objects.create(
        household=household,
        region_id=household.region_id,
        category=MonitoredCategory.RETURN_RISK,
        source=EntrySource.REPORTED,
        entered_on=day,
        entry_reason=reason,
        entered_by=actor,
    )
    record(
        actor=actor,
        action=AuditAction.MONITORING_REPORTED,
        object_type="monitoring.monitoredentry",
        object_id=str(entry.pk),
        region_code=household.region_id,
        after={"household": household.pk, "category": entry.category, "day": day.isoformat()},
        reason=reason,
    )
    return entry


@transaction.atomic
def remove(
    actor: User, entry_id: int, reason: str, day: datetime.date | None = None
) -> MonitoredEntry:
    """Staff end a reported entry. A derived one leaves with its benefit or evaluation."""
    require(actor, Permission.MANAGE_MONITORING)
    reason = _reason(reason)
    entry = MonitoredEntry.objects.select_for_update().filter(pk=entry_id).first()
    if entry is None:
        raise OutsideJurisdiction(NOT_FOUND)
    require(actor, Permission.MANAGE_MONITORING, entry.region_id)
    if entry.left_on is not None:
        raise DoudiError(_("This entry has already ended."))
    if entry.source != EntrySource.REPORTED:
        raise DoudiError(
            _("This entry follows a benefit or an evaluation and ends with it."), field="entry"
        )
    day = day or timezone.localdate()
    if day < entry.entered_on:
        raise DoudiError(_("The day is before the entry began."), field="day")
    entry.left_on, entry.exit_reason, entry.exit_note = day, ExitReason.REMOVED, reason
    entry.save(update_fields=["left_on", "exit_reason", "exit_note"])
    record(
        actor=actor,
        action=AuditAction.MONITORING_REMOVED,
        object_type="monitoring.monitoredentry",
        object_id=str(entry.pk),
        region_code=entry.region_id,
        before={"left_on": None},
        after={"left_on": day.isoformat(), "exit_reason": entry.exit_reason},
        reason=reason,
    )
    return entry
