"""The re-check lists as an Excel workbook, laid out by ``doudi.spreadsheets.add_table``: the
overdue sheet, then the sheet of those due this month, ID numbers masked as on every page; and
the allowances ending by the calendar (the children's sheet, then the certificates')."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from doudi.rechecks.allowances import EndingLists, EndingRow
from doudi.rechecks.queries import RecheckLists, RecheckRow
from doudi.spreadsheets import CellKind, Column, add_table, new_workbook, workbook_bytes


def _columns() -> list[Column]:
    return [
        Column(_("household number"), CellKind.NUMBER),
        Column(_("village or community")),
        Column(_("division code"), CellKind.CODE),
        Column(_("programme")),
        Column(_("paid to")),
        Column(_("ID number"), CellKind.CODE),  # masked already, as the registry keeps it
        Column(_("monthly amount (yuan)"), CellKind.MONEY),
        Column(_("last decision"), CellKind.DATE),
        Column(_("re-check interval")),
        Column(_("months"), CellKind.NUMBER),
        Column(_("next re-check"), CellKind.DATE),
        Column(_("re-check case"), CellKind.NUMBER),
    ]


def due_workbook(lists: RecheckLists, today: datetime.date) -> bytes:
    columns = _columns()
    book = new_workbook()
    caption = [_("As of %(day)s") % {"day": today.isoformat()}]
    add_table(book, _("Overdue"), columns, map(_row, lists.overdue), above=caption)
    add_table(book, _("Due this month"), columns, map(_row, lists.due), above=caption)
    return workbook_bytes(book)


def _row(row: RecheckRow) -> list[object]:
    return [
        row.household_id,
        row.place_name,
        row.region_id,
        row.programme_label,
        row.payee_name,
        row.payee_id_number_masked,
        row.monthly_amount_fen,
        row.last_on,
        row.cadence.label,
        row.months,
        row.next_on,
        row.open_case_id,
    ]


def _ending_columns(reason: str, last: str | None = None, after: str | None = None) -> list[Column]:
    return [
        Column(_("household number"), CellKind.NUMBER),
        Column(_("village or community")),
        Column(_("division code"), CellKind.CODE),
        Column(_("name")),
        Column(_("ID number"), CellKind.CODE),  # masked already, as the registry keeps it
        Column(_("allowance")),
        Column(reason, CellKind.DATE),
        Column(last or _("last month paid")),
        Column(after or _("stops from")),
    ]


def ending_workbook(lists: EndingLists) -> bytes:
    book = new_workbook()
    caption = [_("Last month paid: %(month)s") % {"month": f"{lists.month:%Y-%m}"}]
    add_table(
        book,
        _("Children turning 18"),
        _ending_columns(_("birthday")),
        map(_ending_row, lists.children),
        above=caption,
    )
    add_table(
        book,
        _("Certificates expiring"),
        _ending_columns(_("certificate valid until")),
        map(_ending_row, lists.certificates),
        above=caption,
    )
    add_table(
        book,
        _("Disability grade changes"),
        [
            *_ending_columns(
                _("new certificate issued on"),
                _("last month at the old grade"),
                _("changes from"),
            ),
            Column(_("new grade")),
        ],
        ([*_ending_row(row), row.new_grade] for row in lists.grade_changes),
    )
    return workbook_bytes(book)


def _ending_row(row: EndingRow) -> list[object]:
    return [
        row.household_id,
        row.place_name,
        row.region_id,
        row.name,
        row.id_number_masked,
        row.allowance_label,
        row.reason_on,
        f"{row.last_month:%Y-%m}",
        f"{row.stops_from:%Y-%m}",
    ]
