"""The reserve fund: paid the same day within the limit; never below zero; audited."""

from __future__ import annotations

import pytest

from doudi.accounts.roles import Role
from doudi.audit.models import AuditEvent
from doudi.errors import DoudiError, NotPermitted, OutsideJurisdiction
from doudi.reserve_fund.models import ReserveFund, ReserveMovement
from doudi.reserve_fund.services import move

pytestmark = pytest.mark.django_db
TOWNSHIP = "410821902000"


@pytest.fixture
def county(make_user):
    return make_user(Role.COUNTY_APPROVER)


@pytest.fixture
def handler(make_user):
    return make_user(Role.TOWNSHIP_HANDLER)


def test_allocation_then_an_emergency_payment_the_same_day(county, handler):
    move(county, TOWNSHIP, "allocation", 500_000, reason="2026 年备用金")
    payment = move(handler, TOWNSHIP, "payment", 80_000, reason="火灾急难救助", recipient="张三")
    assert payment.balance_after_fen == 420_000
    assert ReserveFund.objects.get().balance_fen == 420_000
    assert (
        AuditEvent.objects.filter(action="reserve_fund.payment").get().after["balance_fen"]
        == 420_000
    )


def test_a_payment_above_the_balance_is_refused_and_changes_nothing(county, handler):
    move(county, TOWNSHIP, "allocation", 50_000, reason="备用金")
    with pytest.raises(DoudiError) as caught:
        move(handler, TOWNSHIP, "payment", 50_001, reason="急难")
    assert "500.00" in caught.value.render() and "500.01" in caught.value.render()
    assert ReserveFund.objects.get().balance_fen == 50_000
    assert ReserveMovement.objects.count() == 1


def test_a_payment_above_the_townships_limit_is_refused(county, handler):
    move(county, TOWNSHIP, "allocation", 1_000_000, reason="备用金")
    move(handler, TOWNSHIP, "payment", 100_000, reason="at the limit (1,000 元, local example)")
    with pytest.raises(DoudiError) as caught:
        move(handler, TOWNSHIP, "payment", 100_001, reason="over the limit")
    assert "1,000.01" in caught.value.render("en") and "1,000.00" in caught.value.render()
    assert ReserveFund.objects.get().balance_fen == 900_000


def test_roles_and_places(county, handler, make_user):
    with pytest.raises(NotPermitted):
        move(handler, TOWNSHIP, "allocation", 100, reason="x")  # townships do not fund themselves
    with pytest.raises(NotPermitted):
        move(make_user(Role.FINANCE_OFFICER), TOWNSHIP, "payment", 100, reason="x")
    with pytest.raises(OutsideJurisdiction):
        move(county, "410825902000", "allocation", 100, reason="x")
    with pytest.raises(DoudiError):
        move(county, TOWNSHIP, "allocation", 0, reason="x")
    assert not ReserveMovement.objects.exists()
