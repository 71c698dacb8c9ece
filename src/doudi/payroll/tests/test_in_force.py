"""Which benefits are in force in a month: the ORM and the SQL forms say the same, at every edge
(first month, last month, open end, stopped before it started), and each reader uses them."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from doudi.benefits.models import Benefit
from doudi.benefits.queries import in_force, in_force_sql
from doudi.payroll.tests.conftest import APRIL, MAY

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2026, 3, 1)
JUNE = datetime.date(2026, 6, 1)
DECEMBER = datetime.date(2025, 12, 1)
JANUARY = datetime.date(2026, 1, 1)


def _sql_in_force(month: datetime.date) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT b.id FROM benefits_benefit b WHERE {in_force_sql('b', '%(month)s')}",
            {"month": month},
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def spans(on_benefit) -> dict[str, Benefit]:
    """Three benefits from April: open-ended, April only, and stopped in March (before its
    start: never in force)."""
    open_ended, april_only, never = on_benefit
    Benefit.objects.filter(pk=april_only.pk).update(end_month=APRIL)
    Benefit.objects.filter(pk=never.pk).update(end_month=MARCH)
    return {"open": open_ended, "april": april_only, "never": never}


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (MARCH, set()),  # before the first month
        (APRIL, {"open", "april"}),  # the first month, and a last month equal to it
        (datetime.date(2026, 4, 30), {"open", "april"}),  # a day stands for its month
        (MAY, {"open"}),  # the month after the last
        (JUNE, {"open"}),
    ],
)
def test_the_orm_and_the_sql_agree_at_the_edges(spans, month, expected):
    ids = {spans[name].pk for name in expected}
    assert set(Benefit.objects.in_force(month).values_list("id", flat=True)) == ids
    assert set(Benefit.objects.filter(in_force(month)).values_list("id", flat=True)) == ids
    assert _sql_in_force(month.replace(day=1)) & {b.pk for b in spans.values()} == ids


def test_a_benefit_across_the_new_year(on_benefit):
    benefit = on_benefit[0]
    Benefit.objects.filter(pk=benefit.pk).update(start_month=DECEMBER, end_month=JANUARY)
    for month, inside in [(DECEMBER, True), (JANUARY, True), (datetime.date(2026, 2, 1), False)]:
        assert Benefit.objects.in_force(month).filter(pk=benefit.pk).exists() is inside
        assert (benefit.pk in _sql_in_force(month)) is inside


def test_reaching_benefits_through_another_model(spans):
    from doudi.payroll.models import PayrollLine

    where = in_force(MAY, through="benefit__")
    assert str(where).count("benefit__start_month__lte") == 1
    assert not PayrollLine.objects.filter(where).exists()  # no lines yet, but the query runs
