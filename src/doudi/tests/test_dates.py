"""doudi.dates: what people type read into days and months, and the month arithmetic."""

from __future__ import annotations

import datetime

import pytest

from doudi.dates import (
    add_months,
    last_day,
    month_before,
    month_text,
    next_month,
    parse_date,
    parse_month,
    required_date,
)
from doudi.tests import refusal

D = datetime.date


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("2026-09-01", D(2026, 9, 1)),
        (" 2024-02-29 ", D(2024, 2, 29)),  # leap day, blanks around
        (D(2026, 1, 31), D(2026, 1, 31)),
        (datetime.datetime(2026, 3, 4, 23, 59), D(2026, 3, 4)),  # a datetime gives its day
    ],
)
def test_a_date_is_read(typed, day):
    read = parse_date(typed, field="joined_on")
    assert read == day and type(read) is datetime.date


@pytest.mark.parametrize(
    "typed",
    [
        "2026-02-30",
        "2023-02-29",
        "2026-13-01",
        "2026-9-1",
        "20260901",
        "2026-W36-2",
        "01.09.2026",
        "２０２６-09-01",
        "2026-09-01T00:00",
        "yesterday",
        True,
    ],
)
def test_anything_but_yyyy_mm_dd_is_refused_naming_the_field_and_the_value(typed):
    error = refusal(parse_date, typed, field="members[1].death_date")
    assert error.field == "members[1].death_date"
    assert str(typed) in error.render("en") and "YYYY-MM-DD" in error.render("en")
    assert "不是日期" in error.render("zh-hans")


def test_empty_is_none_unless_required():
    assert parse_date("", field="left_on") is None
    assert parse_date("   ", field="left_on") is None
    assert parse_date(None, field="left_on") is None
    error = refusal(parse_date, " ", field="left_on", required=True)
    assert error.field == "left_on" and error.render("en") == "This field is required."
    assert refusal(required_date, None, field="in_force_on").field == "in_force_on"
    assert required_date("2026-01-01", field="in_force_on") == D(2026, 1, 1)


@pytest.mark.parametrize(
    ("typed", "month"),
    [
        ("2026-09", D(2026, 9, 1)),
        (" 1900-01 ", D(1900, 1, 1)),
        ("2026-12", D(2026, 12, 1)),
        (D(2026, 9, 30), D(2026, 9, 1)),  # a day stands for its month
        (datetime.datetime(2026, 9, 30, 12), D(2026, 9, 1)),
    ],
)
def test_a_month_is_read_as_its_first_day(typed, month):
    read = parse_month(typed)
    assert read == month and type(read) is datetime.date


@pytest.mark.parametrize(
    "typed", ["2026-13", "2026-00", "2026-9", "26-09", "1899-12", "2026-09-01", "2026/09", "", None]
)
def test_anything_but_yyyy_mm_is_refused_naming_the_field(typed):
    error = refusal(parse_month, typed, field="incomes[0].month")
    assert error.field == "incomes[0].month" and "YYYY-MM" in error.render("en")
    assert refusal(parse_month, typed).field == "month"  # the default name


def test_month_text_is_what_parse_month_reads_back():
    for month in (D(2026, 1, 1), D(1900, 12, 1), D(2026, 10, 15)):
        assert parse_month(month_text(month)) == month.replace(day=1)
    assert month_text(D(2026, 3, 31)) == "2026-03"


@pytest.mark.parametrize(
    ("month", "count", "result"),
    [
        (D(2026, 12, 1), 1, D(2027, 1, 1)),  # December → January of the next year
        (D(2026, 1, 1), -1, D(2025, 12, 1)),  # January → December of the year before
        (D(2026, 5, 31), 0, D(2026, 5, 1)),
        (D(2026, 1, 31), 1, D(2026, 2, 1)),  # never "February 31st"
        (D(2026, 3, 1), -14, D(2025, 1, 1)),
        (D(2026, 3, 1), 24, D(2028, 3, 1)),
        (D(2026, 11, 1), -11, D(2025, 12, 1)),
    ],
)
def test_add_months_across_years_both_ways(month, count, result):
    assert add_months(month, count) == result


def test_next_and_previous_month_at_the_year_end():
    assert next_month(D(2026, 12, 15)) == D(2027, 1, 1)
    assert month_before(D(2027, 1, 1)) == D(2026, 12, 1)
    assert month_before(next_month(D(2026, 6, 1))) == D(2026, 6, 1)


@pytest.mark.parametrize(
    ("month", "day"),
    [
        (D(2026, 1, 1), D(2026, 1, 31)),
        (D(2026, 2, 10), D(2026, 2, 28)),
        (D(2024, 2, 1), D(2024, 2, 29)),
        (D(2100, 2, 1), D(2100, 2, 28)),  # not a leap year
        (D(2026, 4, 30), D(2026, 4, 30)),
        (D(2026, 12, 1), D(2026, 12, 31)),
    ],
)
def test_last_day_of_the_month(month, day):
    assert last_day(month) == day
