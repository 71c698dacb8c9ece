"""Reading the registry for one month as tables, for whole-population runs.

The registry's facts come from its columnar snapshot (``doudi.columnar``, brought up to date
first), aggregated by DuckDB: no model objects, no per-household query. The queries only gather
facts (rows summed per household, member and type); what the rules make of them is decided
once, in ``policy/tables.build``, which also builds the single household of a form.

What households receive now comes from their benefits in force in the month: whether they
receive 低保 and how much, how many months of gradual exit (渐退期) they have been granted
(months paid under a decision that found them in it), and who is supported as 特困.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy
import pyarrow
from django.db import connection

from doudi.benefits.queries import in_force_sql
from doudi.columnar import snapshot
from doudi.dates import add_months
from doudi.policy.tables import (
    HOUSEHOLD_FACTS,
    NO_MEMBER,
    Assets,
    Money,
    RegistryColumns,
    Tables,
    build,
    claims,
    income_window,
    lookup,
)

MINIMUM_LIVING = "minimum_living"
EXTREME_HARDSHIP = "extreme_hardship"
GRADUAL_EXIT_TEST = "minimum_living_gradual_exit"  # the engine's variable, named in its answer
SINGLE_PERSON = "receiving_single_person_minimum_living"  # a member's 低保 alone (单人保)


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def read_registry(
    month: datetime.date, place_prefix: str, county_keys: tuple[str, ...]
) -> RegistryColumns:
    """Every household under ``place_prefix`` with its members on the month's first day."""
    return build(read_tables(month, place_prefix), county_keys)


def read_tables(month: datetime.date, place_prefix: str) -> Tables:
    scope = Scope.place(place_prefix)
    start, end = income_window(month)
    with snapshot.reading() as database:
        database.register("regions", _regions())
        database.execute(
            "CREATE TEMP TABLE place AS SELECT h.id, h.region_id AS region, r.classification, "
            "h.disaster_affected FROM households h JOIN regions r ON r.code = h.region_id "
            "WHERE starts_with(h.region_id, $prefix) ORDER BY h.id",
            {"prefix": place_prefix},
        )
        window = {"start": start, "end": end}
        households = _columns(
            database,
            "SELECT p.*, COALESCE(r.months, 0) AS recorded_months FROM place p LEFT JOIN ("
            "SELECT household_id, COUNT(DISTINCT month) AS months FROM ("
            "SELECT household_id, month FROM incomes UNION ALL "
            "SELECT household_id, month FROM expenses) "
            "WHERE month BETWEEN $start AND $end GROUP BY household_id) r "
            "ON r.household_id = p.id ORDER BY p.id",
            window,
        )
        members = _members(database, month)
        incomes, expenses = (_money(database, table, window) for table in ("incomes", "expenses"))
        assets = _columns(
            database,
            "SELECT a.household_id, a.kind, a.vehicle, COUNT(*) AS count, "
            "SUM(a.value_fen)::BIGINT AS value, SUM(a.capital_fen)::BIGINT AS capital "
            "FROM assets a JOIN place p ON p.id = a.household_id "
            "GROUP BY a.household_id, a.kind, a.vehicle",
        )
    return Tables(
        households=add_received(scope, month, households, members),
        members=members,
        incomes=incomes,
        expenses=expenses,
        assets=Assets(*assets.values()),
    )


def add_received(
    scope: Scope, month: datetime.date, households: dict, members: dict
) -> dict[str, numpy.ndarray]:
    """The registry's household columns with what they receive in ``month`` added; the
    members' columns gain, in place, who is supported as 特困 and who receives 低保 alone."""
    members["was_extreme_hardship"] = numpy.isin(
        members["id"], _supported_members(scope, month, EXTREME_HARDSHIP)
    )
    # A child supported as 特困 now has chosen it over the child guarantee.
    members["child_guarantee_choice"] = numpy.where(
        members["was_extreme_hardship"], "extreme_hardship", "not_recorded"
    ).astype(object)
    members[SINGLE_PERSON] = numpy.isin(
        members["id"], _supported_members(scope, month, MINIMUM_LIVING)
    )
    # The received facts' defaults include the registry's disaster flag: the registry's wins.
    return {**_received(scope, month, households["id"]), **households}


