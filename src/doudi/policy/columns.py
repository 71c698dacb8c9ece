"""Reading the registry for one month as columns, for whole-population runs.

A handful of aggregate queries, fetched as tuples and turned into numpy arrays: no model objects,
no per-household query. Facts the registry does not hold yet (legal supporters, orphan status,
current benefits) take the engine's defaults until cases and benefits record them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy
from django.db import connection

from doudi.policy.engine.regional import county_key
from doudi.policy.engine.simulate import Population
from doudi.policy.inputs import INCOME_WINDOW_MONTHS, months_back
from doudi.registry.choices import COUNTED_INCOME_TYPES, FINANCIAL_ASSET_TYPES

_COUNTED = tuple(sorted(COUNTED_INCOME_TYPES))
_FINANCIAL = tuple(sorted(FINANCIAL_ASSET_TYPES))


@dataclass
class RegistryColumns:
    household_ids: numpy.ndarray
    region_codes: numpy.ndarray
    member_ids: numpy.ndarray
    population: Population


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _placeholders(values: tuple) -> str:
    return ", ".join(["%s"] * len(values))


def read_registry(
    month: datetime.date, place_prefix: str, county_keys: tuple[str, ...]
) -> RegistryColumns:
    """Every household under ``place_prefix`` with its members on the month's first day."""
    like = place_prefix + "%"
    households = _rows(
        "SELECT h.id, h.region_id, r.classification FROM registry_household h "
        "JOIN regions_region r ON r.code = h.region_id WHERE h.region_id LIKE %s ORDER BY h.id",
        [like],
    )
    ids = numpy.array([row[0] for row in households], dtype=numpy.int64)
    regions = numpy.array([row[1] for row in households])
    key_index = {key: i for i, key in enumerate(county_keys)}
    counties = numpy.array(
        [key_index.get(county_key(code), 0) for code in regions], dtype=numpy.int16
    )
    length = "jsonb_array_length" if connection.vendor == "postgresql" else "json_array_length"
    members = _rows(
        "SELECT m.id, m.household_id, m.relation, m.birth_date, m.disability_category, "
        f"m.disability_grade, m.serious_illness <> '', {length}(m.self_care_failed), "
        "m.in_school, m.excluded_reason = '', m.education FROM registry_member m "
        "JOIN registry_household h ON h.id = m.household_id "
        "WHERE h.region_id LIKE %s AND m.joined_on <= %s "
        "AND (m.left_on IS NULL OR m.left_on > %s) ORDER BY m.household_id, m.id",
        [like, month, month],
    )
    member_ids = numpy.array([row[0] for row in members], dtype=numpy.int64)
    person_household = numpy.searchsorted(ids, [row[1] for row in members])
    start = months_back(month, INCOME_WINDOW_MONTHS - 1)
    income = _money_by_person(
        "registry_income", "income_type", _COUNTED, like, start, month, ids, member_ids
    )
    spending = _money_by_person(
        "registry_expense", "expense_type", None, like, start, month, ids, member_ids
    )
    months = _recorded_months(like, start, month, ids)
    assets = _assets(like, ids)
    persons = {
        "birth_date": numpy.array([row[3] for row in members], dtype="datetime64[D]"),
        "disability_category": numpy.array([row[4] or "none" for row in members]),
        "disability_grade": numpy.array([row[5] or 0 for row in members]),
        "serious_illness": numpy.array([bool(row[6]) for row in members]),
        "self_care_items_failed": numpy.array([row[7] or 0 for row in members]),
        "in_school": numpy.array([bool(row[8]) for row in members]),
        "education": numpy.array([row[10] or "none" for row in members]),
        "counted_in_household": numpy.array([bool(row[9]) for row in members]),
        "person_income": income[0] // months[person_household],
        "person_rigid_spending": spending[0] // months[person_household],
    }
    households_columns = {
        "county": counties,
        "is_urban": numpy.array([row[2] == "urban" for row in households]),
        "household_income": income[1] // months,
        "household_rigid_spending": spending[1] // months,
        **assets,
    }
    population = Population(
        person_household=person_household,
        person_is_head=numpy.array([row[2] == "head" for row in members]),
        persons=persons,
        households=households_columns,
    )
    return RegistryColumns(ids, regions, member_ids, population)


def _money_by_person(
    table: str,
    type_column: str,
    types: tuple | None,
    like: str,
    start: datetime.date,
    end: datetime.date,
    household_ids: numpy.ndarray,
    member_ids: numpy.ndarray,
) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Sums in the window: per current member, and per household for unattributed amounts."""
    type_filter = f"AND t.{type_column} IN ({_placeholders(types)})" if types else ""
    rows = _rows(
        f"SELECT t.household_id, t.member_id, SUM(t.amount_fen) FROM {table} t "
        "JOIN registry_household h ON h.id = t.household_id "
        f"WHERE h.region_id LIKE %s AND t.month BETWEEN %s AND %s {type_filter} "
        "GROUP BY t.household_id, t.member_id",
        [like, start, end, *(types or ())],
    )
    by_member = numpy.zeros(len(member_ids), dtype=numpy.int64)
    by_household = numpy.zeros(len(household_ids), dtype=numpy.int64)
    attributed = [(member, total) for _h, member, total in rows if member is not None]
    if attributed:
        members = numpy.array([m for m, _t in attributed], dtype=numpy.int64)
        totals = numpy.array([int(t) for _m, t in attributed], dtype=numpy.int64)
        position = numpy.searchsorted(member_ids, members)
        present = (position < len(member_ids)) & (
            member_ids[numpy.minimum(position, len(member_ids) - 1)] == members
        )
        numpy.add.at(by_member, position[present], totals[present])
    unattributed = [(household, total) for household, member, total in rows if member is None]
    if unattributed:
        position = numpy.searchsorted(household_ids, [h for h, _t in unattributed])
        numpy.add.at(by_household, position, [int(t) for _h, t in unattributed])
    return by_member, by_household


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
    months = numpy.ones(len(household_ids), dtype=numpy.int64)
    if rows:
        position = numpy.searchsorted(household_ids, [row[0] for row in rows])
        months[position] = [max(int(row[1]), 1) for row in rows]
    return months


def _assets(like: str, household_ids: numpy.ndarray) -> dict[str, numpy.ndarray]:
    rows = _rows(
        "SELECT a.household_id, "
        f"SUM(CASE WHEN a.asset_type IN ({_placeholders(_FINANCIAL)}) THEN a.value_fen "
        "ELSE 0 END), "
        "SUM(CASE WHEN a.asset_type = 'vehicle' AND a.vehicle_type IN ('car', 'truck') "
        "THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN a.asset_type = 'home' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN a.asset_type = 'business' THEN COALESCE(a.registered_capital_fen, 0) "
        "ELSE 0 END) "
        "FROM registry_asset a JOIN registry_household h ON h.id = a.household_id "
        "WHERE h.region_id LIKE %s GROUP BY a.household_id",
        [*_FINANCIAL, like],
    )
    columns = {
        name: numpy.zeros(len(household_ids), dtype=numpy.int64)
        for name in ("financial_assets", "cars", "homes", "business_capital")
    }
    if rows:
        position = numpy.searchsorted(household_ids, [row[0] for row in rows])
        for index, name in enumerate(columns, start=1):
            columns[name][position] = [int(row[index]) for row in rows]
    return columns
