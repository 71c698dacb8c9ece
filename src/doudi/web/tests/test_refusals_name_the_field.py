"""Every face names the field of a refusal: the API's ``field``, the command line's
``members[1].id_number: …`` in Chinese then English, the page's message next to its input."""

from __future__ import annotations

import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from doudi.accounts.roles import Role
from doudi.conftest import api_as, household_form, member_form, with_wrong_check_digit
from doudi.errors import ValidationFailed
from doudi.registry.form_input import parse_household

pytestmark = pytest.mark.django_db


def _with_bad_second_member() -> dict:
    form = household_form()
    form["members"][1]["id_number"] = with_wrong_check_digit(form["members"][1]["id_number"])
    return form


def _with_a_dead_member_without_joined_on() -> dict:
    dead = member_form("41082119450303003", "张老", relation="parent", death_date="2025-03-01")
    del dead["joined_on"]
    return household_form(members=[*household_form()["members"], dead])


def test_the_command_line_names_each_problems_field_in_both_languages(tmp_path, places):
    path = tmp_path / "household.json"
    path.write_text(json.dumps(_with_bad_second_member(), ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("evaluate", str(path), "--month", "2022-03")
    chinese, english = str(refused.value).split("\n\n")
    assert "  members[1].id_number: " in chinese and "校验码" in chinese
    assert "  members[1].id_number: " in english and "check digit" in english
    # Evaluating saves nothing, so the refusal must not speak of saving.
    assert "sav" not in english and "保存" not in chinese


def test_the_command_line_names_the_field_of_a_single_refusal(tmp_path, places):
    path = tmp_path / "household.json"
    path.write_text(json.dumps(household_form(), ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("evaluate", str(path), "--month", "March")
    assert str(refused.value).startswith("month: ")


def test_a_member_who_died_without_joined_on_is_refused_naming_joined_on():
    with pytest.raises(ValidationFailed) as refused:
        parse_household(_with_a_dead_member_without_joined_on())
    assert [p.field for p in refused.value.problems] == ["members[2].joined_on"]


def test_the_api_names_joined_on_for_a_member_who_died(make_user):
    handler = make_user(Role.TOWNSHIP_HANDLER)
    response = api_as(handler).post(
        "/api/v1/households/", _with_a_dead_member_without_joined_on(), format="json"
    )
    assert response.status_code == 400
    problems = response.json()["error"]["problems"]
    assert [p["field"] for p in problems] == ["members[2].joined_on"]


def test_the_refusal_page_lists_every_problem_with_its_field(rf, admin_user):
    from doudi.web.views import refusal

    request = rf.post("/households/new/")
    request.user = admin_user
    try:
        parse_household(_with_bad_second_member())
    except ValidationFailed as error:
        page = refusal(request, error).content.decode()
    assert 'data-field="members[1].id_number"' in page
    # The reader sees the field by its Chinese name, not the API's path.
    assert "第2位成员 · 身份证号</span>：" in page and "校验码" in page
    assert "<code>members[1].id_number</code>" not in page


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("members[1].id_number", "第2位成员 · 身份证号"),
        ("members[0].name", "第1位成员 · 姓名"),
        ("members[2].joined_on", "第3位成员 · 加入日期"),
        ("incomes[0].month", "第1项收入 · 月份"),
        ("expenses[3].amount_fen", "第4项刚性支出 · 金额（元）"),
        ("assets[0].registered_capital_fen", "第1项财产 · 注册资本（元）"),
        ("region", "居住地区划代码"),
        ("reasons", "理由"),  # a case step's field, by the step table's label
        ("requested_amount", "申请金额（元）"),  # the page's name of requested_amount_fen
    ],
)
def test_a_field_path_is_named_in_chinese(path, label):
    from doudi.web.refusals import field_label

    assert field_label(path) == label


def test_every_field_of_the_household_form_and_the_steps_has_a_chinese_name():
    """No field of the Excel layout (the household form's names) or of a case step is shown as
    its path: each name has a Chinese character in it."""
    from doudi.cases.steps import STEPS
    from doudi.registry.excel import KEY, SHEETS
    from doudi.web.refusals import field_label

    paths = [
        f"{sheet.items}[0].{column.field}"
        for sheet in SHEETS
        for column in sheet.columns
        if column.kind != KEY and not column.household
    ]
    paths += [field.input_name for step in STEPS.values() for field in step.fields]
    chinese = re.compile("[\u4e00-\u9fff]")
    unnamed = [path for path in paths if not chinese.search(field_label(path))]
    assert unnamed == []


def _schema_paths(schema: dict, node: dict, path: str) -> list[str]:
    """Every field path of the household JSON Schema below ``node`` that a form may give (not
    those the schema calls output only), lists as their first item."""
    if node.get("description", "").startswith("output only"):
        return []
    if "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        return _schema_paths(schema, node["items"], f"{path}[0]")
    paths = [path] if path else []
    for name, child in node.get("properties", {}).items():
        paths += _schema_paths(schema, child, f"{path}.{name}" if path else name)
    return paths


def test_every_field_of_the_household_schema_and_the_case_facts_has_a_chinese_name():
    """The findings of an investigation (care setting, a medical claim's parts) and the case's
    own facts are named in Chinese too, however deep they sit."""
    from doudi.cases.assessment import FACT_LABELS, HOUSEHOLD_FACTS, MEMBER_FACTS
    from doudi.registry.api import household_schema
    from doudi.web.refusals import field_label

    schema = household_schema()
    paths = _schema_paths(schema, schema, "")
    paths += [f"facts.{name}" for name in HOUSEHOLD_FACTS]
    paths += [f"facts.members.7.{name}" for name in MEMBER_FACTS]
    paths += [f"facts.{key}" for key in FACT_LABELS if key.startswith("temporary_need.")]
    # Identifiers of the file itself, and the keys by which its parts refer to each other
    # (any text, never refused), are not fields a person mends.
    internal = {"schema_version", "id", "file_number", "version", "as_of"}
    chinese = re.compile("[\u4e00-\u9fff]")
    unnamed = [
        path
        for path in paths
        if path not in internal
        and not path.endswith(".key")
        and not all(chinese.search(part) or part == "7" for part in field_label(path).split(" · "))
    ]
    assert unnamed == []
