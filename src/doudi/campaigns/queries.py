"""What a user sees of campaigns: those of their jurisdiction and those run above it (a county
campaign reaches its townships), and of findings only those of their own townships."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr

from doudi.accounts.jurisdiction import NOT_FOUND, get_in_scope, require, scope
from doudi.accounts.roles import Permission
from doudi.campaigns.models import DEATH_KINDS, Campaign, Finding, FindingKind, FindingState
from doudi.errors import OutsideJurisdiction
from doudi.payroll.models import PayrollLine
from doudi.payroll.queries import recovery_lines
from doudi.regions.codes import is_well_formed, parent_code, prefix_of

if TYPE_CHECKING:
    from doudi.accounts.models import User


def _above(code: str) -> list[str]:
    codes, parent = [], parent_code(code)
    while parent is not None:
        codes.append(parent)
        parent = parent_code(parent)
    return codes


def visible_campaigns(user: User) -> QuerySet[Campaign]:
    require(user, Permission.VIEW_CAMPAIGNS)
    inside = Q(region__code__startswith=user.jurisdiction_prefix)
    return Campaign.objects.filter(inside | Q(region_id__in=_above(user.region_id))).select_related(
        "region", "started_by"
    )


def campaign_for(user: User, campaign_id: int) -> Campaign:
    try:
        return visible_campaigns(user).get(pk=campaign_id)
    except Campaign.DoesNotExist:
        raise OutsideJurisdiction(NOT_FOUND) from None


def visible_findings(user: User) -> QuerySet[Finding]:
    return scope(
        user,
        Finding.objects.select_related("household", "member", "region", "case"),
        Permission.VIEW_CAMPAIGNS,
        "region__code",
    )


def findings_of(
    user: User, campaign: Campaign, *, kind: str = "", state: str = "", place: str = ""
) -> QuerySet[Finding]:
    """The campaign's findings the user sees; unknown filter values are ignored."""
    findings = visible_findings(user).filter(seen_in=campaign)
    if kind in FindingKind.values:
        findings = findings.filter(kind=kind)
    if state in FindingState.values:
        findings = findings.filter(state=state)
    if is_well_formed(place):
        findings = findings.filter(region__code__startswith=prefix_of(place))
    return findings.order_by("due_on", "pk")


def finding_for(user: User, finding_id: int) -> Finding:
    return get_in_scope(
        user,
        Finding.objects.select_related("household", "member", "region", "case", "delivery"),
        Permission.VIEW_CAMPAIGNS,
        "region__code",
        pk=finding_id,
    )


def township_tasks(user: User) -> QuerySet[Finding]:
    """The open findings of the user's townships: a to-do list, the most overdue first."""
    return visible_findings(user).filter(state=FindingState.OPEN).order_by("due_on", "pk")


def open_findings_of_household(user: User, household_id: int) -> QuerySet[Finding]:
    """The household's findings still to be closed, the most urgent first."""
    return (
        visible_findings(user)
        .filter(household_id=household_id, state=FindingState.OPEN)
        .order_by("due_on", "pk")
    )


def overdue(finding: Finding, today: datetime.date) -> bool:
    return finding.state == FindingState.OPEN and finding.due_on < today


@dataclass(frozen=True)
class ResultRow:
    county: str  # the county's code (12 digits)
    kind: str
    findings: int
    open: int
    amount_fen: int


def results(user: User, campaign: Campaign) -> list[ResultRow]:
    """The campaign's findings by county and kind, counted and summed in the database."""
    rows = (
        visible_findings(user)
        .filter(seen_in=campaign)
        .annotate(county=Substr("region_id", 1, 6))
        .values("county", "kind")
        .annotate(
            findings=Count("pk"),
            open=Count("pk", filter=Q(state=FindingState.OPEN)),
            amount=Sum("amount_fen"),
        )
        .order_by("county", "kind")
    )
    return [
        ResultRow(
            row["county"].ljust(12, "0"),
            row["kind"],
            row["findings"],
            row["open"],
            row["amount"] or 0,
        )
        for row in rows
    ]


def recoveries_of(finding: Finding) -> QuerySet[PayrollLine]:
    """The lines paid to the finding's household after its benefit ended or its payee died
    (追回) — for a death found, also those paid to the person for a month after the death the
    department reported, before the registry records it. ``finding`` was read in the user's
    scope, so the township sees what to recover."""
    lines = PayrollLine.objects.filter(household_id=finding.household_id)
    if finding.kind not in DEATH_KINDS or not finding.member_id or not finding.detail:
        return recovery_lines(lines)
    reported = Q(
        payee_id=finding.member_id, pay_month__gt=datetime.date.fromisoformat(finding.detail)
    )
    return recovery_lines(lines, also_whole=reported)
