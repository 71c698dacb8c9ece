"""Every step of a payroll: one transaction and one audit event each, each step another role's
(civil affairs generates and submits, finance approves, the bank takes the file and returns the
result)."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import get_in_scope, require
from doudi.accounts.roles import Permission
from doudi.audit.actions import AuditAction, audit_action
from doudi.audit.services import record
from doudi.dates import month_text
from doudi.errors import CellError, DoudiError, ValidationFailed
from doudi.grants.models import Grant, GrantState
from doudi.money import fen_to_yuan, whole_fen
from doudi.payroll import bank_copy, bank_files, generation, queries
from doudi.payroll.funds import budget_after
from doudi.payroll.models import Budget, LineStatus, Payroll, PayrollProgramme, PayrollState
from doudi.payroll.queries import LeftOut
from doudi.payroll.steps import STEPS
from doudi.regions.codes import Level, prefix_of
from doudi.regions.models import Region
from doudi.statistics import refresh as statistics
from doudi.text import free_text, required_reason

if TYPE_CHECKING:
    from doudi.accounts.models import User

# Who took the step, kept on the payroll (a return is the audit trail's to tell).
TAKEN_BY = {
    "submit": "submitted_by",
    "approve": "approved_by",
    "send": "sent_by",
    "reconcile": "reconciled_by",
}


class NobodyToPay(ValidationFailed):
    """A payroll that would pay nobody: ``left_out`` says who was left out, and why."""

    def __init__(self, message, /, *, left_out: list[LeftOut], **params: object) -> None:
        problems = [
            DoudiError(
                _("%(name)s (%(id_number)s), household %(file_number)s: %(reason)s"),
                field="month",
                name=row.payee_name,
                id_number=row.id_number_masked,
                file_number=row.file_number,
                # The lazy text, so that the English rendering says it in English too.
                reason=queries.LEFT_OUT_REASONS[row.reason_code],
            )
            for row in left_out
        ]
        super().__init__(message, problems=problems, **params)
        self.left_out = left_out


def payroll_place(region_code: str) -> Region:
    """A county, or a township of a county that pays per township."""
    region = Region.objects.select_related("parent").filter(code=region_code).first()
    if region is not None and region.level == Level.COUNTY and not region.payroll_by_township:
        return region
    if region is not None and region.level == Level.TOWNSHIP and region.parent.payroll_by_township:
        return region
    raise DoudiError(
        _(
            "Payrolls are made per county, or per township where the county says so; "
            "“%(code)s” is not such a place."
        ),
        field="region",
        code=region_code,
    )


@transaction.atomic
def generate(
    actor: User,
    programme: str,
    month: datetime.date,
    region_code: str,
    *,
    grant_id: int | None = None,
) -> Payroll:
    """Generate the month's payroll. Run again, it pays only whoever is still unpaid."""
    require(actor, Permission.PREPARE_PAYROLL, region_code)
    if programme not in PayrollProgramme.values:
        raise DoudiError(
            _("“%(value)s” is not one of: %(allowed)s."),
            field="programme",
            value=programme,
            allowed=", ".join(PayrollProgramme.values),
        )
    grant = Grant.objects.filter(pk=grant_id, state=GrantState.APPROVED).first()
    if (programme == PayrollProgramme.ONE_OFF_GRANT) != (grant is not None):
        raise DoudiError(
            _(
                "A grant's payroll needs the grant, approved by finance; a monthly "
                "payroll has none."
            ),
            field="grant",
        )
    region = payroll_place(region_code)
    payroll = Payroll.objects.create(
        programme=programme,
        month=month.replace(day=1),
        region=region,
        grant=grant,
        generated_by=actor,
        line_count=0,
        total_fen=0,
    )
    payroll.line_count, payroll.total_fen = generation.fill(payroll, prefix_of(region.code))
    if not payroll.line_count:
        _refuse_empty(actor, payroll)
    payroll.save(update_fields=["line_count", "total_fen"])
    # The figures of the dashboards, in the same transaction (docs/statistics.md).
    statistics.refresh_payroll(payroll.pk, payroll.region_id)
    _audit(actor, payroll, "generate", None)
    return payroll


def _refuse_empty(actor: User, payroll: Payroll) -> None:
    """Refuse a payroll that pays nobody, naming each person left out and why."""
    month = month_text(payroll.month)
    if payroll.grant_id:
        raise DoudiError(
            _("Nobody is left to pay in this grant's payroll: every share has been paid."),
            field="month",
        )
    left_out = queries.left_out(actor, payroll.programme, payroll.month, payroll.region_id)
    if not left_out:
        raise DoudiError(
            _(
                "Nobody is left to pay in this payroll: no one in %(place)s is owed a payment "
                "of this programme for %(month)s that is not already paid or in another payroll."
            ),
            field="month",
            place=payroll.region.name,
            month=month,
        )
    raise NobodyToPay(
        _(
            "Nobody is left to pay in this payroll for %(month)s: %(count)d people are left "
            "out, each for the reason given."
        ),
        left_out=left_out,
        field="month",
        month=month,
        count=len(left_out),
    )


