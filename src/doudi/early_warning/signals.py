"""Today's signals over the monitored population, from departments' latest deliveries.

Each signal is one DuckDB statement over the delivery's snapshot and the place's members (by
their ID numbers' keyed hashes): a person of a monitored household who died, registered as
unemployed, was certified grade 1–2 disabled or — a student — certified in hardship (特别困难 or
困难) within the parameter's window before the day; the household's main earner with an
inpatient or major-illness settlement in the window; a monitored household whose members paid
out of pocket for medical care in the last twelve months at least the parameter's share of the
household's income in those months; and one whose income the departments report now falls below
its income on record by at least the parameter's share; and, from the system's own records, one
with a verified disaster impact report (house collapsed or severely damaged, no source of
livelihood, a member injured or dead) verified within the window. A person on a delivery who is
in no monitored household raises nothing here (the check platform's campaign looks for who is
missing).

The main earner (主要劳动力) of a household is the member with the largest income recorded in
the registry in the twelve months up to the day (the lower member id on a tie); a household
with no member's income on record has none. A death of the main earner is marked so in the
death signal's facts (``main_earner``), and takes its own severity where the place has one.

The registry's side — the members on the day, their incomes on record — is read once per run from
the registry's columnar snapshot (``doudi.columnar``), brought up to date first (``watched``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import duckdb
import pyarrow

from doudi.columnar import snapshot
from doudi.disaster.models import SERIOUS, ImpactReport, ReportState
from doudi.early_warning.models import SignalKind
from doudi.monitoring.models import MonitoredEntry
from doudi.regions.codes import prefix_of
from doudi.registry.choices import IncomeType
from doudi.sources.contracts import SOURCES
from doudi.sources.models import Delivery
from doudi.sources.reading import snapshot_schema
from doudi.sources.storage import latest_delivery, read_snapshot

YEAR_DAYS = 365

# Per person-level signal: the source, the condition on its snapshot ``s`` (``$since``: the
# first day of the window) and the date it keeps; MAIN_EARNER_ONLY: raised only for the
# household's main earner.
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
    # An inpatient stay, or a settlement the critical-illness insurance (大病保险) paid for.
    SignalKind.MAIN_EARNER_ILLNESS: (
        "medical",
        "(s.visit_kind = '住院' OR s.critical_illness_fen > 0)"
        " AND s.settled_on BETWEEN $since AND $day",
        "s.settled_on",
    ),
    SignalKind.STUDENT_HARDSHIP: (
        "education",
        "s.hardship_level IN ('especially', 'hardship') AND s.certified_on BETWEEN $since AND $day",
        "s.certified_on",
    ),
}
MAIN_EARNER_ONLY = frozenset({SignalKind.MAIN_EARNER_ILLNESS})
# The death signal says whether the member who died was the main earner.
MARKS_MAIN_EARNER = frozenset({SignalKind.DEATH})


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
    """The place's monitored households, their members on the day and their members' incomes
    on record in the twelve months up to the day, read once for every signal."""

    monitored: pyarrow.Table  # household_id
    people: pyarrow.Table  # person_hash, household_id, member_id
    earnings: pyarrow.Table  # household_id, member_id, income, wages, pensions, months


# The members on the day of the monitored households of the place (``$prefix``), by their ID
# numbers' keyed hashes (none: no valid ID number).
WATCHED_PEOPLE = (
    "SELECT NULLIF(m.id_number_hash, '') AS person_hash, m.household_id, m.id AS member_id"
    " FROM members m JOIN households h ON h.id = m.household_id"
    " WHERE m.household_id IN (SELECT household_id FROM monitored)"
    f" AND starts_with(h.region_id, $prefix) AND {snapshot.MEMBER_ON_DAY}"
)
# Each monitored household's recorded income in the months from ``$since`` to ``$day`` by
# member (NULL: the household's own): all of it, its wages and its basic pension (基础养老金,
# recorded though not counted); and in how many distinct months the household has income
# recorded.
EARNINGS = """
WITH recorded AS (
    SELECT household_id, member_id, kind, month, amount_fen FROM incomes
    WHERE month BETWEEN $since AND $day
        AND household_id IN (SELECT household_id FROM monitored))
SELECT r.household_id, r.member_id, CAST(sum(r.amount_fen) AS BIGINT) AS income,
    CAST(sum(CASE WHEN r.kind = $wage THEN r.amount_fen ELSE 0 END) AS BIGINT) AS wages,
    CAST(sum(CASE WHEN r.kind = $pension THEN r.amount_fen ELSE 0 END) AS BIGINT) AS pensions,
    n.months
