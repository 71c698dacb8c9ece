"""The demo's medical assistance: three inpatient claims stopping at the annual cap, an
outpatient claim to be paid to the person, a major-illness claim waiting, the year's premium
list; the county sees them on its page; loaded once."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from doudi.accounts.models import User
from doudi.benefits.tests.factories import approved_benefit
from doudi.conftest import household_form, member_form
from doudi.demo.loader import load_demo
from doudi.demo.medical import load_demo_medical
from doudi.medical.models import Claim, PremiumList
from doudi.registry.models import Member
from doudi.registry.services import create_household


@pytest.mark.django_db
def test_the_demo_claims_show_the_cap_and_the_premium_list():
    load_demo()
    handler, county = User.objects.get(username="handler"), User.objects.get(username="county")
    since = timezone.localdate().replace(day=1) - datetime.timedelta(days=400)
    for number in (1, 2, 3):
        head = member_form(f"4108211960010{number}00{number}", f"医疗户{number}")
        household, _warnings = create_household(
            handler, household_form(members=[head], incomes=[]), reason="登记"
        )
        approved_benefit(county, Member.objects.get(household=household), since.replace(day=1))
    assert load_demo_medical() == 5
    capped = Claim.objects.filter(kind="inpatient").order_by("settled_on")
    assert sum(c.assistance_fen for c in capped) == capped[0].annual_cap_fen
    assert Claim.objects.filter(state="recorded").count() == 1
    assert PremiumList.objects.get().persons == 3
    client = Client()
    client.force_login(county)
    page = client.get("/medical/").content.decode()
    assert 'data-testid="at-cap-inpatient">1<' in page and "/medical/premiums/" in page
    assert load_demo_medical() == 0 and Claim.objects.count() == 5
