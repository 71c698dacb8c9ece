"""A campaign's results by county and kind, and its findings, as Excel workbooks (amounts in
yuan, exact). The findings name households and members by number only: names stay on the
pages, where every reader is scoped."""

from __future__ import annotations

import io
from collections.abc import Iterable

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.styles import Font

from doudi.campaigns.models import Finding, FindingKind
from doudi.campaigns.queries import ResultRow
from doudi.money import fen_to_decimal
from doudi.regions.models import Region
from doudi.spreadsheets import safe_row

MONEY_FORMAT = "#,##0.00"


def _book(title: str, header: list[str]) -> tuple[openpyxl.Workbook, object]:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    return book, sheet


def _bytes(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def results_workbook(rows: list[ResultRow]) -> bytes:
    header = [
        _("county"),
        _("county code"),
        _("kind"),
        _("number of findings"),
        _("open"),
        _("amount (yuan)"),
    ]
    book, sheet = _book(_("Results by county and kind"), header)
    names = dict(
        Region.objects.filter(code__in={r.county for r in rows}).values_list("code", "name")
    )
    kinds = dict(FindingKind.choices)
    for row in rows:
        sheet.append(
            safe_row(
                [
                    names.get(row.county, ""),
                    row.county,
                    str(kinds.get(row.kind, row.kind)),
                    row.findings,
                    row.open,
                    fen_to_decimal(row.amount_fen),
                ]
            )
        )
    sheet.append(
        [
            _("total"),
            "",
            "",
            sum(r.findings for r in rows),
            sum(r.open for r in rows),
            fen_to_decimal(sum(r.amount_fen for r in rows)),
        ]
    )
    for (cell,) in sheet.iter_rows(min_row=2, min_col=6, max_col=6):
        cell.number_format = MONEY_FORMAT
    return _bytes(book)


def findings_workbook(findings: Iterable[Finding]) -> bytes:
    header = [
        _("finding"),
        _("kind"),
        _("township code"),
        _("township"),
        _("household number"),
        _("member number"),
        _("amount (yuan)"),
        _("items"),
        _("deadline to close"),
        _("state"),
        _("delivery"),
        _("row of the delivery"),
    ]
    book, sheet = _book(_("Findings"), header)
    for finding in findings:
        sheet.append(
            safe_row(
                [
                    finding.pk,
                    finding.get_kind_display(),
                    finding.region_id,
                    finding.region.name,
                    finding.household_id,
                    finding.member_id,
                    None if finding.amount_fen is None else fen_to_decimal(finding.amount_fen),
                    finding.item_count,
                    finding.due_on,
                    finding.get_state_display(),
                    finding.delivery_id,
                    finding.source_row,
                ]
            )
        )
    for (cell,) in sheet.iter_rows(min_row=2, min_col=7, max_col=7):
        cell.number_format = MONEY_FORMAT
    return _bytes(book)
