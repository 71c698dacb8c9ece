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

import duckdb
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import get_in_scope, require
from doudi.accounts.roles import Permission
from doudi.audit.actions import AuditAction
from doudi.audit.services import record
from doudi.benefits.queries import in_force_sql
from doudi.checks.people import registry_people
from doudi.dates import parse_month
from doudi.errors import DoudiError
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
from doudi.sources.contracts import POVERTY_MONITORING
from doudi.sources.models import Delivery
from doudi.sources.storage import latest_delivery, read_snapshot

if TYPE_CHECKING:
    from doudi.accounts.models import User

ENTRIES = MonitoredEntry._meta.db_table
LISTED = "monitoring_listed_households"  # a temporary table, for one refresh
MAX_REASON = 300


@dataclass
class Refreshed:
    entered: dict[str, int] = field(default_factory=dict)  # by category
    left: dict[str, int] = field(default_factory=dict)  # by exit reason
    run: EvaluationRun | None = None
    delivery: Delivery | None = None

    def add(self, entered: dict[str, int], reason: ExitReason, left: int) -> None:
        for category, count in entered.items():
            self.entered[category] = self.entered.get(category, 0) + count
        if left:
            self.left[str(reason)] = left


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
    """Insert the entries ``select`` yields (household, place, category, source, run,
    delivery) that are not open already; their count by category."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ENTRIES} (household_id, region_id, category, source, run_id,"
            " delivery_id, entered_on, entry_reason, left_on, exit_reason, exit_note)"
            " SELECT c.household_id, c.region_id, c.category, c.source, c.run_id,"
            " c.delivery_id, %(day)s, '', NULL, '', '' FROM (" + select + ") c"
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
        + f" AS category, '{EntrySource.BENEFIT}' AS source, CAST(NULL AS BIGINT) AS run_id,"
        " CAST(NULL AS BIGINT) AS delivery_id"
        " FROM benefits_benefit b JOIN registry_household h ON h.id = b.household_id"
        f" WHERE b.programme IN ({programmes}) AND {in_force_sql('b', '%(month)s')}"
        " AND h.region_id LIKE %(like)s"
    )


def _evaluation_rows() -> str:
    programmes = ", ".join(f"'{p}'" for p in FROM_EVALUATION)
    return (
        "SELECT DISTINCT r.household_id, h.region_id, "
        + _case("r.programme", FROM_EVALUATION)
        + f" AS category, '{EntrySource.EVALUATION}' AS source, r.run_id,"
        " CAST(NULL AS BIGINT) AS delivery_id"
        " FROM policy_evaluationresult r JOIN registry_household h ON h.id = r.household_id"
        f" WHERE r.run_id = %(run)s AND r.programme IN ({programmes})"
        " AND h.region_id LIKE %(like)s"
    )


def listed_at_risk(place_code: str, day: datetime.date) -> tuple[Delivery | None, list[int]]:
    """The latest monitoring list of the rural revitalisation bureau (乡村振兴局) received for
    the place, and the place's households with a member on it whose risk is not removed."""
    delivery = latest_delivery(POVERTY_MONITORING.key, place_code)
    if delivery is None:
        return None, []
    with duckdb.connect() as con:
        con.register("listed", read_snapshot(delivery).select(["person_hash", "risk_removed"]))
        con.register("people", registry_people(place_code, day))
        found = con.execute(
            "SELECT DISTINCT p.household_id FROM people p JOIN listed l USING (person_hash)"
            " WHERE NOT coalesce(l.risk_removed, FALSE) ORDER BY 1"
        ).fetchall()
    return delivery, [household for (household,) in found]


