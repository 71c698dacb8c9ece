"""What a user sees of medical assistance: the claims of households in their jurisdiction, the
hospital settlements and premium-subsidy lists made in it (or, for a township, those of its
county that list its people), and the figures of a year: what each kind paid and how many
persons reached its annual cap."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, F, QuerySet, Sum

from doudi.accounts.jurisdiction import NOT_FOUND, require, scope
from doudi.accounts.roles import Permission
from doudi.errors import OutsideJurisdiction
from doudi.medical.models import (
    Claim,
    ClaimKind,
    ClaimState,
    HospitalSettlement,
    PremiumEntry,
    PremiumList,
)

if TYPE_CHECKING:
    from doudi.accounts.models import User


def claims_visible_to(actor: User) -> QuerySet[Claim]:
    return scope(
        actor, Claim.objects.all(), Permission.VIEW_MEDICAL, "region__code"
    ).select_related("member", "region")


def claim_for(actor: User, claim_id: int) -> Claim:
    claim = claims_visible_to(actor).filter(pk=claim_id).first()
    if claim is None:
        raise OutsideJurisdiction(NOT_FOUND)
    return claim


def claims_of_person(actor: User, claim: Claim) -> QuerySet[Claim]:
    """The person's claims of the claim's year, every kind: what the caps counted."""
    return claims_visible_to(actor).filter(person_hash=claim.person_hash, year=claim.year)


def filtered(actor: User, *, year: int | None = None, state: str = "", kind: str = ""):
    claims = claims_visible_to(actor)
    if year:
        claims = claims.filter(year=year)
    if state in ClaimState.values:
        claims = claims.filter(state=state)
    if kind in ClaimKind.values:
        claims = claims.filter(kind=kind)
    return claims


@dataclass(frozen=True)
class KindFigure:
    kind: str
    label: str
    claims: int
    persons: int
    assistance_fen: int
    at_cap: int  # persons whose claims of the kind reached its annual cap


def year_figures(actor: User, year: int) -> list[KindFigure]:
    claims = claims_visible_to(actor).filter(year=year).exclude(state=ClaimState.REJECTED)
    totals = {
        row["kind"]: row
        for row in claims.values("kind").annotate(
            claims=Count("id"),
            persons=Count("person_hash", distinct=True),
            assistance=Sum("assistance_fen"),
        )
    }
    capped = dict(
        claims.filter(assistance_fen=F("annual_cap_fen") - F("received_before_fen"))
        .filter(annual_cap_fen__gt=0)
        .values("kind")
        .annotate(n=Count("person_hash", distinct=True))
        .values_list("kind", "n")
    )
    return [
        KindFigure(
            kind,
            str(label),
            int(totals.get(kind, {}).get("claims") or 0),
            int(totals.get(kind, {}).get("persons") or 0),
            int(totals.get(kind, {}).get("assistance") or 0),
            int(capped.get(kind, 0)),
        )
        for kind, label in ClaimKind.choices
    ]


def settlements_visible_to(actor: User) -> QuerySet[HospitalSettlement]:
    require(actor, Permission.VIEW_MEDICAL)
    ids = Claim.objects.filter(region__code__startswith=actor.jurisdiction_prefix).values(
        "settlement_id"
    )
    return HospitalSettlement.objects.filter(pk__in=ids).select_related("region")


def settlement_for(actor: User, settlement_id: int) -> HospitalSettlement:
    found = settlements_visible_to(actor).filter(pk=settlement_id).first()
    if found is None:
        raise OutsideJurisdiction(NOT_FOUND)
    return found


def settlement_claims(actor: User, settlement: HospitalSettlement) -> QuerySet[Claim]:
    return claims_visible_to(actor).filter(settlement=settlement).order_by("settled_on", "id")


def premium_lists_visible_to(actor: User) -> QuerySet[PremiumList]:
    require(actor, Permission.VIEW_MEDICAL)
    ids = PremiumEntry.objects.filter(region__code__startswith=actor.jurisdiction_prefix).values(
        "premium_list_id"
    )
    own = PremiumList.objects.filter(region__code__startswith=actor.jurisdiction_prefix)
    return (PremiumList.objects.filter(pk__in=ids) | own).distinct().select_related("region")


def premium_list_for(actor: User, list_id: int) -> PremiumList:
    found = premium_lists_visible_to(actor).filter(pk=list_id).first()
    if found is None:
        raise OutsideJurisdiction(NOT_FOUND)
    return found


def premium_entries(actor: User, premium_list: PremiumList) -> QuerySet[PremiumEntry]:
    return (
        PremiumEntry.objects.filter(
            premium_list=premium_list, region__code__startswith=actor.jurisdiction_prefix
        )
        .select_related("member", "region")
        .order_by("region_id", "id")
    )
