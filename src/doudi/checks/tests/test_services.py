"""A check from the registry to the findings: a place's recipients, and one household."""

from __future__ import annotations

import datetime

import pytest

from doudi.checks.services import check_household, check_place
from doudi.checks.tests.dataset import write_snapshot
from doudi.conftest import INSIDE_COUNTY
from doudi.payroll.tests.conftest import approve_minimum_living
from doudi.registry.models import Member

pytestmark = pytest.mark.django_db
JUNE = datetime.date(2026, 6, 30)


@pytest.fixture
def snapshots(household, tmp_path):
    head, spouse = Member.objects.filter(household=household).order_by("id")
    deaths = [(head.id_number_hash, {"cancellation": "death", "cancelled_on": "2026-05-20"})]
    cars = [(spouse.id_number_hash, {"plate": "豫H12345", "use": "private", "state": "normal"})]
    return {
        "deaths": write_snapshot(tmp_path, "deaths", deaths),
        "vehicles": write_snapshot(tmp_path, "vehicles", cars),
    }


def test_a_place_check_finds_the_dead_recipient_and_the_car(staff, household, clock, snapshots):
    clock.at("2026-03-02")
    approve_minimum_living(staff, household, "2026-03-02")
    found = check_place(INSIDE_COUNTY, JUNE, snapshots)
    rows = found.select(["kind", "household_id", "delivery_id"]).to_pylist()
    # Jiaozuo allows no car (assets.max_cars = 0).
    assert rows == [
        {"kind": "death_still_paid", "household_id": household.pk, "delivery_id": 101},
        {"kind": "vehicles_over_limit", "household_id": household.pk, "delivery_id": 102},
    ]


def test_a_household_check_needs_no_benefit(household, snapshots):
    found = check_household(household, JUNE, snapshots)
    assert found.column("kind").to_pylist() == ["death_still_paid", "vehicles_over_limit"]
    assert check_place(INSIDE_COUNTY, JUNE, snapshots).num_rows == 0
