"""Issue 11, point 8: inputs that used to end in a server error (500) now get a clear 4xx in the
API's error shape, naming the field — on the API, the pages and the command line. And issue 10's
three gaps of the cases API: dates read by doudi.dates, nested paths, the API's field names."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.management import call_command
from django.test import Client

from doudi.accounts.roles import Role
from doudi.cases import services as case_services
from doudi.conftest import INSIDE_COUNTY, INSIDE_VILLAGE, api_as, household_form, member_form
from doudi.registry.models import Household
from doudi.registry.services import create_household

pytestmark = pytest.mark.django_db

SUPERSCRIPT_CODE = "²" * 12  # str.isdigit() says yes; int() says no


@pytest.fixture
def handler(make_user):
    return make_user(Role.TOWNSHIP_HANDLER)


@pytest.fixture
def county(make_user):
    return make_user(Role.COUNTY_APPROVER)


@pytest.fixture
def household(handler):
    household, _warnings = create_household(handler, household_form(incomes=[]), reason="登记")
    return household


def refused(response, field: str | None, status: int = 400) -> dict:
    """The API's one error shape, naming ``field``, with both languages."""
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["field"] == field, error
    assert error["message"] and error["message_en"] and error["code"]
    return error


def page_refused(response, field: str, status: int = 400) -> None:
    assert response.status_code == status, response.content[:300]
    assert (
        f'data-field="{field}"' in response.content.decode() or field in response.content.decode()
    )


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# ------------------------------------------------------------------------- bodies and nesting


@pytest.mark.parametrize(
    "url", ["/api/v1/cases/", "/api/v1/households/", "/api/v1/evaluate", "/api/v1/auth/login/"]
)
@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "null", "5"])
def test_a_body_that_is_not_a_json_object_is_refused(handler, url, body):
    response = api_as(handler).generic("POST", url, body, content_type="application/json")
    error = refused(response, None)
    assert "JSON object" in error["message_en"]


@pytest.mark.parametrize(
    "body", ["[" * 10_000 + "]" * 10_000, '{"a":' * 10_000 + "1" + "}" * 10_000]
)
def test_a_body_nested_10000_deep_is_refused(handler, body):
    response = api_as(handler).generic(
        "POST", "/api/v1/households/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "nested" in response.json()["error"]["message_en"]


def test_a_body_nested_deeper_than_any_form_is_refused_naming_where_it_starts(handler, household):
    facts: dict = {}
    inner = facts
    for _level in range(40):
        inner["x"] = {}
        inner = inner["x"]
    body = {"household": household.pk, "programme": "minimum_living", "channel": "window"}
    response = api_as(handler).post(
        "/api/v1/cases/", {**body, "need": "x", "facts": facts}, format="json"
    )
    refused(response, "facts")


# --------------------------------------------------------------------------------- NUL


def test_a_nul_in_a_name_is_refused_by_the_api_naming_the_field(handler):
    form = household_form(members=[member_form("41082119700101001", "张\x00三")])
    response = api_as(handler).post("/api/v1/households/", form, format="json")
    error = refused(response, "members[0].name")
    assert "NUL" in error["message_en"]
    assert not Household.objects.exists()


def test_a_nul_in_a_name_is_refused_by_the_page(handler):
    form = {
        "region": INSIDE_VILLAGE,
        "name": "张\x00三",
        "id_number": "410821198001010011",
        "hukou_type": "rural",
        "marital_status": "married",
        "education": "junior",
        "employment": "farming",
        "address": "示例一村 1 号",
        "reason": "申请",
    }
    response = browser(handler).post("/households/new/", form)
    page_refused(response, "name")
    assert not Household.objects.exists()


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/households/?name=%00", "name"),
        ("/api/v1/households/?place=410821%00", "place"),
        ("/api/v1/users/?q=a%00b", "q"),
        ("/api/v1/regions/?parent=%00", "parent"),
        ("/api/v1/regions/4108%00/", "path"),
    ],
)
def test_a_nul_in_the_url_is_refused_by_the_api(county, url, field):
    refused(api_as(county).get(url), field)


@pytest.mark.parametrize(
    ("url", "field"),
    [("/households/?name=%00", "name"), ("/staff/?q=%00", "q"), ("/places/%00/", "path")],
)
def test_a_nul_in_the_url_is_refused_by_the_pages(make_user, url, field):
    page_refused(browser(make_user(Role.SYSTEM_ADMIN)).get(url), field)


