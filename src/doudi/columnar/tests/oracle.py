"""The registry's readers as they were before the snapshot: SQL straight on the tables.

Kept only here, as the oracle the snapshot reader must agree with; what is received (benefits)
is read by the production queries on both sides.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import numpy
import pyarrow
from django.db import connection

from doudi.benefits.queries import in_force_sql
from doudi.checks import people
from doudi.dates import parse_month
from doudi.policy.columns import Scope, _rows, add_received
from doudi.policy.tables import Assets, Money, Tables, claims, income_window, lookup
from doudi.regions.codes import prefix_of


def sql_tables(month: datetime.date, place_prefix: str) -> Tables:
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
    members = _members(like, month)
    household_columns = {
        "id": ids,
        "region": numpy.array([row[1] for row in households], dtype=object),
        "classification": numpy.array([row[2] for row in households], dtype=object),
        "recorded_months": _recorded_months(like, start, end, ids),
        "disaster_affected": numpy.array([bool(row[3]) for row in households], dtype=bool),
    }
    return Tables(
        households=add_received(scope, month, household_columns, members),
        members=members,
        incomes=_money("registry_income", "income_type", like, start, end),
        expenses=_money("registry_expense", "expense_type", like, start, end),
        assets=Assets.of(
            _rows(
                "SELECT a.household_id, a.asset_type, a.vehicle_type, COUNT(*), "
                "SUM(a.value_fen), SUM(COALESCE(a.registered_capital_fen, 0)) "
                "FROM registry_asset a JOIN registry_household h ON h.id = a.household_id "
                "WHERE h.region_id LIKE %s GROUP BY a.household_id, a.asset_type, a.vehicle_type",
                [like],
            )
        ),
    )


def _members(like: str, month: datetime.date) -> dict[str, numpy.ndarray]:
    length = "jsonb_array_length" if connection.vendor == "postgresql" else "json_array_length"
    rows = _rows(
        "SELECT m.id, m.household_id, m.relation, m.birth_date, m.disability_category, "
        f"m.disability_grade, m.serious_illness <> '', {length}(m.self_care_failed), "
        "m.in_school, m.excluded_reason <> '', m.has_capable_supporter, m.orphan_status, "
        "m.care_setting, m.medical_claim, m.education, m.left_on, "
        "m.disability_certificate_valid_until FROM registry_member m "
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
        "certificate_valid_until": numpy.array([row[16] for row in rows], dtype="datetime64[D]"),
    }


def _json(value: Any) -> Any:
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
        months[lookup(household_ids, [row[0] for row in rows])] = [int(row[1]) for row in rows]
    return months


def assert_same(got: Tables, expected: Tables) -> None:
    """Equal column by column: households and members in order, money and assets as sets."""
    for side in ("households", "members"):
        ours, theirs = getattr(got, side), getattr(expected, side)
        assert set(ours) == set(theirs), side
        for name, column in theirs.items():
            assert ours[name].dtype == column.dtype, (side, name, ours[name].dtype, column.dtype)
            assert ours[name].tolist() == column.tolist(), (side, name)
    for side in ("incomes", "expenses", "assets"):
        assert _row_set(getattr(got, side)) == _row_set(getattr(expected, side)), side


def _row_set(table: Money | Assets) -> list[tuple]:
    columns = [column.tolist() for column in vars(table).values()]
    return sorted(zip(*columns, strict=True))


def sql_registry_people(place_code: str, day: datetime.date) -> pyarrow.Table:
    """``checks.people.registry_people`` as it was: one SQL query on the tables."""
    sql = f"""
        SELECT {people._PERSON}, m.household_id, h.region_id,
               CASE WHEN EXISTS (
                   SELECT 1 FROM {people.BENEFIT} b
                   WHERE b.household_id = m.household_id AND {people._PAYS_FOR}
                     AND {in_force_sql("b", "%s")}
               ) THEN 1 ELSE 0 END AS receives
        FROM {people.MEMBER} m
        JOIN {people.HOUSEHOLD} h ON h.id = m.household_id
        WHERE h.region_id LIKE %s AND {people._MEMBER_ON_DAY}
        ORDER BY m.household_id, m.id
    """
    month = parse_month(day)
    parameters = [month, month, prefix_of(place_code) + "%", day, day, day]
    return people._fetch(sql, parameters, people.REGISTRY_PEOPLE)
