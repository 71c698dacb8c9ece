"""The whole file of a household (一户一档): its cases and decisions, benefits, payments,
referrals, open findings and its place in the monitored low-income population, each read through
its own app's jurisdiction-scoped query and shown only to a user whose role reads it; and what the
rules find for it today."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from doudi.accounts.jurisdiction import has_permission
from doudi.accounts.roles import Permission
from doudi.benefits.queries import benefits_of_household
from doudi.campaigns.queries import open_findings_of_household
from doudi.cases.queries import cases_of_household
from doudi.errors import DoudiError
from doudi.money import yuan_to_fen
from doudi.monitoring.queries import entries_of_household
from doudi.payroll.queries import Payment, payments_of_household
from doudi.policy.queries import household_evaluation
from doudi.window.queries import referrals_of_household

if TYPE_CHECKING:
    from doudi.accounts.models import User
    from doudi.benefits.models import Benefit
    from doudi.campaigns.models import Finding
    from doudi.cases.models import Case
    from doudi.monitoring.models import MonitoredEntry
    from doudi.window.models import Need

# Payments shown before "all payments" is asked for.
RECENT_PAYMENTS = 12


@dataclass(frozen=True)
class WholeFile:
    open_cases: list[Case]
    closed_cases: list[Case]
    benefits: list[Benefit]
    payments: list[Payment]
    payment_count: int
    referrals: list[Need]
    findings: list[Finding] | None  # None: the user's role reads no campaign findings
    monitoring: list[MonitoredEntry]  # in the low-income population, now and before

    @property
    def decided(self) -> list[Case]:
        cases = self.open_cases + self.closed_cases
        return [case for case in cases if getattr(case, "decision", None) is not None]


def whole_file(
    actor: User, household_id: int, today: datetime.date, *, all_payments: bool = False
) -> WholeFile:
    cases = list(cases_of_household(actor, household_id))
    payments, count = payments_of_household(
        actor, household_id, None if all_payments else RECENT_PAYMENTS
    )
    findings = (
        list(open_findings_of_household(actor, household_id))
        if has_permission(actor, Permission.VIEW_CAMPAIGNS)
        else None
    )
    return WholeFile(
        open_cases=[case for case in cases if case.is_open],
        closed_cases=[case for case in cases if not case.is_open],
        benefits=list(benefits_of_household(actor, household_id, today)),
        payments=payments,
        payment_count=count,
        referrals=list(referrals_of_household(actor, household_id)),
        findings=findings,
        monitoring=list(entries_of_household(actor, household_id)),
    )


@dataclass(frozen=True)
class Test:
    label: str
    passed: bool


@dataclass(frozen=True)
class Answer:
    """One programme's answer, for the household or for one member."""

    label: str
    eligible: bool | None  # None: no rule in force, ``missing`` says which
    monthly_amount_fen: int | None
    tests: list[Test]
    missing: str = ""
    members: list[Answer] = field(default_factory=list)


@dataclass(frozen=True)
class Evaluation:
    month: str
    answers: list[Answer]
    error: str = ""


def evaluation(actor: User, household_id: int, today: datetime.date) -> Evaluation:
    """What the rules find for the household this month, programme by programme; a household
    the engine cannot read (no members, a rule not in force) says why instead."""
    month = today.replace(day=1)
    try:
        result = household_evaluation(actor, household_id, month, today)
    except DoudiError as refused:
        if refused.http_status != 400:
            raise
        return Evaluation(f"{month:%Y-%m}", [], refused.render())
    return Evaluation(result["month"], [_answer(p) for p in result["programmes"]])


def _answer(entry: dict[str, Any], label: str = "") -> Answer:
    amount = entry.get("monthly_amount")
    return Answer(
        label=label or str(entry.get("label", "")),
        eligible=entry.get("eligible"),
        monthly_amount_fen=yuan_to_fen(amount) if amount is not None else None,
        tests=[Test(str(r["label"]), bool(r["passed"])) for r in entry.get("reasons", [])],
        missing=str((entry.get("missing") or {}).get("message", "")),
        members=[_answer(m, f"{m['name']} ({m['id_number']})") for m in entry.get("members", [])],
    )