def test_a_nul_in_a_reason_is_refused(handler, household):
    member = household.members.first()
    response = api_as(handler).post(
        f"/api/v1/members/{member.pk}/end/",
        {"leave_reason": "moved_out", "reason": "迁出\x00"},
        format="json",
    )
    refused(response, "reason")


# ------------------------------------------------------------ codes, places and numbers


@pytest.mark.parametrize("place", ["abc", SUPERSCRIPT_CODE, "4108210000001", "41082100000012345"])
@pytest.mark.parametrize("url", ["/api/v1/cases/", "/api/v1/cases/deadlines/"])
def test_a_place_that_is_not_a_division_code_is_refused_by_the_cases_api(county, url, place):
    refused(api_as(county).get(url, {"place": place}), "place")


@pytest.mark.parametrize("place", ["abc", SUPERSCRIPT_CODE, "4108210000001"])
@pytest.mark.parametrize("url", ["/cases/", "/window/statistics/"])
def test_a_place_that_is_not_a_division_code_is_refused_by_the_pages(county, url, place):
    page_refused(browser(county).get(url, {"place": place}), "place")


def test_a_superscript_region_code_in_the_household_form_is_refused(handler):
    response = api_as(handler).post(
        "/api/v1/households/", household_form(region=SUPERSCRIPT_CODE), format="json"
    )
    assert response.status_code == 400
    assert "region" in [p["field"] for p in response.json()["error"]["problems"]]


def test_a_superscript_id_number_is_refused(make_user):
    body = {
        "username": "new1",
        "password": "Correct-Horse-2026",
        "role": "village_worker",
        "region": INSIDE_VILLAGE,
        "id_number": "²" * 18,
    }
    refused(
        api_as(make_user(Role.SYSTEM_ADMIN)).post("/api/v1/users/", body, format="json"),
        "id_number",
    )


def test_a_full_width_code_is_not_a_division_code(county):
    refused(api_as(county).get("/api/v1/cases/", {"place": "４１０８２１０００００0"}), "place")


@pytest.mark.parametrize(("query", "field"), [("limit=abc", "limit"), ("offset=-1", "offset")])
def test_a_page_that_is_not_a_whole_number_is_refused(county, query, field):
    refused(api_as(county).get(f"/api/v1/regions/?{query}"), field)


def test_a_limit_beyond_any_page_gives_the_largest_page(county):
    response = api_as(county).get("/api/v1/regions/?limit=99999999999999999999")
    assert response.status_code == 200 and "results" in response.json()


# --------------------------------------------------------------------- far-future dates


@pytest.mark.parametrize("name", ["as_of", "known_on"])
def test_as_of_9999_12_31_is_refused_by_the_api(county, household, name):
    error = refused(
        api_as(county).get(f"/api/v1/households/{household.pk}/?{name}=9999-12-31"), name
    )
    assert "9999-12-31" in error["message_en"]


def test_as_of_9999_12_31_is_refused_by_the_page(county, household):
    page_refused(browser(county).get(f"/households/{household.pk}/?as_of=9999-12-31"), "as_of")


def test_as_of_next_month_is_still_answered(county, household):
    response = api_as(county).get(f"/api/v1/households/{household.pk}/?as_of=2026-12-31")
    assert response.status_code == 200


def test_a_membership_from_9999_12_31_is_refused(handler):
    form = household_form(
        members=[member_form("41082119700101001", "张三", joined_on="9999-12-31")]
    )
    response = api_as(handler).post("/api/v1/households/", form, format="json")
    assert response.status_code == 400
    fields = [p["field"] for p in response.json()["error"]["problems"]]
    assert "members[0].joined_on" in fields
    assert not Household.objects.exists()


def test_a_membership_from_far_ahead_is_refused_but_next_week_is_not(handler, clock):
    clock.at("2026-03-02")
    ahead = household_form(
        members=[member_form("41082119700101001", "张三", joined_on="2026-06-01")]
    )
    response = api_as(handler).post("/api/v1/households/", ahead, format="json")
    assert response.status_code == 400
    problem = response.json()["error"]["problems"][0]
    assert problem["field"] == "members[0].joined_on" and "2026-04-02" in problem["message_en"]
    soon = household_form(
        members=[member_form("41082119700101001", "张三", joined_on="2026-03-09")]
    )
    assert api_as(handler).post("/api/v1/households/", soon, format="json").status_code == 201


