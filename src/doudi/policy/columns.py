"""Reading the registry for one month as tables, for whole-population runs.

A handful of set-based queries, fetched as tuples and turned into numpy arrays: no model
objects, no per-household query. The queries only gather facts (rows summed per household,
member and type); what the rules make of them is decided once, in ``policy/tables.build``,
which also builds the single household of a form.

What households receive now comes from their benefits in force in the month: whether they
receive 低保 and how much, how many months of gradual exit (渐退期) they have been granted
(months paid under a decision that found them in it), and who is supported as 特困.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

import numpy
from django.db import connection

from doudi.benefits.queries import in_force_sql
from doudi.dates import add_months
from doudi.policy.tables import (
    HOUSEHOLD_FACTS,
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
    like = place_prefix + "%"
    scope = Scope.place(place_prefix)
    start, end = income_window(month)
    households = _rows(
        "SELECT h.id, h.region_id, r.classification, h.disaster_affected "
        "FROM registry_household h "
        "JOIN regions_region r ON r.code = h.region_id WHERE h.region_id LIKE %s ORDER BY h.id",
        [like],
    )
    ids = numpy.array([row[0] for row in households], dtype=numpy.int64)
    household_columns = {
        "id": ids,
        "region": numpy.array([row[1] for row in households], dtype=object),
        "classification": numpy.array([row[2] for row in households], dtype=object),
        "recorded_months": _recorded_months(like, start, end, ids),
        **_received(scope, month, ids),
        "disaster_affected": numpy.array([bool(row[3]) for row in households], dtype=bool),
    }
    members = _members(like, month)
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
    return Tables(
        households=household_columns,
        members=members,
        incomes=_money("registry_income", "income_type", like, start, end),
        expenses=_money("registry_expense", "expense_type", like, start, end),
        assets=_assets(like),
    )


def _members(like: str, month: datetime.date) -> dict[str, numpy.ndarray]:
    length = "jsonb_array_length" if connection.vendor == "postgresql" else "json_array_length"
    rows = _rows(
        "SELECT m.id, m.household_id, m.relation, m.birth_date, m.disability_category, "
        f"m.disability_grade, m.serious_illness <> '', {length}(m.self_care_failed), "
        "m.in_school, m.excluded_reason <> '', m.has_capable_supporter, m.orphan_status, "
        "m.care_setting, m.medical_claim, m.education, m.left_on FROM registry_member m "
        "JOIN registry_household h ON h.id = m.household_id "
        "WHERE h.region_id LIKE %s AND m.joined_on <= %s "
        "AND (m.left_on IS NULL OR m.left_on > %s) ORDER BY m.household_id, m.id",
        [like, month, month],
    )
    return {
        "id": numpy.array([row[0] for row in rows], dtype=numpy.int64),
        "household": numpy.array([row[1] for row in rows], dtype=numpy.int64),
        "relation": numpy.array([row[2] for row in rows], dtype=object),
        "birth_date": numpy.array([row[3] for row in rows], dtype="datetime64[D]"),
        "disability_category": numpy.array([row[4] or "" for row in rows], dtype=object),
        "disability_grade": numpy.array([row[5] or 0 for row in rows], dtype=numpy.int64),
        "serious_illness": numpy.array([bool(row[6]) for row in rows], dtype=bool),
        "self_care": numpy.array([row[7] or 0 for row in rows], dtype=numpy.int64),
        "in_school": numpy.array([bool(row[8]) for row in rows], dtype=bool),
        "excluded": numpy.array([bool(row[9]) for row in rows], dtype=bool),
        "has_capable_supporter": numpy.array([bool(row[10]) for row in rows], dtype=bool),
        "orphan_status": numpy.array([row[11] for row in rows], dtype=object),
        "care_setting": numpy.array([row[12] for row in rows], dtype=object),
        "medical_claim": claims([_json(row[13]) for row in rows]),
        "education": numpy.array([row[14] or "none" for row in rows], dtype=object),
        "left_on": numpy.array([row[15] for row in rows], dtype="datetime64[D]"),
    }


def _json(value: Any) -> Any:
    """A JSON column as fetched: text on SQLite, already decoded by some PostgreSQL drivers."""
    return json.loads(value) if isinstance(value, str) else value


def _money(
    table: str, type_column: str, like: str, start: datetime.date, end: datetime.date
) -> Money:
    return Money.of(
        _rows(
            f"SELECT t.household_id, t.member_id, t.{type_column}, SUM(t.amount_fen) "
            f"FROM {table} t JOIN registry_household h ON h.id = t.household_id "
            "WHERE h.region_id LIKE %s AND t.month BETWEEN %s AND %s "
            f"GROUP BY t.household_id, t.member_id, t.{type_column}",
            [like, start, end],
        )
    )


def _recorded_months(
    like: str, start: datetime.date, end: datetime.date, household_ids: numpy.ndarray
) -> numpy.ndarray:
    """Per household, how many months of the window carry any income or spending record."""
    rows = _rows(
        "SELECT u.household_id, COUNT(DISTINCT u.month) FROM ("
        "SELECT household_id, month FROM registry_income UNION ALL "
        "SELECT household_id, month FROM registry_expense) u "
        "JOIN registry_household h ON h.id = u.household_id "
        "WHERE h.region_id LIKE %s AND u.month BETWEEN %s AND %s GROUP BY u.household_id",
        [like, start, end],
    )
    months = numpy.zeros(len(household_ids), dtype=numpy.int64)
    if rows:
        position = lookup(household_ids, [row[0] for row in rows])
        months[position] = [int(row[1]) for row in rows]
    return months


def _assets(like: str) -> Assets:
    return Assets.of(
        _rows(
            "SELECT a.household_id, a.asset_type, a.vehicle_type, COUNT(*), SUM(a.value_fen), "
            "SUM(COALESCE(a.registered_capital_fen, 0)) "
            "FROM registry_asset a JOIN registry_household h ON h.id = a.household_id "
            "WHERE h.region_id LIKE %s GROUP BY a.household_id, a.asset_type, a.vehicle_type",
            [like],
        )
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
