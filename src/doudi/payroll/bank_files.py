"""The files exchanged with the agent bank (代理金融机构), in CSV (UTF-8) or XLSX.

The payment file: a title row, a header, one row per line (the card is paid the amount), and
a footer ``合计`` with the number of lines and the total. The result file the bank returns has
one row per line — ``行号, 社保卡号, 金额, 结果, 原因`` (结果: 成功/失败, or paid/failed) — and
the same footer. Amounts are in yuan with two decimals.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from doudi.dates import month_text
from doudi.errors import CellError, DoudiError, ValidationFailed
from doudi.money import FEN_PER_YUAN, fen_to_yuan, yuan_to_fen
from doudi.payroll.models import LineKind, LineStatus, Payroll
from doudi.spreadsheets import (
    EMPTY_ROWS_ALLOWED,
    MAX_XLSX_BYTES,
    Column,
    add_table,
    new_workbook,
    open_workbook,
    row_limit,
    safe_row,
    sheet_rows,
    too_many_rows,
    workbook_bytes,
)
from doudi.text import is_digits

PAYMENT_HEADER = ["行号", "姓名", "社保卡号", "金额（元）", "所属月份", "类别"]
RESULT_HEADER = ["行号", "社保卡号", "金额（元）", "结果", "原因"]
FOOTER = "合计"
STATUS_WORDS = {
    "成功": LineStatus.PAID,
    "paid": LineStatus.PAID,
    "失败": LineStatus.FAILED,
    "failed": LineStatus.FAILED,
}
FORMATS = ("csv", "xlsx")
BOM = "\ufeff"  # lets Excel read UTF-8
PLAIN_AMOUNT = re.compile(r"(\d{1,13})\.(\d{2})")


def payment_head(payroll: Payroll) -> list[list[str]]:
    """The payment file's rows above its lines: the title and the header."""
    title = ["发放批次", payroll.number, payroll.get_programme_display(), month_text(payroll.month)]
    return [title, PAYMENT_HEADER]


def payment_footer(payroll: Payroll) -> list[str]:
    return [FOOTER, str(payroll.line_count), fen_to_yuan(payroll.total_fen, grouped=False)]


def kind_words() -> dict[str, str]:
    """Each kind of line as the payment file names it: the bank reads Chinese."""
    return {value: str(label) for value, label in LineKind.choices}


def payment_rows(payroll: Payroll, lines: Iterable[tuple]) -> Iterator[list[str]]:
    """``lines``: (id, name, card, amount_fen, pay_month, kind) in line order."""
    yield from payment_head(payroll)
    kinds = kind_words()
    for line_id, name, card, amount_fen, pay_month, kind in lines:
        yield [
            str(line_id),
            name,
            card,
            fen_to_yuan(amount_fen, grouped=False),
            month_text(pay_month),
            kinds.get(kind, kind),
        ]
    yield payment_footer(payroll)


def csv_text(rows: Iterable[list[str]]) -> str:
    """``rows`` as CSV, every cell made safe (below)."""
    out = io.StringIO()
    csv.writer(out).writerows(safe_row(row) for row in rows)
    return out.getvalue()


def write(rows: Iterable[list[str]], file_format: str) -> bytes:
    # Names come from the registry as people typed them: every cell goes through safe_row so
    # that the bank's clerk opening the file never runs one as a formula.
    if file_format == "csv":
        return (BOM + csv_text(rows)).encode("utf-8")
    # The bank's format decides the cells (text, amounts as "1234.56"); the sheet only gets
    # the header frozen and columns wide enough to read, as every workbook Doudi writes.
    rows = iter(rows)
    above: list[str] = []
    header = next(rows, [])
    if header not in (PAYMENT_HEADER, RESULT_HEADER):
        above, header = header, next(rows, [])
    book = new_workbook()
    add_table(book, "发放明细", [Column(str(name)) for name in header], rows, above=above)
    return workbook_bytes(book)


@dataclass(frozen=True)
class ResultRow:
    row: int
    line_id: int
    card: str
    amount_fen: int
    status: str
    reason: str


@dataclass(frozen=True)
class ResultFile:
    rows: list[ResultRow]
    footer_count: int
    footer_total_fen: int


