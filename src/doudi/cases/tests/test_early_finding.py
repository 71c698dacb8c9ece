"""The rules speak early: the engine's finding on the household as investigated is shown at the
investigation and at the township's opinion, not first at the approval."""

from __future__ import annotations

import pytest
from django.test import Client

from doudi.cases import services
from doudi.cases.models import Case
from doudi.cases.tests.helpers import investigate, open_case
from doudi.conftest import household_form
from doudi.registry.services import create_household

pytestmark = pytest.mark.django_db

INCOME_TEST = "家庭月人均收入低于低保标准"


def _page(user, case: Case) -> str:
    client = Client()
    client.force_login(user)
    return client.get(f"/cases/{case.pk}/").content.decode()


def _finding(page: str) -> str:
    return page.split('data-testid="early-finding"')[1].split("</p>")[0]


def _at_investigation_and_opinion(staff, household) -> tuple[str, str]:
    """The handler's page when the case waits for the investigation, and for the opinion."""
    case = open_case(staff, household)
    services.accept(staff.handler, case.pk)
    at_investigation = _page(staff.handler, case)
    assert 'data-step="investigate"' in at_investigation
    investigate(staff, case, "2026-03-02")
    services.request_check(staff.handler, case.pk)
    services.record_check(staff.county, case.pk, result="consistent")
    at_opinion = _page(staff.handler, case)
    assert 'data-step="give_opinion"' in at_opinion
    return at_investigation, at_opinion


def test_an_eligible_household_is_shown_its_amount(staff, household, clock):
    clock.at("2026-03-02")
    for page in _at_investigation_and_opinion(staff, household):
        finding = _finding(page)
        assert "符合条件" in finding and 'data-testid="engine-amount"' in finding
        assert "元" in finding and "不符合条件" not in finding and "engine-unmet" not in finding


def test_a_household_failing_a_condition_is_shown_it_by_name(staff, clock):
    clock.at("2026-01-05")
    wages = [
        {
            "member": "41082119700101001",
            "month": f"{y}-{m:02d}",
            "type": "wage",
            "amount_fen": 900_000,
        }
        for y, m in [(2025, n) for n in range(3, 13)] + [(2026, 1), (2026, 2)]
    ]
    household, _warnings = create_household(
        staff.handler, household_form(incomes=wages), reason="登记"
    )
    clock.at("2026-03-02")
    for page in _at_investigation_and_opinion(staff, household):
        finding = _finding(page)
        assert "不符合条件" in finding and INCOME_TEST in finding
        assert "engine-amount" not in finding


def test_nothing_is_shown_before_acceptance(staff, household, clock):
    clock.at("2026-03-02")
    case = open_case(staff, household)
    assert 'data-testid="early-finding"' not in _page(staff.handler, case)
