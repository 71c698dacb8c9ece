"""Days and months at the edges: what people type (YYYY-MM-DD, YYYY-MM), read into dates, and
the month arithmetic every app shares. A month inside is the date of its first day."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.errors import DoudiError

# Exactly what the messages promise: ASCII digits, dashes, two-digit months and days (Python's
# fromisoformat alone would also take 20260901 and week dates such as 2026-W36-2).
DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MONTH_PATTERN = re.compile(r"([0-9]{4})-([0-9]{2})")
FIRST_YEAR = 1900  # a month before it is a typing mistake, never a month of assistance
# A day after this year is a typing mistake too (9999-12-31 is the classic one), and so close to
# the calendar's end that the day arithmetic after it (a day later, a deadline) would overflow.
LAST_YEAR = 2999


def parse_date(text: object, *, field: str, required: bool = False) -> datetime.date | None:
    """A date typed as YYYY-MM-DD; empty gives None unless ``required``."""
    if isinstance(text, datetime.datetime):  # a datetime is a date too: keep only the day
        return text.date()
    if isinstance(text, datetime.date):
        return text
    value = "" if text is None else str(text).strip()
    if not value:
        if required:
            raise DoudiError(_("This field is required."), field=field)
        return None
    try:
        if not DATE_PATTERN.fullmatch(value):
            raise ValueError(value)
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise DoudiError(
            _("“%(value)s” is not a date (YYYY-MM-DD)."), field=field, value=value
        ) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise DoudiError(
            _("“%(value)s” lies outside the years %(first)d to %(last)d."),
            field=field,
            value=value,
            first=FIRST_YEAR,
            last=LAST_YEAR,
        )
    return day


def required_date(text: object, *, field: str) -> datetime.date:
    """A date that must be given."""
    day = parse_date(text, field=field, required=True)
    assert day is not None
    return day


def not_beyond(
    day: datetime.date | None,
    *,
    field: str,
    days_ahead: int,
    today: datetime.date | None = None,
) -> datetime.date | None:
    """``day`` (None stays None) unless it lies more than ``days_ahead`` days after ``today``
    (by default today in Asia/Shanghai), refused naming ``field``. Each field decides how far
    ahead makes sense: 0 for what has happened (a death), a few weeks for what is planned (a
    member moving in), a year for looking ahead."""
    if day is None:
        return None
    latest = (today or timezone.localdate()) + datetime.timedelta(days=days_ahead)
    if day > latest:
        raise DoudiError(
            _("%(value)s is too far ahead: it may be %(latest)s at the latest."),
            field=field,
            value=day.isoformat(),
            latest=latest.isoformat(),
        )
    return day


def parse_month(text: object, *, field: str = "month") -> datetime.date:
    """A month typed as YYYY-MM (or a date in it), as the date of its first day."""
    if isinstance(text, datetime.date):
        return datetime.date(text.year, text.month, 1)
    value = "" if text is None else str(text).strip()
    try:
        match = MONTH_PATTERN.fullmatch(value)
        if not match or not FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
            raise ValueError(value)
        return datetime.date(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise DoudiError(
            _("“%(value)s” is not a month (YYYY-MM)."), field=field, value=value
        ) from None


def month_text(month: datetime.date) -> str:
    """2026-09: the month as people type it back."""
    return f"{month.year:04d}-{month.month:02d}"


def add_months(month: datetime.date, count: int) -> datetime.date:
    """The first day of the month ``count`` months after (negative: before) ``month``."""
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def next_month(month: datetime.date) -> datetime.date:
    return add_months(month, 1)


def month_before(month: datetime.date) -> datetime.date:
    return add_months(month, -1)


def last_day(month: datetime.date) -> datetime.date:
    """The last day of the month ``month`` falls in."""
    return next_month(month) - datetime.timedelta(days=1)


def months_after(day: datetime.date, count: int) -> datetime.date:
    """The same day ``count`` months later, or that month's last day where it is shorter."""
    first = add_months(day, count)
    return first.replace(day=min(day.day, last_day(first).day))
