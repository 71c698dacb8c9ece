"""Budgets against spending: what payrolls have committed of a programme's yearly budget in a
county, and what would be left after one more payroll."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Sum

from doudi.payroll.models import Budget, LineStatus, Payroll, PayrollLine, PayrollState

COMMITTED = (PayrollState.APPROVED, PayrollState.SENT, PayrollState.RECONCILED)


@dataclass(frozen=True)
class FundPosition:
    budget_fen: int
    spent_fen: int

    @property
    def left_fen(self) -> int:
        return self.budget_fen - self.spent_fen


def county_of(region_code: str) -> str:
    return f"{region_code[:6]}000000"


def position(programme: str, year: int, county_code: str) -> FundPosition | None:
    """None when no budget is set. Spending is every approved payroll line not failed."""
    budget = Budget.objects.filter(programme=programme, year=year, region_id=county_code).first()
    if budget is None:
        return None
    spent = (
        PayrollLine.objects.filter(
            payroll__programme=programme,
            payroll__month__year=year,
            payroll__region__code__startswith=county_code[:6],
            payroll__state__in=COMMITTED,
        )
        .exclude(status=LineStatus.FAILED)
        .aggregate(total=Sum("amount_fen"))["total"]
        or 0
    )
    return FundPosition(budget.amount_fen, spent)


def budget_after(payroll: Payroll) -> int | None:
    """What the budget would have left once this payroll is approved (negative: exceeded)."""
    found = position(payroll.programme, payroll.month.year, county_of(payroll.region_id))
    return None if found is None else found.left_fen - payroll.total_fen
