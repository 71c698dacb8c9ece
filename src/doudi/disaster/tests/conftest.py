"""A flood in the inside village, its households and the payroll's three parties."""

from __future__ import annotations

import datetime

import pytest

from doudi.conftest import INSIDE_VILLAGE, household_form, member_form
from doudi.disaster import services
from doudi.payroll.tests.conftest import parties  # noqa: F401
from doudi.registry.services import create_household

STRUCK = datetime.date(2026, 7, 20)


def family(staff, number: int, size: int, region: str = INSIDE_VILLAGE, **head):
    """A household of ``size`` members (ID numbers unique per ``number``, 1–28), the head with
    a social-security card."""
    members = [
        member_form(
            f"410821{1960 + i}01{number:02d}{i + 1:03d}",
            f"户{number}成员{i + 1}",
            relation="head" if i == 0 else "child",
            **({"social_security_card": f"6217000000{number:04d}"} | head if i == 0 else {}),
        )
        for i in range(size)
    ]
    household, _warnings = create_household(
        staff.handler, household_form(region, members=members, incomes=[]), reason="登记"
    )
    return household


@pytest.fixture
def flood(staff, clock):
    clock.at("2026-08-03")
    return services.create_event(
        staff.county,
        kind="flood",
        name="2026年7月洪涝灾害",
        started_on=STRUCK,
        ended_on=datetime.date(2026, 7, 25),
        response_level=4,
        places=[INSIDE_VILLAGE],
    )


def report(staff, event, household, **impact):
    return services.report_impact(
        staff.village,
        event.pk,
        household=household.pk,
        persons_affected=impact.pop("persons_affected", household.members.count()),
        **impact,
    )