def _listed_rows(households: list[int]) -> str:
    """The listed households as rows to open, through a temporary table the statements join."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {LISTED} (household_id BIGINT PRIMARY KEY)")
        cursor.executemany(
            f"INSERT INTO {LISTED} (household_id) VALUES (%s)", [(h,) for h in households]
        )
    return (
        "SELECT l.household_id, h.region_id, "
        f"'{MonitoredCategory.RETURN_RISK}' AS category, '{EntrySource.DEPARTMENT}' AS source,"
        " CAST(NULL AS BIGINT) AS run_id, CAST(%(delivery)s AS BIGINT) AS delivery_id"
        f" FROM {LISTED} l"
        " JOIN registry_household h ON h.id = l.household_id WHERE h.region_id LIKE %(like)s"
    )


def _from_benefits(parameters: dict, done: Refreshed) -> None:
    left = _close(
        f"source = '{EntrySource.BENEFIT}' AND NOT EXISTS (SELECT 1 FROM benefits_benefit b"
        f" WHERE b.household_id = {ENTRIES}.household_id AND b.programme = {ENTRIES}.category"
        f" AND {in_force_sql('b', '%(month)s')})",
        ExitReason.BENEFIT_ENDED,
        parameters,
    )
    done.add(_open(_benefit_rows(), parameters), ExitReason.BENEFIT_ENDED, left)


def _from_evaluation(place_code: str, parameters: dict, done: Refreshed) -> None:
    done.run = latest_run(place_code)
    if done.run is None:
        return  # nothing to compare with: the evaluated categories stay as they are
    parameters["run"] = done.run.pk
    programme_of = {category: key for key, category in FROM_EVALUATION.items()}
    left = _close(
        f"source = '{EntrySource.EVALUATION}' AND NOT EXISTS (SELECT 1 FROM"
        f" policy_evaluationresult r WHERE r.run_id = %(run)s AND r.household_id ="
        f" {ENTRIES}.household_id AND r.programme = {_case(f'{ENTRIES}.category', programme_of)})",
        ExitReason.NO_LONGER_FOUND,
        parameters,
    )
    done.add(_open(_evaluation_rows(), parameters), ExitReason.NO_LONGER_FOUND, left)


def _from_department(place_code: str, parameters: dict, done: Refreshed) -> None:
    done.delivery, households = listed_at_risk(place_code, parameters["day"])
    if done.delivery is None:
        return
    parameters["delivery"] = done.delivery.pk
    select = _listed_rows(households)
    left = _close(
        f"source = '{EntrySource.DEPARTMENT}'"
        f" AND household_id NOT IN (SELECT household_id FROM {LISTED})",
        ExitReason.RISK_REMOVED,
        parameters,
    )
    done.add(_open(select, parameters), ExitReason.RISK_REMOVED, left)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {LISTED}")


@transaction.atomic
def refresh(actor: User | None, place_code: str, day: datetime.date | None = None) -> Refreshed:
    """Bring the place's monitored population up to ``day`` (today by default). ``actor`` None
    is the system itself (the demo load)."""
    if actor is not None:
        require(actor, Permission.RUN_EVALUATION, place_code)
    day = day or timezone.localdate()
    parameters = {"day": day, "month": parse_month(day), "like": prefix_of(place_code) + "%"}
    done = Refreshed()
    empty = _close(
        "NOT " + _someone_left(f"{ENTRIES}.household_id"), ExitReason.HOUSEHOLD_EMPTY, parameters
    )
    done.add({}, ExitReason.HOUSEHOLD_EMPTY, empty)
    _from_benefits(parameters, done)
    _from_evaluation(place_code, parameters, done)
    _from_department(place_code, parameters, done)
    record(
        actor=actor,
        action=AuditAction.MONITORING_REFRESHED,
        object_type="monitored_population",
        object_id=place_code,
        region_code=place_code,
        after={
            "day": day.isoformat(),
            "entered": done.entered,
            "left": done.left,
            "evaluation": done.run.pk if done.run else None,
            "delivery": done.delivery.pk if done.delivery else None,
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
    household = get_in_scope(
        actor,
        Household.objects.all(),
        Permission.MANAGE_MONITORING,
        "region__code",
        pk=household_id,
    )
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
        object_type="monitored_entry",
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
    entry = get_in_scope(
        actor,
        MonitoredEntry.objects.select_for_update(),
        Permission.MANAGE_MONITORING,
        "region__code",
        pk=entry_id,
    )
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
        object_type="monitored_entry",
        object_id=str(entry.pk),
        region_code=entry.region_id,
        before={"left_on": None},
        after={"left_on": day.isoformat(), "exit_reason": entry.exit_reason},
        reason=reason,
    )
    return entry