FROM recorded r JOIN (SELECT household_id, count(DISTINCT month) AS months FROM recorded
    GROUP BY household_id) n ON n.household_id = r.household_id
GROUP BY r.household_id, r.member_id, n.months
"""


def watched(place_code: str, day: datetime.date) -> Watched | None:
    """What every signal reads of the registry, from its columnar snapshot brought up to date
    (``doudi.columnar``): one refresh, one read."""
    monitored = monitored_households(place_code)
    if not monitored.num_rows:
        return None
    since = (day - datetime.timedelta(days=YEAR_DAYS)).replace(day=1)
    with snapshot.reading() as database:
        database.register("monitored", monitored)
        people = database.sql(
            WATCHED_PEOPLE, params={"prefix": prefix_of(place_code), "day": day}
        ).to_arrow_table()
        earnings = database.sql(
            EARNINGS,
            params={
                "since": since,
                "day": day,
                "wage": IncomeType.WAGE.value,
                "pension": IncomeType.CENTRAL_BASIC_PENSION.value,
            },
        ).to_arrow_table()
    return Watched(monitored, people, earnings)


# The main earner of each household: the member with the largest income on record (``earnings``).
MAIN_EARNERS = (
    "SELECT household_id, member_id FROM (SELECT household_id, member_id, row_number() OVER"
    " (PARTITION BY household_id ORDER BY income DESC, member_id) AS rank FROM earnings"
    " WHERE member_id IS NOT NULL AND income > 0) WHERE rank = 1"
)


def person_signals(
    place_code: str, day: datetime.date, windows: dict[SignalKind, int], seen: Watched
) -> list[Signal]:
    """The person-level signals whose window (days) is in force, one per household and kind:
    the member and date that raised it (the latest, if several)."""
    found = []
    with duckdb.connect() as con:
        con.register("monitored", seen.monitored)
        con.register("people", seen.people)
        con.register("earnings", seen.earnings)
        con.execute(f"CREATE TEMP TABLE earners AS {MAIN_EARNERS}")
        for kind, window in windows.items():
            source, condition, on = PERSON_SIGNALS[kind]
            delivery = latest_delivery(source, place_code)
            if delivery is None:
                continue
            con.register("s", read_snapshot(delivery))
            only = " AND e.member_id IS NOT NULL" if kind in MAIN_EARNER_ONLY else ""
            rows = con.execute(
                f"SELECT p.household_id, arg_max(p.member_id, {on}), max({on}),"
                f" arg_max(e.member_id IS NOT NULL, {on})"
                " FROM s JOIN people p USING (person_hash)"
                " JOIN monitored m ON m.household_id = p.household_id"
                " LEFT JOIN earners e ON e.household_id = p.household_id"
                " AND e.member_id = p.member_id"
                f" WHERE {condition}{only} GROUP BY p.household_id ORDER BY p.household_id",
                {"since": day - datetime.timedelta(days=window), "day": day},
            ).fetchall()
            con.unregister("s")
            found += [
                Signal(kind, household, _person_facts(kind, member, on_day, earner), delivery)
                for household, member, on_day, earner in rows
            ]
    return found


def _person_facts(kind: SignalKind, member: int, on: datetime.date, earner: bool) -> dict:
    facts = {"member": member, "on": on.isoformat()}
    if kind in MARKS_MAIN_EARNER and earner:
        facts["main_earner"] = True
    return facts


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
        con.register("earnings", seen.earnings)
        con.register("s", read_snapshot(delivery))
        rows = con.execute(
            "WITH incomes AS (SELECT household_id, sum(income) AS income FROM earnings"
            " GROUP BY household_id),"
            " paid AS (SELECT p.household_id, sum(s.out_of_pocket_fen) AS paid"
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


# Each person's monthly income as the departments report it, against the same kinds on record.
# Wages: the wage of their latest employment registration (none if unemployed) or the tax
# office's wages and labour pay a month, whichever is larger (one wage seen twice), against the
# wages on record — for a person on the employment or the tax delivery; a pension in payment (a
# suspended or ended one counts as nothing) against the basic pension on record — for a person on
# the pensions delivery (a transfer on record may be support from family, which no delivery
# sees); and other taxed income a month (business, property), reported only.
# Tax rows are spread over the months of their period, periods ending in the twelve months up to
# the day. Incomes no delivery sees (farming, a wage paid in cash) are never read as a fall.
REPORTED_INCOME = """
WITH jobs AS (
    SELECT person_hash, arg_max(CASE WHEN registration = 'employed'
        THEN coalesce(monthly_wage_fen, 0) ELSE 0 END, registered_on) AS wage
    FROM employment WHERE registered_on <= $day GROUP BY person_hash),
