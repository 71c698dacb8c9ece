"""Reading payrolls within the user's jurisdiction: lists, lines, who could not be paid, what
must be recovered, and the figures of a payroll or a month by programme and place."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, F, Q, QuerySet, Sum

from doudi.accounts.jurisdiction import get_in_scope, scope
from doudi.accounts.roles import Permission
from doudi.benefits.models import Benefit
from doudi.dates import parse_month
from doudi.payroll.funds import FundPosition, position
from doudi.payroll.models import Budget, LineStatus, Payroll, PayrollLine
from doudi.regions.codes import prefix_of

if TYPE_CHECKING:
    from doudi.accounts.models import User


def payrolls_visible_to(actor: User) -> QuerySet[Payroll]:
    return scope(
        actor, Payroll.objects.select_related("region"), Permission.VIEW_PAYROLLS, "region__code"
    )


def payroll_for(actor: User, payroll_id: int) -> Payroll:
    return get_in_scope(
        actor,
        Payroll.objects.select_related("region", "grant"),
        Permission.VIEW_PAYROLLS,
        "region__code",
        pk=payroll_id,
    )


def lines_of(actor: User, payroll_id: int) -> QuerySet[PayrollLine]:
    return payroll_for(actor, payroll_id).lines.order_by("id")


def unpayable(
    actor: User, programme: str, month: datetime.date, place_code: str
) -> QuerySet[Benefit]:
    """Benefits in force for the month that a payroll leaves out: the payee died or left
    before the month, or has no social-security card. Each needs a caseworker."""
    month = parse_month(month)
    return (
        scope(
            actor,
            Benefit.objects.in_force(month).select_related("payee", "household"),
            Permission.VIEW_PAYROLLS,
            "region__code",
        )
        .filter(
            region__code__startswith=prefix_of(place_code),
            programme=programme,
            monthly_amount_fen__gt=0,
        )
        .filter(
            Q(payee__social_security_card="")
            | Q(payee__death_date__lt=month)
            | Q(payee__left_on__lte=month)
        )
    )


def recoveries(actor: User, place_code: str) -> QuerySet[PayrollLine]:
    """Money paid for a month after the benefit stopped or the payee died (追回)."""
    return (
        scope(
            actor,
            PayrollLine.objects.select_related("benefit", "payee", "payroll"),
            Permission.VIEW_PAYROLLS,
            "region__code",
        )
        .filter(
            region__code__startswith=prefix_of(place_code),
            status=LineStatus.PAID,
            benefit__isnull=False,
        )
        .filter(Q(benefit__end_month__lt=F("pay_month")) | Q(payee__death_date__lt=F("pay_month")))
        .order_by("pay_month", "id")
    )


@dataclass(frozen=True)
class ReportRow:
    programme: str
    place: str
    people: int
    households: int
    lines: int
    amount_fen: int
    paid_fen: int
    failed_fen: int


def report(lines: QuerySet[PayrollLine], place_digits: int = 9) -> list[ReportRow]:
    """Figures by programme and place (townships by default: the first 9 digits), summed in
    the database from the lines themselves, so they match the payroll to the fen."""
    rows = lines.values("programme", "region_id").annotate(
        people=Count("payee", distinct=True),
        households=Count("household", distinct=True),
        lines=Count("id"),
        amount=Sum("amount_fen"),
        paid=Sum("amount_fen", filter=Q(status=LineStatus.PAID)),
        failed=Sum("amount_fen", filter=Q(status=LineStatus.FAILED)),
    )
    merged: dict[tuple[str, str], list[int]] = {}
    for row in rows:
        key = (row["programme"], row["region_id"][:place_digits].ljust(12, "0"))
        totals = merged.setdefault(key, [0, 0, 0, 0, 0, 0])
        for index, name in enumerate(("people", "households", "lines", "amount", "paid", "failed")):
            totals[index] += row[name] or 0
    return [
        ReportRow(programme, place, *totals)
        for (programme, place), totals in sorted(merged.items())
    ]


def month_lines(actor: User, month: datetime.date, place_code: str) -> QuerySet[PayrollLine]:
    """Every line of the payrolls of a month in a place."""
    return scope(
        actor, PayrollLine.objects.all(), Permission.VIEW_PAYROLLS, "payroll__region__code"
    ).filter(payroll__month=month.replace(day=1), region__code__startswith=prefix_of(place_code))


@dataclass(frozen=True)
class BudgetRow:
    budget: Budget
    position: FundPosition


def budgets_visible_to(actor: User) -> list[BudgetRow]:
    budgets = scope(
        actor, Budget.objects.select_related("region"), Permission.VIEW_PAYROLLS, "region__code"
    ).order_by("-year", "region_id", "programme")[:200]
    return [BudgetRow(b, position(b.programme, b.year, b.region_id)) for b in budgets]
