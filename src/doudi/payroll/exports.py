"""The figures of a payroll or a month as an Excel workbook (amounts in yuan, exact), laid out
by ``doudi.spreadsheets.add_table``."""

from __future__ import annotations

from django.utils.translation import gettext as _

from doudi.audit.anchors import Anchor
from doudi.payroll.models import PayrollProgramme
from doudi.payroll.queries import ReportRow
from doudi.spreadsheets import CellKind, Column, add_table, new_workbook, workbook_bytes

COLUMNS = [
    Column("项目"),
    Column("地区"),
    Column("地区代码", CellKind.CODE),
    Column("人数", CellKind.NUMBER),
    Column("户数", CellKind.NUMBER),
    Column("笔数", CellKind.NUMBER),
    Column("金额（元）", CellKind.MONEY),
    Column("已发放（元）", CellKind.MONEY),
    Column("失败（元）", CellKind.MONEY),
]


def report_workbook(title: str, rows: list[ReportRow], anchor: Anchor | None = None) -> bytes:
    """``anchor``: the audit chain's end when the report was made, signed, on a sheet of its
    own, so that every filed report is one more copy of the chain's end outside the database."""
    labels = dict(PayrollProgramme.choices)
    lines = [
        [
            str(labels.get(row.programme, row.programme)),
            row.place_name,
            row.place,
            row.people,
            row.households,
            row.lines,
            row.amount_fen,
            row.paid_fen,
            row.failed_fen,
        ]
        for row in rows
    ]
    total = [
        "合计",
        "",
        "",
        sum(r.people for r in rows),
        sum(r.households for r in rows),
        sum(r.lines for r in rows),
        sum(r.amount_fen for r in rows),
        sum(r.paid_fen for r in rows),
        sum(r.failed_fen for r in rows),
    ]
    book = new_workbook()
    add_table(book, "发放统计", COLUMNS, [*lines, total], above=[title])
    if anchor is not None:
        add_table(
            book,
            _("Audit chain anchor"),
            [
                Column(_("event"), CellKind.NUMBER),
                Column(_("hash"), CellKind.CODE),
                Column(_("time"), CellKind.CODE),
                Column(_("signature"), CellKind.CODE),
            ],
            [[anchor.seq, anchor.hash, anchor.at, anchor.mac]],
        )
    return workbook_bytes(book)
