"""A one-off grant pays exactly the previewed count and total, through the payroll."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from doudi.accounts.roles import Role
from doudi.conftest import CITY, valid_id_number
from doudi.errors import DoudiError, NotPermitted
from doudi.grants import services
from doudi.grants.models import GrantShare
from doudi.payroll import services as payroll_services
from doudi.payroll.tests.conftest import approve_minimum_living, household_with_card
from doudi.registry.services import add_member

pytestmark = pytest.mark.django_db
COUNTY = "410821000000"
FLOODED_VILLAGE = "410821902001"
JULY = datetime.date(2026, 7, 1)


@pytest.fixture
def city_finance(make_user):
    return make_user(Role.FINANCE_OFFICER, CITY, "city_finance")


@pytest.fixture
def cohort(staff, clock):
    """Three households on 低保 in the flooded village, one of them of two persons."""
    clock.at("2026-03-02")
    benefits = [
        approve_minimum_living(staff, household_with_card(staff, n), "2026-03-02")
        for n in (1, 2, 3)
    ]
    return benefits


def test_a_grant_pays_exactly_the_previewed_count_and_total(
    staff, parties, cohort, clock, make_user, city_finance
):
    clock.at("2026-06-20")
    add_member(
        staff.handler,
        cohort[0].household_id,
        {
            "name": "子女",
            "id_number": valid_id_number("41082120260501001"),
            "relation": "child",
            "hukou_type": "rural",
            "marital_status": "unmarried",
            "education": "primary",
            "employment": "student",
            "joined_on": "2026-05-01",
        },
        reason="出生登记",
    )
    city = make_user(Role.CITY_SUPERVISOR)
    grant = services.define(
        city,
        name="2026 年洪灾一次性生活补贴",
        programmes=["minimum_living"],
        places=[FLOODED_VILLAGE],
        in_force_on=datetime.date(2026, 6, 20),
        per="person",
        amount_fen=15_600,
        reason="市政府专题会议纪要",
    )
    assert (grant.persons, grant.households, grant.total_fen) == (4, 3, 4 * 15_600)
    with pytest.raises(NotPermitted):
        services.approve(city, grant.pk)
    services.approve(city_finance, grant.pk)
    assert GrantShare.objects.count() == 3

    payroll = payroll_services.generate(
        parties.civil_affairs, "one_off_grant", JULY, COUNTY, grant_id=grant.pk
    )
    assert (payroll.line_count, payroll.total_fen) == (3, grant.total_fen)
    with pytest.raises(DoudiError):  # each share is paid once
        payroll_services.generate(
            parties.civil_affairs, "one_off_grant", JULY, COUNTY, grant_id=grant.pk
        )


def test_approval_refuses_a_cohort_that_changed_since_the_preview(
    staff, cohort, clock, make_user, city_finance
):
    clock.at("2026-06-20")
    grant = services.define(
        make_user(Role.CITY_SUPERVISOR),
        name="补贴",
        programmes=["minimum_living"],
        places=[COUNTY],
        in_force_on=JULY,
        per="household",
        amount_fen=50_000,
        reason="文件",
    )
    approve_minimum_living(staff, household_with_card(staff, 4), "2026-06-20")
    with pytest.raises(DoudiError) as caught:
        services.approve(city_finance, grant.pk)
    assert "changed since the preview" in caught.value.render("en")
    assert not GrantShare.objects.exists()


def test_a_monthly_payroll_has_no_grant_and_a_grant_needs_approval(
    parties, cohort, clock, make_user
):
    clock.at("2026-06-20")
    grant = services.define(
        make_user(Role.CITY_SUPERVISOR),
        name="补贴",
        programmes=["minimum_living"],
        places=[COUNTY],
        in_force_on=datetime.date(2026, 6, 20),
        per="household",
        amount_fen=50_000,
        reason="文件",
    )
    with pytest.raises(DoudiError):
        payroll_services.generate(
            parties.civil_affairs, "one_off_grant", JULY, COUNTY, grant_id=grant.pk
        )


def test_the_grant_pages(staff, parties, cohort, clock, make_user, city_finance):
    clock.at("2026-06-20")
    city = Client()
    city.force_login(make_user(Role.CITY_SUPERVISOR))
    response = city.post(
        "/grants/define/",
        {
            "name": "洪灾补贴",
            "programmes": ["minimum_living"],
            "places": FLOODED_VILLAGE,
            "in_force_on": "2026-06-20",
            "per": "household",
            "amount": "500",
            "reason": "纪要",
        },
    )
    assert response.status_code == 302
    page = city.get(response.url).content.decode()
    assert 'data-testid="total">1,500.00' in page
    finance = Client()
    finance.force_login(city_finance)
    grant_id = int(response.url.strip("/").split("/")[-1])
    finance.post(f"/grants/{grant_id}/approve/")
    county = Client()
    county.force_login(parties.civil_affairs)
    assert county.get(f"/grants/{grant_id}/").status_code == 200  # a city grant, seen below
    paid = county.post(f"/grants/{grant_id}/pay/", {"month": "2026-07", "region": COUNTY})
    assert paid.status_code == 302 and paid.url.startswith("/payroll/")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reason": "  "}, "reason"),  # was reported as the name, which was given
        ({"name": "\u3000"}, "name"),
        ({"amount_fen": 0}, "amount"),
        ({"amount_fen": True}, "amount"),  # a bool is not a number of fen
        ({"amount_fen": 12.5}, "amount"),
    ],
)
def test_a_grant_refusal_names_the_field_at_fault(make_user, places, changes, field):
    given = {
        "name": "补贴",
        "programmes": ["minimum_living"],
        "places": [COUNTY],
        "in_force_on": JULY,
        "per": "household",
        "amount_fen": 50_000,
        "reason": "文件",
    }
    with pytest.raises(DoudiError) as caught:
        services.define(make_user(Role.CITY_SUPERVISOR), **{**given, **changes})
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"amount": "五百"}, "amount"), ({"in_force_on": "2026-13-01"}, "in_force_on")],
)
def test_a_refused_grant_form_names_the_field_and_keeps_what_was_typed(
    make_user, places, changes, field
):
    city = Client()
    city.force_login(make_user(Role.CITY_SUPERVISOR))
    typed = {
        "name": "洪灾补贴",
        "programmes": ["minimum_living"],
        "places": FLOODED_VILLAGE,
        "in_force_on": "2026-06-20",
        "per": "household",
        "amount": "500",
        "reason": "纪要",
        **changes,
    }
    response = city.post("/grants/define/", typed)
    page = response.content.decode()
    assert response.status_code == 400
    assert f'data-field="{field}"' in page
    assert 'value="洪灾补贴"' in page and f'value="{changes[field]}"' in page
    assert 'value="minimum_living" checked' in page