def _regions() -> pyarrow.Table:
    """Each place's urban or rural classification, read now: it is the region's, not the
    household's, and changes without a household version."""
    rows = _rows("SELECT code, classification FROM regions_region", [])
    return pyarrow.table(
        {
            "code": pyarrow.array([row[0] for row in rows], pyarrow.string()),
            "classification": pyarrow.array([row[1] for row in rows], pyarrow.string()),
        }
    )


def _columns(
    database: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None
) -> dict[str, numpy.ndarray]:
    table = database.sql(sql, params=params).to_arrow_table()
    return {name: _numpy(table[name]) for name in table.column_names}


def _numpy(column: pyarrow.ChunkedArray) -> numpy.ndarray:
    """Texts as an object array sharing one Python string per distinct value (the few
    relations or care settings of millions of members), None where the text is null."""
    if not pyarrow.types.is_string(column.type):
        return column.to_numpy()
    encoded = column.combine_chunks().dictionary_encode()
    values = numpy.append(encoded.dictionary.to_numpy(zero_copy_only=False), None)
    return values[encoded.indices.fill_null(len(values) - 1).to_numpy()]


def _members(database: duckdb.DuckDBPyConnection, month: datetime.date) -> dict[str, numpy.ndarray]:
    columns = _columns(
        database,
        "SELECT m.id, m.household_id AS household, m.relation, m.birth_date, "
        "m.disability_category, m.disability_grade, m.serious_illness, m.self_care, "
        "m.disability_certificate_valid_until AS certificate_valid_until, "
        "m.in_school, m.excluded, m.has_capable_supporter, m.orphan_status, m.care_setting, "
        "m.medical_claim, COALESCE(NULLIF(m.education, ''), 'none') AS education, m.left_on "
        "FROM members m JOIN place p ON p.id = m.household_id "
        "WHERE m.joined_on <= $month AND (m.left_on IS NULL OR m.left_on > $month) "
        "ORDER BY m.household_id, m.id",
        {"month": month},
    )
    columns["medical_claim"] = claims(
        [None if text is None else json.loads(text) for text in columns["medical_claim"]]
    )
    return columns


def _money(database: duckdb.DuckDBPyConnection, table: str, window: dict) -> Money:
    return Money(
        *_columns(
            database,
            "SELECT t.household_id, COALESCE(t.member_id, $no_member), t.kind, "
            f"SUM(t.amount_fen)::BIGINT FROM {table} t JOIN place p ON p.id = t.household_id "
            "WHERE t.month BETWEEN $start AND $end GROUP BY t.household_id, t.member_id, t.kind",
            {**window, "no_member": NO_MEMBER},
        ).values()
    )


