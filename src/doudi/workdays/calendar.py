"""Counting working days: the maintained library (chinese-calendar) knows each year's public
holidays and adjusted working days (调休) once the State Council publishes them; an
administrator's entries override it, and cover years it does not know yet. For such a year,
days without an entry count as working Monday to Friday, and ``year_known`` says so, so that a
deadline computed there can be shown as provisional.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import chinese_calendar

from doudi.workdays.models import CalendarDay


@dataclass(frozen=True)
class WorkingCalendar:
    overrides: dict[datetime.date, bool]

    @classmethod
    def current(cls) -> WorkingCalendar:
        return cls(dict(CalendarDay.objects.values_list("day", "working")))

    @staticmethod
    def year_known(year: int) -> bool:
        try:
            chinese_calendar.is_workday(datetime.date(year, 1, 1))
        except NotImplementedError:
            return False
        return True

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            return day.weekday() < 5

    def add_working_days(self, start: datetime.date, count: int) -> datetime.date:
        """The day on which ``count`` working days after ``start`` have passed (``start``
        itself not counted): the last day of a deadline of ``count`` working days."""
        day, left = start, count
        while left > 0:
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after ``start`` up to and including ``end``."""
        return sum(
            1
            for offset in range(1, (end - start).days + 1)
            if self.is_working_day(start + datetime.timedelta(days=offset))
        )
