"""The demo's cases of today are walked through the real services: every state a day allows,
beside the demo recipients approved in the past (test_demo_recipients) and the cases opened on
past working days (test_demo_history)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from doudi.accounts.models import User
from doudi.audit.verification import verify_chain
from doudi.benefits.models import Benefit
from doudi.cases.models import Case
from doudi.cases.presentation import current_finding
from doudi.cases.procedures import State
from doudi.demo import history
from doudi.demo.cases import APPROVAL_OPINION, TOWNSHIP, VILLAGE, demo_case_households
from doudi.demo.recipients import RECIPIENTS
from doudi.reserve_fund.models import ReserveFund


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_load_opens_cases_at_each_step_and_pays_one_emergency():
    call_command("demo", "load", stdout=io.StringIO())
    # The full demo registry has as many eligible households as the demo wants recipients.
    month = timezone.localdate().replace(day=1)
    assert Benefit.objects.in_force(month).count() == RECIPIENTS
    today_s = Case.objects.filter(household__in=demo_case_households())
    assert {case.region_id for case in today_s} == {VILLAGE}  # the village worker's
    states = sorted(today_s.filter(opinions__isnull=True).values_list("state", flat=True))
    assert states == sorted(
        [
            "submitted",
            "accepted",
            "investigated",
            "check_requested",
            "checked",
            "paid_awaiting_papers",
        ]
    )
    # The township's opinion follows the rules: a proposed approval goes on notice, a proposed
    # refusal (naming the conditions not met) waits for the county's confirmation.
    county = User.objects.get(username="county")
    opinions = [(case, case.opinions.get()) for case in today_s.filter(opinions__isnull=False)]
    assert len(opinions) == 3
    for case, opinion in opinions:
        finding = current_finding(county, case)
        assert opinion.recommends_approval is finding.eligible, case
        if opinion.recommends_approval:
            assert (case.state, opinion.text) == (State.ON_NOTICE, APPROVAL_OPINION)
        else:
            assert case.state == State.AWAITING_CONFIRMATION
            assert finding.failed_tests and all(t in opinion.text for t in finding.failed_tests)
    # The emergency of the history was paid from the same fund.
    fund = ReserveFund.objects.get(township_id=TOWNSHIP)
    assert fund.balance_fen == 500_000 - 80_000 - history.EMERGENCY_AMOUNT_FEN
    cases = Case.objects.count()
    call_command("demo", "load", stdout=io.StringIO())
    assert Case.objects.count() == cases
    assert verify_chain().intact


@pytest.mark.slow
@pytest.mark.django_db
def test_every_proposed_approval_waiting_for_the_county_is_one_the_rules_find_eligible():
    """The county can finish what the demo leaves waiting: no approval it is asked for is one
    ``services.approve`` would refuse (temporary emergencies are paid whatever the finding)."""
    call_command("demo", "load", stdout=io.StringIO())
    county = User.objects.get(username="county")
    waiting = Case.objects.filter(state__in=(State.ON_NOTICE, State.AWAITING_CONFIRMATION)).exclude(
        programme="temporary_emergency"
    )
    proposed = [case for case in waiting if case.opinions.last().recommends_approval]
    assert {case.programme for case in proposed} == {"minimum_living", "extreme_hardship"}
    for case in proposed:
        finding = current_finding(county, case)
        assert finding.eligible is True, (case, finding)
