"""Turning an approved decision into benefits. Runs inside the decision's own transaction, so
the decision, its benefit and the case's audit event are one change."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.benefits.models import Benefit
from doudi.cases.models import Case, Decision, Outcome
from doudi.cases.procedures import TEMPORARY, ReviewOutcome
from doudi.dates import month_before
from doudi.errors import DoudiError
from doudi.registry.choices import Relation
from doudi.registry.models import Member


def current_benefit(case: Case) -> Benefit | None:
    return (
        Benefit.objects.select_for_update()
        .filter(
            household=case.household,
            programme=case.programme,
            member=case.member,
            ended_by__isnull=True,
        )
        # A benefit whose last month (a gradual exit's) is past is no longer current.
        .filter(Q(end_month__isnull=True) | Q(end_month__gte=timezone.localdate().replace(day=1)))
        .order_by("-start_month")
        .first()
    )


def apply_decision(decision: Decision) -> Benefit | None:
    """Create, replace or end the benefit the decision settles (monthly programmes only); a
    re-check that keeps the amount leaves the benefit as it is."""
    case = decision.case
    if decision.outcome != Outcome.APPROVED or case.programme in TEMPORARY:
        return None
    current = current_benefit(case)
    # A re-check that keeps the amount for a gradual exit has a first month: a new benefit.
    keeps = decision.review_outcome == ReviewOutcome.KEEP and decision.start_month is None
    if decision.ends_benefit or keeps:
        if current is None:
            raise DoudiError(_("There is no benefit in force to stop."), field="kind")
        if keeps:
            return current
        return _end(current, decision.end_month, decision)
    if current is not None:
        _end(current, month_before(decision.start_month), decision)
    return Benefit.objects.create(
        decision=decision,
        programme=case.programme,
        household=case.household,
        region=case.region,
        member=case.member,
        payee=case.member or _head(case),
        monthly_amount_fen=decision.monthly_amount_fen,
        start_month=decision.start_month,
        end_month=decision.end_month,  # a gradual exit's last month, decided
    )


def _end(benefit: Benefit, last_month: datetime.date, decision: Decision) -> Benefit:
    benefit.end_month, benefit.ended_by = last_month, decision
    benefit.save(update_fields=["end_month", "ended_by"])
    return benefit


def _head(case: Case) -> Member:
    members = case.household.members.filter(left_on__isnull=True, death_date__isnull=True)
    payee = members.filter(relation=Relation.HEAD).first() or members.order_by("id").first()
    if payee is None:
        raise DoudiError(_("The household has no living member to pay."), field="household")
    return payee