pays AS (
    SELECT person_hash, sum(CASE WHEN state = 'paid' THEN monthly_amount_fen ELSE 0 END) AS pension
    FROM pensions WHERE start_month <= $day GROUP BY person_hash),
taxed AS (
    SELECT person_hash,
        sum(CASE WHEN income_item IN ('工资薪金所得', '劳务报酬所得') THEN monthly ELSE 0 END)
            AS wage,
        sum(CASE WHEN income_item IN ('工资薪金所得', '劳务报酬所得') THEN 0 ELSE monthly END)
            AS other
    FROM (SELECT person_hash, income_item, income_fen // greatest(1, (year(period_end)
        - year(period_start)) * 12 + month(period_end) - month(period_start) + 1) AS monthly
        FROM tax WHERE period_end BETWEEN $since AND $day) GROUP BY person_hash),
reported AS (
    SELECT person_hash, j.person_hash IS NOT NULL OR t.person_hash IS NOT NULL AS on_wages,
        p.person_hash IS NOT NULL AS on_pensions,
        greatest(coalesce(j.wage, 0), coalesce(t.wage, 0)) + coalesce(p.pension, 0)
        + coalesce(t.other, 0) AS income
    FROM jobs j FULL JOIN pays p USING (person_hash) FULL JOIN taxed t USING (person_hash))
SELECT h.household_id, h.reported, h.recorded FROM (
    SELECT p.household_id, sum(r.income) AS reported,
        sum(CASE WHEN r.on_wages THEN coalesce(e.wages, 0) ELSE 0 END
            + CASE WHEN r.on_pensions THEN coalesce(e.pensions, 0) ELSE 0 END)
            // any_value(n.months) AS recorded
    FROM reported r JOIN (SELECT DISTINCT person_hash, household_id, member_id FROM people) p
        USING (person_hash)
    JOIN monitored m ON m.household_id = p.household_id
    JOIN (SELECT household_id, max(months) AS months FROM earnings GROUP BY household_id) n
        ON n.household_id = p.household_id
    LEFT JOIN earnings e ON e.household_id = p.household_id AND e.member_id = p.member_id
    GROUP BY p.household_id) h
WHERE h.recorded > 0 AND h.reported * 100 <= h.recorded * (100 - $share)
ORDER BY 1
"""
INCOME_SOURCES = ("employment", "pensions", "tax")


def income_fall_signals(
    place_code: str, day: datetime.date, share_percent: int, seen: Watched
) -> list[Signal]:
    """Monitored households whose monthly income reported by the departments' latest
    deliveries (employment, pensions, tax) for their members on them is at least
    ``share_percent`` below the same kinds on record for those members (``REPORTED_INCOME``;
    over the months the household has income recorded in the twelve up to the day). Only
    households with a member on one of those deliveries: a department that knows nobody
    reports nothing."""
    deliveries = {key: latest_delivery(key, place_code) for key in INCOME_SOURCES}
    if not any(deliveries.values()):
        return []
    with duckdb.connect() as con:
        con.register("monitored", seen.monitored)
        con.register("people", seen.people)
        con.register("earnings", seen.earnings)
        for key, delivery in deliveries.items():
            table = read_snapshot(delivery) if delivery else _empty(key)
            con.register(key, table)
        rows = con.execute(
            REPORTED_INCOME,
            {
                "since": day - datetime.timedelta(days=YEAR_DAYS),
                "day": day,
                "share": share_percent,
            },
        ).fetchall()
    delivery = next(d for d in deliveries.values() if d is not None)
    return [
        Signal(
            SignalKind.INCOME_FALL,
            household,
            {
                "reported_fen": int(reported),
                "recorded_fen": int(recorded),
                "share_percent": share_percent,
            },
            delivery,
        )
        for household, reported, recorded in rows
    ]


def _empty(source: str) -> pyarrow.Table:
    """A source not delivered yet, as an empty snapshot of its latest contract."""
    return snapshot_schema(SOURCES[source].latest).empty_table()
