"""The demo's temporary assistance: a grant approved in three monthly stages, a grant whose
household is referred to charity assistance, and the township's replenishment request listing
its emergency payment; loaded once."""

from __future__ import annotations

import datetime

import pytest

from doudi.accounts.models import User
from doudi.cases.models import Case, PaymentStage
from doudi.conftest import household_form, member_form
from doudi.demo.loader import load_demo
from doudi.demo.temporary import CHARITY_NEED, STAGED_NEED, TOWNSHIP, load_demo_temporary
from doudi.registry.services import create_household
from doudi.reserve_fund.models import ReplenishmentRequest
from doudi.reserve_fund.services import move


@pytest.mark.django_db
def test_the_demo_shows_a_staged_grant_a_charity_referral_and_a_replenishment_request(clock):
    clock.at("2026-02-02")
    load_demo()
    handler, county = (User.objects.get(username=n) for n in ("handler", "county"))
    for number in range(1, 13):  # more than the demo cases keep for themselves
        head = member_form(f"41082119600101{number:03d}", f"困难户{number}")
        create_household(
            handler, household_form("410821902001", members=[head], incomes=[]), reason="登记"
        )
    clock.at("2026-03-16")
    move(county, TOWNSHIP, "allocation", 500_000, reason="备用金")
    move(handler, TOWNSHIP, "payment", 60_000, reason="急难救助", recipient="某户")
    today = datetime.date(2026, 3, 16)
    assert load_demo_temporary(today) == 3
    staged = Case.objects.get(need=STAGED_NEED)
    stages = list(PaymentStage.objects.filter(decision__case=staged).order_by("sequence"))
    assert [s.due_on for s in stages] == [
        today,
        datetime.date(2026, 4, 10),
        datetime.date(2026, 5, 10),
    ]
    assert sum(s.amount_fen for s in stages) == staged.decision.total_amount_fen > 0
    referred = Case.objects.get(need=CHARITY_NEED)
    assert referred.window_needs.get().department == "charity"
    request = ReplenishmentRequest.objects.get()
    assert (request.state, request.amount_fen) == ("submitted", 60_000)
    assert load_demo_temporary(today) == 0
