"""Medical assistance as Excel workbooks, laid out by ``doudi.spreadsheets.add_table``: the
claims of a list with the year's figures, the file owed to one hospital, and the premium-subsidy
list for the medical-insurance bureau (the one file with whole ID numbers: the bureau enrols by
them; its every download is audited by ``services.premium_file``)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from doudi.medical.models import Claim, HospitalSettlement, PremiumEntry, PremiumList
from doudi.medical.queries import KindFigure
from doudi.spreadsheets import CellKind, Column, add_table, new_workbook, workbook_bytes


def _claim_columns() -> list[Column]:
    return [
        Column(_("settlement number"), CellKind.CODE),
        Column(_("name")),
        Column(_("ID number"), CellKind.ID_NUMBER),
        Column(_("village or community")),
        Column(_("kind of claim")),
        Column(_("hospital")),
        Column(_("settled on"), CellKind.DATE),
        Column(_("category")),
        Column(_("total cost (yuan)"), CellKind.MONEY),
        Column(_("basic insurance (yuan)"), CellKind.MONEY),
        Column(_("critical-illness insurance (yuan)"), CellKind.MONEY),
        Column(_("supplementary insurance (yuan)"), CellKind.MONEY),
        Column(_("left after insurance (yuan)"), CellKind.MONEY),
        Column(_("ratio (percent)"), CellKind.NUMBER),
        Column(_("annual cap (yuan)"), CellKind.MONEY),
        Column(_("received earlier this year (yuan)"), CellKind.MONEY),
        Column(_("medical assistance (yuan)"), CellKind.MONEY),
        Column(_("left for temporary assistance or charity (yuan)"), CellKind.MONEY),
        Column(_("paid to")),
        Column(_("state")),
    ]


def _claim_row(c: Claim) -> list[object]:
    return [
        c.settlement_number,
        c.member.name,
        c.member.id_number_masked,
        c.region.name,
        c.get_kind_display(),
        c.hospital,
        c.settled_on,
        c.get_category_display(),
        c.total_cost_fen,
        c.basic_fen,
        c.critical_fen,
        c.supplementary_fen,
        c.residual_fen,
        c.percent,
        c.annual_cap_fen,
        c.received_before_fen,
        c.assistance_fen,
        c.left_fen,
        c.get_paid_to_display(),
        c.get_state_display(),
    ]


def claims_workbook(year: int, figures: list[KindFigure], claims: Iterable[Claim]) -> bytes:
    book = new_workbook()
    columns = [
        Column(_("kind of claim")),
        Column(_("claims"), CellKind.NUMBER),
        Column(_("persons"), CellKind.NUMBER),
        Column(_("medical assistance (yuan)"), CellKind.MONEY),
        Column(_("persons at the annual cap"), CellKind.NUMBER),
    ]
    rows = [[f.label, f.claims, f.persons, f.assistance_fen, f.at_cap] for f in figures]
    add_table(book, _("Figures"), columns, rows, above=[str(year)])
    add_table(book, _("Claims"), _claim_columns(), (_claim_row(c) for c in claims.iterator()))
    return workbook_bytes(book)


def hospital_workbook(settlement: HospitalSettlement, claims: Iterable[Claim]) -> bytes:
    book = new_workbook()
    caption = [
        f"{settlement.hospital} · {settlement.created_on.isoformat()} · "
        + _("%(claims)d claims") % {"claims": settlement.claims}
    ]
    every = _claim_columns()
    columns = [*every[:8], every[16]]
    rows = [[*_claim_row(c)[:8], c.assistance_fen] for c in claims]
    rows.append([_("Total"), "", "", "", "", "", None, "", settlement.total_fen])
    add_table(book, _("Owed to the hospital"), columns, rows, above=caption)
    return workbook_bytes(book)


def premium_workbook(premium_list: PremiumList, entries: Iterable[PremiumEntry]) -> bytes:
    book = new_workbook()
    caption = [f"{premium_list.region.name} · {premium_list.year}"]
    columns = [
        Column(_("name")),
        Column(_("ID number"), CellKind.CODE),
        Column(_("village or community")),
        Column(_("division code"), CellKind.CODE),
        Column(_("category")),
        Column(_("premium subsidy (yuan)"), CellKind.MONEY),
    ]
    rows = [
        [
            e.member.name,
            e.member.reveal_id_number(),
            e.region.name,
            e.region_id,
            e.get_category_display(),
            e.amount_fen,
        ]
        for e in entries
    ]
    rows.append([_("Total"), "", "", "", "", premium_list.total_fen])
    add_table(book, _("Premium subsidy"), columns, rows, above=caption)
    return workbook_bytes(book)
