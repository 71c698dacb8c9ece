"""In a real Chromium on the fresh demo: civil affairs generates the month's payroll, is told
who a second one would leave out and why, submits; finance returns it with a reason; civil
affairs reads the reason and submits again; finance approves; the bank takes the payment file
and returns its result, one card failed; the payroll is reconciled and the failure is on the
follow-up list. The county reads its townships' reserve funds. Screenshots are kept
(web/tests/browser.py)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect, sync_playwright

from doudi.payroll import bank_files
from doudi.web.tests.browser import CHROMIUM, QUIET_FLAGS, artefact_dir, log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _bank_result(payment_file: bytes) -> tuple[bytes, str]:
    """What the bank sends back for the payment file it took: every line paid but the first,
    whose card was reported lost. Returns the file and the failed line's number."""
    rows = list(csv.reader(io.StringIO(payment_file.decode("utf-8-sig"))))
    header = rows.index(bank_files.PAYMENT_HEADER)
    lines, footer = rows[header + 1 : -1], rows[-1]
    result = [bank_files.RESULT_HEADER]
    for n, (number, _name, card, amount, _month, _kind) in enumerate(lines):
        result.append(
            [number, card, amount, "失败" if n == 0 else "成功", "卡已挂失" if n == 0 else ""]
        )
    result.append(footer)
    return bank_files.write(result, "csv"), lines[0][0]


def test_a_payroll_explains_itself_and_is_returned_once(live_server):
    call_command("demo", "load")
    shots = artefact_dir("payroll_round")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        county = log_in(browser, live_server.url, "county")
        county.click("nav >> text=发放花名册")
        county.click("form[action$='/generate/'] button[type=submit]")
        expect(county.locator(".messages")).to_contain_text("已生成")
        expect(county.locator("[data-testid=state]")).to_have_text("已生成")
        payroll_url = county.url

        # The same month again: nobody to pay, and each person named with the reason.
        county.click("nav >> text=发放花名册")
        county.click("form[action$='/generate/'] button[type=submit]")
        expect(county.locator(".messages")).to_contain_text("无人可发")
        reasons = county.locator("[data-testid=left-out] [data-testid=reason]")
        expect(reasons.first).to_be_visible()
        expect(reasons.filter(has_text="该月已发放").first).to_be_visible()
        first_row = county.locator("[data-testid=left-out] tbody tr").first
        assert "********" in first_row.locator("td").nth(2).inner_text()  # masked ID number

        county.goto(payroll_url)
        county.click("button:has-text('报送财政')")
        expect(county.locator(".messages")).to_contain_text("已提交财政")

        finance = log_in(browser, live_server.url, "finance")
        finance.goto(payroll_url)
        expect(finance.locator("nav")).not_to_contain_text("临时救助备用金")
        finance.fill("#id_return_reason", "请核对新增对象的社保卡号")
        finance.click("button:has-text('退回民政')")
        expect(finance.locator(".messages")).to_contain_text("退回民政")
        expect(finance.locator("[data-testid=state]")).to_have_text("财政已退回民政")

        county.goto(payroll_url)
        expect(county.locator("[data-testid=returned]")).to_contain_text("请核对新增对象的社保卡号")
        county.click("button:has-text('报送财政')")
        expect(county.locator("[data-testid=state]")).to_have_text("民政已报送")

        finance.goto(payroll_url)
        finance.click("button:has-text('审核同意发放')")
        expect(finance.locator(".messages")).to_contain_text("已审核同意发放")

        finance.screenshot(path=shots / "finance-approved.png", full_page=True)

        bank = log_in(browser, live_server.url, "bank")
        bank.goto(f"{live_server.url}/payroll/")
        expect(bank.locator("main")).not_to_contain_text("预算")
        bank.goto(payroll_url)
        with bank.expect_download() as taken:
            bank.click("main a[href$='/bank.csv']")
        result, failed_line = _bank_result(Path(taken.value.path()).read_bytes())
        bank.goto(payroll_url)
        expect(bank.locator("[data-testid=state]")).to_have_text("已交银行")
        bank.set_input_files(
            "main input[type=file]",
            {"name": "result.csv", "mimeType": "text/csv", "buffer": result},
        )
        bank.screenshot(path=shots / "bank-result.png", full_page=True)
        bank.click("main form:has(input[type=file]) button[type=submit]")
        expect(bank.locator("[data-testid=state]")).to_have_text("已按银行回盘对账")
        failed = bank.locator("[data-testid=lines] tbody tr", has_text="卡已挂失")
        expect(failed).to_have_count(1)
        expect(failed.locator("td").first).to_have_text(failed_line)
        failed_amount = failed.locator("td.num").inner_text()
        county.goto(payroll_url)
        expect(county.locator("[data-testid=report] td.num").last).to_have_text(failed_amount)
        county.screenshot(path=shots / "reconciled.png", full_page=True)

        county.click("nav >> text=临时救助备用金")
        expect(county.locator("[data-testid=funds]")).to_contain_text("示例镇")
        expect(county.locator("[data-testid=movements] tbody tr").first).to_be_visible()
        browser.close()
