"""The replenishment requests as an Excel workbook, laid out by ``doudi.spreadsheets.add_table``:
one sheet of the requests, one of the emergency payments each lists."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from doudi.reserve_fund.models import ReplenishmentRequest
from doudi.spreadsheets import CellKind, Column, add_table, new_workbook, workbook_bytes


def requests_workbook(requests: Iterable[ReplenishmentRequest]) -> bytes:
    requests = list(requests)
    book = new_workbook()
    columns = [
        Column(_("request number"), CellKind.NUMBER),
        Column(_("township")),
        Column(_("division code"), CellKind.CODE),
        Column(_("submitted"), CellKind.DATE),
        Column(_("payments listed"), CellKind.NUMBER),
        Column(_("amount asked for (yuan)"), CellKind.MONEY),
        Column(_("note")),
        Column(_("state")),
        Column(_("decided"), CellKind.DATE),
        Column(_("reason")),
    ]
    rows = (
        [
            r.pk,
            r.fund.township.name,
            r.fund.township_id,
            r.submitted_on,
            r.listed,
            r.amount_fen,
            r.note,
            r.get_state_display(),
            r.decided_on,
            r.decision_reason,
        ]
        for r in requests
    )
    caption = [_("Replenishment requests, as of %(day)s") % {"day": timezone.localdate()}]
    add_table(book, _("Replenishment requests"), columns, rows, above=caption)
    payment_columns = [
        Column(_("request number"), CellKind.NUMBER),
        Column(_("township")),
        Column(_("paid"), CellKind.DATE),
        Column(_("amount (yuan)"), CellKind.MONEY),
        Column(_("recipient or source")),
        Column(_("reason")),
    ]
    payment_rows = (
        [
            r.pk,
            r.fund.township.name,
            timezone.localtime(p.recorded_at).date(),
            p.amount_fen,
            p.recipient,
            p.reason,
        ]
        for r in requests
        for p in r.payments.order_by("id")
    )
    add_table(book, _("Payments listed"), payment_columns, payment_rows, above=caption)
    return workbook_bytes(book)
