"""Disaster relief's steps, each in one transaction with one audit event: recording an event
and its places; reporting, verifying and returning a household's impact report; opening a
winter–spring wave and putting households on its needs-assessment list; and defining the grants
that pay transitional aid, a wave, or every 低保 and 特困 person of the affected places — all
paid by the payroll as one-off grants (doudi.grants)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import covers, get_in_scope, require
from doudi.accounts.roles import Permission
from doudi.audit.actions import AuditAction
from doudi.audit.services import record
from doudi.disaster.aid import transitional_aid
from doudi.disaster.models import (
    TRANSITIONAL,
    EntrySource,
    Event,
    EventKind,
    EventPlace,
    ImpactReport,
    ReliefGrant,
    ReliefKind,
    ReportState,
    ResponseLevel,
    Wave,
    WaveEntry,
    WavePerson,
)
from doudi.disaster.queries import event_for, wave_for
from doudi.errors import DoudiError
from doudi.grants import services as grants
from doudi.grants.cohort import Share, in_places
from doudi.grants.models import GrantShare, Per
from doudi.money import whole_fen
from doudi.regions.codes import Level
from doudi.regions.models import Region
from doudi.registry.choices import Relation
from doudi.registry.models import Household, Member
from doudi.text import plain_text, required_reason, required_text

if TYPE_CHECKING:
    from doudi.accounts.models import User

MAX_NOTE = 300
# The cohort of a grant tied to an event: every 低保 and 特困 person of the affected places.
COHORT_PROGRAMMES = ["minimum_living", "extreme_hardship"]
PLACE_LEVELS = (Level.TOWNSHIP, Level.VILLAGE)


def _places(actor: User, codes: Iterable[str]) -> list[Region]:
    codes = sorted({code for code in codes if code})
    if not codes:
        raise DoudiError(_("Choose at least one place."), field="places")
    regions = Region.objects.in_bulk(codes)
    for code in codes:
        region = regions.get(code)
        if region is None or not covers(actor, code) or region.level not in PLACE_LEVELS:
            raise DoudiError(
                _("“%(code)s” is not a township or village in your jurisdiction."),
                field="places",
                code=code,
            )
    return [regions[code] for code in codes]


@transaction.atomic
def create_event(
    actor: User,
    *,
    kind: str,
    name: str,
    started_on: datetime.date,
    ended_on: datetime.date | None,
    response_level: int,
    places: list[str],
) -> Event:
    require(actor, Permission.MANAGE_DISASTERS)
    if kind not in EventKind.values:
        raise DoudiError(_("Choose the kind of disaster."), field="kind")
    name = required_text(name, field="name", message=_("Give the event a name."))
    if ended_on is not None and ended_on < started_on:
        raise DoudiError(_("The disaster cannot end before it started."), field="ended_on")
    if started_on > timezone.localdate():
        raise DoudiError(_("The disaster cannot start in the future."), field="started_on")
    if response_level not in ResponseLevel.values:
        raise DoudiError(_("Choose the emergency response level."), field="response_level")
    regions = _places(actor, places)
    event = Event.objects.create(
        kind=kind,
        name=name[:100],
        region=actor.region,
        started_on=started_on,
        ended_on=ended_on,
        response_level=response_level,
        created_by=actor,
    )
    EventPlace.objects.bulk_create(EventPlace(event=event, region=r) for r in regions)
    record(
        actor=actor,
        action=AuditAction.DISASTER_EVENT_CREATE,
        object_type="disaster_event",
        object_id=str(event.pk),
        region_code=actor.region_id,
        places=[r.code for r in regions],
        after={"kind": kind, "name": event.name, "places": [r.code for r in regions]},
    )
    return event


def place_codes(event: Event) -> list[str]:
    return list(event.places.values_list("region_id", flat=True))


def members_on(household_id: int, day: datetime.date):
    """The household's members on the day the disaster struck: a member who joined later was
    not hit; one who died or left since was."""
    return Member.objects.filter(household_id=household_id, joined_on__lte=day).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=day)
    )


def whole_number(value: object, *, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DoudiError(_("“%(value)s” is not a whole number."), field=field, value=value)
    return value


def _counts(persons_affected: int, injured: int, dead: int, members: int) -> tuple[int, int, int]:
    if members == 0:
        raise DoudiError(
            _("The household had no members when the disaster struck."), field="household"
        )
    persons = whole_number(persons_affected, field="persons_affected")
    if not 1 <= persons <= members:
        raise DoudiError(
            _("Persons affected must be between 1 and the household's %(members)d members."),
            field="persons_affected",
            members=members,
        )
    for value, field in ((injured, "injured"), (dead, "dead")):
        if not 0 <= whole_number(value, field=field) <= persons:
            raise DoudiError(
                _("At most the persons affected, and not fewer than none."), field=field
            )
    return persons, int(injured), int(dead)


@transaction.atomic
def report_impact(
    actor: User,
    event_id: int,
    *,
    household: int,
    house_collapsed: bool = False,
    house_severely_damaged: bool = False,
    no_livelihood: bool = False,
    injured: int = 0,
    dead: int = 0,
    persons_affected: int,
    note: str = "",
) -> ImpactReport:
    """A village or township caseworker's report on one registry household of an affected
    place; a returned report is corrected and reported again, never doubled."""
    require(actor, Permission.REPORT_IMPACTS)
    event = event_for(actor, event_id)
    found = get_in_scope(
        actor, Household.objects.all(), Permission.REPORT_IMPACTS, "region__code", pk=household
    )
    if not Household.objects.filter(in_places(place_codes(event)), pk=found.pk).exists():
        raise DoudiError(
            _("The household does not live in a place the event hit."), field="household"
        )
    persons, injured, dead = _counts(
        persons_affected, injured, dead, members_on(found.pk, event.started_on).count()
    )
    values = {
        "region_id": found.region_id,
        "house_collapsed": bool(house_collapsed),
        "house_severely_damaged": bool(house_severely_damaged),
        "no_livelihood": bool(no_livelihood),
        "injured": injured,
        "dead": dead,
        "persons_affected": persons,
        "note": plain_text(note, field="note")[:MAX_NOTE],
        "state": ReportState.REPORTED,
        "reported_by": actor,
        "reported_on": timezone.localdate(),
        "returned_reason": "",
    }
    report = ImpactReport.objects.select_for_update().filter(event=event, household=found).first()
    if report is not None and report.state != ReportState.RETURNED:
        raise DoudiError(_("The household already has a report on this event."), field="household")
    if report is None:
        report = ImpactReport.objects.create(event=event, household=found, **values)
    else:
        for name, value in values.items():
            setattr(report, name, value)
        report.save()
    record(
        actor=actor,
        action=AuditAction.DISASTER_REPORT,
        object_type="impact_report",
        object_id=str(report.pk),
        region_code=report.region_id,
        after={k: v for k, v in values.items() if k not in ("reported_by", "reported_on")}
        | {"event": event.pk, "household": found.pk},
    )
    return report


def _report_for(actor: User, report_id: int, permission: Permission) -> ImpactReport:
    report = get_in_scope(
        actor,
        ImpactReport.objects.select_for_update(),
        permission,
        "region__code",
        pk=report_id,
    )
    if report.state != ReportState.REPORTED:
        raise DoudiError(_("The report is not waiting for verification."), field="state")
    if report.reported_by_id == actor.pk:
        raise DoudiError(
            _("Another person verifies a report: you reported this one."), field="state"
        )
    return report


@transaction.atomic
def verify(actor: User, report_id: int, *, note: str = "") -> ImpactReport:
    report = _report_for(actor, report_id, Permission.VERIFY_IMPACTS)
    report.state, report.verified_by = ReportState.VERIFIED, actor
    report.verified_on = timezone.localdate()
    report.save(update_fields=["state", "verified_by", "verified_on"])
    record(
        actor=actor,
        action=AuditAction.DISASTER_VERIFY,
        object_type="impact_report",
        object_id=str(report.pk),
        region_code=report.region_id,
        before={"state": ReportState.REPORTED},
        after={"state": report.state},
        reason=plain_text(note, field="note")[:MAX_NOTE],
    )
    return report


@transaction.atomic
def return_report(actor: User, report_id: int, *, note: str) -> ImpactReport:
    reason = required_reason(note, field="note")[:MAX_NOTE]
    report = _report_for(actor, report_id, Permission.VERIFY_IMPACTS)
    report.state, report.returned_reason = ReportState.RETURNED, reason
    report.save(update_fields=["state", "returned_reason"])
    record(
        actor=actor,
        action=AuditAction.DISASTER_RETURN,
        object_type="impact_report",
        object_id=str(report.pk),
        region_code=report.region_id,
        before={"state": ReportState.REPORTED},
        after={"state": report.state},
        reason=reason,
    )
    return report


def transitional_rows(actor: User, event: Event) -> list[tuple[ImpactReport, int]]:
    """The verified reports of the actor's places entitled to transitional aid and not yet
    listed on a grant, each with its aid (the engine's, in fen)."""
    reports = list(
        ImpactReport.objects.filter(
            TRANSITIONAL,
            event=event,
            state=ReportState.VERIFIED,
            transitional_share__isnull=True,
            region__code__startswith=actor.jurisdiction_prefix,
        )
        .select_related("household", "region")
        .order_by("household_id")
    )
    amounts = transitional_aid(
        event.started_on, [r.region_id for r in reports], [r.persons_affected for r in reports]
    )
    return list(zip(reports, amounts, strict=True))


def payees(household_ids: Iterable[int]) -> dict[int, int]:
    """Each household's payee: a living member with a social-security card, the head first
    (the payroll pays only to a card)."""
    living = (
        Member.objects.filter(
            household_id__in=list(household_ids), left_on__isnull=True, death_date__isnull=True
        )
        .annotate(no_card=Q(social_security_card=""), not_head=~Q(relation=Relation.HEAD))
        .order_by("household_id", "no_card", "not_head", "id")
        .values_list("household_id", "id")
    )
    chosen: dict[int, int] = {}
    for household_id, member_id in living:
        chosen.setdefault(household_id, member_id)
    return chosen


def _listed(rows: list[tuple[int, str, int, int]]) -> list[Share]:
    """(household, village, persons, amount) rows as shares; a household with no living
    member has no one to pay and is left off."""
    chosen = payees(row[0] for row in rows)
    return [
        Share(household, region, chosen[household], persons, amount)
        for household, region, persons, amount in rows
        if household in chosen and amount > 0
    ]


def _link(grant_id: int, by_household: dict[int, object], field: str) -> None:
    """Write each listed row's share (one statement per row kind, set-based by household)."""
    shares = dict(GrantShare.objects.filter(grant_id=grant_id).values_list("household_id", "id"))
    for household_id, row in by_household.items():
        setattr(row, f"{field}_id", shares[household_id])
    model = type(next(iter(by_household.values())))
    model.objects.bulk_update(list(by_household.values()), [field], batch_size=2000)


@transaction.atomic
def define_transitional_grant(actor: User, event_id: int, *, reason: str) -> ReliefGrant:
    """A grant listing every verified, entitled and not yet listed household's transitional
    aid; finance approves it as it does every grant."""
    require(actor, Permission.MANAGE_DISASTERS)
    reason = required_reason(reason)
    event = event_for(actor, event_id)
    rows = transitional_rows(actor, event)
    shares = _listed(
        [(r.household_id, r.region_id, r.persons_affected, amount) for r, amount in rows]
    )
    grant = grants.define_listed(
        actor,
        name=str(_("%(event)s: transitional living aid") % {"event": event.name}),
        places=place_codes(event),
        in_force_on=event.started_on,
        reason=reason,
        shares=shares,
        about={"event": event.pk, "relief": ReliefKind.TRANSITIONAL},
    )
    paid = {s.household_id for s in shares}
    _link(
        grant.pk,
        {r.household_id: r for r, _amount in rows if r.household_id in paid},
        "transitional_share",
    )
    return ReliefGrant.objects.create(grant=grant, kind=ReliefKind.TRANSITIONAL, event=event)


@transaction.atomic
def define_cohort_grant(
    actor: User, event_id: int, *, amount_fen: int, in_force_on: datetime.date, reason: str
) -> ReliefGrant:
    """A one-off grant to every 低保 and 特困 person of the event's places, chosen by the
    grants app's own cohort rule."""
    require(actor, Permission.MANAGE_DISASTERS)
    event = event_for(actor, event_id)
    grant = grants.define(
        actor,
        name=str(_("%(event)s: one-off grant") % {"event": event.name}),
        programmes=COHORT_PROGRAMMES,
        places=place_codes(event),
        in_force_on=in_force_on,
        per=Per.PERSON,
        amount_fen=amount_fen,
        reason=reason,
        about={"event": event.pk, "relief": ReliefKind.COHORT},
    )
    return ReliefGrant.objects.create(grant=grant, kind=ReliefKind.COHORT, event=event)


@transaction.atomic
def create_wave(actor: User, *, winter_of: int, name: str = "") -> Wave:
    require(actor, Permission.MANAGE_DISASTERS)
    year = whole_number(winter_of, field="winter_of")
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise DoudiError(_("Give the year the winter begins."), field="winter_of")
    name = plain_text(name, field="name")[:100]
    if Wave.objects.filter(region=actor.region, winter_of=year).exists():
        raise DoudiError(_("That season's wave is already open."), field="winter_of")
    wave = Wave.objects.create(region=actor.region, winter_of=year, name=name, created_by=actor)
    record(
        actor=actor,
        action=AuditAction.DISASTER_WAVE_CREATE,
        object_type="winter_spring_wave",
        object_id=str(wave.pk),
        region_code=actor.region_id,
        after={"winter_of": year, "name": wave.title},
    )
    return wave


def _persons_free(wave: Wave, member_ids: list[int]) -> None:
    taken = (
        WavePerson.objects.filter(wave=wave, member_id__in=member_ids)
        .select_related("member")
        .first()
    )
    if taken is not None:
        raise DoudiError(
            _("%(name)s is already on this wave's list."), field="persons", name=taken.member.name
        )


@transaction.atomic
def assess(
    actor: User,
    wave_id: int,
    *,
    household: int,
    per_person_fen: int,
    persons: list[int] | None = None,
    note: str = "",
) -> WaveEntry:
    """Staff put one household on the wave's list with an amount per person; ``persons``:
    which living members (all, if not given)."""
    require(actor, Permission.ASSESS_NEEDS)
    wave = wave_for(actor, wave_id)
    found = get_in_scope(
        actor, Household.objects.all(), Permission.ASSESS_NEEDS, "region__code", pk=household
    )
    amount = whole_fen(per_person_fen, field="per_person", positive=True)
    living = dict(
        Member.objects.filter(
            household=found, left_on__isnull=True, death_date__isnull=True
        ).values_list("id", "name")
    )
    chosen = sorted(living) if not persons else sorted(set(persons))
    if not chosen or any(member not in living for member in chosen):
        raise DoudiError(_("Choose living members of the household."), field="persons")
    if WaveEntry.objects.filter(wave=wave, household=found).exists():
        raise DoudiError(_("The household is already on this wave's list."), field="household")
    _persons_free(wave, chosen)
    entry = WaveEntry.objects.create(
        wave=wave,
        household=found,
        region_id=found.region_id,
        per_person_fen=amount,
        source=EntrySource.STAFF,
        note=plain_text(note, field="note")[:MAX_NOTE],
        added_by=actor,
        added_on=timezone.localdate(),
    )
    WavePerson.objects.bulk_create(
        WavePerson(wave=wave, entry=entry, member_id=member) for member in chosen
    )
    _assessed(actor, wave, [found.region_id], 1, len(chosen), amount * len(chosen), "staff")
    return entry


def _assessed(
    actor: User, wave: Wave, places: list[str], households: int, persons: int, total: int, how
) -> None:
    record(
        actor=actor,
        action=AuditAction.DISASTER_ASSESS,
        object_type="winter_spring_wave",
        object_id=str(wave.pk),
        region_code=wave.region_id,
        places=sorted(set(places))[:50],
        after={"households": households, "persons": persons, "total_fen": total, "source": how},
    )


@transaction.atomic
def assess_from_reports(actor: User, wave_id: int, *, event: int, per_person_fen: int) -> int:
    """Every verified report of the event in the actor's places whose household is not yet on
    the wave joins its list, with its living members not listed elsewhere on the wave; the
    number of households added."""
    require(actor, Permission.ASSESS_NEEDS)
    wave = wave_for(actor, wave_id)
    found_event = event_for(actor, event)
    amount = whole_fen(per_person_fen, field="per_person", positive=True)
    reports = dict(
        ImpactReport.objects.filter(
            event=found_event,
            state=ReportState.VERIFIED,
            region__code__startswith=actor.jurisdiction_prefix,
        )
        .exclude(household_id__in=WaveEntry.objects.filter(wave=wave).values("household_id"))
        .values_list("household_id", "pk")
    )
    members: dict[int, list[int]] = {}
    listed = WavePerson.objects.filter(wave=wave).values("member_id")
    living = (
        Member.objects.filter(
            household_id__in=list(reports), left_on__isnull=True, death_date__isnull=True
        )
        .exclude(pk__in=listed)
        .values_list("household_id", "id", "household__region_id")
    )
    regions: dict[int, str] = {}
    for household_id, member_id, region_id in living:
        members.setdefault(household_id, []).append(member_id)
        regions[household_id] = region_id
    today = timezone.localdate()
    entries = WaveEntry.objects.bulk_create(
        WaveEntry(
            wave=wave,
            household_id=household_id,
            region_id=regions[household_id],
            per_person_fen=amount,
            source=EntrySource.REPORT,
            report_id=reports[household_id],
            added_by=actor,
            added_on=today,
        )
        for household_id in sorted(members)
    )
    ids = dict(
        WaveEntry.objects.filter(wave=wave, household_id__in=list(members)).values_list(
            "household_id", "pk"
        )
    )
    WavePerson.objects.bulk_create(
        (
            WavePerson(wave=wave, entry_id=ids[household_id], member_id=member)
            for household_id, ids_ in members.items()
            for member in ids_
        ),
        batch_size=5000,
    )
    persons = sum(len(m) for m in members.values())
    places = list(regions.values())
    _assessed(actor, wave, places, len(entries), persons, persons * amount, "report")
    return len(entries)


@transaction.atomic
def unlist(actor: User, entry_id: int, *, note: str) -> Wave:
    """Take a household off the list before a grant listed it (assessed by mistake); the
    wave."""
    reason = required_reason(note, field="note")
    entry = get_in_scope(
        actor,
        WaveEntry.objects.select_for_update(),
        Permission.ASSESS_NEEDS,
        "region__code",
        pk=entry_id,
    )
    if entry.share_id is not None:
        raise DoudiError(_("The entry is already on a grant."), field="state")
    persons = entry.persons.count()
    entry.persons.all().delete()
    entry.delete()
    record(
        actor=actor,
        action=AuditAction.DISASTER_UNLIST,
        object_type="winter_spring_wave",
        object_id=str(entry.wave_id),
        region_code=entry.region_id,
        before={"household": entry.household_id, "persons": persons},
        reason=reason,
    )
    return entry.wave


@transaction.atomic
def define_wave_grant(actor: User, wave_id: int, *, reason: str) -> ReliefGrant:
    """A grant listing the wave's entries in the actor's places not yet on a grant: each
    household gets its assessed amount per person times its listed persons."""
    require(actor, Permission.MANAGE_DISASTERS)
    reason = required_reason(reason)
    wave = wave_for(actor, wave_id)
    entries = {
        e.household_id: e
        for e in WaveEntry.objects.filter(
            wave=wave,
            share__isnull=True,
            region__code__startswith=actor.jurisdiction_prefix,
        ).annotate(listed=Count("persons"))
    }
    shares = _listed(
        [
            (e.household_id, e.region_id, e.listed, e.listed * e.per_person_fen)
            for e in entries.values()
        ]
    )
    grant = grants.define_listed(
        actor,
        name=wave.title,
        places=sorted({s.region_id for s in shares}),
        in_force_on=timezone.localdate(),
        reason=reason,
        shares=shares,
        about={"wave": wave.pk, "relief": ReliefKind.WINTER_SPRING},
    )
    paid = {s.household_id for s in shares}
    _link(grant.pk, {h: e for h, e in entries.items() if h in paid}, "share")
    return ReliefGrant.objects.create(grant=grant, kind=ReliefKind.WINTER_SPRING, wave=wave)
