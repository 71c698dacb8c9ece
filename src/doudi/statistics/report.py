"""The monthly report as an Excel table, in the layout of the social-assistance part of the
civil-affairs statistical monthly report (民政统计月报 社会救助部分): one row per place below
(then the place itself, in all), and for each programme its households, recipients and money
paid. Money is in 元 with the fen (#,##0.00), not 万元: the report's figures then add up to the
payroll lines exactly, and 万元 is one division away (docs/statistics.md). Two sheets follow
for the service hotline's tickets of the month: by place below (then in all) and by category."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from doudi.payroll.models import PayrollProgramme
from doudi.spreadsheets import CellKind, Column, add_table, new_workbook, workbook_bytes
from doudi.statistics import queries

if TYPE_CHECKING:
    from openpyxl import Workbook

    from doudi.accounts.models import User
    from doudi.regions.models import Region


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
    hotline = queries.hotline_figures(place, [month], timezone.localdate())
    if hotline is not None:
        _hotline_sheets(book, place, month, hotline)
    return month, workbook_bytes(book)


def _hotline_sheets(
    book: Workbook, place: Region, month: datetime.date, hotline: queries.HotlineFigures
) -> None:
    columns = [
        Column(_("tickets received"), CellKind.NUMBER),
        Column(_("tickets closed"), CellKind.NUMBER),
        Column(_("answered on time"), CellKind.NUMBER),
        Column(_("open past due"), CellKind.NUMBER),
        Column(_("escalated to the county"), CellKind.NUMBER),
    ]
    caption = [
        _("Service hotline tickets received: %(place)s, %(month)s")
        % {"place": place.name, "month": month.strftime("%Y-%m")}
    ]

    def cells(measures: queries.HotlineMeasures) -> list[int]:
        return [measures.received, measures.closed, measures.on_time, measures.open_overdue,
                measures.escalated]  # fmt: skip

    add_table(
        book,
        _("Hotline by place"),
        [Column(_("place")), Column(_("division code"), CellKind.CODE), *columns],
        [
            *([child.name, child.code, *cells(child.measures)] for child in hotline.children),
            [_("%(place)s in all") % {"place": place.name}, place.code, *cells(hotline.month)],
        ],
        above=caption,
    )
    add_table(
        book,
        _("Hotline by category"),
        [Column(_("category")), *columns],
        [
            *([label, *cells(measures)] for _value, label, measures in hotline.by_category),
            [_("in all"), *cells(hotline.month)],
        ],
        above=caption,
    )
