"""The demo's cases of today are walked through the real services: every state a day allows,
beside the demo recipients approved in the past (test_demo_recipients) and the cases opened on
past working days (test_demo_history)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from doudi.audit.verification import verify_chain
from doudi.benefits.models import Benefit
from doudi.cases.models import Case
from doudi.demo import history
from doudi.demo.cases import TOWNSHIP, demo_case_households
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
    states = sorted(today_s.values_list("state", flat=True))
    assert states == sorted(
        [
            "submitted",
            "accepted",
            "investigated",
            "check_requested",
            "checked",
            "on_notice",
            "on_notice",
            "on_notice",
            "paid_awaiting_papers",
        ]
    )
    # The emergency of the history was paid from the same fund.
    fund = ReserveFund.objects.get(township_id=TOWNSHIP)
    assert fund.balance_fen == 500_000 - 80_000 - history.EMERGENCY_AMOUNT_FEN
    cases = Case.objects.count()
    call_command("demo", "load", stdout=io.StringIO())
    assert Case.objects.count() == cases
    assert verify_chain().intact
