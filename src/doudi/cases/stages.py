"""The stages of temporary-assistance grants (一次审批、分阶段救助) due in a month, as each
user may see them: with what became of each — paid, with the bank, failed, stopped, or still
due — read set-based from the payroll's lines; and their Excel export."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Case as Choose
from django.db.models import Exists, OuterRef, QuerySet, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doudi.accounts.jurisdiction import scope
from doudi.accounts.roles import Permission
from doudi.cases.models import Outcome, PaymentStage
from doudi.dates import next_month
from doudi.payroll.models import PayrollLine
from doudi.regions.codes import prefix_of
from doudi.spreadsheets import CellKind, Column, add_table, new_workbook, workbook_bytes

if TYPE_CHECKING:
    from doudi.accounts.models import User

STATUS_LABELS = {
    "stopped": gettext_lazy("Stopped"),
    "paid": gettext_lazy("Paid"),
    "pending": gettext_lazy("With the bank"),
    "failed": gettext_lazy("Failed, to be re-issued"),
    "due": gettext_lazy("Due"),
    "paid_first": gettext_lazy("Paid first from the reserve fund"),
}


def _line(status: str) -> Exists:
    return Exists(PayrollLine.objects.filter(stage_id=OuterRef("pk"), status=status))


def stages_due(actor: User, month: datetime.date, place_code: str = "") -> QuerySet[PaymentStage]:
    """The stages of approved decisions due in ``month``, each with ``status``."""
    stages = scope(
        actor,
        PaymentStage.objects.select_related(
            "decision__case__household", "decision__case__region", "decision__case__member"
        ),
        Permission.VIEW_CASES,
        "decision__case__region__code",
    ).filter(decision__outcome=Outcome.APPROVED, due_on__gte=month, due_on__lt=next_month(month))
    if place_code:
        stages = stages.filter(decision__case__region__code__startswith=prefix_of(place_code))
    status = Choose(
        When(decision__case__emergency_payment__isnull=False, then=Value("paid_first")),
        When(_line("paid"), then=Value("paid")),
        When(_line("pending"), then=Value("pending")),
        When(stopped_on__isnull=False, then=Value("stopped")),
        When(_line("failed"), then=Value("failed")),
        default=Value("due"),
    )
    return stages.annotate(status=status).order_by("due_on", "decision__case_id", "sequence")


def status_label(stage: PaymentStage) -> str:
    return str(STATUS_LABELS[stage.status])


def stages_workbook(month: datetime.date, stages: QuerySet[PaymentStage]) -> bytes:
    book = new_workbook()
    columns = [
        Column(_("case number"), CellKind.CODE),
        Column(_("programme")),
        Column(_("household number"), CellKind.CODE),
        Column(_("village or community")),
        Column(_("stage"), CellKind.NUMBER),
        Column(_("pay on"), CellKind.DATE),
        Column(_("amount (yuan)"), CellKind.MONEY),
        Column(_("status")),
        Column(_("stopped"), CellKind.DATE),
    ]
    rows = (
        [
            s.decision.case.file_number,
            s.decision.case.get_programme_display(),
            s.decision.case.household.file_number,
            s.decision.case.region.name,
            s.sequence,
            s.due_on,
            s.amount_fen,
            status_label(s),
            s.stopped_on,
        ]
        for s in stages
    )
    caption = [_("Staged payments due in %(month)s") % {"month": f"{month:%Y-%m}"}]
    add_table(book, _("Staged payments"), columns, rows, above=caption)
    return workbook_bytes(book)