# --- what households receive now ---------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Which households a query of what is received reads: a place, or one household (a case
    reads its household through the same queries as a whole-place run)."""

    sql: str
    params: tuple[Any, ...]

    @classmethod
    def place(cls, prefix: str) -> Scope:
        return cls("h.region_id LIKE %s", (prefix + "%",))

    @classmethod
    def household(cls, household_id: int) -> Scope:
        return cls("h.id = %s", (household_id,))


IN_FORCE = in_force_sql("b", "%s")


def _gradual_exit_decision() -> str:
    """SQL true where the decision ``d`` found the household in the gradual exit: its stored
    engine answer for 低保 passed the gradual-exit test (parameters: programme, test)."""
    if connection.vendor == "postgresql":
        return (
            "EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof("
            "d.engine_result -> 'programmes') = 'array' THEN d.engine_result -> 'programmes' "
            "ELSE '[]'::jsonb END) p, jsonb_array_elements(CASE WHEN jsonb_typeof("
            "p.value -> 'reasons') = 'array' THEN p.value -> 'reasons' ELSE '[]'::jsonb END) r "
            "WHERE p.value ->> 'programme' = %s AND r.value ->> 'test' = %s "
            "AND r.value ->> 'passed' = 'true')"
        )
    return (
        "EXISTS (SELECT 1 FROM json_each(d.engine_result, '$.programmes') p, "
        "json_each(p.value, '$.reasons') r WHERE json_extract(p.value, '$.programme') = %s "
        "AND json_extract(r.value, '$.test') = %s AND json_extract(r.value, '$.passed') = 1)"
    )


def _answered_decision() -> str:
    """SQL true where the decision ``d`` stored the engine's answer for 低保 (parameter: the
    programme). A standard change (提标, cases/bulk.py) stores none: it raised amounts in bulk
    and re-assessed nobody."""
    if connection.vendor == "postgresql":
        return (
            "EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof("
            "d.engine_result -> 'programmes') = 'array' THEN d.engine_result -> 'programmes' "
            "ELSE '[]'::jsonb END) p WHERE p.value ->> 'programme' = %s)"
        )
    return (
        "EXISTS (SELECT 1 FROM json_each(d.engine_result, '$.programmes') p "
        "WHERE json_extract(p.value, '$.programme') = %s)"
    )


def _received(scope: Scope, month: datetime.date, household_ids: numpy.ndarray) -> dict:
    """The HOUSEHOLD_FACTS: 低保 in force this month, its amount, and the gradual-exit months
    already granted (months before this one paid under gradual-exit decisions since the last
    decision that found the household eligible by the tests; a standard change's months count
    as the decision's they continue)."""
    columns = {
        name: numpy.full(len(household_ids), default) for name, default in HOUSEHOLD_FACTS.items()
    }
    # The household's own 低保: one member's 单人保 (a benefit of that member) is not the
    # household receiving 低保, nor part of its amount or of its gradual exit.
    rows = _rows(
        "SELECT b.household_id, SUM(b.monthly_amount_fen) FROM benefits_benefit b "
        "JOIN registry_household h ON h.id = b.household_id "
        f"WHERE {scope.sql} AND b.programme = %s AND b.member_id IS NULL AND {IN_FORCE} "
        "GROUP BY b.household_id",
        [*scope.params, MINIMUM_LIVING, month, month],
    )
    if rows:
        position = lookup(household_ids, [row[0] for row in rows])
        columns["receiving_minimum_living"][position] = True
        columns["current_minimum_living_amount"][position] = [int(row[1]) for row in rows]
    decided = _rows(
        "SELECT DISTINCT b.household_id FROM benefits_benefit b "
        "JOIN registry_household h ON h.id = b.household_id "
        f"WHERE {scope.sql} AND b.programme = %s AND b.start_month <= %s",
        [*scope.params, MINIMUM_LIVING, month],
    )
    if decided:  # a household ever decided on has its 低保 status on record
        columns["minimum_living_recorded"][lookup(household_ids, [row[0] for row in decided])] = (
            True
        )
    columns["gradual_exit_months_used"] = _gradual_exit_months(scope, month, household_ids)
    return columns


def _gradual_exit_months(
    scope: Scope, month: datetime.date, household_ids: numpy.ndarray
) -> numpy.ndarray:
    rows = _rows(
        f"SELECT b.household_id, b.start_month, b.end_month, {_gradual_exit_decision()}, "
        f"{_answered_decision()} FROM benefits_benefit b "
        "JOIN cases_decision d ON d.id = b.decision_id "
        "JOIN registry_household h ON h.id = b.household_id "
        f"WHERE {scope.sql} AND b.programme = %s AND b.member_id IS NULL AND b.start_month < %s "
        "AND EXISTS (SELECT 1 FROM benefits_benefit c WHERE c.household_id = b.household_id "
        f"AND c.programme = b.programme AND c.member_id IS NULL AND {in_force_sql('c', '%s')}) "
        "ORDER BY b.household_id, b.start_month, b.id",
        [
            MINIMUM_LIVING,
            GRADUAL_EXIT_TEST,
            MINIMUM_LIVING,
            *scope.params,
            MINIMUM_LIVING,
            month,
            month,
            month,
        ],
    )
    used: dict[int, int] = {}
    exiting: dict[int, bool] = {}
    for household, first, last, gradual, answered in rows:
        # A decision without the engine's answer (a standard change) found nothing about the
        # tests: its months continue what the benefit it replaced was — an exit goes on, and
        # runs out, as if the amount alone had changed.
        if answered:
            exiting[household] = bool(gradual)
        if not exiting.get(household, False):
            used[household] = 0  # eligible by the tests again: a later exit starts from nothing
            continue
        paid_until = min(last or month, add_months(month, -1))
        paid = (paid_until.year - first.year) * 12 + paid_until.month - first.month + 1
        used[household] = used.get(household, 0) + max(paid, 0)
    months = numpy.zeros(len(household_ids), dtype=numpy.int64)
    if used:
        position = lookup(household_ids, list(used))
        inside = position >= 0
        months[position[inside]] = numpy.array(list(used.values()))[inside]
    return months


def _supported_members(scope: Scope, month: datetime.date, programme: str) -> numpy.ndarray:
    rows = _rows(
        "SELECT DISTINCT b.member_id FROM benefits_benefit b "
        "JOIN registry_household h ON h.id = b.household_id "
        f"WHERE {scope.sql} AND b.programme = %s AND b.member_id IS NOT NULL "
        f"AND {IN_FORCE}",
        [*scope.params, programme, month, month],
    )
    return numpy.array([row[0] for row in rows], dtype=numpy.int64)


def received_facts(household_id: int, month: datetime.date) -> dict[str, Any]:
    """What one household receives in ``month``, read by the whole-place run's own queries and
    given in the household form's terms: ``minimum_living`` (only where its 低保 status is on
    record, as the run reads it) and ``members``, by member key, for those supported as 特困
    and those receiving 低保 alone (单人保)."""
    scope = Scope.household(household_id)
    columns = _received(scope, month, numpy.array([household_id], dtype=numpy.int64))
    facts: dict[str, Any] = {"members": {}}
    if columns["minimum_living_recorded"][0]:
        facts["minimum_living"] = {
            "receiving": bool(columns["receiving_minimum_living"][0]),
            "current_amount_fen": int(columns["current_minimum_living_amount"][0]),
            "gradual_exit_months_used": int(columns["gradual_exit_months_used"][0]),
        }
    for member_id in _supported_members(scope, month, EXTREME_HARDSHIP).tolist():
        # A child supported as 特困 now has chosen it over the child guarantee, as in the run.
        facts["members"][str(member_id)] = {
            "was_extreme_hardship": True,
            "child_guarantee_choice": "extreme_hardship",
        }
    for member_id in _supported_members(scope, month, MINIMUM_LIVING).tolist():
        facts["members"].setdefault(str(member_id), {})[SINGLE_PERSON] = True
    return facts


def with_received(form: dict[str, Any], household_id: int, month: datetime.date) -> dict[str, Any]:
    """The household form with what it receives in ``month`` filled in where the form does
    not state it: a single household answers as it does in a whole-place run."""
    facts = received_facts(household_id, month)
    filled = {**form, "members": [dict(member) for member in form.get("members") or []]}
    if "minimum_living" in facts and "minimum_living" not in form:
        filled["minimum_living"] = facts["minimum_living"]
    for member in filled["members"]:
        for name, value in facts["members"].get(str(member.get("key")), {}).items():
            member.setdefault(name, value)
    return filled
