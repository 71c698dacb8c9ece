"""The demo's flood: one verified and one waiting impact report in 示例一村, and a winter–spring
wave listing the verified household; loaded once."""

from __future__ import annotations

import pytest

from doudi.accounts.models import User
from doudi.conftest import household_form, member_form
from doudi.demo.disaster import FLOODED_VILLAGE, load_demo_disaster
from doudi.demo.loader import load_demo
from doudi.disaster.models import Event, ImpactReport, WaveEntry
from doudi.registry.services import create_household


@pytest.mark.django_db
def test_the_demo_flood_has_a_verified_and_a_waiting_report_and_a_wave():
    load_demo()
    handler = User.objects.get(username="handler")
    for number in (1, 2):
        head = member_form(f"4108211960010{number}00{number}", f"受灾户{number}")
        create_household(
            handler, household_form(FLOODED_VILLAGE, members=[head], incomes=[]), reason="登记"
        )
    assert load_demo_disaster() == 2
    event = Event.objects.get()
    states = sorted(ImpactReport.objects.filter(event=event).values_list("state", flat=True))
    assert states == ["reported", "verified"]
    assert WaveEntry.objects.count() == 1
    assert load_demo_disaster() == 0 and ImpactReport.objects.count() == 2
