"""Evaluating a household form through the API and the command line; bad input refused."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from doudi.accounts.roles import Role
from doudi.conftest import api_as, household_form, member_form, with_wrong_check_digit
from doudi.policy.evaluation import evaluate_form, refusal_for
from doudi.policy.programmes import unmet_conditions

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
    assert standard["value"] == "377.00" and "焦作日报" in standard["reference"]
    assert "2022-02-23" in standard["reference"] and "种子" not in standard["reference"]
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


@pytest.mark.parametrize("month", ["2017-12", "2022-13", "March"])
def test_a_month_without_rules_or_malformed_is_refused(client, month):
    response = client.post(
        "/api/v1/evaluate", {"household": _form(), "month": month}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "month"


def test_before_2021_each_programme_answers_on_its_own(client):
    """2020: the 2018 work plan's subsidies answer; 低保 says what it lacks and from when."""
    result = client.post(
        "/api/v1/evaluate", {"household": _form(), "month": "2020-06"}, format="json"
    ).json()
    care = _programme(result, "disability_care_subsidy")
    assert [m["monthly_amount"] for m in care["members"]] == ["0.00", "60.00"]
    dibao = _programme(result, "minimum_living")
    assert dibao["eligible"] is None
    missing = dibao["missing"]
    assert (missing["parameter"], missing["since"]) == (
        "minimum_living.standard.rural",
        "2021-01-01",
    )
    assert "农村低保标准" in missing["message"] and "2021-01-01" in missing["message"]
    assert "None" not in missing["message"] and "2021-01-01" in missing["message_en"]
    # The living subsidy needs 低保: with no status on record it asks the engine, which cannot.
    assert "missing" in _programme(result, "disability_living_subsidy")


def test_a_recorded_minimum_living_status_is_used_where_the_engine_has_no_rule(client):
    form = _form(minimum_living={"receiving": True, "current_amount_fen": 20000})
    result = client.post(
        "/api/v1/evaluate", {"household": form, "month": "2020-06"}, format="json"
    ).json()
    living = _programme(result, "disability_living_subsidy")
    assert [m["monthly_amount"] for m in living["members"]] == ["0.00", "60.00"]
    recorded_out = _form(minimum_living={"receiving": False})
    result = client.post(
        "/api/v1/evaluate", {"household": recorded_out, "month": "2022-03"}, format="json"
    ).json()
    # The engine finds the household eligible for 低保, but the record says it is not in 低保.
    assert _programme(result, "minimum_living")["eligible"] is True
    living = _programme(result, "disability_living_subsidy")
    assert [m["monthly_amount"] for m in living["members"]] == ["0.00", "0.00"]


def test_the_first_half_of_2021_evaluates_minimum_living(client):
    """The 低保边缘 line starts 2021-06-11; it no longer blocks 低保 itself before then."""
    result = client.post(
        "/api/v1/evaluate", {"household": _form(), "month": "2021-03"}, format="json"
    ).json()
    # No income in the window yet (the wage is of 2022-02): 2 × 377 + 20 % disability add-on.
    assert _programme(result, "minimum_living")["monthly_amount"] == "829.40"
    edge = _programme(result, "minimum_living_edge")["missing"]
    assert (edge["parameter"], edge["since"]) == ("minimum_living.edge_percent", "2021-06-11")


@pytest.mark.parametrize(("month", "amount"), [("2018-05", None), ("2018-06", "700.00")])
def test_the_2018_orphan_standard_is_in_force_from_17_may_2018(client, month, amount):
    form = household_form(
        members=[member_form("41082120100101001", "小明", orphan_status="orphan")], incomes=[]
    )
    form["members"][0].pop("joined_on")
    result = client.post(
        "/api/v1/evaluate", {"household": form, "month": month}, format="json"
    ).json()
    orphan = _programme(result, "orphan")
    if amount is None:
        assert orphan["missing"]["since"] == "2018-05-17"
    else:
        assert orphan["members"][0]["monthly_amount"] == amount


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


def test_a_programme_without_a_rule_gives_a_refusal_naming_the_month(places):
    result = evaluate_form(_form(), "2020-06")
    refusal = refusal_for(_programme(result, "minimum_living"), result["month"])
    assert refusal is not None and refusal.field == "month"
    assert "2021-01-01" in refusal.render("en") and "农村低保标准" in refusal.render()
    assert refusal_for(_programme(result, "disability_care_subsidy"), result["month"]) is None


def test_a_refusal_names_only_the_conditions_not_met(places):
    """Deposits above the limit refuse 低保: the cause is the financial-assets condition, never
    the gradual exit (a route, not a condition) that the household is not in either."""
    form = _form(
        assets=[{"member": "41082119620301001", "type": "deposit", "value_fen": 10_000_000}]
    )
    with translation.override("en"):
        dibao = _programme(evaluate_form(form, "2022-03"), "minimum_living")
    assert not dibao["eligible"]
    assert unmet_conditions(dibao["reasons"]) == ["Financial assets within the limit"]
    exit_test = next(r for r in dibao["reasons"] if r["test"] == "minimum_living_gradual_exit")
    assert not exit_test["passed"]  # listed among the reasons, but not as a cause


def test_only_the_programmes_asked_for_answer_and_answer_as_in_the_whole(places):
    whole = evaluate_form(_form(), "2022-03")
    only = evaluate_form(_form(), "2022-03", only=("minimum_living", "disability_care_subsidy"))
    assert [p["programme"] for p in only["programmes"]] == [
        "minimum_living",
        "disability_care_subsidy",
    ]
    for answer in only["programmes"]:
        assert answer == _programme(whole, answer["programme"])
