"""The demo's cases are walked through the real services: every state a day allows."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from doudi.audit.verification import verify_chain
from doudi.cases.models import Case
from doudi.reserve_fund.models import ReserveFund


@pytest.mark.django_db
def test_demo_load_opens_cases_at_each_step_and_pays_one_emergency():
    call_command("demo", "load", stdout=io.StringIO())
    states = sorted(Case.objects.values_list("state", flat=True))
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
    assert Case.objects.count() == 9
    assert verify_chain().intact
