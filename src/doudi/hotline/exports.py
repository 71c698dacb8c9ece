"""The hotline's monthly figures as an Excel workbook, laid out by ``doudi.spreadsheets.add_table``:
by township and category, and by category."""

from __future__ import annotations

from django.utils.translation import gettext as _

from doudi.dates import month_text
from doudi.hotline.models import Satisfaction
from doudi.hotline.queries import FigureRow, Figures
from doudi.spreadsheets import CellKind, Column, add_table, new_workbook, workbook_bytes


def _counts() -> list[Column]:
    return [
        Column(_("tickets received"), CellKind.NUMBER),
        Column(_("tickets closed"), CellKind.NUMBER),
        Column(_("answered on time"), CellKind.NUMBER),
        Column(_("open past due"), CellKind.NUMBER),
        Column(_("escalated to the county"), CellKind.NUMBER),
        *(Column(str(label), CellKind.NUMBER) for _value, label in Satisfaction.choices),
    ]


def _values(row: FigureRow) -> list[object]:
    return [
        row.received,
        row.closed,
        row.on_time,
        row.open_overdue,
        row.escalated,
        *(row.satisfaction[value] for value in Satisfaction.values),
    ]


def figures_workbook(figures: Figures, by_category: list[FigureRow]) -> bytes:
    book = new_workbook()
    caption = [_("Service hotline, tickets received in %(month)s") % {
        "month": month_text(figures.month)}]  # fmt: skip
    columns = [Column(_("township")), Column(_("division code"), CellKind.CODE),
               Column(_("category")), *_counts()]  # fmt: skip
    rows = [[r.name, r.code, r.category_label, *_values(r)] for r in figures.rows]
    rows.append([_("Total"), "", "", *_values(figures.total)])
    add_table(book, _("By township"), columns, rows, above=caption)
    add_table(
        book,
        _("By category"),
        [Column(_("category")), *_counts()],
        [[r.category_label, *_values(r)] for r in by_category],
        above=caption,
    )
    return workbook_bytes(book)
