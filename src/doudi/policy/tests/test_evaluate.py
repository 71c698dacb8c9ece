"""Evaluating a household form through the API and the command line; bad input refused."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from doudi.accounts.roles import Role
from doudi.conftest import api_as, household_form, member_form, with_wrong_check_digit

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(make_user):
    return api_as(make_user(Role.TOWNSHIP_HANDLER))


def _form(**overrides):
    form = household_form(
        members=[
            member_form("41082119620301001", "张三"),
            member_form(
                "41082119800101002",
                "李四",
                relation="spouse",
                disability_category="physical",
                disability_grade=2,
            ),
        ],
        incomes=[
            {"member": "41082119800101002", "month": "2022-02", "type": "wage", "amount_fen": 30000}
        ],
        **overrides,
    )
    for member in form["members"]:
        member.pop("joined_on")
    return form


def _programme(result, key):
    return next(p for p in result["programmes"] if p["programme"] == key)


def test_a_rural_couple_gets_the_gap_with_add_ons_and_every_reason(client):
    response = client.post(
        "/api/v1/evaluate", {"household": _form(), "month": "2022-03"}, format="json"
    )
    assert response.status_code == 200, response.json()
    result = response.json()
    dibao = _programme(result, "minimum_living")
    # 2 × 377 − 300 = 454 元; add-ons: 60-year-old 10 % (37.70), grade-2 disability 20 % (75.40)
    assert dibao["eligible"] and dibao["monthly_amount"] == "567.10"
    income = next(r for r in dibao["reasons"] if r["test"] == "test_minimum_living_income")
    assert income["passed"] and income["values"]["minimum_living_line"] == "754.00"
    standard = income["parameters"][0]
    assert standard["value"] == "377.00" and "种子 002" in standard["reference"]
    care = _programme(result, "disability_care_subsidy")
    assert [m["monthly_amount"] for m in care["members"]] == ["0.00", "60.00"]
    assert "********" in care["members"][0]["id_number"]


def test_local_examples_are_labelled(client):
    result = client.post(
        "/api/v1/evaluate", {"household": _form(), "month": "2022-03"}, format="json"
    ).json()
    cars = next(
        r for r in _programme(result, "minimum_living")["reasons"] if r["test"] == "test_cars"
    )
    assert cars["parameters"][0]["local_example"] is True


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            lambda f: f["members"][0].update(
                id_number=with_wrong_check_digit(f["members"][0]["id_number"])
            ),
            "members[0].id_number",
        ),
        (lambda f: f["incomes"][0].update(amount_fen=-1), "incomes[0].amount_fen"),
        (lambda f: f.update(region="410825999999"), "region"),
    ],
)
def test_bad_households_are_refused_by_field(client, change, field):
    form = _form()
    change(form)
    response = client.post(
        "/api/v1/evaluate", {"household": form, "month": "2022-03"}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    fields = [p["field"] for p in error.get("problems", [])] or [error["field"]]
    assert field in fields
    assert error["message"] and error["message_en"]


@pytest.mark.parametrize("month", ["2020-06", "2022-13", "March"])
def test_a_month_without_rules_or_malformed_is_refused(client, month):
    response = client.post(
        "/api/v1/evaluate", {"household": _form(), "month": month}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "month"


def test_the_command_line_prints_json_and_refuses_clearly(tmp_path, capsys, places):
    path = tmp_path / "household.json"
    path.write_text(json.dumps(_form(), ensure_ascii=False), encoding="utf-8")
    call_command("evaluate", str(path), "--month", "2022-03")
    result = json.loads(capsys.readouterr().out)
    assert _programme(result, "minimum_living")["monthly_amount"] == "567.10"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="JSON"):
        call_command("evaluate", str(path), "--month", "2022-03")


def test_roles_without_casework_may_not_evaluate(make_user):
    response = api_as(make_user(Role.BANK_OPERATOR)).post(
        "/api/v1/evaluate", {"household": _form(), "month": "2022-03"}, format="json"
    )
    assert response.status_code == 403


def test_a_temporary_need_and_a_medical_claim_are_evaluated(client):
    form = _form(temporary_need={"type": "emergency", "severity": 2})
    form["members"][1]["medical_claim"] = {
        "type": "inpatient",
        "category": "minimum_living",
        "total_cost_fen": 2_000_000,
        "paid_by_basic_insurance_fen": 1_200_000,
        "received_this_year_fen": 0,
    }
    result = client.post(
        "/api/v1/evaluate", {"household": form, "month": "2022-03"}, format="json"
    ).json()
    temporary = _programme(result, "temporary_assistance")
    assert temporary["eligible"] and temporary["monthly_amount"] == "1508.00"  # 4 × 377 元
    medical = _programme(result, "medical_assistance")
    assert [m["monthly_amount"] for m in medical["members"]] == ["0.00", "5600.00"]  # 70 % of 8,000


def test_bad_request_facts_are_named(client):
    form = _form(temporary_need={"type": "flood", "severity": -1})
    response = client.post(
        "/api/v1/evaluate", {"household": form, "month": "2022-03"}, format="json"
    )
    assert response.status_code == 400
    fields = {p["field"] for p in response.json()["error"]["problems"]}
    assert fields == {"temporary_need.type", "temporary_need.severity"}
