"""The case pages: a handler opens and walks a case; refusals shown next to the form, nothing
changed; who may see and act; the deadline sections; documents; ID numbers masked."""

from __future__ import annotations

import pytest
from django.test import Client

from doudi.accounts.roles import Role
from doudi.cases import services
from doudi.cases.models import Case
from doudi.cases.procedures import State
from doudi.cases.tests.helpers import investigate, open_case
from doudi.conftest import OUTSIDE_TOWNSHIP, api_as, valid_id_number
from doudi.money import fen_to_yuan
from doudi.regions.services import set_confirms_cases
from doudi.workdays.calendar import WorkingCalendar

pytestmark = pytest.mark.django_db

HEAD_ID = valid_id_number("41082119700101001")
TOWNSHIP = "410821902000"
HUKOU_TOWNSHIP = "410821901000"
WINDOW = {"programme": "minimum_living", "kind": "application", "channel": "window"}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def section(page: str, testid: str) -> str:
    return page.split(f'data-testid="{testid}"')[1].split("</table>")[0]


def opened(staff, household, **fields) -> Case:
    response = client_for(staff.handler).post(f"/cases/new/{household.pk}/", {**WINDOW, **fields})
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == f"/cases/{case.pk}/"
    return case


def test_a_handler_opens_and_walks_a_case(staff, household, clock):
    clock.at("2026-03-02")
    handler = client_for(staff.handler)
    household_page = handler.get(f"/households/{household.pk}/").content.decode()
    assert f"/cases/new/{household.pk}/" in household_page
    case = opened(staff, household, need="申请低保", authorisation_signed_on="2026-03-01")
    handler.post(f"/cases/{case.pk}/accept/")
    refused = handler.post(
        f"/cases/{case.pk}/investigate/",
        {
            "visited_on": "2026-03-02",
            "investigators": [staff.handler.pk],
            "home_visit": "on",
            "findings": "入户",
        },
    )
    page = refused.content.decode()
    assert refused.status_code == 400
    error = page.split('data-step="investigate"')[1].split("</form>")[0]
    assert "入户调查须由两名以上工作人员进行" in error
    assert 'data-field="investigators"' in error and ">入户</textarea>" in error
    assert Case.objects.get().state == State.ACCEPTED
    handler.post(
        f"/cases/{case.pk}/investigate/",
        {
            "visited_on": "2026-03-02",
            "investigators": [staff.handler.pk, staff.village.pk],
            "home_visit": "on",
            "findings": "入户核实",
        },
    )
    handler.post(f"/cases/{case.pk}/request_check/")
    county = client_for(staff.county)
    assert 'data-step="record_check"' in county.get(f"/cases/{case.pk}/").content.decode()
    recorded = county.post(f"/cases/{case.pk}/record_check/", {"result": "consistent"})
    assert recorded.status_code == 302
    page = handler.get(f"/cases/{case.pk}/").content.decode()
    assert Case.objects.get().state == State.CHECKED and 'data-step="give_opinion"' in page
    assert 'data-step="record_check"' not in page  # the county's step, not the handler's
    investigations = page.split('data-testid="investigations"')[1].split("</ul>")[0]
    assert str(staff.village) in investigations and str(staff.handler) in investigations
    assert "入户核实" in page and "data-checks" in page
    assert HEAD_ID not in page and "张三" in page


def test_a_refused_step_changes_nothing_and_names_the_field(staff, household, clock):
    clock.at("2026-03-02")
    case = opened(staff, household)
    handler = client_for(staff.handler)
    response = handler.post(f"/cases/{case.pk}/request_check/")  # not accepted yet
    assert response.status_code == 400 and 'data-testid="step-error"' in response.content.decode()
    missing_date = handler.post(
        f"/cases/{case.pk}/receive_materials/",
        {"items": "户口本", "authorisation_signed_on": "3 March"},
    )
    assert missing_date.status_code == 400 and "3 March" in missing_date.content.decode()
    assert Case.objects.get().transitions.count() == 1


