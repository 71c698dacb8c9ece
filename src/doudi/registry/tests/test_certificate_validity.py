"""The disability certificate's validity as the federation delivered it: shown on the household
and member pages, in the form the API gives and in the export; never written by a form."""

from __future__ import annotations

import datetime
import io
import re

import jsonschema
import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from doudi.accounts.roles import Role
from doudi.conftest import api_as, deliver_certificates, household_form, member_form
from doudi.registry import excel
from doudi.registry.api import household_schema
from doudi.registry.imports import export_households
from doudi.registry.models import Household, Member
from doudi.registry.queries import HouseholdFilter

pytestmark = pytest.mark.django_db

EXPIRED, VALID, NEVER = "41082119700101001", "41082119720202002", "41082119900909009"
CERTIFICATE = re.compile(r'<span data-testid="certificate">(.*?)</span>', re.S)


@pytest.fixture
def handler(make_user):
    return make_user(Role.TOWNSHIP_HANDLER)


@pytest.fixture
def household(handler) -> Household:
    """Three members: two disabled (a certificate that ran out, one still valid once delivered),
    one not disabled."""
    disabled = {"disability_category": "physical", "disability_grade": 2}
    form = household_form(
        members=[
            member_form(EXPIRED, "张三", **disabled),
            member_form(VALID, "李四", relation="spouse", **disabled),
            member_form(NEVER, "王五", relation="child"),
        ]
    )
    response = api_as(handler).post("/api/v1/households/", form, format="json")
    assert response.status_code == 201, response.json()
    return Household.objects.get(pk=response.json()["household"]["id"])


def _deliver(make_user) -> None:
    deliver_certificates(
        make_user(Role.COUNTY_APPROVER),
        [(EXPIRED, "2020-12-31", "expired"), (VALID, "2099-01-01", "valid")],
        "2026-01-05",
    )


def _member(name: str) -> Member:
    return Member.objects.get(name=name)


def _days() -> dict[str, datetime.date | None]:
    return dict(Member.objects.values_list("name", "disability_certificate_valid_until"))


def test_the_household_page_shows_each_disabled_members_validity(handler, household, make_user):
    browser = Client()
    browser.force_login(handler)
    page = browser.get(f"/households/{household.pk}/").content.decode()
    assert CERTIFICATE.findall(page) == ["残疾人证有效期：未报送"] * 2  # not for 王五
    _deliver(make_user)
    page = browser.get(f"/households/{household.pk}/").content.decode()
    assert CERTIFICATE.findall(page) == [
        '残疾人证有效期至 2020-12-31 <strong class="error">已过期</strong>',
        "残疾人证有效期至 2099-01-01",
    ]
    # As on a day before it ran out, the same delivery is not yet past.
    today = timezone.localdate().isoformat()
    before = browser.get(f"/households/{household.pk}/?as_of=2020-12-31&known_on={today}")
    assert CERTIFICATE.findall(before.content.decode()) == [
        "残疾人证有效期至 2020-12-31",
        "残疾人证有效期至 2099-01-01",
    ]
    edit = browser.get(f"/households/members/{_member('张三').pk}/edit/").content.decode()
    assert CERTIFICATE.findall(edit) == [
        '残疾人证有效期至 2020-12-31 <strong class="error">已过期</strong>'
    ]
    assert 'name="disability_certificate_valid_until"' not in edit  # nothing to type


def test_the_api_gives_the_date_read_only_and_a_posted_one_changes_nothing(
    handler, household, make_user
):
    client = api_as(handler)
    assert _days() == {"张三": None, "李四": None, "王五": None}  # the created form's was ignored
    _deliver(make_user)
    read = client.get(f"/api/v1/households/{household.pk}/").json()
    jsonschema.validate(read, household_schema())
    assert [m["disability_certificate_valid_until"] for m in read["members"]] == [
        "2020-12-31",
        "2099-01-01",
        None,
    ]
    member = _member("张三")
    typed = member_form(
        EXPIRED,
        "张三",
        disability_category="physical",
        disability_grade=2,
        disability_certificate_valid_until="2030-01-01",
        reason="延长有效期",
    )
    response = client.put(f"/api/v1/members/{member.pk}/", typed, format="json")
    assert response.status_code == 200, response.json()
    shown = response.json()["household"]["members"][0]
    assert shown["disability_certificate_valid_until"] == "2020-12-31"
    # Nor a member added with a date of its own, nor the page's form.
    added = member_form(
        "41082120100101003",
        "赵六",
        relation="child",
        disability_certificate_valid_until="2030-01-01",
        reason="新生儿入户",
    )
    response = client.post(f"/api/v1/households/{household.pk}/members/", added, format="json")
    assert response.status_code == 201, response.json()
    browser = Client()
    browser.force_login(handler)
    posted = {
        "name": "李四",
        "relation": "spouse",
        "hukou_type": "rural",
        "marital_status": "married",
        "disability_category": "physical",
        "disability_grade": "2",
        "education": "junior",
        "employment": "farming",
        "joined_on": "2020-01-01",
        "disability_certificate_valid_until": "2030-01-01",
        "reason": "核对",
    }
    assert (
        browser.post(f"/households/members/{_member('李四').pk}/edit/", posted).status_code == 302
    )
    assert _days() == {
        "张三": datetime.date(2020, 12, 31),
        "李四": datetime.date(2099, 1, 1),
        "王五": None,
        "赵六": None,
    }


def test_the_export_gives_the_date_or_says_none_was_delivered(handler, household, make_user):
    _deliver(make_user)
    Member.objects.filter(name="李四").update(disability_certificate_valid_until=None)
    rows = list(
        openpyxl.load_workbook(io.BytesIO(export_households(handler, HouseholdFilter())))[
            excel.EXPORT_SHEET
        ].values
    )
    column = excel.EXPORT_HEADERS.index("残疾人证有效期至")
    by_name = {row[5]: row[column] for row in rows[1:]}
    assert by_name == {"张三": datetime.datetime(2020, 12, 31), "李四": "未报送", "王五": None}
