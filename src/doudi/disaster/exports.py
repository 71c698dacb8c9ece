"""Disaster relief's figures as Excel workbooks, laid out by ``doudi.spreadsheets.add_table``:
an event's figures per place with its impact reports, a wave's figures per place with its list."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from doudi.disaster.models import Event, ImpactReport, Wave, WaveEntry
from doudi.disaster.queries import Figures
from doudi.spreadsheets import CellKind, Column, add_table, new_workbook, workbook_bytes


def _figure_columns(event: bool) -> list[Column]:
    counts = [
        Column(_("households reported"), CellKind.NUMBER),
        Column(_("households verified"), CellKind.NUMBER),
    ]
    return [
        Column(_("village or community")),
        Column(_("division code"), CellKind.CODE),
        *(counts if event else [Column(_("households"), CellKind.NUMBER)]),
        Column(_("persons"), CellKind.NUMBER),
        Column(_("amount previewed (yuan)"), CellKind.MONEY),
        Column(_("amount paid (yuan)"), CellKind.MONEY),
    ]


def _figure_rows(figures: Figures, event: bool) -> list[list[object]]:
    rows = []
    for row in [*figures.rows, figures.total]:
        counts = [row.reported, row.verified] if event else [row.households]
        name = row.name or _("Total")
        rows.append([name, row.code, *counts, row.persons, row.previewed_fen, row.paid_fen])
    return rows


def event_workbook(event: Event, figures: Figures, reports: Iterable[ImpactReport]) -> bytes:
    book = new_workbook()
    caption = [f"{event.name} · {event.get_kind_display()} · {event.started_on.isoformat()}"]
    add_table(book, _("Figures"), _figure_columns(True), _figure_rows(figures, True), above=caption)
    columns = [
        Column(_("household number"), CellKind.CODE),
        Column(_("village or community")),
        Column(_("house collapsed")),
        Column(_("house severely damaged")),
        Column(_("no source of livelihood")),
        Column(_("members injured"), CellKind.NUMBER),
        Column(_("members dead or missing"), CellKind.NUMBER),
        Column(_("persons affected"), CellKind.NUMBER),
        Column(_("state")),
        Column(_("reported on"), CellKind.DATE),
        Column(_("verified on"), CellKind.DATE),
    ]
    yes, no = _("yes"), _("no")
    rows = (
        [
            r.household.file_number,
            r.region.name,
            yes if r.house_collapsed else no,
            yes if r.house_severely_damaged else no,
            yes if r.no_livelihood else no,
            r.injured,
            r.dead,
            r.persons_affected,
            r.get_state_display(),
            r.reported_on,
            r.verified_on,
        ]
        for r in reports
    )
    add_table(book, _("Impact reports"), columns, rows, above=caption)
    return workbook_bytes(book)


def wave_workbook(wave: Wave, figures: Figures, entries: Iterable[WaveEntry]) -> bytes:
    book = new_workbook()
    caption = [wave.title]
    add_table(
        book, _("Figures"), _figure_columns(False), _figure_rows(figures, False), above=caption
    )
    columns = [
        Column(_("household number"), CellKind.CODE),
        Column(_("village or community")),
        Column(_("persons"), CellKind.NUMBER),
        Column(_("assessed per person (yuan)"), CellKind.MONEY),
        Column(_("amount (yuan)"), CellKind.MONEY),
        Column(_("source")),
        Column(_("on a grant")),
    ]
    rows = (
        [
            e.household.file_number,
            e.region.name,
            e.listed,
            e.per_person_fen,
            e.per_person_fen * e.listed,
            e.get_source_display(),
            e.share.grant.name if e.share_id else "",
        ]
        for e in entries
    )
    add_table(book, _("Needs assessment"), columns, rows, above=caption)
    return workbook_bytes(book)
