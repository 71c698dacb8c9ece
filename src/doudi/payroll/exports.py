"""The figures of a payroll or a month as an Excel workbook (amounts in yuan, exact)."""

from __future__ import annotations

import io

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.styles import Font

from doudi.audit.anchors import Anchor
from doudi.money import fen_to_decimal
from doudi.payroll.models import PayrollProgramme
from doudi.payroll.queries import ReportRow
from doudi.spreadsheets import safe_row

HEADER = [
    "项目",
    "地区",
    "地区代码",
    "人数",
    "户数",
    "笔数",
    "金额（元）",
    "已发放（元）",
    "失败（元）",
]


def report_workbook(title: str, rows: list[ReportRow], anchor: Anchor | None = None) -> bytes:
    """``anchor``: the audit chain's end when the report was made, signed, on a sheet of its
    own, so that every filed report is one more copy of the chain's end outside the database."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "发放统计"
    sheet.append(safe_row([title]))
    sheet.append(HEADER)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    labels = dict(PayrollProgramme.choices)
    for row in rows:
        sheet.append(
            safe_row(
                [
                    str(labels.get(row.programme, row.programme)),
                    row.place_name,
                    row.place,
                    row.people,
                    row.households,
                    row.lines,
                    fen_to_decimal(row.amount_fen),
                    fen_to_decimal(row.paid_fen),
                    fen_to_decimal(row.failed_fen),
                ]
            )
        )
    sheet.append(
        [
            "合计",
            "",
            "",
            sum(r.people for r in rows),
            sum(r.households for r in rows),
            sum(r.lines for r in rows),
            fen_to_decimal(sum(r.amount_fen for r in rows)),
            fen_to_decimal(sum(r.paid_fen for r in rows)),
            fen_to_decimal(sum(r.failed_fen for r in rows)),
        ]
    )
    for row in sheet.iter_rows(min_row=3, min_col=7, max_col=9):
        for cell in row:
            cell.number_format = "#,##0.00"
    if anchor is not None:
        anchored = book.create_sheet(_("Audit chain anchor"))
        anchored.append([_("event"), _("hash"), _("time"), _("signature")])
        anchored.append([anchor.seq, anchor.hash, anchor.at, anchor.mac])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
