"""A benefit in force without walking its case's procedure (tested in doudi.cases): for the
tests of what reads benefits — campaigns, the monitored population."""

from __future__ import annotations

import datetime

from doudi.accounts.models import User
from doudi.benefits.models import Benefit
from doudi.cases.models import Case, Decision, Outcome
from doudi.cases.procedures import CaseKind, CaseProgramme, Channel, State
from doudi.registry.models import Member

MONTHLY_FEN = 50_000


def approved_benefit(
    actor: User,
    member: Member,
    start: datetime.date,
    *,
    programme: CaseProgramme = CaseProgramme.MINIMUM_LIVING,
    monthly_fen: int = MONTHLY_FEN,
    end: datetime.date | None = None,
) -> Benefit:
    """An approved benefit of ``programme`` paid to ``member`` from ``start`` (to ``end``)."""
    household = member.household
    case = Case.objects.create(
        household=household,
        region=household.region,
        programme=programme,
        kind=CaseKind.APPLICATION,
        channel=Channel.WINDOW,
        submitted_by=actor,
        submitted_on=start,
        state=State.APPROVED,
        closed_on=start,
    )
    decision = Decision.objects.create(
        case=case,
        outcome=Outcome.APPROVED,
        decided_on=start,
        decided_by=actor,
        reasons="测试",
        monthly_amount_fen=monthly_fen,
        start_month=start,
        notify_due_on=start,
    )
    Member.objects.filter(pk=member.pk).update(social_security_card=f"6217{member.pk:015d}")
    return Benefit.objects.create(
        decision=decision,
        programme=programme,
        household=household,
        region=household.region,
        payee=member,
        member=member if programme == CaseProgramme.EXTREME_HARDSHIP else None,
        monthly_amount_fen=monthly_fen,
        start_month=start,
        end_month=end,
    )
