"""The demo's medical assistance: claims of this year for three persons of 低保 households of
the township — one whose three inpatient claims reach the annual cap (the third gets only what
remains), approved by the county; one outpatient claim to be paid to the person; one major
illness claim waiting for the county — and this year's premium-subsidy list."""

from __future__ import annotations

import datetime

from django.utils import timezone

from doudi.accounts.models import User
from doudi.benefits.models import Benefit
from doudi.benefits.queries import in_force
from doudi.medical import services
from doudi.medical.models import Claim, PremiumList
from doudi.registry.models import Member

HOSPITAL = "焦作市人民医院"


def _persons(handler: User) -> tuple[list[Member], datetime.date]:
    """The heads of three households on 低保 in the handler's township this month, and the
    latest month one of their benefits began (the claims are settled after it)."""
    month = timezone.localdate().replace(day=1)
    benefits = list(
        Benefit.objects.filter(in_force(month))
        .filter(programme="minimum_living", region__code__startswith=handler.jurisdiction_prefix)
        .order_by("household_id")
        .values_list("household_id", "start_month")[:3]
    )
    persons = []
    for household_id, _start in benefits:
        member = (
            Member.objects.filter(household_id=household_id, left_on__isnull=True)
            .exclude(id_number_ciphertext="")
            .order_by("id")
            .first()
        )
        if member is not None:
            persons.append(member)
    return persons, max((start for _h, start in benefits), default=month)


def load_demo_medical() -> int:
    """Once: the claims and the premium list; the number of claims."""
    if Claim.objects.exists():
        return 0
    county, handler = (User.objects.filter(username=name).first() for name in ("county", "handler"))
    if county is None or handler is None:
        return 0
    persons, receiving_since = _persons(handler)
    if len(persons) < 3:
        return 0
    today = timezone.localdate()
    earliest = max(today.replace(month=1, day=1), receiving_since)

    def day(back: int) -> datetime.date:
        """``back`` days ago, but not before the year nor before the benefits began."""
        return min(today, max(earliest, today - datetime.timedelta(days=back)))

    capped, outpatient, waiting = persons
    claims = []
    for n, (back, total) in enumerate(((28, 1_000_000), (21, 800_000), (14, 800_000)), 1):
        claims.append(
            services.record_claim(
                handler,
                id_number=capped.reveal_id_number(),
                settlement_number=f"ZY{today.year}{n:06d}",
                settled_on=day(back),
                kind="inpatient",
                hospital=HOSPITAL,
                paid_to="hospital",
                total_cost_fen=total,
                basic_fen=total * 3 // 10,
                critical_fen=0,
                supplementary_fen=0,
            )
        )
    claims.append(
        services.record_claim(
            handler,
            id_number=outpatient.reveal_id_number(),
            settlement_number=f"MZ{today.year}000001",
            settled_on=day(10),
            kind="outpatient_chronic",
            hospital="修武县人民医院",
            paid_to="person",
            total_cost_fen=350_000,
            basic_fen=150_000,
        )
    )
    for claim in claims:
        services.approve(county, claim.pk, note="材料齐全")
    claims.append(
        services.record_claim(
            handler,
            id_number=waiting.reveal_id_number(),
            settlement_number=f"ZD{today.year}000001",
            settled_on=day(5),
            kind="catastrophic",
            hospital=HOSPITAL,
            paid_to="hospital",
            total_cost_fen=6_000_000,
            basic_fen=3_000_000,
            critical_fen=1_000_000,
            supplementary_fen=500_000,
        )
    )
    if not PremiumList.objects.filter(year=today.year).exists():
        services.create_premium_list(county, year=today.year)
    return len(claims)
