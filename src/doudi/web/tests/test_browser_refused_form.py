"""In a real Chromium, a refused form keeps what was typed and shows the refusal as an error."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright

from doudi.demo.loader import DEMO_PASSWORD, load_demo
from doudi.web.tests.browser import CHROMIUM, QUIET_FLAGS

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_refused_budget_comes_back_as_typed_under_a_red_alert(live_server):
    load_demo()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        page = browser.new_page(locale="zh-CN")
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", "finance")
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("main button[type=submit]")
        page.goto(f"{live_server.url}/payroll/budgets/")
        page.fill("#id_year", "2026")
        page.fill("#id_amount", "五百元")
        page.fill("#id_reason", "年初预算")
        page.click("main form.grid button[type=submit]")

        alert = page.locator(".messages li[role=alert]")
        expect(alert).to_contain_text("金额（元）")
        expect(alert).to_have_class("error")
        background = alert.evaluate("element => getComputedStyle(element).backgroundColor")
        assert background == "rgb(254, 243, 242)"  # the error's red, not the success's green
        expect(page.locator("#id_amount")).to_have_value("五百元")
        expect(page.locator("#id_reason")).to_have_value("年初预算")
        expect(page.locator("#id_year")).to_have_value("2026")
        browser.close()