def test_the_list_shows_deadlines_heads_and_filters(staff, household, clock, monkeypatch):
    clock.at("2026-03-02")
    case = opened(staff, household, relative_of_staff="村主任之子")
    client_for(staff.handler).post(f"/cases/{case.pk}/accept/")
    county = client_for(staff.county)
    page = county.get("/cases/").content.decode()
    assert case.file_number in section(page, "relatives")
    assert case.file_number not in section(page, "overdue")
    clock.at("2026-03-09")
    county = client_for(staff.county)  # a week later: a new session
    page = county.get("/cases/").content.decode()
    assert case.file_number in section(page, "overdue")
    rows = section(page, "cases")
    assert "张三" in rows and household.members.get(name="张三").id_number_masked in rows
    assert HEAD_ID not in page
    assert case.file_number in section(
        county.get("/cases/?state=accepted").content.decode(), "cases"
    )
    assert case.file_number not in section(
        county.get("/cases/?state=submitted&programme=minimum_living").content.decode(), "cases"
    )
    assert 'data-testid="provisional"' not in page
    monkeypatch.setattr(WorkingCalendar, "year_known", staticmethod(lambda year: False))
    assert 'data-testid="provisional"' in section(county.get("/cases/").content.decode(), "cases")


def test_who_may_see_and_act(staff, household, clock, make_user):
    clock.at("2026-03-02")
    case = opened(staff, household)
    auditor = client_for(make_user(Role.AUDITOR))
    page = auditor.get(f"/cases/{case.pk}/").content.decode()
    assert case.file_number in page and "data-step=" not in page  # sees, may take no step
    assert auditor.post(f"/cases/{case.pk}/accept/").status_code == 403
    assert auditor.get(f"/cases/new/{household.pk}/").status_code == 403
    assert "/cases/new/" not in auditor.get(f"/households/{household.pk}/").content.decode()
    assert Case.objects.get().state == State.SUBMITTED
    elsewhere = client_for(make_user(Role.TOWNSHIP_HANDLER, OUTSIDE_TOWNSHIP, "elsewhere"))
    assert elsewhere.get(f"/cases/{case.pk}/").status_code == 404
    assert elsewhere.post(f"/cases/{case.pk}/accept/").status_code == 404
    assert elsewhere.get(f"/cases/{case.pk}/documents/application.pdf").status_code == 404
    assert case.file_number not in elsewhere.get("/cases/").content.decode()
    assert Case.objects.get().state == State.SUBMITTED


def test_the_navigation_links_cases_for_case_workers_only(staff, make_user):
    assert 'href="/cases/"' in client_for(staff.handler).get("/").content.decode()
    finance = client_for(make_user(Role.FINANCE_OFFICER))
    assert 'href="/cases/"' not in finance.get("/").content.decode()
    assert finance.get("/cases/").status_code == 403


def test_documents_download_as_pdf(staff, household, clock):
    pytest.importorskip(
        "doudi.cases.documents", reason="doudi.cases.documents (the PDF writer) is not there yet"
    )
    clock.at("2026-03-02")
    case = opened(staff, household)
    handler = client_for(staff.handler)
    page = handler.get(f"/cases/{case.pk}/").content.decode()
    assert f"/cases/{case.pk}/documents/application.pdf" in page
    assert f"/cases/{case.pk}/documents/approval.pdf" not in page  # not decided
    pdf = handler.get(f"/cases/{case.pk}/documents/application.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"].startswith("attachment;")
    assert handler.get(f"/cases/{case.pk}/documents/approval.pdf").status_code == 400


