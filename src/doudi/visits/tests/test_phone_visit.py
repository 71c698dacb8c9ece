"""On a phone (390×844) a grid worker records a home visit that finds a concern; the warning
it raises reaches the township, whose handler handles it — the whole loop in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright

from doudi.accounts.models import User
from doudi.conftest import household_form, member_form
from doudi.demo.loader import DEMO_PASSWORD, load_demo
from doudi.early_warning.models import EarlyWarning
from doudi.registry.services import create_household
from doudi.web.tests.browser import CHROMIUM, QUIET_FLAGS, artefact_dir
from doudi.web.tests.test_phone import PHONE, _fits

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
GRID_VILLAGE = "410821901001"  # the demo grid worker's village


def test_a_visit_on_a_phone_raises_a_warning_the_township_handles(live_server):
    load_demo()
    grid = User.objects.get(username="grid")
    head = member_form("41082119450404001", "孙独居")
    household, _warnings = create_household(
        grid, household_form(region=GRID_VILLAGE, members=[head], incomes=[]), reason="登记"
    )
    shots = artefact_dir("home_visit_on_a_phone")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        page = browser.new_page(locale="zh-CN", viewport=PHONE, has_touch=True)
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", "grid")
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("main button[type=submit]")
        page.goto(f"{live_server.url}/households/{household.pk}/")
        page.click("[data-testid=home-visit]")
        page.select_option("#id_living_conditions", "concern")
        page.select_option("#id_income_change", "fell")
        page.fill("#id_needs", "冬季取暖困难")
        page.select_option("#id_severity", "3")
        _fits(page, shots, "visit-form")
        page.click("[data-testid=visit] button[type=submit]")
        expect(page.locator("[data-testid=visits]")).to_contain_text(household.file_number)
        _fits(page, shots, "visits")

        page.context.clear_cookies()
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", "handler2")
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("main button[type=submit]")
        page.goto(f"{live_server.url}/warnings/?kind=visit")
        row = page.locator(f"[data-testid=warnings] tr:has-text('{household.file_number}')")
        expect(row).to_contain_text("冬季取暖困难")
        _fits(page, shots, "warnings")
        row.locator("summary", has_text="转相关部门").click()
        row.locator("form[data-handling=refer] select[name=department]").select_option("housing")
        row.locator("form[data-handling=refer] input[name=note]").fill("转住建部门危房改造")
        row.locator("form[data-handling=refer] button[type=submit]").click()
        expect(page.locator(".messages")).to_contain_text("已完成")
        _fits(page, shots, "warning-handled")
        browser.close()

    warning = EarlyWarning.objects.get(household=household)
    assert warning.state == "closed" and warning.route == "refer"
    assert warning.raised_by == grid and warning.severity == 3
