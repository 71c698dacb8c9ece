"""The limits of a check come from the policy rules in force: shipped, and adopted by a bureau."""

from __future__ import annotations

import datetime

import pytest

from doudi.checks.parameters import parameters_for
from doudi.checks.rules import Parameters
from doudi.conftest import INSIDE_COUNTY, INSIDE_VILLAGE
from doudi.policy.models import RegionalValue, ValueStatus

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 6, 30)


def test_the_shipped_limits_of_jiaozuo():
    assert parameters_for(INSIDE_VILLAGE, DAY) == Parameters(
        max_cars=0,
        max_homes=1,
        max_business_capital_fen=10_000_000,
        financial_limit_fen_per_person=24 * 37_700,
        income_line_fen_per_person=37_700,
        as_of=DAY,
    )
    urban = parameters_for(INSIDE_VILLAGE, DAY, urban=True)
    assert urban.income_line_fen_per_person == 60_000
    assert urban.financial_limit_fen_per_person == 24 * 60_000


def test_a_value_the_county_adopted_wins(places, staff):
    RegionalValue.objects.create(
        parameter="assets.max_cars",
        region_id=INSIDE_COUNTY,
        start=datetime.date(2026, 1, 1),
        value=1,
        document_number="修民〔2026〕1号",
        status=ValueStatus.ADOPTED,
        proposed_by=staff.county,
    )
    assert parameters_for(INSIDE_VILLAGE, DAY).max_cars == 1
    assert parameters_for(INSIDE_VILLAGE, datetime.date(2025, 12, 31)).max_cars == 0


def test_a_place_without_limits_is_refused():
    with pytest.raises(LookupError, match=r"assets\.max_cars"):
        parameters_for("110101000000", DAY)
