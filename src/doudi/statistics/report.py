"""The monthly report as an Excel table, in the layout of the social-assistance part of the
civil-affairs statistical monthly report (民政统计月报 社会救助部分): one row per place below
(then the place itself, in all), and for each programme its households, recipients and money
paid. Money is in 元 with the fen (#,##0.00), not 万元: the report's figures then add up to the
payroll lines exactly, and 万元 is one division away (docs/statistics.md)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from doudi.payroll.models import PayrollProgramme
from doudi.spreadsheets import CellKind, Column, add_table, new_workbook, workbook_bytes
from doudi.statistics import queries

if TYPE_CHECKING:
    from doudi.accounts.models import User


def monthly_report(
    actor: User, code: str, month: datetime.date | None
) -> tuple[datetime.date, bytes]:
    place, month, rows = queries.monthly_report(actor, code, month)
    programmes = queries.programmes_of(rows) or [PayrollProgramme.MINIMUM_LIVING.value]
    columns = [Column(_("place")), Column(_("division code"), CellKind.CODE)]
    for programme in programmes:
        label = PayrollProgramme(programme).label
        columns += [
            Column(f"{label} {_('households')}", CellKind.NUMBER),
            Column(f"{label} {_('recipients')}", CellKind.NUMBER),
            Column(f"{label} {_('paid (yuan)')}", CellKind.MONEY),
        ]
    columns.append(Column(_("paid in all (yuan)"), CellKind.MONEY))
    book = new_workbook()
    add_table(
        book,
        _("Social assistance"),
        columns,
        (
            [
                row.name
                if row.code != place.code
                else _("%(place)s in all") % {"place": place.name},
                row.code,
                *[
                    value
                    for cell in row.cells(programmes)
                    for value in (cell.households, cell.recipients, cell.paid_fen)
                ],
                row.total.paid_fen,
            ]
            for row in rows
        ),
        above=[
            _("Civil-affairs statistical monthly report, social assistance: %(place)s, %(month)s")
            % {"place": place.name, "month": month.strftime("%Y-%m")}
        ],
    )
    return month, workbook_bytes(book)
