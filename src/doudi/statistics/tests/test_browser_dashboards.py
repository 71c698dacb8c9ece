"""In Chromium, on the fresh demo: the township's, the county's and the city's dashboards,
their figures (the hotline's among them) and their charts drawn by ECharts from the project's
own static files; the screenshots are kept."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from doudi.dates import month_before
from doudi.demo.management.commands import demo as command
from doudi.demo.tests.conftest import private_var_dir  # noqa: F401
from doudi.web.tests.browser import CHROMIUM, QUIET_FLAGS, artefact_dir, log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_each_level_opens_its_dashboard_with_its_charts(live_server, monkeypatch):
    monkeypatch.setattr(command, "DEMO_HOUSEHOLDS", 300)
    call_command("demo", "load", stdout=io.StringIO())
    shots = artefact_dir("dashboards")
    last_month = month_before(timezone.localdate().replace(day=1)).strftime("%Y-%m")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        for username, place in (("handler", "示例镇"), ("county", "修武县"), ("city", "焦作市")):
            page = log_in(
                browser, live_server.url, username, viewport={"width": 1200, "height": 900}
            )
            page.goto(f"{live_server.url}/statistics/")
            expect(page.locator("[data-testid=dashboard-place]")).to_contain_text(place)
            expect(page.locator("#chart-money[data-drawn='1'] canvas").first).to_be_visible()
            assert page.locator("[data-testid=own-figures] tbody tr").count() >= 1
            expect(page.locator("#chart-hotline[data-drawn='1'] canvas").first).to_be_visible()
            assert page.locator("[data-testid=hotline-categories] tbody tr").count() == 5
            page.screenshot(path=str(shots / f"dashboard_{username}.png"), full_page=True)
            # Last month's payroll was paid through the three parties on the demo.
            page.fill("#id_month", last_month)
            page.click("main form button[type=submit]")
            expect(page.locator("[data-testid=total-paid]")).not_to_have_text("0.00")
            expect(page.locator("#chart-money[data-drawn='1'] canvas").first).to_be_visible()
            page.screenshot(path=str(shots / f"dashboard_{username}_paid.png"), full_page=True)
            page.context.close()
        browser.close()
