"""Deadlines in working days across the Spring Festival, its adjusted working days, and a year
the library does not know yet."""

from __future__ import annotations

import datetime

import pytest

from doudi.accounts.roles import Role
from doudi.audit.models import AuditEvent
from doudi.errors import DoudiError, NotPermitted
from doudi.workdays.calendar import WorkingCalendar
from doudi.workdays.services import set_day

pytestmark = pytest.mark.django_db
D = datetime.date


def test_three_working_days_span_the_spring_festival_and_its_adjusted_saturday():
    calendar = WorkingCalendar.current()
    # 2026: Saturday 14 February is worked (调休); 15–23 February are the holiday.
    assert calendar.is_working_day(D(2026, 2, 14))
    assert not calendar.is_working_day(D(2026, 2, 16))
    assert calendar.add_working_days(D(2026, 2, 12), 3) == D(2026, 2, 24)
    assert calendar.working_days_between(D(2026, 2, 12), D(2026, 2, 24)) == 3


def test_a_thirty_working_day_procedure_started_before_the_festival():
    calendar = WorkingCalendar.current()
    deadline = calendar.add_working_days(D(2026, 2, 2), 30)
    assert calendar.working_days_between(D(2026, 2, 2), deadline) == 30
    assert (deadline - D(2026, 2, 2)).days > 42  # 30 working days plus the holiday


def test_an_unknown_year_counts_weekdays_until_an_administrator_sets_its_holidays(make_user):
    admin = make_user(Role.SYSTEM_ADMIN)
    assert not WorkingCalendar.year_known(2027)
    assert WorkingCalendar.current().is_working_day(D(2027, 1, 1))  # a Friday, not yet known
    set_day(admin, D(2027, 1, 1), working=False, name="元旦", reason="国务院办公厅通知")
    calendar = WorkingCalendar.current()
    assert not calendar.is_working_day(D(2027, 1, 1))
    assert calendar.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert AuditEvent.objects.filter(action="workdays.set_day").count() == 1


def test_only_administrators_set_days_and_with_a_reason(make_user):
    with pytest.raises(NotPermitted):
        set_day(
            make_user(Role.COUNTY_APPROVER), D(2027, 1, 1), working=False, name="元旦", reason="x"
        )
    with pytest.raises(DoudiError):
        set_day(make_user(Role.SYSTEM_ADMIN), D(2027, 1, 1), working=False, name="元旦", reason=" ")
    assert not AuditEvent.objects.filter(action="workdays.set_day").exists()
