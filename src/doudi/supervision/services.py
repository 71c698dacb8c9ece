"""Supervision's steps, each in one transaction with one audit event: making an inspection plan,
drawing a spot-check sample of its place, checking a sampled item, raising a finding (also
from other apps: ``raise_finding``), setting and completing its rectification tasks, and
keeping the relatives register (近亲属备案)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import NOT_FOUND, covers, require
from doudi.accounts.roles import Permission
from doudi.audit.actions import AuditAction
from doudi.audit.services import record
from doudi.benefits.models import Benefit
from doudi.cases.models import Case
from doudi.cases.procedures import State
from doudi.errors import DoudiError
from doudi.hotline.models import Ticket
from doudi.regions.codes import Level, ancestor_at, prefix_of
from doudi.regions.models import Region
from doudi.registry.models import Household
from doudi.supervision import draw as drawing
from doudi.supervision import queries
from doudi.supervision.deadlines import rectification_due
from doudi.supervision.models import (
    CHECKLIST,
    Answer,
    Finding,
    Origin,
    Plan,
    PlanKind,
    Position,
    Rectification,
    RelativeDeclaration,
    Sample,
    SampleItem,
    SampleKind,
    Severity,
)
from doudi.text import plain_text, required_reason, required_text

if TYPE_CHECKING:
    from doudi.accounts.models import User

MAX_TEXT = 300
DECIDED_STATES = (State.APPROVED, State.REFUSED, State.REVIEWED)


def _half_of(day: datetime.date) -> tuple[int, int]:
    return day.year, 1 if day.month <= 6 else 2


@transaction.atomic
def create_plan(
    actor: User,
    *,
    kind: str,
    title: str,
    place: str,
    period_start: datetime.date,
    period_end: datetime.date,
    inspectors: str,
) -> Plan:
    """A plan over a county or township of the actor's jurisdiction. A half-yearly plan covers
    at most one half of a year (January–June or July–December), one per place and half."""
    require(actor, Permission.INSPECT)
    if kind not in PlanKind.values:
        raise DoudiError(_("Choose the kind of inspection."), field="kind")
    title = plain_text(title, field="title", required=True)[:100]
    region = Region.objects.filter(code=place).first()
    if (
        region is None
        or not covers(actor, place)
        or region.level
        not in (
            Level.COUNTY,
            Level.TOWNSHIP,
        )
    ):
        raise DoudiError(_("Choose a county or township of your jurisdiction."), field="place")
    if period_end < period_start:
        raise DoudiError(_("The period cannot end before it starts."), field="period_end")
    inspectors = plain_text(inspectors, field="inspectors", required=True)[:200]
    if kind == PlanKind.HALF_YEARLY:
        if _half_of(period_start) != _half_of(period_end):
            raise DoudiError(
                _("A half-yearly inspection covers January–June or July–December of one year."),
                field="period_end",
            )
        year, half = _half_of(period_start)
        months = (1, 6) if half == 1 else (7, 12)
        same_half = Plan.objects.filter(
            kind=PlanKind.HALF_YEARLY,
            region=region,
            period_start__gte=datetime.date(year, months[0], 1),
            period_start__lte=datetime.date(year, months[1], 30 if half == 1 else 31),
        )
        if same_half.exists():
            raise DoudiError(
                _("This place already has its half-yearly inspection for that half-year."),
                field="period_start",
            )
    plan = Plan.objects.create(
        kind=kind,
        title=title,
        region=region,
        period_start=period_start,
        period_end=period_end,
        inspectors=inspectors,
        created_by=actor,
        created_on=timezone.localdate(),
    )
    record(
        actor=actor,
        action=AuditAction.SUPERVISION_PLAN_CREATE,
        object_type="inspection_plan",
        object_id=str(plan.pk),
        region_code=region.code,
        after={
            "kind": kind,
            "title": title,
            "place": region.code,
            "period": [period_start.isoformat(), period_end.isoformat()],
            "inspectors": inspectors,
        },
    )
    return plan


def population(plan: Plan, kind: str) -> list[tuple[int, int, str, str]]:
    """(object id, household id, place, township) of everyone the sample is drawn from, in one
    query: the cases of the place decided within the period, or the households of the place
    receiving a benefit in the period's last month (this month, if it has not ended)."""
    prefix = prefix_of(plan.region_id)
    if kind == SampleKind.CASES:
        rows = (
            Case.objects.filter(
                region__code__startswith=prefix,
                state__in=DECIDED_STATES,
                closed_on__range=(plan.period_start, plan.period_end),
            )
            .values_list("pk", "household_id", "region_id")
            .order_by()
        )
    else:
        month = min(plan.period_end, timezone.localdate()).replace(day=1)
        rows = (
            Benefit.objects.in_force(month)
            .filter(household__region__code__startswith=prefix)
            .values_list("household_id", "household_id", "household__region_id")
            .distinct()
            .order_by()
        )
    return [
        (pk, household, place, ancestor_at(place, Level.TOWNSHIP)) for pk, household, place in rows
    ]


