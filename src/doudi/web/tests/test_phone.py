"""A grid worker's day on a phone (390×844): find the household, record the home visit, apply
by proxy (代办) and photograph a document — and no page is wider than the screen."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import Page, expect, sync_playwright

from doudi.accounts.models import User
from doudi.audit.models import AuditEvent
from doudi.cases.models import Case
from doudi.conftest import household_form, member_form
from doudi.demo.loader import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo
from doudi.registry.models import Attachment
from doudi.registry.services import create_household
from doudi.web.tests.browser import CHROMIUM, QUIET_FLAGS, artefact_dir
from doudi.window.models import Intake

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
GRID_VILLAGE = "410821901001"  # the demo grid worker's village


def _small_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 180, 150)).save(out, format="JPEG")
    return out.getvalue()


# Elements reaching past the screen's right edge, other than inside a box that scrolls (or
# clips) sideways itself: a wide table in its own scroll box is allowed, a wide page is not.
OVERFLOWING = """() => {
  const edge = document.documentElement.clientWidth + 1;
  const scrolls = (el) => {
    for (let box = el.parentElement; box; box = box.parentElement) {
      if (["auto", "scroll", "hidden"].includes(getComputedStyle(box).overflowX)) return true;
    }
    return false;
  };
  return [...document.body.querySelectorAll("*")]
    .filter((el) => el.getBoundingClientRect().right > edge && !scrolls(el))
    .map((el) => el.tagName.toLowerCase() + (el.className ? "." + el.className : ""))
    .slice(0, 5);
}"""


def _fits(page: Page, shots, name: str) -> None:
    """The page does not scroll sideways on the phone, and nothing on it is wider than the
    screen but inside a box that scrolls itself; its screenshot is kept."""
    page.screenshot(path=shots / f"{name}.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name}: the page is {width} px wide"
    assert page.evaluate(OVERFLOWING) == [], f"{name}: wider than the screen"


def _cards(page: Page, table: str) -> None:
    """On the phone the list is a card per row: the header row hidden, each value named by
    its column (the cell's data-label is the header's text)."""
    cards = page.locator(f"[data-testid={table}]")
    headers = cards.locator("thead th").all_inner_texts()
    assert cards.locator("thead").bounding_box()["height"] <= 1
    row = cards.locator("tbody tr").first
    assert row.bounding_box()["width"] <= PHONE["width"]
    cells = row.locator("td")
    assert [c.get_attribute("data-label") for c in cells.all()] == headers
    before = cells.first.evaluate("td => getComputedStyle(td, '::before').content")
    assert before.strip('"') == headers[0]


def test_a_grid_worker_applies_by_proxy_and_photographs_a_document(live_server):
    load_demo()
    grid = User.objects.get(username="grid")
    head = member_form("41082119650303001", "王走访")
    form = household_form(region=GRID_VILLAGE, members=[head], incomes=[])
    create_household(grid, form, reason="登记")
    shots = artefact_dir("grid_worker_on_a_phone")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        page = browser.new_page(locale="zh-CN", viewport=PHONE, has_touch=True)
        page.goto(f"{live_server.url}/login/")
        _fits(page, shots, "login")
        page.fill("#id_username", "grid")
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("main button[type=submit]")
        expect(page.locator("[data-testid=who]")).to_contain_text("网格员")
        _fits(page, shots, "home")
        nav_height = page.locator("nav.main-nav").bounding_box()["height"]
        assert nav_height < 60  # one row that scrolls sideways, not a wrapped block

        page.click("nav >> text=家庭档案")
        page.fill("#id_name", "王走访")
        page.click("form.filters >> text=查询")
        rows = page.locator("[data-testid=households] tbody tr")
        expect(rows).to_have_count(1)
        _fits(page, shots, "households")
        _cards(page, "households")
        rows.first.locator("a").click()
        expect(page.locator("h1")).to_contain_text("家庭")
        household_url = page.url
        _fits(page, shots, "household")

        # The home visit is recorded as an intake: handled on the spot, found by the worker.
        page.click("main a[href*='/window/new/']")  # 登记走访或受理
        page.select_option("#id_channel", "discovery")
        page.select_option("#id_need-0-route", "on_the_spot")
        page.fill("#id_need-0-description", "入户走访")
        page.fill("#id_need-0-result", "核实居住和收入情况")
        _fits(page, shots, "visit")
        page.click("main button[type=submit]")
        expect(page.locator("h1")).to_contain_text("受理")
        _fits(page, shots, "visit-recorded")

        page.goto(household_url)
        page.click("main >> text=登记申请")
        page.select_option("#id_programme", "minimum_living")
        page.select_option("#id_channel", "proxy")
        page.fill("#id_proxy_name", "演示网格员")
        _fits(page, shots, "proxy-application")
        page.click("main button[type=submit]")
        expect(page.locator("[data-testid=state]")).to_have_text("已申请，待受理")
        _fits(page, shots, "case")

        # The lists the worker comes back to: the visits, the cases, the to-do list.
        page.goto(f"{live_server.url}/window/")
        _fits(page, shots, "visits")
        _cards(page, "intakes")
        page.goto(f"{live_server.url}/cases/")
        _fits(page, shots, "cases")
        _cards(page, "cases")
        page.goto(f"{live_server.url}/")
        _fits(page, shots, "to-do")

        page.goto(household_url)
        photo = page.locator("[data-testid=photo]")
        file_input = photo.locator("input[type=file]")
        assert file_input.get_attribute("capture") == "environment"
        assert file_input.get_attribute("accept") == "image/*"
        file_input.set_input_files(
            {"name": "hukou.jpg", "mimeType": "image/jpeg", "buffer": _small_jpeg()}
        )
        photo.locator("button[type=submit]").click()
        expect(page.locator("[data-testid=attachments]")).to_contain_text("hukou.jpg")
        _fits(page, shots, "document-added")
        browser.close()

    case = Case.objects.get(household__region_id=GRID_VILLAGE, channel="proxy")
    assert (case.proxy_name, case.submitted_by) == ("演示网格员", grid)
    assert Intake.objects.get(received_by=grid).channel == "discovery"
    assert Attachment.objects.get(original_name="hukou.jpg").content_type == "image/jpeg"
    assert AuditEvent.objects.filter(actor_username="grid", action="window.intake").exists()


def test_every_demo_role_s_pages_in_the_menu_fit_a_phone(live_server):
    """Each role's home and every page of its menu: nothing wider than 390 px, the menu on one
    row that scrolls sideways."""
    load_demo()
    shots = artefact_dir("every_menu_page_on_a_phone")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        for account in DEMO_ACCOUNTS:
            page = browser.new_page(locale="zh-CN", viewport=PHONE)
            page.goto(f"{live_server.url}/login/")
            page.fill("#id_username", account.username)
            page.fill("#id_password", DEMO_PASSWORD)
            page.click("main button[type=submit]")
            expect(page.locator("[data-testid=who]")).to_be_visible()
            links = page.locator("nav.main-nav a")
            tops = {round(box["y"]) for box in (a.bounding_box() for a in links.all())}
            assert len(tops) == 1, f"{account.username}: the menu wraps"
            for href in [a.get_attribute("href") for a in links.all()]:
                page.goto(f"{live_server.url}{href}")
                _fits(page, shots, f"{account.username}{href.replace('/', '_')}")
            page.close()
        browser.close()
