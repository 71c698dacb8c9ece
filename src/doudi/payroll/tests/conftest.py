"""Three households on 低保 from April 2026 (approved in March), each head with a card; and the
three parties of the payroll: civil affairs (the county), finance and the bank."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from doudi.accounts.models import User
from doudi.accounts.roles import Role
from doudi.benefits.models import Benefit
from doudi.cases import services as cases
from doudi.cases.tests.helpers import Staff, investigate, open_case
from doudi.conftest import household_form, member_form
from doudi.registry.services import create_household

COUNTY = "410821000000"


@dataclass
class Parties:
    civil_affairs: User
    finance: User
    bank: User


@pytest.fixture
def parties(staff, make_user) -> Parties:
    return Parties(staff.county, make_user(Role.FINANCE_OFFICER), make_user(Role.BANK_OPERATOR))


def household_with_card(staff: Staff, number: int):
    head = member_form(
        f"410821197001{number:02d}{number:03d}",
        f"户主{number}",
        social_security_card=f"62170000000000{number:04d}",
    )
    household, _warnings = create_household(
        staff.handler, household_form(members=[head], incomes=[]), reason="登记"
    )
    return household


def approve_minimum_living(staff: Staff, household, day: str) -> Benefit:
    case = open_case(staff, household)
    cases.accept(staff.handler, case.pk)
    investigate(staff, case, day)
    cases.request_check(staff.handler, case.pk)
    cases.record_check(staff.county, case.pk, result="consistent")
    cases.give_opinion(staff.handler, case.pk, recommends_approval=False, text="意见")
    return cases.approve(staff.county_colleague, case.pk, reasons="符合条件").decision.benefit


@pytest.fixture
def on_benefit(staff, clock) -> list[Benefit]:
    clock.at("2026-03-02")
    return [
        approve_minimum_living(staff, household_with_card(staff, n), "2026-03-02")
        for n in (1, 2, 3)
    ]


APRIL = datetime.date(2026, 4, 1)
MAY = datetime.date(2026, 5, 1)