def _step(actor: User, payroll_id: int, step: str) -> Payroll:
    permission, sources, _target = STEPS[step]
    payroll = get_in_scope(
        actor,
        Payroll.objects.select_for_update(),
        Permission.VIEW_PAYROLLS,
        "region__code",
        pk=payroll_id,
    )
    require(actor, permission, payroll.region_id)
    if payroll.state not in sources:
        raise DoudiError(
            _("The payroll is “%(state)s”; this step needs it “%(needed)s”."),
            field="state",
            state=payroll.get_state_display(),
            needed="、".join(str(PayrollState(source).label) for source in sources),
        )
    return payroll


def _advance(actor: User, payroll: Payroll, step: str, reason: str = "", **after) -> Payroll:
    before = payroll.state
    payroll.state = STEPS[step][2]
    if step in TAKEN_BY:
        setattr(payroll, TAKEN_BY[step], actor)
    payroll.save()
    _audit(actor, payroll, step, before, reason, **after)
    return payroll


def _audit(
    actor: User, payroll: Payroll, step: str, before: str | None, reason: str = "", **more
) -> None:
    record(
        actor=actor,
        action=audit_action(f"payroll.{step}"),
        object_type="payroll",
        object_id=str(payroll.pk),
        region_code=payroll.region_id,
        before={"state": before} if before else None,
        after={
            "state": payroll.state,
            "lines": payroll.line_count,
            "total_fen": payroll.total_fen,
            **more,
        },
        reason=reason,
    )


def _check_totals(payroll: Payroll) -> None:
    totals = payroll.lines.aggregate(count=Count("id"), total=Sum("amount_fen"))
    if (totals["count"], totals["total"] or 0) != (payroll.line_count, payroll.total_fen):
        raise DoudiError(
            _(
                "The payroll's lines no longer add up to its totals; it must not be "
                "paid. Report this to the administrator."
            ),
            field="state",
        )


@transaction.atomic
def submit(actor: User, payroll_id: int) -> Payroll:
    payroll = _step(actor, payroll_id, "submit")
    _check_totals(payroll)
    payroll.return_reason = ""
    return _advance(actor, payroll, "submit")


@transaction.atomic
def return_to_civil_affairs(actor: User, payroll_id: int, *, reason: str) -> Payroll:
    """Finance sends a submitted payroll back to civil affairs, saying why."""
    payroll = _step(actor, payroll_id, "return")
    payroll.return_reason = required_reason(reason)[:300]
    return _advance(actor, payroll, "return", payroll.return_reason)


@transaction.atomic
def approve(actor: User, payroll_id: int, *, over_budget_reason: str = "") -> Payroll:
    """Finance approves. Beyond the budget left, only with the reason written down."""
    payroll = _step(actor, payroll_id, "approve")
    _check_totals(payroll)
    left = budget_after(payroll)
    if left is not None and left < 0 and not over_budget_reason.strip():
        raise DoudiError(
            _(
                "This payroll exceeds the budget left by %(over)s yuan; approve it "
                "only with the reason."
            ),
            field="over_budget_reason",
            over=fen_to_yuan(-left),
        )
    return _advance(actor, payroll, "approve", free_text(over_budget_reason), budget_left_fen=left)


@transaction.atomic
def bank_file(actor: User, payroll_id: int, file_format: str) -> bytes:
    """The payment file for the bank. Taking it marks the payroll sent; it can be taken again
    while the bank's result is awaited (each time audited)."""
    if file_format not in bank_files.FORMATS:
        raise DoudiError(_("Upload a CSV or XLSX file."), field="format")
    payroll = get_in_scope(
        actor,
        Payroll.objects.select_for_update(),
        Permission.VIEW_PAYROLLS,
        "region__code",
        pk=payroll_id,
    )
    if payroll.state == PayrollState.SENT:
        require(actor, Permission.BANK_TRANSFER, payroll.region_id)
        _audit(actor, payroll, "resend", payroll.state, format=file_format)
    else:
        payroll = _step(actor, payroll_id, "send")
        _check_totals(payroll)
        _advance(actor, payroll, "send", format=file_format)
    if file_format == "csv" and (done := bank_copy.payment_file(payroll)) is not None:
        return done
    lines = (
        payroll.lines.order_by("id")
        .values_list("id", "payee_name", "card", "amount_fen", "pay_month", "kind")
        .iterator(chunk_size=20000)
    )
    return bank_files.write(bank_files.payment_rows(payroll, lines), file_format)


@transaction.atomic
def reconcile(actor: User, payroll_id: int, data: bytes, file_format: str) -> Payroll:
    """Read the bank's result file: every line paid or failed with the bank's reason. A file
    with wrong totals, an unknown line or card, or a line twice is refused whole."""
    payroll = _step(actor, payroll_id, "reconcile")
    recorded = bank_copy.record_result(payroll, data) if file_format == "csv" else None
    payroll.failed_fen, failed_lines = recorded or _record_result(payroll, data, file_format)
    payroll.paid_fen = payroll.total_fen - payroll.failed_fen
    statistics.refresh_payroll(payroll.pk, payroll.region_id)
    return _advance(
        actor,
        payroll,
        "reconcile",
        paid_fen=payroll.paid_fen,
        failed_fen=payroll.failed_fen,
        failed_lines=failed_lines,
    )


