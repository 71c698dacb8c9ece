"""A campaign's results by county and kind, and its findings, as Excel workbooks (amounts in
yuan, exact), laid out by ``doudi.spreadsheets.add_table``. The findings name households and
members by number only: names stay on the pages, where every reader is scoped."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from doudi.campaigns.models import Finding, FindingKind
from doudi.campaigns.queries import ResultRow
from doudi.regions.models import Region
from doudi.spreadsheets import CellKind, Column, add_table, new_workbook, workbook_bytes


def results_workbook(rows: list[ResultRow]) -> bytes:
    columns = [
        Column(_("county")),
        Column(_("county code"), CellKind.CODE),
        Column(_("kind")),
        Column(_("number of findings"), CellKind.NUMBER),
        Column(_("open"), CellKind.NUMBER),
        Column(_("amount (yuan)"), CellKind.MONEY),
    ]
    names = dict(
        Region.objects.filter(code__in={r.county for r in rows}).values_list("code", "name")
    )
    kinds = dict(FindingKind.choices)
    lines = [
        [
            names.get(row.county, ""),
            row.county,
            str(kinds.get(row.kind, row.kind)),
            row.findings,
            row.open,
            row.amount_fen,
        ]
        for row in rows
    ]
    total = [
        _("total"),
        "",
        "",
        sum(r.findings for r in rows),
        sum(r.open for r in rows),
        sum(r.amount_fen for r in rows),
    ]
    book = new_workbook()
    add_table(book, _("Results by county and kind"), columns, [*lines, total])
    return workbook_bytes(book)


def findings_workbook(findings: Iterable[Finding]) -> bytes:
    columns = [
        Column(_("finding"), CellKind.NUMBER),
        Column(_("kind")),
        Column(_("township code"), CellKind.CODE),
        Column(_("township")),
        Column(_("household number"), CellKind.NUMBER),
        Column(_("member number"), CellKind.NUMBER),
        Column(_("amount (yuan)"), CellKind.MONEY),
        Column(_("items"), CellKind.NUMBER),
        Column(_("deadline to close"), CellKind.DATE),
        Column(_("state")),
        Column(_("delivery"), CellKind.NUMBER),
        Column(_("row of the delivery"), CellKind.NUMBER),
    ]
    rows = (
        [
            finding.pk,
            finding.get_kind_display(),
            finding.region_id,
            finding.region.name,
            finding.household_id,
            finding.member_id,
            finding.amount_fen,
            finding.item_count,
            finding.due_on,
            finding.get_state_display(),
            finding.delivery_id,
            finding.source_row,
        ]
        for finding in findings
    )
    book = new_workbook()
    add_table(book, _("Findings"), columns, rows)
    return workbook_bytes(book)
