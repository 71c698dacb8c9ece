"""Benefits come only from decisions: approval starts one, a change replaces it from its month,
a termination ends it; a refusal or temporary assistance creates none."""

from __future__ import annotations

import datetime

import pytest

from doudi.benefits.models import Benefit
from doudi.cases import services
from doudi.cases.models import Case
from doudi.cases.tests.helpers import investigate, open_case

pytestmark = pytest.mark.django_db
D = datetime.date.fromisoformat


def decided(staff, case: Case, day: str, *, approve: bool = True) -> Case:
    services.accept(staff.handler, case.pk)
    investigate(staff, case, day)
    services.request_check(staff.handler, case.pk)
    services.record_check(staff.county, case.pk, result="consistent")
    services.give_opinion(staff.handler, case.pk, recommends_approval=False, text="意见")
    if approve:
        return services.approve(staff.county, case.pk, reasons="符合条件")
    return services.refuse(staff.county, case.pk, reasons="不符合")


def test_approval_change_and_termination(staff, household, clock):
    clock.at("2026-03-02")
    first = decided(staff, open_case(staff, household), "2026-03-02")
    benefit = first.decision.benefit
    head = household.members.get(relation="head")
    assert (benefit.start_month, benefit.end_month, benefit.payee) == (D("2026-04-01"), None, head)
    assert benefit.monthly_amount_fen == first.decision.monthly_amount_fen > 0
    assert first.transitions.last().details["benefit"] == benefit.pk

    clock.at("2026-06-15")
    change = decided(staff, open_case(staff, household, kind="change"), "2026-06-15")
    benefit.refresh_from_db()
    assert (benefit.end_month, benefit.ended_by) == (D("2026-06-01"), change.decision)
    assert change.decision.benefit.start_month == D("2026-07-01")

    clock.at("2026-09-10")
    stop = decided(staff, open_case(staff, household, kind="termination"), "2026-09-10")
    latest = change.decision.benefit
    latest.refresh_from_db()
    assert (latest.end_month, latest.ended_by) == (D("2026-09-01"), stop.decision)
    assert Benefit.objects.count() == 2


def test_a_refusal_creates_no_benefit(staff, household, clock):
    clock.at("2026-03-02")
    decided(staff, open_case(staff, household), "2026-03-02", approve=False)
    assert not Benefit.objects.exists()
