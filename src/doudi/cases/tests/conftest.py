"""A township with its staff and one household in need, and a clock that can be moved."""

from __future__ import annotations

import pytest

from doudi.accounts.roles import Role
from doudi.cases.tests.helpers import Clock, Staff
from doudi.conftest import INSIDE_COUNTY, household_form
from doudi.registry.services import create_household


@pytest.fixture
def clock():
    moved = Clock()
    yield moved
    moved.stop()


@pytest.fixture
def staff(make_user) -> Staff:
    return Staff(
        handler=make_user(Role.TOWNSHIP_HANDLER),
        village=make_user(Role.VILLAGE_WORKER),
        reviewer=make_user(Role.TOWNSHIP_REVIEWER),
        county=make_user(Role.COUNTY_APPROVER),
        county_colleague=make_user(Role.COUNTY_APPROVER, INSIDE_COUNTY, "county_colleague"),
    )


@pytest.fixture
def household(staff, clock):
    """A rural household of two with no income on file: under the 低保 line. Registered in
    2026-01, before any case below begins."""
    clock.at("2026-01-05")
    form = household_form(incomes=[])
    household, _warnings = create_household(staff.handler, form, reason="登记")
    return household