def read_result(data: bytes, file_format: str, *, max_rows: int | None = None) -> ResultFile:
    """Parse the bank's result file; refuse it whole, naming every faulty row. ``max_rows``:
    the rows the file may hold (the payroll's lines, the header and the footer)."""
    limit = (max_rows or settings.IMPORT_MAX_ROWS) + EMPTY_ROWS_ALLOWED
    rows = list(_raw_rows(data, file_format, limit))
    if not rows or [cell.strip() for cell in rows[0][:5]] != RESULT_HEADER:
        raise DoudiError(
            _("The first row must be the header: %(header)s."),
            field="file",
            header=", ".join(RESULT_HEADER),
        )
    if len(rows) < 2 or rows[-1][0].strip() != FOOTER:
        raise DoudiError(
            _("The last row must be the footer “合计” with the count and the total."), field="file"
        )
    problems: list[DoudiError] = []
    parsed = [
        _result_row(number, cells, problems) for number, cells in enumerate(rows[1:-1], start=2)
    ]
    footer_count, footer_total = footer_totals(rows[-1], len(rows), problems)
    if problems:
        raise ValidationFailed(
            _("The result file was not read: %(count)d problems found."),
            problems=problems,
            count=len(problems),
        )
    return ResultFile([row for row in parsed if row], footer_count, footer_total)


def _raw_rows(data: bytes, file_format: str, limit: int) -> Iterator[list[str]]:
    if file_format not in FORMATS:
        raise DoudiError(_("Upload a CSV or XLSX file."), field="file")
    if file_format == "csv":
        text = csv_file_text(data)
        cap = row_limit(limit)
        for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            if number > cap:
                raise too_many_rows(cap)
            if row:
                yield row
        return
    book = open_workbook(data)
    try:
        for _number, values in sheet_rows(book.worksheets[0], max_rows=limit):
            if any(value not in (None, "") for value in values):
                yield ["" if value is None else str(value) for value in values]
    finally:
        book.close()


def csv_file_text(data: bytes) -> str:
    if len(data) > MAX_XLSX_BYTES:
        raise DoudiError(
            _("The file is larger than %(max)d MB; split it into several files."),
            field="file",
            max=MAX_XLSX_BYTES // 2**20,
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DoudiError(_("The CSV file is not UTF-8 text."), field="file") from None


def _result_row(number: int, cells: list[str], problems: list[DoudiError]) -> ResultRow | None:
    cells = [cell.strip() for cell in cells] + [""] * (5 - len(cells))
    line, card, amount, status, reason = cells[:5]
    before = len(problems)
    if not is_digits(line):
        problems.append(CellError(_("is not a line number."), row=number, column="行号"))
    amount_fen = _fen(amount)
    if amount_fen is None:
        problems.append(CellError(_("is not an amount in yuan."), row=number, column="金额（元）"))
    if status not in STATUS_WORDS:
        problems.append(CellError(_("must be 成功 or 失败."), row=number, column="结果"))
    elif STATUS_WORDS[status] == LineStatus.FAILED and not reason:
        problems.append(
            CellError(_("a failed payment needs the bank's reason."), row=number, column="原因")
        )
    if len(problems) > before:
        return None
    return ResultRow(number, int(line), card, amount_fen, STATUS_WORDS[status], reason[:200])


def _fen(text: str) -> int | None:
    """Yuan to fen; the bank's usual "1234.56" without Decimal (a million rows a file)."""
    if match := PLAIN_AMOUNT.fullmatch(text):
        return int(match[1]) * FEN_PER_YUAN + int(match[2])
    try:
        return yuan_to_fen(text)
    except DoudiError:
        return None


def footer_totals(cells: list[str], row: int, problems: list[DoudiError]) -> tuple[int, int]:
    """The footer's count and total; (0, 0) and a problem when it does not give them."""
    cells = [cell.strip() for cell in cells] + ["", ""]
    try:
        return int(cells[1]), yuan_to_fen(cells[2])
    except (ValueError, DoudiError):
        problems.append(
            CellError(_("the footer must give the count and the total."), row=row, column=FOOTER)
        )
        return 0, 0
