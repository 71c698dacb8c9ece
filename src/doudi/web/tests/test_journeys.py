"""Each demo role does its whole job in a real Chromium on the fresh demo (issue 13's Done-when):
a 低保 application from the window to the household told of the approval, and an emergency
payment from the township's reserve fund; every role's home page is kept as a screenshot. The
payroll's whole round is in payroll/tests/test_browser.py, the grid worker's proxy application
on a phone in test_phone.py.

The seven days of public notice pass inside ``demo.recipients.as_if``: the live server runs in
this process, so the case services take the day it names for today, as the demo loader does.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect, sync_playwright

from doudi.accounts.models import User
from doudi.cases.models import Case
from doudi.demo.loader import DEMO_ACCOUNTS, load_demo
from doudi.demo.recipients import as_if, eligible_households
from doudi.reserve_fund.models import ReserveMovement
from doudi.web.tests.browser import (
    CHROMIUM,
    QUIET_FLAGS,
    artefact_dir,
    log_in,
    open_step,
    take_step,
)
from doudi.workdays.calendar import WorkingCalendar

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _apply_at_the_window(page: Page, file_number: str, programme: str, amount: str = "") -> None:
    """The handler registers the household's request at the window; the case it opens."""
    page.click("nav >> text=一门受理")
    page.fill("#id_household", file_number)
    page.click("main form.filters button[type=submit]")
    page.select_option("#id_channel", "window")
    page.fill("#id_authorisation_signed_on", timezone.localdate().isoformat())
    page.select_option("#id_need-0-route", "application")
    page.select_option("#id_need-0-programme", programme)
    page.fill("#id_need-0-description", "家庭申请救助")
    if amount:
        page.fill("#id_need-0-requested_amount", amount)
    page.click("main button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("已保存")
    page.click("[data-testid=needs] [data-testid=case-link]")
    expect(page.locator("[data-testid=state]")).to_have_text("已申请，待受理")


def test_a_minimum_living_application_from_the_window_to_the_household_told(live_server):
    call_command("demo", "load")  # places, accounts, households, recipients and cases
    today = timezone.localdate()
    handler = User.objects.get(username="handler")
    household = eligible_households(handler, today, today.replace(day=1), 1)[0]
    calendar = WorkingCalendar.current()  # read here: the database is not reached from inside
    shots = artefact_dir("minimum_living_application")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        township = log_in(browser, live_server.url, "handler")
        _apply_at_the_window(township, household.file_number, "minimum_living")
        case_url = township.url
        take_step_on(township, "accept", "已受理")

        open_step(township, "investigate")
        township.fill("#id_investigate_visited_on", today.isoformat())
        township.select_option(
            "#id_investigate_investigators",
            label=[_staff_label(township, "演示乡镇经办"), _staff_label(township, "演示村级经办")],
        )
        township.check("#id_investigate_home_visit")
        township.fill("#id_investigate_findings", "两名工作人员入户，核实收入与财产。")
        # The facts found have their own form, one box per member, filled in from the record.
        facts = township.locator("details[data-step=investigate] [data-testid=facts-form]")
        expect(facts.locator("fieldset legend").first).to_be_visible()
        facts.screenshot(path=shots / "investigation-facts.png")
        take_step(township, "investigate", "已入户调查")
        take_step_on(township, "request_check", "信息核对中")

        county = log_in(browser, live_server.url, "county")
        county.goto(case_url)
        open_step(county, "record_check")
        county.select_option("#id_record_check_result", "consistent")
        take_step(county, "record_check", "已完成信息核对")

        township.goto(case_url)
        open_step(township, "give_opinion")
        township.check("#id_give_opinion_recommends_approval")
        township.fill("#id_give_opinion_text", "经调查核实，符合低保条件，拟同意。")
        township.screenshot(path=shots / "township-opinion.png", full_page=True)
        take_step(township, "give_opinion", "公示中")
        notice_ends = datetime.date.fromisoformat(
            township.locator("[data-testid=notice-ends]").inner_text()
        )

        decided_on = calendar.add_working_days(notice_ends, 1)
        with as_if(decided_on):
            county.goto(case_url)
            open_step(county, "approve")
            county.fill("#id_approve_reasons", "公示期满无异议，符合低保条件。")
            county.screenshot(path=shots / "county-approval.png", full_page=True)
            take_step(county, "approve", "已批准")
            notice = county.locator("main a", has_text="批准通知书")
            pdf = county.request.get(f"{live_server.url}{notice.get_attribute('href')}")
            assert pdf.headers["content-type"] == "application/pdf" and pdf.body()[:5] == b"%PDF-"

            township.goto(case_url)
            open_step(township, "notify")
            township.fill("#id_notify_told_on", decided_on.isoformat())
            township.fill("#id_notify_how", "送达批准通知书，户主签收。")
            take_step(township, "notify", "已批准")
            expect(township.locator("[data-testid=transitions]")).to_contain_text("告知")
            township.screenshot(path=shots / "household-told.png", full_page=True)
        browser.close()

    case = Case.objects.get(pk=_case_id(case_url))
    assert case.state == "approved" and case.decision.notified_on is not None
    assert household.benefits.filter(programme="minimum_living").exists()


def test_an_emergency_is_paid_from_the_reserve_fund_first(live_server):
    call_command("demo", "load")  # places, accounts, households, recipients and cases
    today = timezone.localdate()
    handler = User.objects.get(username="handler")
    household = eligible_households(handler, today, today.replace(day=1), 1)[0]
    shots = artefact_dir("emergency_payment")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        township = log_in(browser, live_server.url, "handler")
        _apply_at_the_window(township, household.file_number, "temporary_emergency", "800.00")
        case_url = township.url
        take_step_on(township, "accept", "已受理")

        open_step(township, "pay_first")
        township.fill("#id_pay_first_amount", "1500.00")  # above what a township may grant
        township.fill("#id_pay_first_reason", "突发火灾，生活无着，先行救助。")
        township.click("details[data-step=pay_first] button[type=submit]")
        expect(township.locator("[data-testid=step-error]")).to_contain_text("县级审批")
        expect(township.locator("#id_pay_first_reason")).to_have_value(
            "突发火灾，生活无着，先行救助。"
        )

        township.fill("#id_pay_first_amount", "800.00")
        township.screenshot(path=shots / "pay-first.png", full_page=True)
        take_step(township, "pay_first", "已先行救助，待补充材料")

        county = log_in(browser, live_server.url, "county")
        county.click("nav >> text=临时救助备用金")
        movements = county.locator("[data-testid=movements] tbody tr")
        expect(movements.first).to_contain_text("-800.00")
        expect(movements.first).to_contain_text(household.file_number)
        county.screenshot(path=shots / "reserve-fund.png", full_page=True)
        county.goto(case_url)
        browser.close()

    case = Case.objects.get(pk=_case_id(case_url))
    assert case.state == "paid_awaiting_papers"
    paid = ReserveMovement.objects.get(recipient__contains=case.file_number)
    assert (paid.kind, paid.amount_fen) == ("payment", 80000)


def test_every_role_s_home_page(live_server):
    """Each demo account's home: its to-do list or its figures, kept as a screenshot."""
    load_demo()
    shots = artefact_dir("home_pages")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        for account in DEMO_ACCOUNTS:
            page = log_in(browser, live_server.url, account.username)
            expect(page.locator("h1")).to_be_visible()
            page.screenshot(path=shots / f"{account.username}.png", full_page=True)
            page.context.close()
        browser.close()
    assert len(list(shots.glob("*.png"))) == len(DEMO_ACCOUNTS)


def take_step_on(page: Page, action: str, state: str) -> None:
    """A step without fields: unfold it and send it."""
    open_step(page, action)
    take_step(page, action, state)


def _case_id(case_url: str) -> int:
    return int(case_url.rstrip("/").rsplit("/", 1)[1])


def _staff_label(page: Page, name: str) -> str:
    """The investigator's option as the page labels it (name · role · place)."""
    option = page.locator("#id_investigate_investigators option", has_text=name).first
    return option.inner_text()
