"""The window's pages: each answers, and refusals come back as the refusal page."""

from __future__ import annotations

import pytest
from django.test import Client

from doudi.accounts.roles import Role
from doudi.cases.models import Case
from doudi.conftest import OUTSIDE_TOWNSHIP
from doudi.window import services
from doudi.window.models import Intake, Need

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form(**rows) -> dict[str, str]:
    data = {"channel": "window", "authorisation_signed_on": "2026-03-02", "note": "户主到窗口"}
    for row, fields in rows.items():
        data.update({f"need-{row[-1]}-{name}": value for name, value in fields.items()})
    return data


THREE_NEEDS = form(
    row0={"route": "application", "description": "申请低保", "programme": "minimum_living"},
    row2={"route": "referral", "description": "危房改造", "department": "housing"},
    row4={"route": "on_the_spot", "description": "开具证明", "result": "当场开具"},
)


def test_the_handler_records_an_intake_through_the_pages(staff, household):
    client = client_for(staff.handler)
    assert client.get("/window/").status_code == 200
    assert client.post("/window/new/", {"household": household.file_number}).url == (
        f"/window/new/{household.pk}/"
    )
    page = client.get(f"/window/new/{household.pk}/")
    assert page.status_code == 200 and "need-4-route" in page.content.decode()

    response = client.post(f"/window/new/{household.pk}/", THREE_NEEDS)
    intake = Intake.objects.get()
    assert response.status_code == 302 and response.url == f"/window/{intake.pk}/"
    assert Case.objects.count() == 1 and intake.needs.count() == 3
    detail = client.get(response.url).content.decode()
    assert "危房改造" in detail and "当场开具" in detail
    for url in (
        "/window/referrals/",
        "/window/statistics/",
        "/window/statistics/?month=2026-03&place=410821902000",
    ):
        assert client.get(url).status_code == 200, url
    assert "危房改造" in client.get("/window/referrals/").content.decode()
    figures = client.get("/window/statistics/?month=2026-03").content.decode()
    assert "示例镇 (410821902000)" in figures
    assert client.get("/window/statistics/?month=March").status_code == 400

    need = Need.objects.get(route="referral")
    response = client.post(
        f"/window/referrals/{need.pk}/answer/",
        {"answer": "住建局已受理", "answered_on": "2026-03-02"},
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.answered_on is not None


def test_faults_are_shown_on_the_form_and_nothing_is_kept(staff, household):
    client = client_for(staff.handler)
    data = form(
        row1={"route": "referral", "description": "就业"},
        row3={
            "route": "application",
            "description": "临时救助",
            "programme": "temporary_expenditure",
            "requested_amount": "1.234",
        },
    )
    response = client.post(f"/window/new/{household.pk}/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-field="need-3-requested_amount"' in page
    assert not Intake.objects.exists() and not Case.objects.exists()
    data["need-1-department"] = "employment"
    data["need-3-requested_amount"] = ""
    response = client.post(f"/window/new/{household.pk}/", data)
    assert response.status_code == 400
    assert 'data-field="need-3-requested_amount"' in response.content.decode()
    assert not Intake.objects.exists() and not Need.objects.exists()


def test_an_auditor_reads_but_is_refused_when_posting(staff, household, make_user):
    need = services.record_intake(
        staff.handler,
        household.pk,
        channel="window",
        needs=[
            {"route": "referral", "description": "医保报销", "department": "medical_insurance"},
        ],
    ).needs.get()
    auditor = client_for(make_user(Role.AUDITOR))
    assert auditor.get("/window/").status_code == 200
    assert auditor.get(f"/window/{need.intake_id}/").status_code == 200
    assert auditor.get("/window/referrals/").status_code == 200
    assert auditor.get(f"/window/new/{household.pk}/").status_code == 403
    assert auditor.post(f"/window/new/{household.pk}/", THREE_NEEDS).status_code == 403
    assert (
        auditor.post(
            f"/window/referrals/{need.pk}/answer/", {"answer": "审计", "answered_on": "2026-03-02"}
        ).status_code
        == 403
    )
    assert Intake.objects.count() == 1 and Case.objects.count() == 0


def test_outsiders_find_nothing(staff, household, make_user):
    intake = services.record_intake(
        staff.handler,
        household.pk,
        channel="window",
        needs=[{"route": "on_the_spot", "description": "咨询", "result": "已解答"}],
    )
    outsider = client_for(make_user(Role.TOWNSHIP_HANDLER, OUTSIDE_TOWNSHIP, "wen"))
    assert outsider.get(f"/window/{intake.pk}/").status_code == 404
    assert outsider.get(f"/window/new/{household.pk}/").status_code == 404
    assert outsider.get("/window/statistics/?place=410821000000").status_code == 404