# ------------------------------------------------------------- the cases API (issue 10)


@pytest.fixture
def submitted(handler, household):
    return case_services.submit(
        handler,
        household.pk,
        "temporary_emergency",
        channel="window",
        need="医疗",
        requested_amount_fen=50000,
    )


def test_the_cases_api_reads_dates_by_doudi_dates(handler, household):
    body = {
        "household": household.pk,
        "programme": "minimum_living",
        "channel": "window",
        "authorisation_signed_on": "20260301",  # DRF's DateField took it
    }
    error = refused(
        api_as(handler).post("/api/v1/cases/", body, format="json"), "authorisation_signed_on"
    )
    assert "YYYY-MM-DD" in error["message_en"]


def test_a_bad_stage_is_named_by_its_path(make_user, submitted):
    county = make_user(Role.COUNTY_APPROVER)
    body = {
        "reasons": "符合",
        "amount_fen": 50000,
        "stages": [
            {"due_on": "2026-03-01", "amount_fen": 25000},
            {"due_on": "2026-02-30", "amount_fen": 25000},
        ],
    }
    response = api_as(county).post(
        f"/api/v1/cases/{submitted.pk}/actions/approve/", body, format="json"
    )
    error = refused(response, "stages[1].due_on")
    assert "2026-02-30" in error["message_en"]


def test_a_negative_requested_amount_is_named_as_the_api_names_it(handler, household):
    body = {
        "household": household.pk,
        "programme": "temporary_emergency",
        "channel": "window",
        "need": "医疗",
        "requested_amount_fen": -5,
    }
    refused(api_as(handler).post("/api/v1/cases/", body, format="json"), "requested_amount_fen")


def test_an_amount_no_database_holds_is_refused(handler, household):
    body = {
        "household": household.pk,
        "programme": "temporary_emergency",
        "channel": "window",
        "need": "医疗",
        "requested_amount_fen": 10**30,
    }
    refused(api_as(handler).post("/api/v1/cases/", body, format="json"), "requested_amount_fen")


@pytest.mark.parametrize(
    "body",
    [
        {"reasons": ["符合"]},
        {"reasons": "符合", "stages": "x"},
        {"reasons": "符合", "stages": [5]},
        {"reasons": "符合", "stages": [{"due_on": 5, "amount_fen": 1}]},
    ],
)
def test_wrong_types_in_case_fields_are_refused_naming_the_field(make_user, submitted, body):
    county = make_user(Role.COUNTY_APPROVER)
    response = api_as(county).post(
        f"/api/v1/cases/{submitted.pk}/actions/approve/", body, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"].startswith(("reasons", "stages"))


# ----------------------------------------------------------- files: CSV on the command line


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"code,name,urban_rural\n41082\xc2\xb2902001,x,rural\n", "code"),  # a superscript digit
        (b"code,name,urban_rural\n410821902009,x\x00y,rural\n", "name"),  # a NUL
        (b"code,name,urban_rural\n410821902009," + b"x" * 200_000 + b",rural\n", "Line 2"),
    ],
)
def test_bad_rows_of_a_region_csv_are_refused_without_a_traceback(
    make_user, cli_as, tmp_path, content, expected
):
    cli_as(make_user(Role.SYSTEM_ADMIN, INSIDE_COUNTY))
    path = tmp_path / "codes.csv"
    path.write_bytes(content)
    with pytest.raises(Exception) as caught:
        call_command("regions", "import", str(path), stdout=io.StringIO())
    assert type(caught.value).__name__ == "CommandError"
    assert expected in str(caught.value) and "Traceback" not in str(caught.value)


# ------------------------------------------------------- files: malformed sheet XML upload


def test_malformed_sheet_xml_in_an_upload_is_refused(handler):
    from doudi.registry.excel import template_workbook

    good = io.BytesIO(template_workbook())
    broken = io.BytesIO()
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = data[: len(data) // 2]  # the sheet's XML breaks off
            target.writestr(item, data)
    upload = io.BytesIO(broken.getvalue())
    upload.name = "households.xlsx"
    response = browser(handler).post("/households/import/", {"file": upload})
    assert 400 <= response.status_code < 500
