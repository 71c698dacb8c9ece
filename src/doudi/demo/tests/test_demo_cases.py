"""The demo's cases are walked through the real services: every state a day allows, beside the
demo recipients approved in the past (test_demo_recipients)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from doudi.audit.verification import verify_chain
from doudi.cases.models import Case
from doudi.demo.recipients import RECIPIENTS
from doudi.reserve_fund.models import ReserveFund


@pytest.mark.django_db
def test_demo_load_opens_cases_at_each_step_and_pays_one_emergency():
    call_command("demo", "load", stdout=io.StringIO())
    # The full demo registry has as many eligible households as the demo wants recipients.
    assert Case.objects.filter(state="approved").count() == RECIPIENTS
    states = sorted(Case.objects.exclude(state="approved").values_list("state", flat=True))
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
    assert ReserveFund.objects.get().balance_fen == 500_000 - 80_000
    call_command("demo", "load", stdout=io.StringIO())
    assert Case.objects.count() == 9 + RECIPIENTS
    assert verify_chain().intact
