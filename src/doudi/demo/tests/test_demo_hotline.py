"""The demo's hotline: one ticket overdue and escalated to the county, one closed with the
caller's satisfaction; loaded once."""

from __future__ import annotations

import pytest

from doudi.accounts.models import User
from doudi.conftest import household_form, member_form
from doudi.demo.hotline import load_demo_hotline
from doudi.demo.loader import load_demo
from doudi.hotline.models import DutyShift, Ticket
from doudi.registry.services import create_household


@pytest.mark.django_db
def test_the_demo_hotline_has_an_escalated_and_a_satisfied_ticket():
    load_demo()
    handler = User.objects.get(username="handler")
    head = member_form("41082119600101009", "来电户")
    create_household(handler, household_form(members=[head], incomes=[]), reason="登记")
    assert load_demo_hotline() == 4
    escalated = Ticket.objects.get(state="escalated")
    assert escalated.escalated_on is not None and escalated.due_on < escalated.escalated_on
    closed = Ticket.objects.get(state="closed")
    assert closed.satisfaction == "satisfied" and closed.household_id is not None
    assert Ticket.objects.filter(referred_to_supervision_on__isnull=False).count() == 1
    assert DutyShift.objects.get().staff == handler
    assert load_demo_hotline() == 0 and Ticket.objects.count() == 4
