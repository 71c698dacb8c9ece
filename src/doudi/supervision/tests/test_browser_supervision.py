"""In Chromium, on the fresh demo: the county's inspector makes an unannounced inspection plan,
draws a spot-check sample of its recipient households, fills the checklist of the first item
drawn and raises a finding of it, each through the page's own form; the screenshots are kept."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect, sync_playwright

from doudi.conftest import INSIDE_COUNTY
from doudi.demo.management.commands import demo as command
from doudi.demo.tests.conftest import private_var_dir  # noqa: F401
from doudi.supervision.models import CHECKLIST, Finding
from doudi.web.tests.browser import CHROMIUM, QUIET_FLAGS, artefact_dir, log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_an_inspector_plans_draws_checks_and_raises_a_finding(live_server, monkeypatch):
    monkeypatch.setattr(command, "DEMO_HOUSEHOLDS", 300)
    call_command("demo", "load", stdout=io.StringIO())
    shots = artefact_dir("supervision")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        page = log_in(browser, live_server.url, "county", viewport={"width": 1200, "height": 900})
        page.goto(f"{live_server.url}/supervision/")
        plan = page.locator("form[data-step=create_plan]")
        plan.locator("#id_kind").select_option("unannounced")
        plan.locator("#id_title").fill("低保暗访抽查")
        plan.locator("#id_place").select_option(INSIDE_COUNTY)
        plan.locator("#id_inspectors").fill("王监督、李检查")
        page.screenshot(path=str(shots / "1_plan_form.png"), full_page=True)
        plan.locator("button[type=submit]").click()
        page.wait_for_load_state()
        expect(page.locator("h1")).to_contain_text("低保暗访抽查")

        sample = page.locator("form[data-step=draw_sample]")
        sample.locator("#id_kind").select_option("households")
        sample.locator("#id_seed").fill("20260615")
        sample.locator("#id_share_percent").fill("5")
        sample.locator("#id_minimum").fill("2")
        sample.locator("button[type=submit]").click()
        page.wait_for_load_state()
        items = page.locator("table tbody tr td.num a")
        expect(items.first).to_be_visible()
        page.screenshot(path=str(shots / "2_sample.png"), full_page=True)

        items.first.click()
        page.wait_for_load_state()
        checklist = page.locator("form[data-step=check_item]")
        for name, _label in CHECKLIST:
            checklist.locator(f"#id_{name}").select_option(
                "no" if name == "amount_correct" else "yes"
            )
        checklist.locator("#id_note").fill("入户核对，金额与档案不符")
        checklist.locator("button[type=submit]").click()
        page.wait_for_load_state()
        expect(page.locator("[data-answer=amount_correct]")).to_have_text("否")
        page.screenshot(path=str(shots / "3_checklist.png"), full_page=True)

        finding = page.locator("form[data-step=raise_item_finding]")
        finding.locator("#id_severity").select_option("serious")
        finding.locator("#id_description").fill("救助金额与核定金额不符")
        finding.locator("#id_task").fill("重新核定金额并补发差额")
        finding.locator("button[type=submit]").click()
        page.wait_for_load_state()
        expect(page.locator("[data-testid=origin]")).to_be_visible()
        expect(page.locator("main")).to_contain_text("重新核定金额并补发差额")
        page.screenshot(path=str(shots / "4_finding.png"), full_page=True)
        page.context.close()
        browser.close()
    raised = Finding.objects.get(description="救助金额与核定金额不符")
    assert raised.origin == "spot_check" and raised.item.checked_on is not None