@transaction.atomic
def draw_sample(
    actor: User, plan_id: int, *, kind: str, seed: int, share_percent: int, minimum: int
) -> Sample:
    """Draw and keep a sample of the plan's place (draw.py): the same seed over the same
    population gives the same items."""
    require(actor, Permission.INSPECT)
    plan = queries.plan_for(actor, plan_id)
    if kind not in SampleKind.values:
        raise DoudiError(_("Choose what to sample."), field="kind")
    if not 0 <= seed < drawing.MAX_SEED:
        raise DoudiError(_("The seed is a whole number from 0."), field="seed")
    if not 1 <= share_percent <= 100:
        raise DoudiError(_("The share is a percentage from 1 to 100."), field="share_percent")
    if minimum < 0:
        raise DoudiError(_("The minimum cannot be negative."), field="minimum")
    rows = population(plan, kind)
    if not rows:
        raise DoudiError(_("There is nothing to draw from in this place and period."), field="kind")
    details = {pk: (household, place) for pk, household, place, _township in rows}
    chosen = drawing.draw(
        ((pk, township) for pk, _h, _p, township in rows),
        seed=seed,
        share_percent=share_percent,
        minimum=minimum,
    )
    sample = Sample.objects.create(
        plan=plan,
        kind=kind,
        seed=seed,
        share_percent=share_percent,
        minimum=minimum,
        population=len(details),
        drawn_by=actor,
        drawn_on=timezone.localdate(),
    )
    SampleItem.objects.bulk_create(
        SampleItem(
            sample=sample,
            rank=rank,
            case_id=pk if kind == SampleKind.CASES else None,
            household_id=details[pk][0],
            region_id=details[pk][1],
        )
        for rank, (pk, _township) in enumerate(chosen, start=1)
    )
    record(
        actor=actor,
        action=AuditAction.SUPERVISION_SAMPLE_DRAW,
        object_type="spot_check_sample",
        object_id=str(sample.pk),
        region_code=plan.region_id,
        after={
            "plan": plan.pk,
            "kind": kind,
            "seed": seed,
            "share_percent": share_percent,
            "minimum": minimum,
            "population": len(details),
            "drawn": len(chosen),
            "digest": drawing.digest(chosen),
        },
    )
    return sample


def _answer(value: object, field: str) -> str:
    if value not in (Answer.YES, Answer.NO, Answer.NOT_APPLICABLE):
        raise DoudiError(_("Answer yes, no or not applicable."), field=field)
    return str(value)


@transaction.atomic
def check_item(actor: User, item_id: int, *, note: str = "", **answers: str) -> SampleItem:
    """Record the checklist of a sampled item (again, if it was checked before)."""
    require(actor, Permission.INSPECT)
    item = queries.item_for(actor, item_id)
    checked = {name: _answer(answers.get(name), name) for name, _label in CHECKLIST}
    unknown = set(answers) - set(checked)
    if unknown:
        raise DoudiError(_("This field is not part of the checklist."), field=sorted(unknown)[0])
    before = {"answers": item.answers, "note": item.note} if item.checked_on else None
    item.answers = checked
    item.note = plain_text(note, field="note")[:MAX_TEXT]
    item.checked_by = actor
    item.checked_on = timezone.localdate()
    item.save(update_fields=["answers", "note", "checked_by", "checked_on"])
    record(
        actor=actor,
        action=AuditAction.SUPERVISION_ITEM_CHECK,
        object_type="sampled_item",
        object_id=str(item.pk),
        region_code=item.region_id,
        before=before,
        after={"answers": checked, "note": item.note, "sample": item.sample_id},
    )
    return item


def _rectification(actor: User, finding: Finding, task: str, today: datetime.date):
    task = required_text(task, field="task", message=_("Say what is to be rectified."))
    days, due_on = rectification_due(finding.severity, today)
    return Rectification.objects.create(
        finding=finding,
        region=finding.region,
        task=task[:MAX_TEXT],
        set_on=today,
        working_days=days,
        due_on=due_on,
    )


