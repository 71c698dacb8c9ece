"""The case pages: a handler opens and walks a case; refusals shown, nothing changed; who may
see and act."""

from __future__ import annotations

import pytest
from django.test import Client

from doudi.accounts.roles import Role
from doudi.cases.models import Case
from doudi.cases.procedures import State
from doudi.conftest import OUTSIDE_TOWNSHIP, valid_id_number

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_handler_opens_and_walks_a_case(staff, household, clock):
    clock.at("2026-03-02")
    handler = client_for(staff.handler)
    response = handler.post(f"/cases/new/{household.pk}/", {
        "programme": "minimum_living", "kind": "application", "channel": "window",
        "need": "申请低保", "authorisation_signed_on": "2026-03-01"})
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == f"/cases/{case.pk}/"
    handler.post(f"/cases/{case.pk}/accept/")
    page = handler.post(f"/cases/{case.pk}/investigate/", {
        "visited_on": "2026-03-02", "investigators": [staff.handler.pk], "home_visit": "on",
        "findings": "入户"}, follow=True).content.decode()
    assert "入户调查须由两名以上工作人员进行" in page  # refused, shown on the page
    assert Case.objects.get().state == State.ACCEPTED
    handler.post(f"/cases/{case.pk}/investigate/", {
        "visited_on": "2026-03-02", "investigators": [staff.handler.pk, staff.village.pk],
        "home_visit": "on", "findings": "入户核实"})
    handler.post(f"/cases/{case.pk}/request_check/")
    client_for(staff.county).post(f"/cases/{case.pk}/record_check/", {"result": "consistent"})
    page = handler.get(f"/cases/{case.pk}/").content.decode()
    assert Case.objects.get().state == State.CHECKED and 'data-step="give_opinion"' in page
    assert valid_id_number("41082119700101001") not in page
    pdf = handler.get(f"/cases/{case.pk}/documents/acceptance.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_the_list_shows_overdue_cases(staff, household, clock):
    clock.at("2026-03-02")
    client_for(staff.handler).post(f"/cases/new/{household.pk}/", {
        "programme": "minimum_living", "kind": "application", "channel": "window"})
    case = Case.objects.get()
    client_for(staff.handler).post(f"/cases/{case.pk}/accept/")
    clock.at("2026-03-09")
    page = client_for(staff.county).get("/cases/").content.decode()
    overdue = page.split('data-testid="overdue"')[1].split("</table>")[0]
    assert case.file_number in overdue


def test_who_may_see_and_act(staff, household, clock, make_user):
    clock.at("2026-03-02")
    client_for(staff.handler).post(f"/cases/new/{household.pk}/", {
        "programme": "minimum_living", "kind": "application", "channel": "window"})
    case = Case.objects.get()
    auditor = client_for(make_user(Role.AUDITOR))
    page = auditor.get(f"/cases/{case.pk}/").content.decode()
    assert "data-step=" not in page  # sees, but may take no step
    auditor.post(f"/cases/{case.pk}/accept/")
    assert Case.objects.get().state == State.SUBMITTED
    elsewhere = client_for(make_user(Role.TOWNSHIP_HANDLER, OUTSIDE_TOWNSHIP, "elsewhere"))
    assert elsewhere.get(f"/cases/{case.pk}/").status_code == 404
    assert elsewhere.get(f"/cases/{case.pk}/documents/application.pdf").status_code == 404
