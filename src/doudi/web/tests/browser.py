"""What the browser tests share: Chromium launched quietly, a demo user logged in, a case's
step taken through its form, and screenshots kept where CI leaves them for a person to look at.

The screenshots go to ``var/test-artefacts/screenshots/<test>/`` of the checkout (or the
directory ``DOUDI_TEST_ARTEFACTS`` names): each run replaces its own test's pictures.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from doudi.demo.loader import DEMO_PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Chromium's own calls home would wait on this machine's closed network.
QUIET_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CHECKOUT = Path(__file__).resolve().parents[4]


def artefact_dir(test_name: str) -> Path:
    """An emptied directory for one test's screenshots."""
    root = Path(os.environ.get("DOUDI_TEST_ARTEFACTS") or CHECKOUT / "var" / "test-artefacts")
    directory = root / "screenshots" / re.sub(r"[^\w.-]+", "_", test_name)
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    return directory


def log_in(browser: Browser, url: str, username: str, **context) -> Page:
    """A new browser context (its own cookies) with ``username`` of the demo logged in."""
    page = browser.new_context(locale="zh-CN", **context).new_page()
    page.goto(f"{url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("[data-testid=who]")).to_be_visible()
    return page


def open_step(page: Page, action: str) -> None:
    """Unfold the form of a case's step (cases/_step_form.html)."""
    page.click(f"details[data-step={action}] summary")


def take_step(page: Page, action: str, state: str) -> None:
    """Send the unfolded form of the step and see the case arrive in ``state``."""
    page.click(f"details[data-step={action}] button[type=submit]")
    page.wait_for_load_state()
    refused = page.locator("[data-testid=step-error]")
    assert not refused.count(), f"{action} refused: {refused.all_inner_texts()}"
    expect(page.locator("[data-testid=state]")).to_have_text(state)
