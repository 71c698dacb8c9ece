"""A real Chromium logs in, reads the home page and switches language (Playwright)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect, sync_playwright

from doudi.accounts.models import User
from doudi.cases.models import Case
from doudi.cases.procedures import State
from doudi.conftest import household_form, member_form
from doudi.demo import cases as demo_cases
from doudi.demo import recipients
from doudi.demo.loader import DEMO_PASSWORD, load_demo
from doudi.registry.services import create_household
from doudi.web.tests.browser import CHROMIUM, QUIET_FLAGS

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_log_in_see_counts_switch_to_english_log_out(live_server):
    load_demo()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        page = browser.new_page(locale="en-US")
        page.goto(f"{live_server.url}/")
        expect(page.locator("h1")).to_have_text("登录")

        page.fill("#id_username", "county")
        page.fill("#id_password", "wrong password")
        page.click("main button[type=submit]")
        expect(page.locator(".error")).to_contain_text("密码")

        page.fill("#id_username", "county")
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("main button[type=submit]")
        expect(page.locator("h1")).to_have_text("修武县")
        counters = page.locator("[data-testid=counters]")
        expect(counters).to_contain_text("乡镇和街道")
        expect(counters.locator(".counter").first.locator(".value")).to_have_text("2")

        page.click("button[value=en]")
        expect(page.locator("[data-testid=counters]")).to_contain_text("Townships and streets")
        page.click("text=Log out")
        expect(page.locator("h1")).to_have_text("Log in")
        browser.close()


def test_a_township_handler_finds_a_household_and_reads_its_file(live_server):
    call_command("demo", "load")  # the demo places, accounts and 3,000 synthetic households
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        page = browser.new_page(locale="zh-CN")
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", "handler")
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("main button[type=submit]")
        page.click("nav >> text=家庭档案")
        rows = page.locator("[data-testid=households] tbody tr")
        expect(rows.first).to_be_visible()
        masked = rows.first.locator("td").nth(3).inner_text()
        assert "********" in masked  # lists never show a full ID number
        rows.first.locator("a").click()
        expect(page.locator("[data-testid=members] tbody tr").first).to_be_visible()
        expect(page.locator("h1")).to_contain_text("家庭")
        page.fill("#id_as_of", "2000-01-01")
        page.fill("#id_known_on", "2000-01-01")  # before it was registered
        page.click("form.filters button[type=submit]")
        expect(page.locator(".error")).to_contain_text("2000-01-01")
        browser.close()


def test_a_handler_accepts_a_demo_case_and_a_reviewer_sees_it(live_server):
    """The demo's submitted 低保 case, accepted in the browser through its step form."""
    call_command("demo", "load")
    submitted = Case.objects.filter(
        state=State.SUBMITTED, region__code__startswith=recipients.TOWNSHIP[:9]
    ).count()  # read here: the database is not reached from inside Playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        page = browser.new_page(locale="zh-CN")
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", "handler")
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("main button[type=submit]")
        page.click("nav >> text=案件")
        # The list is paged: the handler's submitted cases, found by their state.
        page.select_option("#id_state", State.SUBMITTED.value)
        page.click("form.filters >> text=查看")
        cases = page.locator("[data-testid=cases] tbody tr")
        expect(cases).to_have_count(submitted)
        cases.filter(has_text="已申请，待受理").locator("a").first.click()
        expect(page.locator("[data-testid=state]")).to_have_text("已申请，待受理")
        page.click("details[data-step=accept] summary")
        page.click("details[data-step=accept] button[type=submit]")
        expect(page.locator("[data-testid=state]")).to_have_text("已受理")
        expect(page.locator("[data-testid=transitions]")).to_contain_text("受理")
        expect(page.locator("[data-testid=step-due]")).not_to_have_text("—")
        browser.close()


def test_the_handler_s_home_lists_the_steps_and_the_case_list_finds_by_number(live_server):
    """Work comes to the worker: the to-do item leads to the case; the search finds it."""
    load_demo()
    handler = User.objects.get(username="handler")
    for n in range(len(demo_cases.PLAN) + 1):
        head = member_form(f"410821197001{n + 10:02d}001", f"户主{n}")
        create_household(handler, household_form(members=[head], incomes=[]), reason="登记")
    demo_cases.load_demo_cases()
    submitted = Case.objects.get(state="submitted")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        page = browser.new_page(locale="zh-CN")
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", "handler")
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("main button[type=submit]")
        todo = page.locator("[data-testid=todo]")
        expect(todo.locator("li")).to_have_count(5)  # five cases wait for the handler
        todo.locator("li", has_text=submitted.file_number).locator("a").click()
        expect(page.locator("[data-testid=state]")).to_have_text("已申请，待受理")
        page.click("nav >> text=案件")
        page.fill("#id_number", submitted.file_number)
        page.click("form.filters >> text=查看")
        expect(page.locator("[data-testid=cases] tbody tr")).to_have_count(1)
        expect(page.locator("[data-testid=cases]")).to_contain_text(submitted.file_number)
        assert "number=" in page.url and "id_number" not in page.url
        browser.close()
