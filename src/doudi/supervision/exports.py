"""Supervision as Excel workbooks (``doudi.spreadsheets.add_table``): a sample with each item's
checklist, and the findings with their rectification tasks."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils.translation import gettext as _

from doudi.spreadsheets import CellKind, Column, add_table, new_workbook, workbook_bytes
from doudi.supervision.models import CHECKLIST, Answer, Rectification, Sample, SampleItem


def _answer(value: str) -> str:
    return str(Answer(value).label) if value in Answer.values else ""


def sample_workbook(sample: Sample, items: Iterable[SampleItem]) -> bytes:
    book = new_workbook()
    plan = sample.plan
    caption = [
        f"{plan.title} · {sample.get_kind_display()} · "
        + _("seed %(seed)s, share %(share)s%%, at least %(minimum)s per township")
        % {"seed": sample.seed, "share": sample.share_percent, "minimum": sample.minimum}
    ]
    columns = [
        Column(_("order drawn"), CellKind.NUMBER),
        Column(_("household number"), CellKind.CODE),
        Column(_("village or community")),
        Column(_("case number"), CellKind.CODE),
        *(Column(str(label)) for _name, label in CHECKLIST),
        Column(_("note")),
        Column(_("checked on"), CellKind.DATE),
    ]
    rows = (
        [
            item.rank,
            item.household.file_number,
            item.region.name,
            str(item.case_id or ""),
            *(_answer(item.answers.get(name, "")) for name, _label in CHECKLIST),
            item.note,
            item.checked_on,
        ]
        for item in items
    )
    add_table(book, _("Sample and checklist"), columns, rows, above=caption)
    return workbook_bytes(book)


def findings_workbook(rectifications: Iterable[Rectification], today: datetime.date) -> bytes:
    """One row per rectification task, beside its finding."""
    book = new_workbook()
    columns = [
        Column(_("finding number"), CellKind.NUMBER),
        Column(_("township")),
        Column(_("origin")),
        Column(_("severity")),
        Column(_("what was found")),
        Column(_("household number"), CellKind.CODE),
        Column(_("rectification task")),
        Column(_("set on"), CellKind.DATE),
        Column(_("working days allowed"), CellKind.NUMBER),
        Column(_("rectify by"), CellKind.DATE),
        Column(_("done on"), CellKind.DATE),
        Column(_("what was done")),
        Column(_("overdue")),
    ]
    yes, no = _("yes"), _("no")
    rows = (
        [
            r.finding_id,
            r.region.name,
            r.finding.get_origin_display(),
            r.finding.get_severity_display(),
            r.finding.description,
            r.finding.household.file_number if r.finding.household_id else "",
            r.task,
            r.set_on,
            r.working_days,
            r.due_on,
            r.done_on,
            r.outcome,
            yes if (r.done_on or today) > r.due_on else no,
        ]
        for r in rectifications
    )
    add_table(book, _("Findings and rectification"), columns, rows)
    return workbook_bytes(book)
