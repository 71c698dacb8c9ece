"""What the warning run read of the registry before the columnar snapshot: SQL on the tables.

Kept only here, as the oracle the snapshot read (``signals.watched``) must agree with: the
members of the place on the day as ``checks.people.registry_people`` read them by SQL, and the
monitored households' members' incomes summed in the database.
"""

from __future__ import annotations

import datetime

import pyarrow
from django.db import connection

from doudi.columnar.tests.oracle import sql_registry_people
from doudi.early_warning.signals import YEAR_DAYS, Watched, monitored_households
from doudi.registry.choices import IncomeType


def sql_watched(place_code: str, day: datetime.date) -> Watched | None:
    monitored = monitored_households(place_code)
    if not monitored.num_rows:
        return None
    people = sql_registry_people(place_code, day).select(
        ["person_hash", "household_id", "member_id"]
    )
    since = (day - datetime.timedelta(days=YEAR_DAYS)).replace(day=1)
    return Watched(monitored, people, _member_incomes(since, day))


def _member_incomes(first_month: datetime.date, day: datetime.date) -> pyarrow.Table:
    recorded = (
        "FROM registry_income WHERE month >= %s AND month <= %s AND household_id IN"
        " (SELECT household_id FROM monitoring_monitoredentry WHERE left_on IS NULL)"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.household_id, i.member_id, SUM(i.amount_fen), SUM(CASE WHEN i.income_type"
            " = %s THEN i.amount_fen ELSE 0 END), SUM(CASE WHEN i.income_type = %s"
            " THEN i.amount_fen ELSE 0 END), n.months FROM registry_income i"
            " JOIN (SELECT household_id, COUNT(DISTINCT month) AS months "
            f"{recorded} GROUP BY household_id) n ON n.household_id = i.household_id"
            " WHERE i.month >= %s AND i.month <= %s"
            " GROUP BY i.household_id, i.member_id, n.months",
            [IncomeType.WAGE, IncomeType.CENTRAL_BASIC_PENSION, first_month, day, first_month, day],
        )
        rows = cursor.fetchall()
    return pyarrow.table(
        {
            "household_id": pyarrow.array([r[0] for r in rows], pyarrow.int64()),
            "member_id": pyarrow.array([r[1] for r in rows], pyarrow.int64()),
            "income": pyarrow.array([int(r[2]) for r in rows], pyarrow.int64()),
            "wages": pyarrow.array([int(r[3]) for r in rows], pyarrow.int64()),
            "pensions": pyarrow.array([int(r[4]) for r in rows], pyarrow.int64()),
            "months": pyarrow.array([int(r[5]) for r in rows], pyarrow.int64()),
        }
    )
