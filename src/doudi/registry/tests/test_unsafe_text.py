"""Names and addresses that attack their readers: refused at entry when they hide characters,
exported as text when they look like formulas (the form, the API, the import, the export)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client

from doudi.accounts.roles import Role
from doudi.conftest import api_as, household_form, member_form
from doudi.errors import ValidationFailed
from doudi.registry import services
from doudi.registry.imports import export_households, import_households
from doudi.registry.models import Household
from doudi.registry.queries import HouseholdFilter
from doudi.registry.tests.test_excel import TODAY, fill, member

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","y")'
REVERSED = "张\u202e三"  # RIGHT-TO-LEFT OVERRIDE: shows as another name than the one stored


@pytest.fixture
def handler(make_user):
    return make_user(Role.TOWNSHIP_HANDLER)


def test_a_formula_typed_as_a_name_or_an_address_is_exported_as_text(handler):
    form = household_form(address="=1+1", members=[member_form("41082119700101001", FORMULA)])
    services.create_household(handler, form)
    content = export_households(handler, HouseholdFilter())
    # Not data_only: a formula would come back as a formula here.
    sheet = openpyxl.load_workbook(io.BytesIO(content))["家庭成员"]
    address, name = sheet["D2"], sheet["F2"]
    assert (name.data_type, name.value) == ("s", "'" + FORMULA)
    assert (address.data_type, address.value) == ("s", "'=1+1")
    assert sheet["E2"].value == 1 and sheet["E2"].data_type == "n"  # numbers stay numbers


def test_a_hidden_direction_override_in_a_name_is_refused_at_the_form_page(handler):
    browser = Client()
    browser.force_login(handler)
    response = browser.post(
        "/households/new/",
        {
            "region": "410821902001",
            "name": REVERSED,
            "id_number": "410821198001010011",
            "hukou_type": "rural",
            "marital_status": "married",
            "education": "junior",
            "employment": "farming",
            "address": "示例一村 1 号",
            "reason": "申请",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-field="name"' in html and "U+202E" in html
    assert "不可见字符" in html  # the page speaks Chinese
    assert not Household.objects.exists()


@pytest.mark.parametrize(
    ("where", "value", "character"),
    [
        ("name", REVERSED, "U+202E"),
        ("name", "张\u200b三", "U+200B"),
        ("name", "张\u2066三", "U+2066"),
        ("address", "示例\ufeff一村", "U+FEFF"),
        ("address", "示例\x85一村", "U+0085"),
    ],
)
def test_hidden_characters_are_refused_through_the_api_naming_the_field(
    handler, where, value, character
):
    form = household_form()
    field = "members[0].name" if where == "name" else "address"
    if where == "name":
        form["members"][0]["name"] = value
    else:
        form["address"] = value
    response = api_as(handler).post("/api/v1/households/", form, format="json")
    assert response.status_code == 400
    (problem,) = response.json()["error"]["problems"]
    assert problem["field"] == field
    assert character in problem["message_en"] and "invisible" in problem["message_en"]
    assert not Household.objects.exists()


def test_a_nul_in_a_name_is_refused_at_the_door_naming_its_path(handler):
    form = household_form()
    form["members"][0]["name"] = "张\x00三"
    response = api_as(handler).post("/api/v1/households/", form, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == "members[0].name" and "U+0000" in error["message_en"]
    assert not Household.objects.exists()


def test_a_hidden_character_in_an_imported_name_is_refused_naming_its_row_and_column(handler):
    data = fill(
        {
            "成员": [
                member("A", "41082119700101001", "张三"),
                member("B", "41082119800101001", REVERSED),
            ]
        }
    )
    with pytest.raises(ValidationFailed) as caught:
        import_households(handler, data, "file.xlsx", today=TODAY)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (3, "成员!姓名")
    assert problem.render("en").startswith("Row 3, column “成员!姓名”: contains an invisible")
    assert not Household.objects.exists()
