"""A 低保 household of two, a 特困 person, a person on no programme and a household outside
the county; the clock in August 2026."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from doudi.accounts.roles import Role
from doudi.benefits.tests.factories import approved_benefit
from doudi.cases.procedures import CaseProgramme
from doudi.conftest import OUTSIDE_TOWNSHIP, OUTSIDE_VILLAGE, household_form, member_form
from doudi.registry.models import Member
from doudi.registry.services import create_household

TODAY = "2026-08-03"
SINCE = datetime.date(2025, 1, 1)


@dataclass
class People:
    dibao: Member  # head of a 低保 household
    dibao_spouse: Member
    tekun: Member
    nobody: Member  # on no programme
    outside: Member  # in another county


def number(member: Member) -> str:
    return member.reveal_id_number()


def household(staff, members):
    form = household_form(members=members, incomes=[])
    created, _warnings = create_household(staff.handler, form, reason="登记")
    return list(Member.objects.filter(household=created).order_by("id"))


@pytest.fixture
def people(staff, clock, make_user) -> People:
    clock.at(TODAY)
    head, spouse = household(
        staff,
        [
            member_form("41082119700101001", "张医"),
            member_form("41082119720202002", "李医", relation="spouse"),
        ],
    )
    approved_benefit(staff.county, head, SINCE)
    (tekun,) = household(staff, [member_form("41082119400303003", "王特")])
    approved_benefit(staff.county, tekun, SINCE, programme=CaseProgramme.EXTREME_HARDSHIP)
    (nobody,) = household(staff, [member_form("41082119800404004", "赵常")])
    return People(head, spouse, tekun, nobody, _outside(staff, make_user))


def _outside(staff, make_user) -> Member:
    handler = make_user(Role.TOWNSHIP_HANDLER, OUTSIDE_TOWNSHIP, "outside_handler")
    form = household_form(members=[member_form("41082519650505005", "钱外")], incomes=[])
    form["region"] = OUTSIDE_VILLAGE
    created, _warnings = create_household(handler, form, reason="登记")
    return Member.objects.get(household=created)


def claim_body(member: Member, settlement: str, **overrides) -> dict:
    return {
        "id_number": number(member),
        "settlement_number": settlement,
        "settled_on": datetime.date(2026, 3, 1),
        "kind": "inpatient",
        "hospital": "焦作市人民医院",
        "paid_to": "hospital",
        "total_cost_fen": 1_000_000,
        "basic_fen": 200_000,
        "critical_fen": 50_000,
        "supplementary_fen": 50_000,
        **overrides,
    }