def test_a_decided_case_shows_its_decision_and_the_engine(staff, household, clock):
    clock.at("2026-03-02")
    case = open_case(staff, household)
    services.accept(staff.handler, case.pk)
    investigate(staff, case, "2026-03-02")
    services.request_check(staff.handler, case.pk)
    services.record_check(staff.county, case.pk, result="consistent")
    services.give_opinion(staff.handler, case.pk, recommends_approval=False, text="建议")
    services.approve(staff.county, case.pk, reasons="符合低保条件")
    page = client_for(staff.handler).get(f"/cases/{case.pk}/").content.decode()
    decision = page.split('data-testid="decision"')[1].split("</table>")[0]
    amount = Case.objects.get().decision.monthly_amount_fen
    assert "符合低保条件" in decision and f"{amount // 100}." in decision
    # A monthly amount reads as money a month: "300.13 元/月", never "300.13/月份".
    shown = f"{fen_to_yuan(amount)} 元/月"
    assert f'<td data-testid="monthly-amount">{shown}' in decision and "月份" not in shown
    household_page = client_for(staff.handler).get(f"/households/{household.pk}/")
    decisions = section(household_page.content.decode(), "decisions")
    assert shown in decisions and "每月" not in decisions
    assert 'data-testid="engine"' in decision and 'data-step="notify"' in page
    assert "建议" in page.split('data-testid="opinions"')[1]
    assert HEAD_ID not in page


def test_money_is_typed_and_shown_in_yuan(staff, household, clock):
    clock.at("2026-03-02")
    refused = client_for(staff.handler).post(
        f"/cases/new/{household.pk}/",
        {**WINDOW, "programme": "temporary_expenditure", "requested_amount": "12.345"},
    )
    assert refused.status_code == 400 and 'data-field="requested_amount"' in (
        refused.content.decode()
    )
    case = opened(
        staff,
        household,
        programme="temporary_expenditure",
        need="住院自付",
        requested_amount="1,200.50",
    )
    assert case.requested_amount_fen == 120050
    assert "1,200.50" in client_for(staff.handler).get(f"/cases/{case.pk}/").content.decode()


def _confirmable(staff, household, clock) -> Case:
    """A 低保 case whose opinion proposes refusal: it waits for confirmation, no notice."""
    clock.at("2026-03-02")
    case = open_case(staff, household)
    services.accept(staff.handler, case.pk)
    investigate(staff, case, "2026-03-02")
    services.request_check(staff.handler, case.pk)
    services.record_check(staff.county, case.pk, result="consistent")
    return services.give_opinion(staff.handler, case.pk, recommends_approval=False, text="拟不予")


def offered_steps(user, case: Case) -> tuple[str, list[str]]:
    page = client_for(user).get(f"/cases/{case.pk}/").content.decode()
    api = api_as(user).get(f"/api/v1/cases/{case.pk}/").json()["steps"]
    return page, api


def test_only_the_confirmer_where_the_power_sits_is_offered_to_approve(staff, household, clock):
    case = _confirmable(staff, household, clock)
    page, api = offered_steps(staff.reviewer, case)
    assert 'data-step="approve"' not in page and 'data-step="refuse"' not in page
    assert "approve" not in api and "refuse" not in api
    page, api = offered_steps(staff.county, case)
    assert 'data-step="approve"' in page and {"approve", "refuse"} <= set(api)
    assert 'data-step="spot_check"' not in page  # 低保 has no spot check


def test_a_delegated_township_confirms_through_its_reviewer(staff, household, clock):
    clock.at("2026-03-02")
    set_confirms_cases(staff.county, TOWNSHIP, confirms=True, reason="审核确认权下放")
    case = _confirmable(staff, household, clock)
    page, api = offered_steps(staff.reviewer, case)
    assert 'data-step="approve"' in page and "approve" in api
    page, api = offered_steps(staff.county, case)
    assert 'data-step="approve"' not in page and "approve" not in api


def test_who_investigated_is_not_offered_to_confirm(staff, household, clock):
    clock.at("2026-03-02")
    set_confirms_cases(staff.county, TOWNSHIP, confirms=True, reason="审核确认权下放")
    case = open_case(staff, household)
    services.accept(staff.handler, case.pk)
    investigate(staff, case, "2026-03-02", investigator_ids=[staff.reviewer.pk, staff.village.pk])
    services.request_check(staff.handler, case.pk)
    services.record_check(staff.county, case.pk, result="consistent")
    services.give_opinion(staff.handler, case.pk, recommends_approval=False, text="拟不予")
    page, api = offered_steps(staff.reviewer, case)
    assert 'data-step="approve"' not in page and "approve" not in api


