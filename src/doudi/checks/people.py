"""The persons a check reads, exported from the registry as Arrow tables, one SQL query each.

``recipients``: everyone a benefit in force pays for in a place (the ``people`` of a campaign);
``household_members``: the members of one household (the ``people`` of a case's check);
``registry_people``: everyone in a place's registry and whether they receive assistance (for
漏保), read from the registry's columnar snapshot; ``staff``: the staff and village cadres who
gave their ID number (for 优亲厚友). A member is in them while a member on the day (joined,
not left, not dead); ``counted`` is false for a member the household's means test leaves out
(``excluded_reason``).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

import pyarrow
from django.db import connection

from doudi.accounts.models import User
from doudi.benefits.models import Benefit
from doudi.benefits.queries import in_force_sql
from doudi.columnar import snapshot
from doudi.dates import parse_month
from doudi.regions.codes import prefix_of
from doudi.registry.models import Household, Member

PEOPLE = pyarrow.schema(
    [
        ("person_hash", pyarrow.string()),
        ("member_id", pyarrow.int64()),
        ("household_id", pyarrow.int64()),
        ("region_code", pyarrow.string()),
        ("programme", pyarrow.string()),
        ("benefit_id", pyarrow.int64()),
        ("counted", pyarrow.bool_()),
        ("payee", pyarrow.bool_()),
    ]
)
REGISTRY_PEOPLE = pyarrow.schema(
    [
        ("person_hash", pyarrow.string()),
        ("member_id", pyarrow.int64()),
        ("household_id", pyarrow.int64()),
        ("region_code", pyarrow.string()),
        ("receives", pyarrow.bool_()),
    ]
)

PAYING = pyarrow.schema([("household_id", pyarrow.int64()), ("member_id", pyarrow.int64())])

STAFF = pyarrow.schema([("person_hash", pyarrow.string()), ("username", pyarrow.string())])

MEMBER = Member._meta.db_table
BENEFIT = Benefit._meta.db_table
HOUSEHOLD = Household._meta.db_table

# A member on the day; each placeholder is the day.
_MEMBER_ON_DAY = (
    "m.joined_on <= %s AND (m.left_on IS NULL OR m.left_on > %s)"
    " AND (m.death_date IS NULL OR m.death_date > %s)"
)
# The person's own columns, as the views name them (an empty hash: no valid ID number).
_PERSON = "NULLIF(m.id_number_hash, '') AS person_hash, m.id AS member_id"
_COUNTED = "CASE WHEN COALESCE(m.excluded_reason, '') = '' THEN 1 ELSE 0 END AS counted"
# A benefit pays for the whole household, or only for its person concerned.
_PAYS_FOR = "(b.member_id IS NULL OR b.member_id = m.id)"


def recipients(place_code: str, day: datetime.date) -> pyarrow.Table:
    """One row per benefit in force on ``day`` in the place and person it pays for."""
    sql = f"""
        SELECT {_PERSON}, b.household_id, b.region_id, b.programme, b.id AS benefit_id,
               {_COUNTED}, CASE WHEN b.payee_id = m.id THEN 1 ELSE 0 END AS payee
        FROM {BENEFIT} b
        JOIN {MEMBER} m ON m.household_id = b.household_id
        WHERE b.region_id LIKE %s AND {in_force_sql("b", "%s")} AND {_PAYS_FOR}
          AND {_MEMBER_ON_DAY}
        ORDER BY b.household_id, m.id, b.id
    """
    month = parse_month(day)
    return _fetch(sql, [prefix_of(place_code) + "%", month, month, day, day, day], PEOPLE)


def household_members(household_id: int, day: datetime.date) -> pyarrow.Table:
    """The members of one household on ``day``, for the check of its case (no benefit)."""
    sql = f"""
        SELECT {_PERSON}, m.household_id, h.region_id, NULL AS programme, NULL AS benefit_id,
               {_COUNTED}, 0 AS payee
        FROM {MEMBER} m
        JOIN {HOUSEHOLD} h ON h.id = m.household_id
        WHERE m.household_id = %s AND {_MEMBER_ON_DAY}
        ORDER BY m.id
    """
    return _fetch(sql, [household_id, day, day, day], PEOPLE)


def registry_people(place_code: str, day: datetime.date) -> pyarrow.Table:
    """Everyone in the place's households on ``day``; ``receives``: a benefit pays for them.
    Read from the registry's columnar snapshot (a whole place); benefits by SQL."""
    month, prefix = parse_month(day), prefix_of(place_code)
    paying = _fetch(
        f"SELECT b.household_id, b.member_id FROM {BENEFIT} b "
        f"JOIN {HOUSEHOLD} h ON h.id = b.household_id "
        f"WHERE h.region_id LIKE %s AND {in_force_sql('b', '%s')}",
        [prefix + "%", month, month],
        PAYING,
    )
    with snapshot.reading() as database:
        database.register("paying", paying)
        return (
            database.sql(
                "SELECT NULLIF(m.id_number_hash, '') AS person_hash, m.id AS member_id, "
                "m.household_id, h.region_id AS region_code, EXISTS (SELECT 1 FROM paying b "
                "WHERE b.household_id = m.household_id AND (b.member_id IS NULL "
                "OR b.member_id = m.id)) AS receives "
                "FROM members m JOIN households h ON h.id = m.household_id "
                f"WHERE starts_with(h.region_id, $prefix) AND {snapshot.MEMBER_ON_DAY} "
                "ORDER BY m.household_id, m.id",
                params={"prefix": prefix, "day": day},
            )
            .to_arrow_table()
            .cast(REGISTRY_PEOPLE)
        )


def staff() -> pyarrow.Table:
    """Every active account with an ID number: staff of civil affairs and village cadres."""
    sql = f"""
        SELECT id_number_hash, username FROM {User._meta.db_table}
        WHERE is_active = %s AND id_number_hash <> '' ORDER BY id
    """
    return _fetch(sql, [True], STAFF)


def _fetch(sql: str, parameters: Sequence, schema: pyarrow.Schema) -> pyarrow.Table:
    """The query's rows as columns; 0/1 flags become booleans (SQLite has no boolean)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        rows = cursor.fetchall()
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(schema)
    arrays = [_column(values, field.type) for values, field in zip(columns, schema, strict=True)]
    return pyarrow.Table.from_arrays(arrays, schema=schema)


def _column(values: Sequence, kind: pyarrow.DataType) -> pyarrow.Array:
    if kind == pyarrow.bool_():
        return pyarrow.array(values, pyarrow.int8()).cast(kind)
    return pyarrow.array(values, kind)
