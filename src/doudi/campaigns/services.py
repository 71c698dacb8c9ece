"""Campaigns (专项治理): started by a county or the city, run in the background over the latest
snapshots, their findings closed by the townships. Each service is one transaction with its
audit event.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pyarrow
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import covers, get_in_scope, require
from doudi.accounts.roles import Permission
from doudi.audit.actions import AuditAction
from doudi.audit.services import record
from doudi.benefits.models import Benefit
from doudi.campaigns.deadlines import finding_due
from doudi.campaigns.models import (
    DEATH_KINDS,
    Campaign,
    CampaignState,
    Finding,
    FindingKind,
    FindingState,
    Outcome,
    PaymentHold,
    Stage,
)
from doudi.cases.procedures import CaseKind, CaseProgramme
from doudi.cases.services import PER_PERSON, open_found_case
from doudi.checks.engine import Snapshot
from doudi.checks.services import check_place
from doudi.dates import next_month
from doudi.errors import DoudiError
from doudi.exchange.models import DeathNotice, NoticeState
from doudi.jobs.models import JobKind
from doudi.jobs.services import enqueue
from doudi.payroll.models import LineKind, PayrollLine
from doudi.regions.codes import Level, ancestor_at, prefix_of
from doudi.regions.models import Region
from doudi.registry.models import Household
from doudi.sources.contracts import SOURCES
from doudi.sources.storage import latest_delivery, snapshot_location
from doudi.text import free_text, required_text

if TYPE_CHECKING:
    from doudi.accounts.models import User

logger = logging.getLogger(__name__)

CAMPAIGN_LEVELS = (Level.CITY, Level.COUNTY)
CHUNK = 500  # ids per query when reading households back (SQLite's limit on parameters)
# The person found left the household's count: the case is a termination when nobody else is
# paid for, a change of amount otherwise (issue 12: stop, change or recover).
PERSON_GONE = frozenset({*DEATH_KINDS, FindingKind.HUKOU_MOVED_OUT})


def _today() -> datetime.date:
    return timezone.localdate()


# ------------------------------------------------------------------------------- starting


@transaction.atomic
def start_campaign(actor: User, place_code: str) -> Campaign:
    """Queue a campaign over every recipient of a county or the city, to run in the background."""
    require(actor, Permission.RUN_CAMPAIGNS)
    region = Region.objects.filter(code=place_code).first()
    if region is None or not covers(actor, place_code):
        raise DoudiError(_("No such place in your jurisdiction."), field="place")
    if region.level not in CAMPAIGN_LEVELS:
        raise DoudiError(_("A campaign covers a county or the whole city."), field="place")
    running = Campaign.objects.filter(
        region=region, state__in=(CampaignState.QUEUED, CampaignState.RUNNING)
    ).first()
    if running is not None:
        raise DoudiError(
            _("Campaign %(number)d of this place has not finished yet."),
            field="place",
            number=running.pk,
        )
    campaign = Campaign.objects.create(region=region, started_by=actor, as_of=_today())
    record(
        actor=actor,
        action=AuditAction.CAMPAIGN_STARTED,
        object_type="campaign",
        object_id=str(campaign.pk),
        region_code=region.code,
        after={"place": region.code, "as_of": campaign.as_of.isoformat()},
    )
    # The job is the background run; its own event records the hand-over.
    job = enqueue(
        actor, JobKind.CAMPAIGN, b"", f"{region.name} {campaign.as_of}", {"campaign": campaign.pk}
    )
    campaign.job = job
    campaign.save(update_fields=["job"])
    return campaign


# -------------------------------------------------------------------------------- running


def run_campaign(campaign_id: int) -> Campaign:
    """Compute the findings on the engine and route them: all kept, or none. Progress is
    written as it goes (outside the transaction, so the page sees it); a failure leaves the
    campaign failed and re-raises for the job to record."""
    claimed = Campaign.objects.filter(pk=campaign_id, state=CampaignState.QUEUED).update(
        state=CampaignState.RUNNING, stage=Stage.READING
    )
    if not claimed:
        raise DoudiError(_("The campaign has already been run."), field="campaign")
    campaign = Campaign.objects.select_related("region", "started_by").get(pk=campaign_id)
    try:
        snapshots, used = _latest_snapshots(campaign.region_id)
        Campaign.objects.filter(pk=campaign.pk).update(deliveries=used, stage=Stage.RULES)
        found = check_place(
            campaign.region_id,
            campaign.as_of,
            snapshots,
            on_rule=lambda done, total: _progress(campaign, Stage.RULES, done, total),
        )
        _progress(campaign, Stage.WRITING, 0, 1)
        _write(campaign, found, used)
    except BaseException:
        Campaign.objects.filter(pk=campaign.pk).update(
            state=CampaignState.FAILED, finished_at=timezone.now()
        )
        raise
    campaign.refresh_from_db()
    return campaign


def _latest_snapshots(
    place_code: str,
) -> tuple[dict[str, Snapshot], dict[str, dict[str, Any]]]:
    # As a case's check: the deliveries received for the place or a place above it.
    snapshots, used = {}, {}
    for key in SOURCES:
        delivery = latest_delivery(key, place_code)
        if delivery is not None:
            snapshots[key] = Snapshot(snapshot_location(delivery), delivery.pk)
            used[key] = {"delivery": delivery.pk, "delivered_on": delivery.delivered_on.isoformat()}
    return snapshots, used


def _progress(campaign: Campaign, stage: Stage, done: int, total: int) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(stage=stage, steps_done=done, steps_total=total)


@transaction.atomic
def _write(campaign: Campaign, found: pyarrow.Table, used: dict[str, dict[str, Any]]) -> None:
    prefix = prefix_of(campaign.region_id)
    everyone = found.to_pylist() + _notice_rows(_pending_notices(prefix))
    # 漏保 of somebody in no household of the registry has no township to go to (yet).
    rows = [row for row in everyone if row["household_id"] is not None]
    places = _places_of({row["household_id"] for row in rows})
    due = finding_due(_today())
    open_findings = {
        (kind, household, member): pk
        for pk, kind, household, member in Finding.objects.filter(
            state=FindingState.OPEN, region__code__startswith=prefix
        ).values_list("pk", "kind", "household_id", "member_id")
    }
    new, merged = [], []
    for row in rows:
        key = (row["kind"], row["household_id"], row["member_id"])
        if key in open_findings:
            merged.append(open_findings[key])
            continue
        open_findings[key] = -1  # a second row of the same key in this run is merged too
        new.append(_finding(campaign, row, places, due))
    created = Finding.objects.bulk_create(new, batch_size=1000)
    Finding.seen_in.through.objects.bulk_create(
        [
            Finding.seen_in.through(finding_id=pk, campaign_id=campaign.pk)
            for pk in {*(finding.pk for finding in created), *(pk for pk in merged if pk > 0)}
        ],
        batch_size=1000,
    )
    deaths = [finding for finding in created if finding.kind in DEATH_KINDS]
    holds = _hold(deaths, campaign.as_of.replace(day=1))
    counts = {
        "found": len(rows),
        "new": len(created),
        "merged": len(rows) - len(created),
        "holds": holds,
        "death_notices": sum(1 for row in rows if row["kind"] == FindingKind.DEATH_NOTICE),
        "not_in_registry": len(everyone) - len(rows),
    }
    Campaign.objects.filter(pk=campaign.pk).update(
        state=CampaignState.DONE,
        stage=Stage.FINISHED,
        steps_done=1,
        steps_total=1,
        counts=counts,
        finished_at=timezone.now(),
    )
    record(
        actor=campaign.started_by,
        action=AuditAction.CAMPAIGN_RUN,
        object_type="campaign",
        object_id=str(campaign.pk),
        region_code=campaign.region_id,
        before={"state": CampaignState.RUNNING},
        after={"state": CampaignState.DONE, "deliveries": used, **counts},
    )


def route_death_notices(notices: list[DeathNotice]) -> list[Finding]:
    """A death notified by public security (exchange.notify_deaths) becomes, in the same
    transaction and under its audit event, an open finding for the household's township with
    its payments held from the next payroll — without waiting for a campaign; a later
    campaign merges into it."""
    if not notices:
        return []
    rows = _notice_rows(notices)
    places = _places_of({row["household_id"] for row in rows})
    found = Finding.objects.bulk_create(
        [_finding(None, row, places, finding_due(_today())) for row in rows]
    )
    _hold(found, _today().replace(day=1))
    return found


def _pending_notices(prefix: str) -> list[DeathNotice]:
    return list(
        DeathNotice.objects.filter(
            state=NoticeState.PENDING, household__region__code__startswith=prefix
        ).order_by("pk")
    )


def _notice_rows(notices: list[DeathNotice]) -> list[dict[str, Any]]:
    """One finding row per death notified through the exchange interface."""
    return [
        {
            "kind": FindingKind.DEATH_NOTICE.value,
            "household_id": notice.household_id,
            "member_id": notice.member_id,
            "delivery_id": None,
            "death_notice_id": notice.pk,
            "source_row": None,
            "amount_fen": None,
            "item_count": None,
            "detail": notice.death_date.isoformat(),
        }
        for notice in notices
    ]


def _places_of(household_ids: Iterable[int]) -> dict[int, str]:
    ids, places = sorted(household_ids), {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        places.update(Household.objects.filter(pk__in=chunk).values_list("pk", "region_id"))
    return places


def _finding(
    campaign: Campaign | None, row: dict[str, Any], places: dict[int, str], due: datetime.date
) -> Finding:
    return Finding(
        campaign=campaign,
        kind=row["kind"],
        household_id=row["household_id"],
        member_id=row["member_id"],
        region_id=ancestor_at(places[row["household_id"]], Level.TOWNSHIP),
        delivery_id=row["delivery_id"],
        death_notice_id=row.get("death_notice_id"),
        source_row=row["source_row"],
        amount_fen=row["amount_fen"],
        item_count=row["item_count"],
        detail=(row["detail"] or "")[:500],
        due_on=due,
    )


def _hold(deaths: list[Finding], month: datetime.date) -> int:
    """Hold every benefit in force in ``month`` that pays for a person found dead. Every payroll
    made from now on leaves it out; ``from_month`` names the first month it stops: ``month``,
    or the month after the latest one already in a payroll."""
    if not deaths:
        return 0
    benefits = Benefit.objects.in_force(month).filter(
        household_id__in={finding.household_id for finding in deaths}
    )
    by_household: dict[int, list[Benefit]] = {}
    for benefit in benefits:
        by_household.setdefault(benefit.household_id, []).append(benefit)
    # By payee, through the payroll's unique guard: the lines' benefit column carries no index.
    latest = dict(
        PayrollLine.objects.filter(
            payee_id__in={benefit.payee_id for benefit in benefits},
            benefit__in=[benefit.pk for benefit in benefits],
            kind=LineKind.REGULAR,
            reissue_of__isnull=True,
        )
        .values("benefit_id")
        .annotate(last=Max("pay_month"))
        .values_list("benefit_id", "last")
    )
    holds = [
        PaymentHold(
            benefit=benefit,
            finding=finding,
            from_month=max(month, next_month(latest[benefit.pk]))
            if benefit.pk in latest
            else month,
        )
        for finding in deaths
        for benefit in by_household.get(finding.household_id, [])
        if benefit.member_id in (None, finding.member_id)
    ]
    PaymentHold.objects.bulk_create(holds, ignore_conflicts=True)
    return len(holds)


# -------------------------------------------------------------------------------- closing


@transaction.atomic
def close_finding(
    actor: User, finding_id: int, *, outcome: str, note: str, evidence: str = ""
) -> Finding:
    """Close a finding of the user's township (or county): confirmed opens the case that stops
    or changes the benefit (the normal procedure and decision follow; a hold stays until then);
    cleared needs the evidence and releases any hold."""
    finding = get_in_scope(
        actor,
        Finding.objects.select_for_update(of=("self",)).select_related("household", "member"),
        Permission.CLOSE_FINDINGS,
        "region__code",
        pk=finding_id,
    )
    if finding.state != FindingState.OPEN:
        raise DoudiError(
            _("The finding was already closed on %(day)s."),
            field="state",
            day=finding.closed_on.isoformat(),
        )
    if outcome not in Outcome.values:
        raise DoudiError(_("Choose confirmed or cleared."), field="outcome")
    note = required_text(note, field="note", message=_("Write down what was verified."))
    evidence = free_text(evidence)
    today = _today()
    released = 0
    if outcome == Outcome.CLEARED:
        if not evidence:
            raise DoudiError(
                _("A finding is cleared only with the evidence that it does not hold."),
                field="evidence",
            )
        released = finding.holds.filter(released_on__isnull=True).update(released_on=today)
    else:
        finding.case = _open_case(actor, finding, note)
    finding.state = outcome
    finding.note, finding.evidence = note, evidence
    finding.closed_by, finding.closed_on = actor, today
    finding.save()
    record(
        actor=actor,
        action=AuditAction.CAMPAIGN_FINDING_CLOSED,
        object_type="finding",
        object_id=str(finding.pk),
        region_code=finding.household.region_id,
        before={"state": FindingState.OPEN},
        after={
            "state": outcome,
            "kind": finding.kind,
            "household": finding.household_id,
            "case": finding.case_id,
            "holds_released": released,
        },
        reason=note,
    )
    return finding


def _open_case(actor: User, finding: Finding, note: str):
    """The case a confirmed finding opens: an application for one not covered (漏保); else a
    termination or a change of the benefit paying for the person (None: nothing in force)."""
    household = finding.household
    with translation.override(settings.LANGUAGE_CODE):  # a record, in the bureau's language
        need = _("Campaign finding %(number)d confirmed: %(kind)s. %(note)s") % {
            "number": finding.pk,
            "kind": finding.get_kind_display(),
            "note": note,
        }
    details = {"finding": finding.pk}
    if finding.kind == FindingKind.NOT_COVERED:
        return open_found_case(
            actor,
            household,
            CaseProgramme.MINIMUM_LIVING,
            CaseKind.APPLICATION,
            need=need,
            details=details,
        )
    benefit = (
        Benefit.objects.in_force(_today().replace(day=1))
        .filter(household=household)
        .filter(Q(member__isnull=True) | Q(member=finding.member_id))
        .order_by("pk")
        .first()
    )
    if benefit is None:
        return None
    member = benefit.member if benefit.programme in PER_PERSON else None
    kind = CaseKind.TERMINATION
    if finding.kind in PERSON_GONE and member is None and _others_remain(finding):
        kind = CaseKind.CHANGE
    return open_found_case(
        actor, household, benefit.programme, kind, member=member, need=need, details=details
    )


def _others_remain(finding: Finding) -> bool:
    """Whether the household keeps a member besides the one found dead or gone."""
    return (
        finding.household.members.filter(left_on__isnull=True, death_date__isnull=True)
        .exclude(pk=finding.member_id)
        .exists()
    )
