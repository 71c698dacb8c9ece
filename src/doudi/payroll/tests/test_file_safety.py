"""The bank's files cannot attack their readers, and the bank's result is read whole or refused
within its limits, whatever the file claims about its size."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from doudi.conftest import household_form, member_form
from doudi.errors import DoudiError
from doudi.payroll import services
from doudi.payroll.models import LineStatus, Payroll, PayrollState
from doudi.payroll.tests.conftest import approve_minimum_living
from doudi.payroll.tests.test_payroll import _as_xlsx, result_csv, sent
from doudi.registry.services import create_household
from doudi.spreadsheets import EMPTY_ROWS_ALLOWED
from doudi.tests.crafted import two_million_empty_rows, with_dimension

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","y")'


@pytest.fixture
def formula_payee(staff, clock):
    clock.at("2026-03-02")
    head = member_form("41082119700101001", FORMULA, social_security_card="6217000000000001")
    household, _warnings = create_household(
        staff.handler, household_form(members=[head], incomes=[]), reason="登记"
    )
    return approve_minimum_living(staff, household, "2026-03-02")


def test_a_payee_named_like_a_formula_is_text_in_the_csv_and_xlsx_bank_files(
    parties, formula_payee, clock
):
    clock.at("2026-03-25")
    payroll = sent(parties)
    text = services.bank_file(parties.bank, payroll.pk, "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[2][1] == "'" + FORMULA  # a spreadsheet shows it, never runs it
    assert rows[-1][0] == "合计"
    data = services.bank_file(parties.bank, payroll.pk, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data))["发放明细"]  # formulas would show here
    name = sheet["B3"]
    assert (name.data_type, name.value) == ("s", "'" + FORMULA)


def test_a_result_under_stating_its_dimension_is_read_to_its_last_row(parties, on_benefit, clock):
    clock.at("2026-03-25")
    payroll = sent(parties)
    last = payroll.lines.order_by("id").last()
    data = with_dimension(_as_xlsx(result_csv(payroll, failed={last.pk: "账户已销户"})), "A1:E2")
    services.reconcile(parties.bank, payroll.pk, data, "xlsx")
    payroll = Payroll.objects.get(pk=payroll.pk)
    assert payroll.state != PayrollState.SENT
    assert payroll.lines.get(pk=last.pk).status == LineStatus.FAILED
    assert payroll.failed_fen == last.amount_fen


def test_a_result_of_two_million_empty_rows_is_refused_at_the_payrolls_row_limit(
    parties, on_benefit, clock
):
    clock.at("2026-03-25")
    payroll = sent(parties)
    limit = payroll.line_count + 2 + EMPTY_ROWS_ALLOWED
    crafted = two_million_empty_rows(_as_xlsx(result_csv(payroll)))
    with pytest.raises(DoudiError) as caught:
        services.reconcile(parties.bank, payroll.pk, crafted, "xlsx")
    assert caught.value.field == "file"
    assert f"past row {limit} " in caught.value.render("en")
    lines = result_csv(payroll) + b"\n" * 2_000_000
    with pytest.raises(DoudiError) as caught:
        services.reconcile(parties.bank, payroll.pk, lines, "csv")
    assert caught.value.render("en").startswith(f"The file goes on past row {limit} ")
    assert Payroll.objects.get(pk=payroll.pk).state == PayrollState.SENT
    assert set(payroll.lines.values_list("status", flat=True)) != {LineStatus.PAID}
