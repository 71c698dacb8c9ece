"""A standard change (提标) reaching every benefit it raises, through the same path as any
change: for each, a change case approved with its decision, the old benefit ended, the new one
begun — in bulk, in one transaction, with one audit event for the whole change.

The new amounts come from a whole-population evaluation run (policy.batch.evaluate_all) for the
month the new standard takes effect. Only rises are applied: the run knows the registry, not
every fact an investigation records, so a lower amount is left to the household's re-check.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import get_in_scope, require
from doudi.accounts.roles import Permission
from doudi.audit.actions import AuditAction
from doudi.audit.services import record
from doudi.benefits.models import Benefit
from doudi.benefits.services import month_before
from doudi.cases.deadlines import after
from doudi.cases.models import Case, Decision, Outcome, Transition
from doudi.cases.procedures import Action, CaseKind, CaseProgramme, Channel, State
from doudi.errors import DoudiError
from doudi.policy.models import EvaluationResult, EvaluationRun
from doudi.regions.codes import prefix_of

if TYPE_CHECKING:
    from doudi.accounts.models import User

NOTIFY_LIMIT = 3  # working days to tell each household its new amount


@dataclass(frozen=True)
class StandardChange:
    month: datetime.date
    benefits: int
    monthly_increase_fen: int


def raised_benefits(run: EvaluationRun):
    """Household 低保 benefits in force in the run's month that the run pays more."""
    new_amount = EvaluationResult.objects.filter(
        run=run,
        household_id=OuterRef("household_id"),
        member_id__isnull=True,
        programme=CaseProgramme.MINIMUM_LIVING,
    ).values("amount_fen")[:1]
    return (
        Benefit.objects.filter(
            programme=CaseProgramme.MINIMUM_LIVING,
            member__isnull=True,
            region__code__startswith=prefix_of(run.place_code),
            start_month__lte=run.month,
            ended_by__isnull=True,
        )
        .filter(Q(end_month__isnull=True) | Q(end_month__gte=run.month))
        .annotate(new_amount_fen=Subquery(new_amount))
        .filter(new_amount_fen__gt=F("monthly_amount_fen"))
    )


@transaction.atomic
def apply_standard_change(actor: User, run_id: int, *, reason: str) -> StandardChange:
    run = get_in_scope(
        actor, EvaluationRun.objects.all(), Permission.VIEW_CASES, "place_code", pk=run_id
    )
    require(actor, Permission.CONFIRM_CASES, run.place_code)
    if not reason.strip():
        raise DoudiError(_("State the reason for this change."), field="reason")
    raised = list(raised_benefits(run).select_for_update(of=("self",)).select_related("household"))
    today = timezone.localdate()
    notify_by = after(today, NOTIFY_LIMIT)
    cases = Case.objects.bulk_create(
        Case(
            household_id=b.household_id,
            region_id=b.region_id,
            programme=b.programme,
            kind=CaseKind.CHANGE,
            channel=Channel.BUREAU,
            submitted_by=actor,
            submitted_on=today,
            need=reason.strip(),
            state=State.APPROVED,
            accepted_on=today,
            closed_on=today,
            step_due_on=notify_by,
        )
        for b in raised
    )
    decisions = Decision.objects.bulk_create(
        Decision(
            case=case,
            outcome=Outcome.APPROVED,
            decided_on=today,
            decided_by=actor,
            reasons=reason.strip(),
            monthly_amount_fen=b.new_amount_fen,
            start_month=run.month,
            notify_due_on=notify_by,
            engine_result={"evaluation_run": run.pk, "amount_fen": b.new_amount_fen},
        )
        for case, b in zip(cases, raised, strict=True)
    )
    Transition.objects.bulk_create(
        Transition(
            case=case,
            action=Action.APPROVE,
            from_state=State.SUBMITTED,
            to_state=State.APPROVED,
            actor=actor,
            reason=reason.strip(),
            details={"evaluation_run": run.pk},
        )
        for case in cases
    )
    for old, decision in zip(raised, decisions, strict=True):
        old.end_month, old.ended_by = month_before(run.month), decision
    Benefit.objects.bulk_update(raised, ["end_month", "ended_by"], batch_size=2000)
    Benefit.objects.bulk_create(
        Benefit(
            decision=decision,
            programme=old.programme,
            household_id=old.household_id,
            region_id=old.region_id,
            member=None,
            payee_id=old.payee_id,
            monthly_amount_fen=decision.monthly_amount_fen,
            start_month=run.month,
        )
        for old, decision in zip(raised, decisions, strict=True)
    )
    change = StandardChange(
        run.month, len(raised), sum(b.new_amount_fen - b.monthly_amount_fen for b in raised)
    )
    record(
        actor=actor,
        action=AuditAction.BENEFITS_STANDARD_CHANGE,
        object_type="evaluation_run",
        object_id=str(run.pk),
        region_code=run.place_code,
        after={
            "month": f"{run.month:%Y-%m}",
            "benefits": change.benefits,
            "monthly_increase_fen": change.monthly_increase_fen,
        },
        reason=reason.strip(),
    )
    return change
