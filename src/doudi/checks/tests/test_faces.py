"""The check report's page, PDF and API: what the county reads (departments by name and data
date, discrepancies highlighted, ID numbers masked), who is refused, the link from the case,
the pre-filled conclusion and the objection through the page."""

from __future__ import annotations

import io

import pypdf
import pytest
from django.test import Client

from doudi.accounts.roles import Role
from doudi.cases.models import Case
from doudi.cases.procedures import State
from doudi.checks.models import CheckReport
from doudi.checks.tests.demo import checked_case, county_of, household_of, member_of, planted
from doudi.conftest import api_as

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    pages = pypdf.PdfReader(io.BytesIO(data)).pages
    # pypdf reads this font's two-byte character map with a NUL before each character.
    return "".join(page.extract_text() for page in pages).replace("\x00", "")


@pytest.fixture
def car_case(delivered, make_user):
    """The case of the household with a planted car, its check requested; and the car's owner."""
    entry = planted(delivered, "car")
    case, report = checked_case(make_user, household_of(entry["household"]))
    return case, report, member_of(entry["member"])


def test_the_county_reads_the_report_with_departments_and_discrepancies(car_case):
    case, report, owner = car_case
    county = client_for(county_of(case.household))
    page = county.get(f"/cases/{case.pk}/check-report/").content.decode()
    assert "公安局交通管理部门车辆管理所" in page and "2026-10-31" in page
    assert 'class="discrepancy"' in page
    assert owner.name in page and owner.id_number_masked in page
    assert owner.reveal_id_number() not in page
    for code in ("real_estate", "poverty_monitoring", ">deaths<", ">vehicles<"):
        assert code not in page
    # The conclusion's form starts from the marked discrepancies.
    form = page.split('data-testid="record-check"')[1]
    assert 'value="discrepancy" selected' in form and "公安局交通管理部门车辆管理所" in form
    assert f"/cases/{case.pk}/check-report/{report.pk}.pdf" in page


def test_the_case_page_links_the_report_for_the_county_only(car_case):
    case, report, _owner = car_case
    link = f"/cases/{case.pk}/check-report/{report.pk}/"
    county_page = client_for(county_of(case.household)).get(f"/cases/{case.pk}/").content.decode()
    assert link in county_page
    assert "公安局交通管理部门车辆管理所" in county_page.split('data-step="record_check"')[1]
    handler = case.submitted_by
    assert link not in client_for(handler).get(f"/cases/{case.pk}/").content.decode()


def test_the_pdf_is_a_real_pdf_with_the_household_and_masked_numbers(car_case):
    case, report, owner = car_case
    response = client_for(county_of(case.household)).get(
        f"/cases/{case.pk}/check-report/{report.pk}.pdf"
    )
    assert response["Content-Type"] == "application/pdf"
    assert b"NotoSansCJK" in response.content
    text = text_of(response.content)
    assert owner.name in text and owner.id_number_masked in text
    assert owner.reveal_id_number() not in text
    assert "公安局交通管理部门车辆管理所" in text and case.file_number in text


def test_users_outside_the_case_or_without_the_check_right_are_refused(car_case, make_user):
    case, report, _owner = car_case
    other_county = "410825000000" if case.region_id[:6] != "410825" else "410821000000"
    outsider = make_user(Role.COUNTY_APPROVER, other_county, "other_county")
    for path in (
        f"/cases/{case.pk}/check-report/",
        f"/cases/{case.pk}/check-report/{report.pk}/",
        f"/cases/{case.pk}/check-report/{report.pk}.pdf",
    ):
        assert client_for(outsider).get(path).status_code == 404
        assert client_for(case.submitted_by).get(path).status_code == 403
    assert api_as(outsider).get(f"/api/v1/cases/{case.pk}/check-report/").status_code == 404
    handler_api = api_as(case.submitted_by)
    assert handler_api.get(f"/api/v1/cases/{case.pk}/check-report/").status_code == 403


def test_the_api_returns_the_report(car_case):
    case, report, owner = car_case
    body = api_as(county_of(case.household)).get(f"/api/v1/cases/{case.pk}/check-report/").json()
    assert body["id"] == report.pk and body["case"] == case.pk and body["consistent"] is False
    assert "vehicles_over_limit" in [finding["kind"] for finding in body["findings"]]
    assert all(source["delivery"] for source in body["sources"])
    member = next(m for m in body["members"] if m["member"] == owner.pk)
    assert member["id_number"] == owner.id_number_masked
    assert any(row["marked"] for row in member["found"]["vehicles"])
    assert owner.id_number_hash not in str(body)
    again = api_as(county_of(case.household)).get(
        f"/api/v1/cases/{case.pk}/check-reports/{report.pk}/"
    )
    assert again.json()["id"] == report.pk


def test_the_county_concludes_and_records_an_objection_through_the_pages(car_case):
    case, first, _owner = car_case
    county = client_for(county_of(case.household))
    findings = "车管所登记小型轿车一辆"
    response = county.post(
        f"/cases/{case.pk}/record_check/", {"result": "discrepancy", "findings": findings}
    )
    assert response.status_code == 302
    page = county.get(f"/cases/{case.pk}/check-report/").content.decode()
    assert 'data-testid="object-to-check"' in page and 'data-testid="record-check"' not in page
    refused = county.post(f"/cases/{case.pk}/object_to_check/", {"content": "车已卖"})
    assert refused.status_code == 400 and Case.objects.get(pk=case.pk).state == State.CHECKED
    county.post(
        f"/cases/{case.pk}/object_to_check/",
        {"content": "车已于10月卖出", "evidence": "二手车交易发票"},
    )
    assert Case.objects.get(pk=case.pk).state == State.CHECK_REQUESTED
    latest = CheckReport.objects.filter(data_check__case=case).order_by("-id").first()
    assert latest.pk != first.pk
    old_page = county.get(f"/cases/{case.pk}/check-report/{first.pk}/").content.decode()
    assert "二手车交易发票" in old_page and f"/check-report/{latest.pk}/" in old_page
