"""The registry exports: who a benefit pays for in a place, a household's members, and who
in the registry receives nothing."""

from __future__ import annotations

import datetime

import pytest

from doudi.checks.people import PEOPLE, household_members, recipients, registry_people
from doudi.conftest import (
    INSIDE_COUNTY,
    OUTSIDE_COUNTY,
    household_form,
    member_form,
    valid_id_number,
)
from doudi.identity.protection import lookup_hash
from doudi.payroll.tests.conftest import approve_minimum_living
from doudi.registry.models import Member
from doudi.registry.services import create_household

pytestmark = pytest.mark.django_db
APRIL = datetime.date(2026, 4, 15)


@pytest.fixture
def on_benefit(staff, household, clock):
    clock.at("2026-03-02")
    benefit = approve_minimum_living(staff, household, "2026-03-02")
    return benefit


def test_recipients_are_the_members_a_benefit_pays_for(on_benefit):
    found = recipients(INSIDE_COUNTY, APRIL)
    assert found.schema == PEOPLE
    members = list(Member.objects.filter(household=on_benefit.household).order_by("id"))
    assert found.to_pylist() == [
        {
            "person_hash": member.id_number_hash,
            "member_id": member.id,
            "household_id": on_benefit.household_id,
            "region_code": on_benefit.region_id,
            "programme": "minimum_living",
            "benefit_id": on_benefit.id,
            "counted": True,
            "payee": member.id == on_benefit.payee_id,
        }
        for member in members
    ]
    assert found.column("person_hash")[0].as_py() == lookup_hash(
        valid_id_number("41082119700101001")
    )


def test_no_recipients_before_the_first_month_or_elsewhere(on_benefit):
    assert recipients(INSIDE_COUNTY, datetime.date(2026, 3, 31)).num_rows == 0
    assert recipients(OUTSIDE_COUNTY, APRIL).num_rows == 0


def test_an_excluded_member_is_not_counted_and_one_who_left_is_gone(on_benefit):
    head, spouse = Member.objects.filter(household=on_benefit.household).order_by("id")
    Member.objects.filter(pk=spouse.pk).update(excluded_reason="prisoner")
    assert recipients(INSIDE_COUNTY, APRIL).column("counted").to_pylist() == [True, False]
    Member.objects.filter(pk=spouse.pk).update(left_on=datetime.date(2026, 4, 10))
    assert recipients(INSIDE_COUNTY, APRIL).column("member_id").to_pylist() == [head.pk]


def test_a_member_without_an_id_number_hash_has_none(on_benefit):
    head, spouse = Member.objects.filter(household=on_benefit.household).order_by("id")
    Member.objects.filter(pk=spouse.pk).update(id_number_hash="")
    hashes = recipients(INSIDE_COUNTY, APRIL).column("person_hash").to_pylist()
    assert hashes == [head.id_number_hash, None]


def test_household_members_for_a_case(household):
    found = household_members(household.pk, datetime.date(2026, 2, 1))
    assert found.schema == PEOPLE
    assert found.column("household_id").to_pylist() == [household.pk, household.pk]
    assert found.column("benefit_id").to_pylist() == [None, None]
    assert found.column("counted").to_pylist() == [True, True]


def test_registry_people_say_who_receives(on_benefit, staff):
    form = household_form(members=[member_form("41082119800303003", "王五")], incomes=[])
    other, _warnings = create_household(staff.handler, form, reason="登记")
    found = registry_people(INSIDE_COUNTY, APRIL)
    rows = found.select(["household_id", "receives"]).to_pylist()
    assert {row["household_id"]: row["receives"] for row in rows} == {
        on_benefit.household_id: True,
        other.pk: False,
    }
    assert found.num_rows == 3
