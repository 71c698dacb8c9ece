"""The monitored population as an Excel workbook: households by number and place, no names or
ID numbers (the pages, where every reader is scoped, show who they are)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from doudi.monitoring.models import MonitoredEntry
from doudi.spreadsheets import CellKind, Column, add_table, new_workbook, workbook_bytes


def population_workbook(entries: Iterable[MonitoredEntry]) -> bytes:
    columns = [
        Column(_("household file number"), CellKind.CODE),
        Column(_("village or community")),
        Column(_("division code"), CellKind.CODE),
        Column(_("category")),
        Column(_("entered on"), CellKind.DATE),
        Column(_("reason for entry")),
        Column(_("left on"), CellKind.DATE),
        Column(_("reason for exit")),
    ]
    rows = [
        [
            entry.household.file_number,
            entry.region.name,
            entry.region_id,
            entry.get_category_display(),
            entry.entered_on,
            entry.why,
            entry.left_on,
            entry.get_exit_reason_display() if entry.exit_reason else "",
        ]
        for entry in entries
    ]
    book = new_workbook()
    add_table(book, _("Monitored households"), columns, rows)
    return workbook_bytes(book)
