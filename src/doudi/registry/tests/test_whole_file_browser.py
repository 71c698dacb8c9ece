"""In Chromium: a township handler opens a recipient's file and asks what the rules find."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from doudi.benefits.models import Benefit
from doudi.demo.loader import DEMO_PASSWORD
from doudi.demo.management.commands import demo as command
from doudi.web.templatetags.doudi_format import yuan
from doudi.web.tests.browser import CHROMIUM, QUIET_FLAGS

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_handler_reads_a_recipient_s_whole_file(live_server, monkeypatch, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.DOUDI_SNAPSHOT_URI = ""
    monkeypatch.setattr(command, "DEMO_HOUSEHOLDS", 1000)
    call_command("demo", "load", stdout=io.StringIO())
    month = timezone.localdate().replace(day=1)
    benefit = Benefit.objects.in_force(month).select_related("decision__case").first()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        page = browser.new_page(locale="zh-CN")
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", "handler")
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("main button[type=submit]")
        page.goto(f"{live_server.url}/households/{benefit.household_id}/")
        expect(page.locator("[data-testid=cases]")).to_contain_text(
            benefit.decision.case.file_number
        )
        expect(page.locator("[data-testid=benefits]")).to_contain_text(
            yuan(benefit.monthly_amount_fen)
        )
        # Last month's payment (the demo's one-off grant, not yet paid, may come first).
        paid = page.locator(
            "[data-testid=payments] tbody tr", has_text=yuan(benefit.monthly_amount_fen)
        )
        expect(paid.first).to_be_visible()
        page.click("[data-testid=evaluate]")
        evaluation = page.locator("[data-testid=evaluation]")
        expect(evaluation).to_contain_text("低保")
        expect(evaluation.locator("li").first).to_be_visible()
        page.screenshot(path=str(tmp_path / "whole-file.png"), full_page=True)
        page.click("[data-testid=cases] tbody tr >> nth=0 >> a")
        expect(page.locator("h1")).to_contain_text(benefit.decision.case.file_number)
        browser.close()