def test_a_confirmation_not_yet_possible_says_why(staff, household, clock):
    clock.at("2026-03-02")
    case = open_case(staff, household)
    services.accept(staff.handler, case.pk)
    investigate(staff, case, "2026-03-02")
    services.request_check(staff.handler, case.pk)
    services.record_check(staff.county, case.pk, result="consistent")
    services.give_opinion(staff.handler, case.pk, recommends_approval=True, text="拟同意")
    page = client_for(staff.county).get(f"/cases/{case.pk}/").content.decode()
    assert 'data-step="approve"' not in page
    waiting = page.split('data-waiting="approve"')[1].split("</p>")[0]
    assert "2026-03-08" in waiting  # the notice runs until then
    detail = api_as(staff.county).get(f"/api/v1/cases/{case.pk}/").json()
    assert "approve" not in detail["steps"]
    assert any(
        w["action"] == "approve" and "2026-03-08" in w["message_en"] for w in detail["waiting"]
    )


def test_decision_documents_appear_only_once_decided(staff, household, clock):
    pytest.importorskip("doudi.cases.documents")
    case = _confirmable(staff, household, clock)
    handler = client_for(staff.handler)
    page = handler.get(f"/cases/{case.pk}/").content.decode()
    documents = page.split('data-testid="documents"')[1].split("</p>")[0]
    assert "acceptance.pdf" in documents and "investigation.pdf" in documents
    assert "approval.pdf" not in documents and "refusal.pdf" not in documents
    services.refuse(staff.county, case.pk, reasons="不符合条件")
    page = handler.get(f"/cases/{case.pk}/").content.decode()
    documents = page.split('data-testid="documents"')[1].split("</p>")[0]
    assert "refusal.pdf" in documents and "approval.pdf" not in documents


def test_the_hukou_township_answers_on_its_page_and_the_case_is_confirmed(
    staff, household, clock, make_user
):
    hukou = make_user(Role.TOWNSHIP_HANDLER, HUKOU_TOWNSHIP, "hukou_handler")
    clock.at("2026-03-02")
    case = open_case(staff, household, hukou_region_code="410821901001")
    services.accept(staff.handler, case.pk)
    investigate(staff, case, "2026-03-02")
    services.request_check(staff.handler, case.pk)
    services.record_check(staff.county, case.pk, result="consistent")
    services.give_opinion(staff.handler, case.pk, recommends_approval=False, text="拟不予")
    county = client_for(staff.county)
    waiting = county.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-step="refuse"' not in waiting and 'data-waiting="refuse"' in waiting
    answering = client_for(hukou)
    assert answering.get(f"/cases/{case.pk}/").status_code == 404  # the case stays unseen
    listed = answering.get("/cases/").content.decode()
    assert 'href="/cases/hukou/"' in listed
    requests = answering.get("/cases/hukou/").content.decode()
    row = requests.split(f'data-case="{case.pk}"')[1]
    assert case.file_number in row and "张三" in row and HEAD_ID not in requests
    assert 'data-step="answer_hukou_check"' in row
    assert (
        'data-step="answer_hukou_check"'
        not in client_for(staff.handler).get("/cases/hukou/").content.decode()
    )
    empty = answering.post(f"/cases/{case.pk}/answer_hukou_check/", {"answer": " "})
    assert empty.status_code == 400 and 'data-field="answer"' in empty.content.decode()
    answered = answering.post(
        f"/cases/{case.pk}/answer_hukou_check/", {"answer": "户籍地核实：无房产、无车辆。"}
    )
    assert answered.status_code == 302 and answered.url == "/cases/hukou/"
    assert f'data-case="{case.pk}"' not in answering.get("/cases/hukou/").content.decode()
    page = county.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-step="refuse"' in page and "户籍地核实" in page
    assert county.post(f"/cases/{case.pk}/refuse/", {"reasons": "不符合"}).status_code == 302
    assert Case.objects.get().state == State.REFUSED
