"""In Chromium, the payroll's figures name the programme and the township, never their codes."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect, sync_playwright

from doudi.demo.loader import DEMO_PASSWORD
from doudi.payroll.models import Payroll
from doudi.web.tests.browser import CHROMIUM, QUIET_FLAGS

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_payroll_figures_show_names_not_codes(live_server):
    call_command("demo", "load")  # last month's payroll of 示例镇, paid
    payroll = Payroll.objects.order_by("pk").first()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        page = browser.new_page(locale="zh-CN")
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", "finance")
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("main button[type=submit]")
        page.goto(f"{live_server.url}/payroll/{payroll.pk}/")
        row = page.locator("[data-testid=report] tbody tr").first
        expect(row.locator("td").nth(0)).to_have_text("最低生活保障（低保）")
        expect(row.locator("td").nth(1)).to_have_text("示例镇")
        text = page.locator("[data-testid=report]").inner_text()
        assert "minimum_living" not in text and "410821902000" not in text
        browser.close()