@transaction.atomic
def raise_finding(
    actor: User,
    *,
    township: str = "",
    description: str,
    task: str,
    severity: str = Severity.GENERAL,
    origin: str = Origin.OTHER,
    origin_reference: str = "",
    household: int | None = None,
    plan: int | None = None,
    item: int | None = None,
) -> Finding:
    """A finding owned by a township, with its first rectification task due in the working days
    its severity allows. Other apps (a hotline ticket) call this with their ``origin`` and a
    reference of theirs; the township is the household's, or the item's, when one is given."""
    require(actor, Permission.INSPECT)
    if origin not in Origin.values:
        raise DoudiError(_("Choose where the finding comes from."), field="origin")
    if severity not in Severity.values:
        raise DoudiError(_("Choose how serious the finding is."), field="severity")
    sampled = queries.item_for(actor, item) if item is not None else None
    found_household = None
    if sampled is not None:
        found_household, plan = sampled.household, sampled.sample.plan_id
    elif household is not None:
        found_household = Household.objects.filter(pk=household).first()
        if found_household is None or not covers(actor, found_household.region_id):
            raise DoudiError(NOT_FOUND, field="household")
    plan_obj = queries.plan_for(actor, plan) if plan is not None else None
    if found_household is not None:
        township = ancestor_at(found_household.region_id, Level.TOWNSHIP)
    region = Region.objects.filter(code=township).first() if township else None
    if region is None or region.level != Level.TOWNSHIP or not covers(actor, region.code):
        raise DoudiError(_("Choose a township of your jurisdiction."), field="township")
    if plan_obj is not None and not region.code.startswith(prefix_of(plan_obj.region_id)):
        raise DoudiError(_("The township lies outside the plan's place."), field="township")
    description = required_text(description, field="description", message=_("Say what was found."))
    today = timezone.localdate()
    finding = Finding.objects.create(
        region=region,
        origin=origin,
        origin_reference=plain_text(origin_reference, field="origin_reference")[:60],
        plan=plan_obj,
        item=sampled,
        household=found_household,
        severity=severity,
        description=description[:2000],
        raised_by=actor,
        raised_on=today,
    )
    rectification = _rectification(actor, finding, task, today)
    record(
        actor=actor,
        action=AuditAction.SUPERVISION_FINDING_RAISE,
        object_type="supervision_finding",
        object_id=str(finding.pk),
        region_code=region.code,
        after={
            "origin": origin,
            "origin_reference": finding.origin_reference,
            "severity": severity,
            "plan": plan_obj.pk if plan_obj else None,
            "item": sampled.pk if sampled else None,
            "household": found_household.pk if found_household else None,
            "task": rectification.task,
            "due_on": rectification.due_on.isoformat(),
        },
    )
    return finding


def raise_plan_finding(
    actor: User,
    plan_id: int,
    *,
    township: str,
    description: str,
    task: str,
    severity: str = Severity.GENERAL,
    household: int | None = None,
) -> Finding:
    """A finding of the inspection itself (not of a sampled item)."""
    return raise_finding(
        actor,
        township=township,
        description=description,
        task=task,
        severity=severity,
        origin=Origin.INSPECTION,
        household=household,
        plan=plan_id,
    )


def raise_item_finding(
    actor: User, item_id: int, *, description: str, task: str, severity: str = Severity.GENERAL
) -> Finding:
    """A finding of a sampled item's check: its township and household are the item's."""
    return raise_finding(
        actor,
        description=description,
        task=task,
        severity=severity,
        origin=Origin.SPOT_CHECK,
        item=item_id,
    )


def _pending_referral(actor: User, ticket_id: int) -> Ticket:
    """The referred ticket, locked, if supervision has not yet decided on it."""
    require(actor, Permission.INSPECT)
    ticket = queries.referral_for(actor, ticket_id)
    ticket = Ticket.objects.select_for_update(of=("self",)).get(pk=ticket.pk)
    if ticket.finding_id is not None:
        raise DoudiError(_("A finding was already raised from this ticket."), field="state")
    if ticket.supervision_declined_on is not None:
        raise DoudiError(
            _("This referral was declined on %(day)s."),
            field="state",
            day=ticket.supervision_declined_on.isoformat(),
        )
    return ticket


def ticket_reference(ticket: Ticket) -> str:
    """How a finding names the hotline ticket it comes from."""
    return f"热线工单 {ticket.pk}"


@transaction.atomic
def raise_ticket_finding(
    actor: User, ticket_id: int, *, description: str, task: str, severity: str = Severity.GENERAL
) -> Finding:
    """A finding from a hotline ticket referred to supervision (待立项的热线转办): owned by the
    township of the ticket (its household's), the ticket named as its origin and linked to it.
    One audit event, the finding's."""
    ticket = _pending_referral(actor, ticket_id)
    finding = raise_finding(
        actor,
        township=ticket.region_id,
        household=ticket.household_id,
        description=description,
        task=task,
        severity=severity,
        origin=Origin.HOTLINE,
        origin_reference=ticket_reference(ticket),
    )
    ticket.finding = finding
    ticket.save(update_fields=["finding"])
    return finding


