"""What a user sees of disaster relief: the events that touch their jurisdiction (recorded in
it, above it for their places, or hitting one of their places), the impact reports and wave
entries of their places, and the figures per event, place and wave."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet, Sum

from doudi.accounts.jurisdiction import NOT_FOUND, require, scope
from doudi.accounts.roles import Permission
from doudi.disaster.aid import transitional_aid
from doudi.disaster.models import (
    TRANSITIONAL,
    Event,
    ImpactReport,
    ReliefGrant,
    ReportState,
    Wave,
    WaveEntry,
    WavePerson,
)
from doudi.errors import OutsideJurisdiction
from doudi.payroll.models import LineStatus, PayrollLine
from doudi.regions.codes import ancestors
from doudi.regions.queries import place_names

if TYPE_CHECKING:
    from doudi.accounts.models import User


def _touching(actor: User) -> Q:
    above = ancestors(actor.region_id)
    return (
        Q(region__code__startswith=actor.jurisdiction_prefix)
        | Q(places__region__code__startswith=actor.jurisdiction_prefix)
        | Q(places__region_id__in=above)
    )


def events_visible_to(actor: User) -> QuerySet[Event]:
    require(actor, Permission.VIEW_DISASTERS)
    ids = Event.objects.filter(_touching(actor)).values("pk")
    return Event.objects.filter(pk__in=ids).select_related("region")


def event_for(actor: User, event_id: int) -> Event:
    event = events_visible_to(actor).filter(pk=event_id).first()
    if event is None:
        raise OutsideJurisdiction(NOT_FOUND)
    return event


def waves_visible_to(actor: User) -> QuerySet[Wave]:
    """Waves run in the actor's jurisdiction or above it (a city's wave reaches its counties)."""
    require(actor, Permission.VIEW_DISASTERS)
    return Wave.objects.filter(
        Q(region__code__startswith=actor.jurisdiction_prefix)
        | Q(region_id__in=ancestors(actor.region_id))
    ).select_related("region")


def wave_for(actor: User, wave_id: int) -> Wave:
    wave = waves_visible_to(actor).filter(pk=wave_id).first()
    if wave is None:
        raise OutsideJurisdiction(NOT_FOUND)
    return wave


def reports_of(actor: User, event: Event, state: str | None = None) -> QuerySet[ImpactReport]:
    reports = scope(
        actor, ImpactReport.objects.filter(event=event), Permission.VIEW_DISASTERS, "region__code"
    ).select_related("household", "region", "reported_by", "verified_by")
    return reports.filter(state=state) if state else reports


def waiting_reports(actor: User) -> QuerySet[ImpactReport]:
    """Reports waiting for the actor's verification: of their places, not their own."""
    return (
        scope(actor, ImpactReport.objects.all(), Permission.VERIFY_IMPACTS, "region__code")
        .filter(state=ReportState.REPORTED)
        .exclude(reported_by=actor)
        .select_related("event", "household", "region")
    )


def entries_of(actor: User, wave: Wave) -> QuerySet[WaveEntry]:
    return scope(
        actor, WaveEntry.objects.filter(wave=wave), Permission.VIEW_DISASTERS, "region__code"
    ).select_related("household", "region", "share__grant")


def relief_grants(actor: User, **lookup) -> QuerySet[ReliefGrant]:
    """The event's or wave's grants the actor's jurisdiction issued or receives."""
    return (
        ReliefGrant.objects.filter(**lookup)
        .select_related("grant")
        .filter(
            Q(grant__region__code__startswith=actor.jurisdiction_prefix)
            | Q(grant__region_id__in=ancestors(actor.region_id))
        )
    )


@dataclass
class Row:
    """One line of figures: a place (or the whole) and its counts and amounts in fen."""

    code: str
    name: str
    households: int = 0
    persons: int = 0
    reported: int = 0
    verified: int = 0
    previewed_fen: int = 0
    paid_fen: int = 0


@dataclass
class Figures:
    rows: list[Row] = field(default_factory=list)
    total: Row = field(default_factory=lambda: Row("", ""))


def _paid(actor: User, **grant_lookup) -> dict[str, int]:
    """Paid payroll lines of the relief grants, per village, in the actor's places."""
    lines = (
        PayrollLine.objects.filter(
            status=LineStatus.PAID,
            region__code__startswith=actor.jurisdiction_prefix,
            **{f"grant_share__grant__relief__{k}": v for k, v in grant_lookup.items()},
        )
        .values("region_id")
        .annotate(paid=Sum("amount_fen"))
    )
    return {row["region_id"]: int(row["paid"]) for row in lines}


def _total(rows: list[Row]) -> Row:
    total = Row("", "")
    for name in ("households", "persons", "reported", "verified", "previewed_fen", "paid_fen"):
        setattr(total, name, sum(getattr(r, name) for r in rows))
    return total


def event_figures(actor: User, event: Event) -> Figures:
    """Per village: households reported and verified, persons affected (verified), the
    transitional aid of the entitled verified reports (the engine's), and what the payroll
    paid of the event's grants (transitional aid and cohort grants)."""
    reports = reports_of(actor, event)
    per_place = (
        reports.values("region_id", "region__name")
        .annotate(
            reported=Count("id"),
            verified=Count("id", filter=Q(state=ReportState.VERIFIED)),
            persons=Sum("persons_affected", filter=Q(state=ReportState.VERIFIED)),
        )
        .order_by("region_id")
    )
    entitled = list(
        reports.filter(TRANSITIONAL, state=ReportState.VERIFIED).values_list(
            "region_id", "persons_affected"
        )
    )
    aid = transitional_aid(event.started_on, [r[0] for r in entitled], [r[1] for r in entitled])
    previewed: dict[str, int] = {}
    for (region, _persons), amount in zip(entitled, aid, strict=True):
        previewed[region] = previewed.get(region, 0) + amount
    paid = _paid(actor, event=event)
    rows = [
        Row(
            p["region_id"],
            p["region__name"],
            households=p["verified"],
            persons=int(p["persons"] or 0),
            reported=p["reported"],
            verified=p["verified"],
            previewed_fen=previewed.get(p["region_id"], 0),
            paid_fen=paid.pop(p["region_id"], 0),
        )
        for p in per_place
    ]
    # Cohort grants also pay households without a report.
    names = place_names(paid)
    rows += [Row(code, names.get(code, code), paid_fen=fen) for code, fen in sorted(paid.items())]
    return Figures(rows, _total(rows))


def wave_figures(actor: User, wave: Wave) -> Figures:
    entries = entries_of(actor, wave)
    # Summed over the listed persons, each entry's amount per person adds up to its amount.
    listed = {
        row["entry__region_id"]: row
        for row in WavePerson.objects.filter(entry__in=entries.values("pk"))
        .values("entry__region_id")
        .annotate(n=Count("id"), amount=Sum("entry__per_person_fen"))
    }
    per_place = (
        entries.values("region_id", "region__name")
        .annotate(households=Count("id", distinct=True))
        .order_by("region_id")
    )
    paid = _paid(actor, wave=wave)
    rows = [
        Row(
            p["region_id"],
            p["region__name"],
            households=p["households"],
            persons=listed.get(p["region_id"], {}).get("n", 0),
            previewed_fen=int(listed.get(p["region_id"], {}).get("amount") or 0),
            paid_fen=paid.get(p["region_id"], 0),
        )
        for p in per_place
    ]
    return Figures(rows, _total(rows))