def _record_result(payroll: Payroll, data: bytes, file_format: str) -> tuple[int, int]:
    """Read the file row by row, refusing it whole with every faulty row and field named, or
    record it; (failed fen, failed lines)."""
    result = bank_files.read_result(data, file_format, max_rows=payroll.line_count + 2)
    expected = {
        line_id: (card, amount)
        for line_id, card, amount in payroll.lines.values_list("id", "card", "amount_fen").iterator(
            chunk_size=50000
        )
    }
    _check_result(result, expected, payroll)
    failed = [row for row in result.rows if row.status == LineStatus.FAILED]
    payroll.lines.update(status=LineStatus.PAID)
    by_reason: dict[str, list[int]] = {}
    for row in failed:
        by_reason.setdefault(row.reason, []).append(row.line_id)
    for reason, ids in by_reason.items():
        for start in range(0, len(ids), 900):  # SQLite allows at most 999 parameters
            payroll.lines.filter(id__in=ids[start : start + 900]).update(
                status=LineStatus.FAILED, bank_reason=reason
            )
    return sum(row.amount_fen for row in failed), len(failed)


def _check_result(
    result: bank_files.ResultFile, expected: dict[int, tuple[str, int]], payroll: Payroll
) -> None:
    problems: list[DoudiError] = []
    seen = Counter(row.line_id for row in result.rows)
    for row in result.rows:
        if row.line_id not in expected:
            problems.append(
                CellError(
                    _("line %(line)d is not in this payroll."),
                    row=row.row,
                    column="行号",
                    line=row.line_id,
                )
            )
        elif seen[row.line_id] > 1:
            problems.append(
                CellError(
                    _("line %(line)d appears more than once."),
                    row=row.row,
                    column="行号",
                    line=row.line_id,
                )
            )
        elif row.card != expected[row.line_id][0]:
            problems.append(
                CellError(
                    _("the card is not the one this line was paid to."),
                    row=row.row,
                    column="社保卡号",
                )
            )
        elif row.amount_fen != expected[row.line_id][1]:
            problems.append(
                CellError(
                    _("the amount differs from the payroll's."), row=row.row, column="金额（元）"
                )
            )
    missing = len(set(expected) - set(seen))
    if missing:
        problems.append(
            DoudiError(
                _("%(count)d lines of the payroll are missing from the file."),
                field="file",
                count=missing,
            )
        )
    total = sum(row.amount_fen for row in result.rows)
    if (result.footer_count, result.footer_total_fen) != (len(result.rows), total) or (
        result.footer_count,
        result.footer_total_fen,
    ) != (payroll.line_count, payroll.total_fen):
        problems.append(
            DoudiError(
                _(
                    "The footer says %(count)d lines and %(total)s yuan; the payroll has %(lines)d "
                    "lines and %(expected)s yuan."
                ),
                field="file",
                count=result.footer_count,
                total=fen_to_yuan(result.footer_total_fen),
                lines=payroll.line_count,
                expected=fen_to_yuan(payroll.total_fen),
            )
        )
    if problems:
        raise ValidationFailed(
            _("The result file was refused whole: %(count)d problems found; nothing was recorded."),
            problems=problems[:200],
            count=len(problems),
        )


@transaction.atomic
def set_budget(
    actor: User, programme: str, year: int, county_code: str, amount_fen: int, *, reason: str
) -> Budget:
    """Finance sets (or revises) a programme's budget for a year and county."""
    require(actor, Permission.SET_BUDGETS, county_code)
    if programme not in PayrollProgramme.values:
        raise DoudiError(
            _("“%(value)s” is not one of: %(allowed)s."),
            field="programme",
            value=programme,
            allowed=", ".join(PayrollProgramme.values),
        )
    if not Region.objects.filter(code=county_code, level=Level.COUNTY).exists():
        raise DoudiError(
            _("Budgets are set per county: “%(code)s” is not one."),
            field="region",
            code=county_code,
        )
    amount_fen = whole_fen(amount_fen, field="amount")
    reason = required_reason(reason)
    existing = (
        Budget.objects.select_for_update()
        .filter(programme=programme, year=year, region_id=county_code)
        .first()
    )
    before = {"amount_fen": existing.amount_fen} if existing else None
    budget, _created = Budget.objects.update_or_create(
        programme=programme,
        year=year,
        region_id=county_code,
        defaults={"amount_fen": amount_fen, "set_by": actor},
    )
    record(
        actor=actor,
        action=AuditAction.PAYROLL_SET_BUDGET,
        object_type="budget",
        object_id=f"{programme}/{year}/{county_code}",
        region_code=county_code,
        before=before,
        after={"amount_fen": amount_fen},
        reason=reason,
    )
    return budget
