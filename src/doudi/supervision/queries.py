"""What a user sees of supervision, all scoped to their jurisdiction here: the plans over a place
of it and their samples (the inspecting level, the auditor and the discipline inspector — not
the inspected township); the findings and rectification tasks of its townships; the relatives
register of its townships, beside the benefits each declared household receives."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from doudi.accounts.jurisdiction import NOT_FOUND, has_permission, require, scope
from doudi.accounts.roles import Permission
from doudi.benefits.models import Benefit
from doudi.cases.models import Case
from doudi.errors import OutsideJurisdiction
from doudi.hotline.models import Ticket
from doudi.supervision.models import (
    Finding,
    Plan,
    Rectification,
    RelativeDeclaration,
    Sample,
    SampleItem,
)

if TYPE_CHECKING:
    from doudi.accounts.models import User


def plans_visible_to(actor: User) -> QuerySet[Plan]:
    return scope(actor, Plan.objects.all(), Permission.VIEW_PLANS, "region__code").select_related(
        "region", "created_by"
    )


def plan_for(actor: User, plan_id: int) -> Plan:
    plan = plans_visible_to(actor).filter(pk=plan_id).first()
    if plan is None:
        raise OutsideJurisdiction(NOT_FOUND)
    return plan


def samples_of(actor: User, plan: Plan) -> QuerySet[Sample]:
    return (
        Sample.objects.filter(plan=plan)
        .annotate(
            drawn=Count("items"),
            checked=Count("items", filter=Q(items__checked_on__isnull=False)),
        )
        .order_by("id")
    )


def sample_for(actor: User, sample_id: int) -> Sample:
    sample = Sample.objects.filter(pk=sample_id, plan__in=plans_visible_to(actor)).first()
    if sample is None:
        raise OutsideJurisdiction(NOT_FOUND)
    return sample


def items_of(actor: User, sample: Sample) -> QuerySet[SampleItem]:
    return scope(
        actor, SampleItem.objects.filter(sample=sample), Permission.VIEW_PLANS, "region__code"
    ).select_related("region", "household", "case", "checked_by")


def item_for(actor: User, item_id: int) -> SampleItem:
    item = (
        SampleItem.objects.filter(pk=item_id, sample__plan__in=plans_visible_to(actor))
        .select_related("sample__plan", "household", "region")
        .first()
    )
    if item is None or not item.region_id.startswith(actor.jurisdiction_prefix):
        raise OutsideJurisdiction(NOT_FOUND)
    return item


def referrals_visible_to(actor: User) -> QuerySet[Ticket]:
    """The hotline tickets referred to supervision in the actor's places, as the inspecting
    side (the plans' readers) sees them: the newest referral first."""
    return (
        scope(
            actor,
            Ticket.objects.filter(referred_to_supervision_on__isnull=False),
            Permission.VIEW_PLANS,
            "region__code",
        )
        .select_related("region", "household", "finding")
        .order_by("-referred_to_supervision_on", "-id")
    )


def pending_referrals(actor: User) -> QuerySet[Ticket]:
    """The referrals awaiting a decision (待立项): no finding raised from them, none declined."""
    return referrals_visible_to(actor).filter(
        finding__isnull=True, supervision_declined_on__isnull=True
    )


def referral_for(actor: User, ticket_id: int) -> Ticket:
    found = referrals_visible_to(actor).filter(pk=ticket_id).first()
    if found is None:
        raise OutsideJurisdiction(NOT_FOUND)
    return found


def findings_visible_to(actor: User) -> QuerySet[Finding]:
    return scope(
        actor, Finding.objects.all(), Permission.VIEW_SUPERVISION, "region__code"
    ).select_related("region", "household", "raised_by", "plan", "hotline_ticket")


def finding_for(actor: User, finding_id: int) -> Finding:
    finding = findings_visible_to(actor).filter(pk=finding_id).first()
    if finding is None:
        raise OutsideJurisdiction(NOT_FOUND)
    return finding


def findings_of_household(actor: User, household_id: int) -> QuerySet[Finding]:
    """The findings about a household, for its assistance chain: none for a reader of the
    household who does not read supervision."""
    if not has_permission(actor, Permission.VIEW_SUPERVISION):
        return Finding.objects.none()
    return findings_visible_to(actor).filter(household_id=household_id)


def rectifications_visible_to(actor: User) -> QuerySet[Rectification]:
    return scope(
        actor, Rectification.objects.all(), Permission.VIEW_SUPERVISION, "region__code"
    ).select_related("region", "finding", "done_by")


def rectification_for(actor: User, rectification_id: int) -> Rectification:
    found = rectifications_visible_to(actor).filter(pk=rectification_id).first()
    if found is None:
        raise OutsideJurisdiction(NOT_FOUND)
    return found


def open_rectifications(actor: User) -> QuerySet[Rectification]:
    return rectifications_visible_to(actor).filter(done_on__isnull=True)


def overdue_rectifications(actor: User, today: datetime.date) -> QuerySet[Rectification]:
    """Open tasks whose last day has passed, the longest overdue first."""
    return open_rectifications(actor).filter(due_on__lt=today).order_by("due_on", "id")


def declarations_visible_to(actor: User, *, current: bool = True) -> QuerySet[RelativeDeclaration]:
    declarations = scope(
        actor, RelativeDeclaration.objects.all(), Permission.VIEW_SUPERVISION, "region__code"
    ).select_related("region", "household", "declared_by")
    return declarations.filter(ended_on__isnull=True) if current else declarations


def declaration_for(actor: User, declaration_id: int) -> RelativeDeclaration:
    found = declarations_visible_to(actor, current=False).filter(pk=declaration_id).first()
    if found is None:
        raise OutsideJurisdiction(NOT_FOUND)
    return found


@dataclass(frozen=True)
class RelativeRow:
    declaration: RelativeDeclaration
    benefits: list[Benefit]

    @property
    def monthly_fen(self) -> int:
        return sum(b.monthly_amount_fen for b in self.benefits)


def relatives_report(actor: User, month: datetime.date) -> list[RelativeRow]:
    """The current entries of the register, each beside the benefits its household receives in
    ``month``: two queries, whatever the number of entries."""
    declarations = list(declarations_visible_to(actor).order_by("region_id", "household_id", "id"))
    household_ids = {d.household_id for d in declarations}
    by_household: dict[int, list[Benefit]] = {}
    for benefit in Benefit.objects.in_force(month).filter(household_id__in=household_ids):
        by_household.setdefault(benefit.household_id, []).append(benefit)
    return [RelativeRow(d, by_household.get(d.household_id, [])) for d in declarations]


def flagged_cases(actor: User) -> QuerySet[Case]:
    """Cases registered separately as a relative's (单独登记备案, doudi.cases), the register's
    other source: each shown with whether its household is declared in the register."""
    require(actor, Permission.VIEW_SUPERVISION)
    declared = RelativeDeclaration.objects.filter(
        ended_on__isnull=True, household_id=OuterRef("household_id")
    )
    return (
        Case.objects.filter(region__code__startswith=actor.jurisdiction_prefix)
        .exclude(relative_of_staff="")
        .select_related("household", "region")
        .annotate(declared=Exists(declared))
        .order_by("-submitted_on", "-id")
    )
