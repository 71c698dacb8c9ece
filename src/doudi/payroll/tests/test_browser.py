"""In a real Chromium on the fresh demo: civil affairs generates the month's payroll, is told
who a second one would leave out and why, submits; finance returns it with a reason; civil
affairs reads the reason and submits again; finance approves. The county reads its townships'
reserve funds."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect, sync_playwright

from doudi.demo.loader import DEMO_PASSWORD
from doudi.web.tests.browser import CHROMIUM, QUIET_FLAGS

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _log_in(browser: Browser, url: str, username: str) -> Page:
    page = browser.new_context(locale="zh-CN").new_page()
    page.goto(f"{url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("[data-testid=who]")).to_be_visible()
    return page


def test_a_payroll_explains_itself_and_is_returned_once(live_server):
    call_command("demo", "load")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        county = _log_in(browser, live_server.url, "county")
        county.click("nav >> text=发放花名册")
        county.click("form[action$='/generate/'] button[type=submit]")
        expect(county.locator(".messages")).to_contain_text("已生成")
        expect(county.locator("[data-testid=state]")).to_have_text("已生成")
        payroll_url = county.url

        # The same month again: nobody to pay, and each person named with the reason.
        county.click("nav >> text=发放花名册")
        county.click("form[action$='/generate/'] button[type=submit]")
        expect(county.locator(".messages")).to_contain_text("无人可发")
        reasons = county.locator("[data-testid=left-out] [data-testid=reason]")
        expect(reasons.first).to_be_visible()
        expect(reasons.filter(has_text="该月已发放").first).to_be_visible()
        first_row = county.locator("[data-testid=left-out] tbody tr").first
        assert "********" in first_row.locator("td").nth(2).inner_text()  # masked ID number

        county.goto(payroll_url)
        county.click("button:has-text('报送财政')")
        expect(county.locator(".messages")).to_contain_text("已提交财政")

        finance = _log_in(browser, live_server.url, "finance")
        finance.goto(payroll_url)
        expect(finance.locator("nav")).not_to_contain_text("临时救助备用金")
        finance.fill("#id_return_reason", "请核对新增对象的社保卡号")
        finance.click("button:has-text('退回民政')")
        expect(finance.locator(".messages")).to_contain_text("退回民政")
        expect(finance.locator("[data-testid=state]")).to_have_text("财政已退回民政")

        county.goto(payroll_url)
        expect(county.locator("[data-testid=returned]")).to_contain_text("请核对新增对象的社保卡号")
        county.click("button:has-text('报送财政')")
        expect(county.locator("[data-testid=state]")).to_have_text("民政已报送")

        finance.goto(payroll_url)
        finance.click("button:has-text('审核同意发放')")
        expect(finance.locator(".messages")).to_contain_text("已审核同意发放")

        bank = _log_in(browser, live_server.url, "bank")
        bank.goto(f"{live_server.url}/payroll/")
        expect(bank.locator("main")).not_to_contain_text("预算")

        county.click("nav >> text=临时救助备用金")
        expect(county.locator("[data-testid=funds]")).to_contain_text("示例镇")
        expect(county.locator("[data-testid=movements] tbody tr").first).to_be_visible()
        browser.close()