@transaction.atomic
def decline_referral(actor: User, ticket_id: int, *, reason: str) -> Ticket:
    """Nothing to find in a referred ticket: supervision says why, and the ticket keeps it."""
    ticket = _pending_referral(actor, ticket_id)
    ticket.supervision_decline_reason = required_reason(reason)[:MAX_TEXT]
    ticket.supervision_declined_on = timezone.localdate()
    ticket.save(update_fields=["supervision_decline_reason", "supervision_declined_on"])
    record(
        actor=actor,
        action=AuditAction.SUPERVISION_REFERRAL_DECLINE,
        object_type="hotline_ticket",
        object_id=str(ticket.pk),
        region_code=ticket.region_id,
        reason=ticket.supervision_decline_reason,
    )
    return ticket


@transaction.atomic
def add_rectification(actor: User, finding_id: int, *, task: str) -> Rectification:
    require(actor, Permission.INSPECT)
    finding = queries.finding_for(actor, finding_id)
    rectification = _rectification(actor, finding, task, timezone.localdate())
    record(
        actor=actor,
        action=AuditAction.SUPERVISION_RECTIFICATION_ADD,
        object_type="rectification",
        object_id=str(rectification.pk),
        region_code=finding.region_id,
        after={
            "finding": finding.pk,
            "task": rectification.task,
            "due_on": rectification.due_on.isoformat(),
        },
    )
    return rectification


@transaction.atomic
def complete_rectification(actor: User, rectification_id: int, *, outcome: str) -> Rectification:
    """The township reports the task done, saying what it did."""
    require(actor, Permission.RECTIFY)
    rectification = queries.rectification_for(actor, rectification_id)
    if rectification.done_on is not None:
        raise DoudiError(_("This rectification has already been reported done."))
    outcome = required_text(outcome, field="outcome", message=_("Say what was done."))
    today = timezone.localdate()
    rectification.done_on = today
    rectification.done_by = actor
    rectification.outcome = outcome[:MAX_TEXT]
    rectification.save(update_fields=["done_on", "done_by", "outcome"])
    record(
        actor=actor,
        action=AuditAction.SUPERVISION_RECTIFICATION_DONE,
        object_type="rectification",
        object_id=str(rectification.pk),
        region_code=rectification.region_id,
        after={
            "finding": rectification.finding_id,
            "outcome": rectification.outcome,
            "late": today > rectification.due_on,
        },
    )
    return rectification


@transaction.atomic
def declare_relative(
    actor: User,
    *,
    household: int,
    relative_name: str,
    relation: str,
    official_name: str,
    position: str,
    post: str,
) -> RelativeDeclaration:
    """Enter a close relative of a member of staff or a village cadre, whose household receives
    or applies for assistance, in the register of the household's township."""
    require(actor, Permission.DECLARE_RELATIVES)
    found = Household.objects.filter(pk=household).first()
    if found is None or not covers(actor, found.region_id):
        raise DoudiError(NOT_FOUND, field="household")
    if position not in Position.values:
        raise DoudiError(
            _("Choose the position of the member of staff or cadre."), field="position"
        )
    entry = RelativeDeclaration.objects.create(
        region_id=ancestor_at(found.region_id, Level.TOWNSHIP),
        household=found,
        relative_name=plain_text(relative_name, field="relative_name", required=True)[:60],
        relation=plain_text(relation, field="relation", required=True)[:30],
        official_name=plain_text(official_name, field="official_name", required=True)[:60],
        position=position,
        post=plain_text(post, field="post", required=True)[:60],
        declared_on=timezone.localdate(),
        declared_by=actor,
    )
    record(
        actor=actor,
        action=AuditAction.SUPERVISION_RELATIVE_DECLARE,
        object_type="relative_declaration",
        object_id=str(entry.pk),
        region_code=found.region_id,
        after={
            "household": found.pk,
            "relation": entry.relation,
            "position": position,
            "post": entry.post,
        },
    )
    return entry


@transaction.atomic
def end_declaration(actor: User, declaration_id: int, *, reason: str) -> RelativeDeclaration:
    """End an entry (the relative no longer receives, the official left the post)."""
    require(actor, Permission.DECLARE_RELATIVES)
    entry = queries.declaration_for(actor, declaration_id)
    if entry.ended_on is not None:
        raise DoudiError(_("This entry has already ended."))
    entry.end_reason = required_reason(reason)[:MAX_TEXT]
    entry.ended_on = timezone.localdate()
    entry.save(update_fields=["end_reason", "ended_on"])
    record(
        actor=actor,
        action=AuditAction.SUPERVISION_RELATIVE_END,
        object_type="relative_declaration",
        object_id=str(entry.pk),
        region_code=entry.household.region_id,
        reason=entry.end_reason,
    )
    return entry
