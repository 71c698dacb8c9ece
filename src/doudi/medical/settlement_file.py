"""The medical-insurance bureau's settlement file (医保结算数据, .xlsx), read into claim rows;
the same layout is offered as a template. Amounts in yuan with up to two decimals; the date
as a date cell or YYYY-MM-DD; the payee 医院 (one-stop settlement, the default) or 本人. The
headers are the bureau's, in Chinese, as the file carries them."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from doudi.errors import CellError, DoudiError, ValidationFailed
from doudi.medical.models import ClaimKind, PaidTo
from doudi.medical.services import MAX_ROWS, REFUSED, ClaimRow
from doudi.money import yuan_to_fen
from doudi.spreadsheets import (
    CellKind,
    Column,
    add_table,
    new_workbook,
    open_workbook,
    sheet_rows,
    workbook_bytes,
)

# (field, header as in the bureau's file)
COLUMNS = (
    ("settlement_number", "结算单号"),
    ("id_number", "身份证号"),
    ("name", "姓名"),
    ("settled_on", "结算日期"),
    ("kind", "就诊类别"),
    ("hospital", "医疗机构"),
    ("total_cost_fen", "医疗总费用"),
    ("basic_fen", "基本医保支付"),
    ("critical_fen", "大病保险支付"),
    ("supplementary_fen", "大病补充保险支付"),
    ("paid_to", "支付对象"),
)
HEADERS = {field: header for field, header in COLUMNS}
KIND_WORDS = {
    "住院": ClaimKind.INPATIENT,
    "门诊慢特病": ClaimKind.OUTPATIENT_CHRONIC,
    "门诊重症慢性病": ClaimKind.OUTPATIENT_CHRONIC,
    "重特大疾病": ClaimKind.CATASTROPHIC,
}
PAYEE_WORDS = {"": PaidTo.HOSPITAL, "医院": PaidTo.HOSPITAL, "本人": PaidTo.PERSON}
AMOUNTS = ("total_cost_fen", "basic_fen", "critical_fen", "supplementary_fen")


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(_text(value))
    except ValueError:
        raise DoudiError(_("Give the date as YYYY-MM-DD."), field="settled_on") from None


def _amount(value: Any, field: str) -> int:
    if value is None or _text(value) == "":
        if field == "total_cost_fen":
            raise DoudiError(_("Give the total cost."), field=field)
        return 0
    if isinstance(value, float):
        value = f"{value:.10f}".rstrip("0").rstrip(".")
    return yuan_to_fen(value, field=field)


def _row(values: tuple[Any, ...]) -> ClaimRow:
    cells = dict(zip([field for field, _h in COLUMNS], values, strict=False))
    kind = KIND_WORDS.get(_text(cells.get("kind")))
    if kind is None:
        raise DoudiError(_("Give 住院, 门诊慢特病 or 重特大疾病."), field="kind")
    paid_to = PAYEE_WORDS.get(_text(cells.get("paid_to")))
    if paid_to is None:
        raise DoudiError(_("Give 医院 or 本人."), field="paid_to")
    return ClaimRow(
        settlement_number=_text(cells.get("settlement_number")),
        id_number=_text(cells.get("id_number")),
        settled_on=_date(cells.get("settled_on")),
        kind=str(kind),
        hospital=_text(cells.get("hospital")),
        paid_to=str(paid_to),
        **{field: _amount(cells.get(field), field) for field in AMOUNTS},
    )


def read(data: bytes) -> list[tuple[int, ClaimRow, dict[str, str]]]:
    """The file's rows as claim rows; every fault of every row named by row and column, and
    the whole file refused if there is one."""
    book = open_workbook(data)
    try:
        sheet = book.worksheets[0]
        rows = sheet_rows(sheet, max_rows=MAX_ROWS, width=len(COLUMNS))
        header = next(rows, None)
        expected = [h for _f, h in COLUMNS]
        if header is None or [_text(v) for v in header[1]] != expected:
            raise DoudiError(
                _("The first row must be the settlement file's headers: %(headers)s."),
                field="file",
                headers="、".join(expected),
            )
        answer, problems = [], []
        for number, values in rows:
            if all(_text(v) == "" for v in values):
                continue
            try:
                answer.append((number, _row(values), HEADERS))
            except DoudiError as error:
                column = HEADERS.get(error.field or "", error.field or "")
                problems.append(CellError(error.message, row=number, column=column, **error.params))
        if problems:
            raise ValidationFailed(REFUSED, problems=problems, field="file", count=len(problems))
        return answer
    finally:
        book.close()


def template() -> bytes:
    book = new_workbook()
    kinds = {field: CellKind.MONEY if field in AMOUNTS else CellKind.TEXT for field, _h in COLUMNS}
    kinds["settled_on"] = CellKind.DATE
    add_table(book, "结算数据", [Column(h, kinds[f]) for f, h in COLUMNS], [])
    return workbook_bytes(book)
