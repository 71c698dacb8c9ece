"""In Chromium, without logging in: a demo village's public notice by its link, the masked
lines and the objection form, and nothing of the staff pages; the screenshot is kept."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect, sync_playwright

from doudi.accounts.models import User
from doudi.benefits.models import Benefit
from doudi.demo.management.commands import demo as command
from doudi.demo.tests.conftest import private_var_dir  # noqa: F401
from doudi.notices import services
from doudi.notices.models import PublicObjection
from doudi.web.tests.browser import CHROMIUM, QUIET_FLAGS, artefact_dir

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_resident_reads_the_village_s_notice_and_objects_without_logging_in(
    live_server, monkeypatch
):
    monkeypatch.setattr(command, "DEMO_HOUSEHOLDS", 300)
    call_command("demo", "load", stdout=io.StringIO())
    handler = User.objects.get(username="handler")
    benefit = Benefit.objects.filter(region__code__startswith=handler.region_id[:9]).first()
    board = services.issue_link(handler, benefit.region_id)
    shots = artefact_dir("public_notice")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        page = browser.new_page(locale="zh-CN", viewport={"width": 1100, "height": 900})
        page.goto(f"{live_server.url}/notice/{board.token}/")
        expect(page.locator("[data-testid=long-term] tbody tr").first).to_be_visible()
        expect(page.locator("[data-testid=qr] svg")).to_be_visible()
        assert page.locator("[data-testid=who]").count() == 0  # nobody is logged in
        assert page.locator("nav").count() == 0
        page.screenshot(path=str(shots / "public_notice.png"), full_page=True)
        page.select_option("#id_ref", f"b{benefit.pk}")
        page.fill("#id_text", "该户已有稳定收入。")
        page.click("form button[type=submit]")
        expect(page.locator("[data-testid=lodged]")).to_be_visible()
        page.screenshot(path=str(shots / "objection_lodged.png"), full_page=True)
        browser.close()
    objection = PublicObjection.objects.get()
    assert (objection.household_id, objection.notice) == (benefit.household_id, "long_term")
