"""Reading for partners: who is calling, and what the registry may tell them about a person."""

from __future__ import annotations

import datetime
import hashlib

from django.db.models import Q

from doudi.benefits.models import Benefit
from doudi.exchange.models import EventType, PartnerSystem, Subscription
from doudi.identity.protection import lookup_hash
from doudi.registry.models import Member


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def partner_of_token(token: str) -> PartnerSystem | None:
    """The active partner holding ``token``, else None."""
    return PartnerSystem.objects.filter(token_hash=token_hash(token), active=True).first()


def current_member(partner: PartnerSystem, id_number: str) -> Member | None:
    """The person of the (normalised) number, still a member of a household; one living outside
    the partner's region is not found, exactly as somebody unknown."""
    members = Member.objects.filter(id_number_hash=lookup_hash(id_number), left_on__isnull=True)
    if partner.region_prefix:
        members = members.filter(household__region__code__startswith=partner.region_prefix)
    return members.select_related("household").first()


def benefits_in_force(member: Member, month: datetime.date) -> list[Benefit]:
    """The household's benefits paying this month that cover the person: a household benefit,
    or one of which the person is the one concerned."""
    return list(
        Benefit.objects.in_force(month)
        .filter(household_id=member.household_id)
        .filter(Q(member__isnull=True) | Q(member=member))
        .order_by("programme", "pk")
    )


def is_subscribed(partner: PartnerSystem, event_type: EventType) -> bool:
    return Subscription.objects.filter(partner=partner, event_type=event_type, active=True).exists()
