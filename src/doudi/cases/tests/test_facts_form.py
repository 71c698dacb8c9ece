"""The investigation's facts typed in a form of their own on the case page: the same facts as
the API's JSON, money in yuan, a refused amount named by member and field with every value
kept, and the rules' finding afterwards reading what was typed."""

from __future__ import annotations

import pytest
from django.test import Client

from doudi.cases import facts_form, services
from doudi.cases.models import Case
from doudi.cases.procedures import State
from doudi.cases.tests.helpers import open_case
from doudi.conftest import api_as
from doudi.registry.models import HouseholdVersion

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _accepted(staff, household, programme: str = "minimum_living") -> Case:
    asked = {"requested_amount_fen": 500_000} if programme.startswith("temporary") else {}
    case = open_case(staff, household, programme, **asked)
    services.accept(staff.handler, case.pk)
    return case


def _visit(staff) -> dict:
    return {
        "visited_on": "2026-03-02",
        "investigators": [staff.handler.pk, staff.village.pk],
        "home_visit": "on",
        "findings": "入户核实",
    }


def _typed(staff, head, spouse, **changes) -> dict:
    """The facts form as the page sends it, filled in for the household's two members."""
    h, s = head.pk, spouse.pk
    post = {
        **_visit(staff),
        "fact-members": [str(h), str(s)],
        f"fact-{h}-orphan_status": "none",
        f"fact-{h}-care_setting": "home",
        f"fact-{h}-was_extreme_hardship": "no",
        f"fact-{h}-claim_type": "inpatient",
        f"fact-{h}-claim_category": "minimum_living",
        f"fact-{h}-total_cost": "50,000.00",
        f"fact-{h}-paid_by_basic_insurance": "12000.5",
        f"fact-{h}-paid_by_critical_illness_insurance": "",
        f"fact-{s}-has_capable_supporter": "on",
        f"fact-{s}-orphan_status": "none",
        f"fact-{s}-care_setting": "institution",
        f"fact-{s}-was_extreme_hardship": "",
        f"fact-{s}-claim_type": "none",
        f"fact-{s}-claim_category": "none",
        "fact-household-disaster_affected": "on",
        "fact-household-receiving": "yes",
        "fact-household-current_amount": "300.13",
        "fact-household-gradual_exit_months_used": "2",
        "fact-household-need_type": "none",
        "fact-household-severity": "",
    }
    post.update(changes)
    return post


def _expected(head, spouse) -> dict:
    return {
        "household": {
            "disaster_affected": True,
            "minimum_living": {
                "receiving": True,
                "current_amount_fen": 30013,
                "gradual_exit_months_used": 2,
            },
        },
        "members": {
            str(head.pk): {
                "has_capable_supporter": False,
                "orphan_status": "none",
                "care_setting": "home",
                "was_extreme_hardship": False,
                "medical_claim": {
                    "type": "inpatient",
                    "category": "minimum_living",
                    "total_cost_fen": 5_000_000,
                    "paid_by_basic_insurance_fen": 1_200_050,
                },
            },
            str(spouse.pk): {
                "has_capable_supporter": True,
                "orphan_status": "none",
                "care_setting": "institution",
                "medical_claim": None,
            },
        },
    }


def _members(household):
    return household.members.get(relation="head"), household.members.get(relation="spouse")


