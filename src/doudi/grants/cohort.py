"""Who a grant's rule chooses: the households receiving one of the programmes in a month, in
some places; and their persons (all members of a household on 低保, the person concerned for a
per-person programme), counted once each."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q

from doudi.benefits.models import Benefit
from doudi.regions.codes import prefix_of
from doudi.registry.models import Member


@dataclass(frozen=True)
class Share:
    household_id: int
    region_id: str
    payee_id: int
    persons: int
    amount_fen: int


def in_places(codes: list[str], field: str = "region__code") -> Q:
    """Rows whose place (``field``) lies in one of ``codes`` (a township: any of its villages)."""
    where = Q(pk__in=[])
    for code in codes:
        where |= Q(**{f"{field}__startswith": prefix_of(code)})
    return where


def cohort(
    programmes: list[str], places: list[str], on: datetime.date, per: str, amount_fen: int
) -> list[Share]:
    benefits = (
        Benefit.objects.in_force(on)
        .filter(in_places(places), programme__in=programmes)
        .values_list("household_id", "region_id", "member_id", "payee_id")
    )
    persons: dict[int, set[int]] = {}
    first: dict[int, tuple[str, int]] = {}
    for household_id, region_id, member_id, payee_id in benefits.order_by("household_id", "id"):
        first.setdefault(household_id, (region_id, payee_id))
        if member_id is not None:
            persons.setdefault(household_id, set()).add(member_id)
    whole_households = benefits.filter(member__isnull=True).values("household_id")
    living = (
        Member.objects.filter(household_id__in=whole_households, joined_on__lte=on)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=on))
        .values_list("household_id", "id")
    )
    for household_id, member_id in living.iterator(chunk_size=20000):
        persons.setdefault(household_id, set()).add(member_id)
    return [
        Share(
            household_id,
            region_id,
            payee_id,
            len(persons.get(household_id, ())),
            amount_fen * (len(persons.get(household_id, ())) if per == "person" else 1),
        )
        for household_id, (region_id, payee_id) in sorted(first.items())
        if persons.get(household_id)
    ]
