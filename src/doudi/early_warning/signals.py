"""Today's signals over the monitored population, from departments' latest deliveries.

Each signal is one DuckDB statement over the delivery's snapshot and the place's members (by
their ID numbers' keyed hashes): a person of a monitored household who died, registered as
unemployed or was certified grade 1–2 disabled within the parameter's window before the day, or
a monitored household whose members paid out of pocket for medical care in the last twelve
months at least the parameter's share of the household's income in those months, or a monitored
household with a verified disaster impact report (house collapsed or severely damaged, no source
of livelihood, a member injured or dead) verified within the window. A person on a
delivery who is in no monitored household raises nothing here (the check platform's campaign
looks for who is missing).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import duckdb
import pyarrow
from django.db import connection

from doudi.checks.people import registry_people
from doudi.disaster.models import SERIOUS, ImpactReport, ReportState
from doudi.early_warning.models import SignalKind
from doudi.monitoring.models import MonitoredEntry
from doudi.regions.codes import prefix_of
from doudi.sources.models import Delivery
from doudi.sources.storage import latest_delivery, read_snapshot

YEAR_DAYS = 365

# Per person-level signal: the source, and the condition on its snapshot ``s`` (``%(since)s``:
# the first day of the window) with the facts it keeps.
PERSON_SIGNALS = {
    SignalKind.DEATH: (
        "deaths",
        "s.cancellation = 'death' AND s.cancelled_on BETWEEN $since AND $day",
        "s.cancelled_on",
    ),
    SignalKind.UNEMPLOYMENT: (
        "employment",
        "s.registration = 'unemployed' AND s.registered_on BETWEEN $since AND $day",
        "s.registered_on",
    ),
    SignalKind.SEVERE_DISABILITY: (
        "disability",
        "s.state = 'valid' AND s.grade IN ('1', '2') AND s.issued_on BETWEEN $since AND $day",
        "s.issued_on",
    ),
}


@dataclass(frozen=True)
class Signal:
    kind: SignalKind
    household_id: int
    facts: dict
    delivery: Delivery | None  # None: raised from the system's own records (a disaster report)


def monitored_households(place_code: str) -> pyarrow.Table:
    ids = (
        MonitoredEntry.objects.filter(
            left_on__isnull=True, region__code__startswith=prefix_of(place_code)
        )
        .order_by()
        .values_list("household_id", flat=True)
        .distinct()
    )
    return pyarrow.table({"household_id": pyarrow.array(list(ids), pyarrow.int64())})


@dataclass(frozen=True)
class Watched:
    """The place's monitored households and everyone in the place's households on the day,
    read once for every signal."""

    monitored: pyarrow.Table  # household_id
    people: pyarrow.Table  # person_hash, household_id, member_id


def watched(place_code: str, day: datetime.date) -> Watched | None:
    monitored = monitored_households(place_code)
    if not monitored.num_rows:
        return None
    people = registry_people(place_code, day).select(["person_hash", "household_id", "member_id"])
    return Watched(monitored, people)


def person_signals(
    place_code: str, day: datetime.date, windows: dict[SignalKind, int], seen: Watched
) -> list[Signal]:
    """The person-level signals whose window (days) is in force, one per household and kind:
    the member and date that raised it (the latest, if several)."""
    found = []
    with duckdb.connect() as con:
        con.register("monitored", seen.monitored)
        con.register("people", seen.people)
        for kind, window in windows.items():
            source, condition, on = PERSON_SIGNALS[kind]
            delivery = latest_delivery(source, place_code)
            if delivery is None:
                continue
            con.register("s", read_snapshot(delivery))
            rows = con.execute(
                f"SELECT p.household_id, arg_max(p.member_id, {on}), max({on})"
                " FROM s JOIN people p USING (person_hash)"
                " JOIN monitored m ON m.household_id = p.household_id"
                f" WHERE {condition} GROUP BY p.household_id ORDER BY p.household_id",
                {"since": day - datetime.timedelta(days=window), "day": day},
            ).fetchall()
            con.unregister("s")
            found += [
                Signal(kind, household, {"member": member, "on": on_day.isoformat()}, delivery)
                for household, member, on_day in rows
            ]
    return found


def medical_signals(
    place_code: str, day: datetime.date, share_percent: int, seen: Watched
) -> list[Signal]:
    """Monitored households whose out-of-pocket medical costs settled in the twelve months up
    to the day reach ``share_percent`` of the household's recorded income in those months."""
    delivery = latest_delivery("medical", place_code)
    if delivery is None:
        return []
    since = day - datetime.timedelta(days=YEAR_DAYS)
    with duckdb.connect() as con:
        con.register("monitored", seen.monitored)
        con.register("people", seen.people)
        con.register("s", read_snapshot(delivery))
        con.register("incomes", _incomes(since.replace(day=1), day))
        rows = con.execute(
            "WITH paid AS (SELECT p.household_id, sum(s.out_of_pocket_fen) AS paid"
            " FROM s JOIN (SELECT DISTINCT person_hash, household_id FROM people) p"
            " USING (person_hash) JOIN monitored m ON m.household_id = p.household_id"
            " WHERE s.settled_on BETWEEN $since AND $day GROUP BY p.household_id)"
            " SELECT paid.household_id, paid.paid, coalesce(i.income, 0) FROM paid"
            " LEFT JOIN incomes i ON i.household_id = paid.household_id"
            " WHERE paid.paid > 0 AND paid.paid * 100 >= $share * coalesce(i.income, 0)"
            " ORDER BY 1",
            {"since": since, "day": day, "share": share_percent},
        ).fetchall()
    return [
        Signal(
            SignalKind.MEDICAL_COSTS,
            household,
            {"paid_fen": int(paid), "income_fen": int(income), "share_percent": share_percent},
            delivery,
        )
        for household, paid, income in rows
    ]


def _incomes(first_month: datetime.date, day: datetime.date) -> pyarrow.Table:
    """Each monitored household's recorded income in the months from ``first_month`` to
    ``day``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT household_id, SUM(amount_fen) FROM registry_income"
            " WHERE month >= %s AND month <= %s AND household_id IN (SELECT household_id FROM"
            " monitoring_monitoredentry WHERE left_on IS NULL) GROUP BY household_id",
            [first_month, day],
        )
        rows = cursor.fetchall()
    return pyarrow.table(
        {
            "household_id": pyarrow.array([r[0] for r in rows], pyarrow.int64()),
            "income": pyarrow.array([int(r[1]) for r in rows], pyarrow.int64()),
        }
    )


def disaster_signals(place_code: str, day: datetime.date, window: int) -> list[Signal]:
    """Monitored households of the place whose impact report — a serious impact — was verified
    within ``window`` days before the day: one statement, the latest report per household."""
    monitored = MonitoredEntry.objects.filter(
        left_on__isnull=True, region__code__startswith=prefix_of(place_code)
    ).values("household_id")
    rows = (
        ImpactReport.objects.filter(
            SERIOUS,
            state=ReportState.VERIFIED,
            verified_on__range=(day - datetime.timedelta(days=window), day),
            household_id__in=monitored,
        )
        .order_by("household_id", "-verified_on", "-id")
        .values_list("household_id", "event_id", "event__name", "verified_on")
    )
    found: dict[int, Signal] = {}
    for household, event, event_name, verified_on in rows:
        found.setdefault(
            household,
            Signal(
                SignalKind.DISASTER,
                household,
                {"event": event, "event_name": event_name, "on": verified_on.isoformat()},
                None,
            ),
        )
    return list(found.values())