def test_the_form_gives_the_facts_the_api_takes_as_json(staff, household, clock):
    clock.at("2026-03-02")
    head, spouse = _members(household)
    by_page = _accepted(staff, household)
    response = client_for(staff.handler).post(
        f"/cases/{by_page.pk}/investigate/", _typed(staff, head, spouse)
    )
    assert response.status_code == 302, response.content.decode()
    by_page.refresh_from_db()
    assert by_page.state == State.INVESTIGATED
    assert by_page.facts == _expected(head, spouse)
    by_api = _accepted(staff, household, "temporary_expenditure")
    answer = api_as(staff.handler).post(
        f"/api/v1/cases/{by_api.pk}/actions/investigate/",
        {
            "visited_on": "2026-03-02",
            "investigator_ids": [staff.handler.pk, staff.village.pk],
            "home_visit": True,
            "findings": "入户核实",
            "facts": _expected(head, spouse),
        },
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    by_api.refresh_from_db()
    assert by_api.facts == by_page.facts


def test_the_form_starts_from_the_record_and_the_facts_so_far(staff, household, clock):
    clock.at("2026-03-02")
    head, spouse = _members(household)
    case = _accepted(staff, household)
    handler = client_for(staff.handler)
    page = handler.get(f"/cases/{case.pk}/").content.decode()
    form = page.split('data-step="investigate"')[1].split("</form>")[0]
    assert 'data-testid="facts-form"' in form and "<textarea" not in form.split("facts-form")[1]
    assert "张三" in form and "李四" in form
    # Incomes and assets are the household's record, corrected on its page.
    assert f'href="/households/{household.pk}/" data-testid="record-link"' in form
    assert f'name="fact-{head.pk}-has_capable_supporter" type="checkbox" checked' in form
    handler.post(f"/cases/{case.pk}/investigate/", _typed(staff, head, spouse))
    case.refresh_from_db()
    # The registry now holds the findings: a fresh form would start from them.
    values = facts_form.initial(case)
    assert values[f"fact-{head.pk}-total_cost"] == "50000.00"
    assert values[f"fact-{spouse.pk}-care_setting"] == "institution"
    assert values["fact-household-current_amount"] == "300.13"
    assert f"fact-{head.pk}-has_capable_supporter" not in values


@pytest.mark.parametrize("amount", ["12.345", "abc"])
def test_a_bad_amount_is_refused_by_member_and_field_and_every_value_is_kept(
    staff, household, clock, amount
):
    clock.at("2026-03-02")
    head, spouse = _members(household)
    case = _accepted(staff, household)
    versions = HouseholdVersion.objects.filter(household=household).count()
    typed = _typed(staff, head, spouse, **{f"fact-{head.pk}-total_cost": amount})
    response = client_for(staff.handler).post(f"/cases/{case.pk}/investigate/", typed)
    assert response.status_code == 400
    form = response.content.decode().split('data-step="investigate"')[1].split("</form>")[0]
    error = form.split('data-testid="step-error"')[1].split("</div>")[0]
    assert "张三" in error and "医疗总费用" in error
    at_field = form.split('data-testid="field-error"')[1].split("</p>")[0]
    assert f'data-field="fact-{head.pk}-total_cost"' in at_field and "张三" in at_field
    assert f'value="{amount}"' in form and 'value="12000.5"' in form and 'value="300.13"' in form
    assert ">入户核实</textarea>" in form
    assert '<option value="institution" selected>' in form
    case.refresh_from_db()
    assert case.state == State.ACCEPTED and case.facts == {}
    assert HouseholdVersion.objects.filter(household=household).count() == versions


def _early_amount(page: str) -> str:
    finding = page.split('data-testid="early-finding"')[1].split("</p>")[0]
    return finding.split('data-testid="engine-amount"')[1].split("</")[0]


def test_the_rules_finding_afterwards_reads_the_typed_amounts(staff, household, clock):
    clock.at("2026-03-02")
    head, spouse = _members(household)
    shown = []
    for expense in ("2000.00", "20000.00"):
        case = _accepted(staff, household, "temporary_expenditure")
        typed = _typed(
            staff,
            head,
            spouse,
            **{
                "fact-household-receiving": "",
                "fact-household-current_amount": "",
                "fact-household-gradual_exit_months_used": "",
                "fact-household-need_type": "expenditure",
                "fact-household-expense": expense,
            },
        )
        handler = client_for(staff.handler)
        assert handler.post(f"/cases/{case.pk}/investigate/", typed).status_code == 302
        case.refresh_from_db()
        need = case.facts["household"]["temporary_need"]
        assert need == {"type": "expenditure", "expense_fen": int(expense[:-3]) * 100}
        shown.append(_early_amount(handler.get(f"/cases/{case.pk}/").content.decode()))
        services.withdraw(staff.handler, case.pk, reason="测试")
    assert shown == [">1,000.00", ">3,770.00"]
