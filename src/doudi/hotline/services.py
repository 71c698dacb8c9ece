"""Every change of a hotline ticket: received from a call, a letter or the 12345 line (staff)
or lodged from a public notice page (a resident); its household named; given to another
township; a case opened, a
warning raised or a referral to supervision made from it; answered and closed with the
caller's satisfaction; and the daily escalation of overdue tickets to the county. Each in one
transaction with one audit event.

A ticket's deadline is its category's ``hotline.deadline.<category>`` parameter in force for
its township on the day it was received, in working days (workdays.calendar), kept on the
ticket with the parameter's reference."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import get_in_scope, has_permission, require
from doudi.accounts.models import User as Staff
from doudi.accounts.roles import Permission
from doudi.audit.actions import AuditAction
from doudi.audit.services import record
from doudi.cases import services as case_services
from doudi.cases.procedures import Channel
from doudi.early_warning import services as warning_services
from doudi.errors import DoudiError
from doudi.hotline.models import (
    MAX_ANSWER,
    MAX_CONTENT,
    MAX_NAME,
    MAX_PHONE,
    OPEN_STATES,
    Category,
    DutyShift,
    Satisfaction,
    Source,
    Ticket,
    TicketState,
)
from doudi.notices import queries as notice_queries
from doudi.notices.models import PublicObjection
from doudi.notices.services import PHONE, sender_key
from doudi.policy.standards import values_in_force
from doudi.regions.codes import Level, ancestor_at, level_of, prefix_of
from doudi.regions.models import Region
from doudi.registry.models import Household
from doudi.text import free_text, plain_text, required_text
from doudi.workdays.calendar import WorkingCalendar

if TYPE_CHECKING:
    from doudi.accounts.models import User

PREFIX = "hotline."
MAX_NOTE = 500
# What a resident may raise from a public notice page (an objection to a line goes through the
# notice's own objection form).
PUBLIC_CATEGORIES = (
    Category.ENQUIRY,
    Category.APPLICATION_HELP,
    Category.COMPLAINT,
    Category.REPORT,
)
STAFF_SOURCES = (Source.CALL, Source.LETTER, Source.GOVERNMENT_12345)


def _today() -> datetime.date:
    return timezone.localdate()


@dataclass(frozen=True)
class Deadline:
    days: int
    due_on: datetime.date
    reference: str


def deadline(category: str, place_code: str, day: datetime.date) -> Deadline:
    """The category's deadline in force for the place on the day, counted in working days."""
    name = f"{PREFIX}deadline.{category}"
    value = values_in_force(name, place_code, day).get(name)
    if value is None or value.value is None:
        raise DoudiError(
            _("No deadline for this category of ticket is in force here."), field="category"
        )
    days = int(value.value)
    due_on = WorkingCalendar.current().add_working_days(day, days)
    return Deadline(days, due_on, value.reference[:400])


def at_risk_days(place_code: str, day: datetime.date) -> int:
    """How many working days before its due date a ticket is listed as at risk."""
    name = f"{PREFIX}at_risk_days"
    value = values_in_force(name, place_code, day).get(name)
    return int(value.value) if value is not None and value.value is not None else 0


def _caller(name: object, phone: object) -> tuple[str, str]:
    name = plain_text(name, field="caller_name")
    if len(name) > MAX_NAME:
        raise DoudiError(
            _("Write at most %(most)s characters."), field="caller_name", most=MAX_NAME
        )
    phone = free_text(phone)
    if phone and (len(phone) > MAX_PHONE or not PHONE.fullmatch(phone)):
        raise DoudiError(
            _("Write a phone number of digits only (a hyphen or space may separate them)."),
            field="caller_phone",
        )
    return name, phone


def _content(text: object, field: str = "content") -> str:
    text = required_text(text, field=field, message=_("Write what the caller raised."))
    if len(text) > MAX_CONTENT:
        raise DoudiError(_("Write at most %(most)s characters."), field=field, most=MAX_CONTENT)
    text = text.replace("\r\n", "\n")
    plain_text(text.replace("\n", " "), field=field)  # line breaks are the only control kept
    return text


def _choice(value: str, allowed, field: str) -> str:
    if value not in [str(v) for v in allowed]:
        raise DoudiError(_("Choose one of the offered values."), field=field)
    return value


def _township(actor: User, code: str, household: Household | None) -> Region:
    """The township that owns the ticket: the household's when one is named, else the chosen
    one (a township user's own by default), inside the actor's places."""
    if household is not None:
        owner = ancestor_at(household.region_id, Level.TOWNSHIP)
        if code and code != owner:
            raise DoudiError(
                _("The household lives in another township; choose its own."), field="township"
            )
        code = owner
    if not code and level_of(actor.region_id) == Level.TOWNSHIP:
        code = actor.region_id  # a township's own call
    if not code:
        raise DoudiError(_("Choose the township that owns the ticket."), field="township")
    township = Region.objects.filter(code=code, level=Level.TOWNSHIP).first()
    if township is None:
        raise DoudiError(_("Choose a township."), field="township")
    require(actor, Permission.HANDLE_HOTLINE, township.code)
    return township


def _audit(actor: User | None, action: AuditAction, ticket: Ticket, **kwargs) -> None:
    record(
        actor=actor,
        action=action,
        object_type="hotline_ticket",
        object_id=str(ticket.pk),
        region_code=ticket.region_id,
        **kwargs,
    )


@transaction.atomic
def receive(
    actor: User,
    *,
    source: str,
    category: str,
    content: str,
    township: str = "",
    household: int | None = None,
    caller_name: str = "",
    caller_phone: str = "",
    external_number: str = "",
    received_on: datetime.date | None = None,
) -> Ticket:
    """A ticket the township or county records: a call taken, a letter opened, or a ticket the
    12345 government line handed over (its own number kept)."""
    require(actor, Permission.HANDLE_HOTLINE)
    source = _choice(source, STAFF_SOURCES, "source")
    category = _choice(category, Category.values, "category")
    name, phone = _caller(caller_name, caller_phone)
    content = _content(content)
    external_number = plain_text(external_number, field="external_number")[:40]
    if source == Source.GOVERNMENT_12345 and not external_number:
        raise DoudiError(_("Give the 12345 line's ticket number."), field="external_number")
    today = _today()
    day = received_on or today
    if day > today:
        raise DoudiError(_("The day received cannot be in the future."), field="received_on")
    found = None
    if household is not None:
        found = get_in_scope(
            actor, Household.objects.all(), Permission.VIEW_HOUSEHOLDS, "region__code",
            pk=household,
        )  # fmt: skip
    owner = _township(actor, township, found)
    due = deadline(category, owner.code, day)
    ticket = Ticket.objects.create(
        source=source,
        category=category,
        region=owner,
        household=found,
        caller_name=name,
        caller_phone=phone,
        content=content,
        external_number=external_number,
        received_on=day,
        received_by=actor,
        deadline_days=due.days,
        deadline_reference=due.reference,
        due_on=due.due_on,
    )
    _audit(
        actor,
        AuditAction.HOTLINE_TICKET_RECEIVED,
        ticket,
        after={
            "source": source,
            "category": category,
            "household": found.pk if found else None,
            "due_on": due.due_on.isoformat(),
            "named": bool(name),
        },
    )
    return ticket


@transaction.atomic
def lodge_from_public_page(
    token: str, *, category: object, name: object, phone: object, text: object, address: str
) -> Ticket:
    """A resident's enquiry or complaint from a village's public notice page: the village's
    township owns it. No account acts, so the audit event is the system's. It counts against
    the same bound per network and day as the page's objections."""
    board = notice_queries.board_by_token(token)
    today = _today()
    category = _choice(str(category or ""), PUBLIC_CATEGORIES, "category")
    name, phone = _caller(name, phone)
    text = _content(text, field="text")
    key = sender_key(address, today)
    most = settings.DOUDI_PUBLIC_OBJECTIONS_PER_DAY
    lodged = (
        PublicObjection.objects.filter(sender_key=key, received_on=today).count()
        + Ticket.objects.filter(sender_key=key, received_on=today).count()
    )
    if lodged >= most:
        raise DoudiError(
            _(
                "At most %(most)s messages a day can be lodged from one network; "
                "come back tomorrow or call the hotline."
            ),
            field="text",
            most=most,
        )
    township = ancestor_at(board.region_id, Level.TOWNSHIP)
    due = deadline(category, township, today)
    ticket = Ticket.objects.create(
        source=Source.PUBLIC_PAGE,
        category=category,
        region_id=township,
        caller_name=name,
        caller_phone=phone,
        content=f"{board.region.name}：{text}",
        received_on=today,
        deadline_days=due.days,
        deadline_reference=due.reference,
        due_on=due.due_on,
        sender_key=key,
    )
    _audit(
        None,
        AuditAction.HOTLINE_TICKET_LODGED,
        ticket,
        after={"category": category, "village": board.region_id, "named": bool(name)},
    )
    return ticket


def _open_ticket(actor: User, ticket_id: int) -> Ticket:
    ticket = get_in_scope(
        actor,
        Ticket.objects.select_for_update(of=("self",)).select_related("household"),
        Permission.HANDLE_HOTLINE,
        "region__code",
        pk=ticket_id,
    )
    if ticket.state not in OPEN_STATES:
        raise DoudiError(
            _("This ticket was closed on %(day)s."),
            field="state",
            day=ticket.closed_on.isoformat() if ticket.closed_on else "—",
        )
    return ticket


def _note(note: object, field: str = "note", message: object = None) -> str:
    note = required_text(note, field=field, message=message or _("Write a note."))
    if len(note) > MAX_NOTE:
        raise DoudiError(_("Write at most %(most)s characters."), field=field, most=MAX_NOTE)
    return note


def _household_needed(ticket: Ticket) -> Household:
    if ticket.household_id is None:
        raise DoudiError(
            _("Name the ticket's household first: the household is not known."),
            field="household",
        )
    return ticket.household


@transaction.atomic
def link_household(actor: User, ticket_id: int, *, household: int, note: str) -> Ticket:
    """The household a ticket is about, found after it was received (a message from the public
    page names no file): it must lie in the ticket's township."""
    ticket = _open_ticket(actor, ticket_id)
    if ticket.household_id is not None:
        raise DoudiError(_("The ticket's household is already known."), field="household")
    note = _note(note)
    found = get_in_scope(
        actor, Household.objects.all(), Permission.VIEW_HOUSEHOLDS, "region__code", pk=household
    )
    if ancestor_at(found.region_id, Level.TOWNSHIP) != ticket.region_id:
        raise DoudiError(
            _("The household lives in another township; choose its own."), field="household"
        )
    ticket.household = found
    ticket.save(update_fields=["household"])
    _audit(
        actor,
        AuditAction.HOTLINE_HOUSEHOLD_LINKED,
        ticket,
        after={"household": found.pk},
        reason=note,
    )
    return ticket


@transaction.atomic
def reassign(actor: User, ticket_id: int, *, township: str, reason: str) -> Ticket:
    """The county gives a ticket to the township it belongs to (a call about another
    township's family); its deadline stays that of the day it was received."""
    ticket = _open_ticket(actor, ticket_id)
    if level_of(actor.region_id) not in (Level.COUNTY, Level.CITY, Level.PROVINCE):
        raise DoudiError(_("Only the county gives a ticket to another township."), field="state")
    reason = _note(reason, "reason", _("Say why the ticket moves."))
    owner = _township(actor, township, ticket.household)
    if owner.code == ticket.region_id:
        raise DoudiError(_("The ticket is already with this township."), field="township")
    before = ticket.region_id
    ticket.region = owner
    ticket.save(update_fields=["region"])
    _audit(
        actor,
        AuditAction.HOTLINE_TICKET_REASSIGNED,
        ticket,
        before={"township": before},
        after={"township": owner.code},
        reason=reason,
    )
    return ticket


@transaction.atomic
def open_case(actor: User, ticket_id: int, *, programme: str, note: str) -> Ticket:
    """A caller in need: the township opens an application for the ticket's household, as
    active discovery (主动发现), the ticket's content as the stated need."""
    ticket = _open_ticket(actor, ticket_id)
    household = _household_needed(ticket)
    if ticket.case_id is not None:
        raise DoudiError(_("A case was already opened from this ticket."), field="state")
    note = _note(note)
    case = case_services.submit(
        actor,
        household.pk,
        programme,
        channel=Channel.DISCOVERY,
        need=f"{note}\n{ticket.content}"[:1000],
    )
    ticket.case = case
    ticket.save(update_fields=["case"])
    _audit(
        actor,
        AuditAction.HOTLINE_CASE_OPENED,
        ticket,
        after={"case": case.pk, "programme": programme},
        reason=note,
    )
    return ticket


@transaction.atomic
def raise_warning(actor: User, ticket_id: int, *, severity: int, note: str) -> Ticket:
    """A caller at risk: a warning for the ticket's household (early_warning's worker-raised
    kind), merged into one already open."""
    ticket = _open_ticket(actor, ticket_id)
    household = _household_needed(ticket)
    note = _note(note)
    warning = warning_services.raise_from_visit(
        actor, household.pk, severity, f"{note}（热线工单 {ticket.pk}）"
    )
    ticket.warning = warning
    ticket.save(update_fields=["warning"])
    _audit(
        actor,
        AuditAction.HOTLINE_WARNING_RAISED,
        ticket,
        after={"warning": warning.pk, "severity": severity},
        reason=note,
    )
    return ticket


@transaction.atomic
def refer_to_supervision(actor: User, ticket_id: int, *, note: str) -> Ticket:
    """A report of fraud or favouritism, or a complaint about staff, is recorded as referred to
    supervision (监督检查), with why."""
    ticket = _open_ticket(actor, ticket_id)
    if ticket.referred_to_supervision_on is not None:
        raise DoudiError(_("This ticket was already referred to supervision."), field="state")
    note = _note(note)
    ticket.referred_to_supervision_on, ticket.supervision_note = _today(), note
    ticket.save(update_fields=["referred_to_supervision_on", "supervision_note"])
    _audit(actor, AuditAction.HOTLINE_SUPERVISION_REFERRED, ticket, reason=note)
    return ticket


@transaction.atomic
def close(actor: User, ticket_id: int, *, answer: str, satisfaction: str) -> Ticket:
    """The answer given to the caller and how satisfied they were on the call back (or that
    they could not be reached): the ticket is closed, on time or not by its due date."""
    ticket = _open_ticket(actor, ticket_id)
    answer = required_text(answer, field="answer", message=_("Write the answer given."))
    if len(answer) > MAX_ANSWER:
        raise DoudiError(_("Write at most %(most)s characters."), field="answer", most=MAX_ANSWER)
    satisfaction = _choice(satisfaction, Satisfaction.values, "satisfaction")
    before = ticket.state
    today = _today()
    ticket.state, ticket.answer, ticket.satisfaction = TicketState.CLOSED, answer, satisfaction
    ticket.closed_on, ticket.closed_by = today, actor
    ticket.save(update_fields=["state", "answer", "satisfaction", "closed_on", "closed_by"])
    _audit(
        actor,
        AuditAction.HOTLINE_TICKET_CLOSED,
        ticket,
        before={"state": before},
        after={
            "state": TicketState.CLOSED,
            "satisfaction": satisfaction,
            "on_time": today <= ticket.due_on,
        },
        reason=answer[:MAX_NOTE],
    )
    return ticket


@transaction.atomic
def escalate_overdue(actor: User | None, place_code: str, day: datetime.date | None = None) -> int:
    """The daily run: every ticket of the place still with its township after its due date
    goes to the county (one set-based update); ``actor`` None is the system's own run. It
    returns how many were escalated."""
    if actor is not None:
        require(actor, Permission.HANDLE_HOTLINE, place_code)
    day = day or _today()
    overdue = Ticket.objects.filter(
        state=TicketState.OPEN, due_on__lt=day, region__code__startswith=prefix_of(place_code)
    )
    escalated = overdue.update(state=TicketState.ESCALATED, escalated_on=day)
    record(
        actor=actor,
        action=AuditAction.HOTLINE_ESCALATION_RUN,
        object_type="hotline_run",
        object_id=place_code,
        region_code=place_code,
        after={"day": day.isoformat(), "escalated": escalated},
    )
    return escalated


# --- the duty roster (热线值守) -------------------------------------------------------------------


@transaction.atomic
def schedule_duty(actor: User, *, day: datetime.date, staff: str, hours: str) -> DutyShift:
    """A colleague of the actor's own place answers the hotline on a day (today or later)."""
    require(actor, Permission.HANDLE_HOTLINE)
    if day < _today():
        raise DoudiError(_("A duty is scheduled for today or a later day."), field="day")
    hours = plain_text(hours, field="hours", required=True, message=_("Give the hours."))[:40]
    colleague = Staff.objects.filter(username=staff, region_id=actor.region_id, is_active=True)
    colleague = colleague.first()
    if colleague is None or not has_permission(colleague, Permission.HANDLE_HOTLINE):
        raise DoudiError(
            _("Choose a colleague of your place who handles the hotline."), field="staff"
        )
    if DutyShift.objects.filter(region_id=actor.region_id, day=day, staff=colleague).exists():
        raise DoudiError(_("This colleague is already on duty that day."), field="day")
    shift = DutyShift.objects.create(
        region_id=actor.region_id, day=day, staff=colleague, hours=hours, scheduled_by=actor
    )
    record(
        actor=actor,
        action=AuditAction.HOTLINE_DUTY_SCHEDULED,
        object_type="hotline_shift",
        object_id=str(shift.pk),
        region_code=actor.region_id,
        after={"day": day.isoformat(), "staff": colleague.username, "hours": hours},
    )
    return shift


@transaction.atomic
def remove_duty(actor: User, shift_id: int) -> int:
    """A shift not yet past taken off the roster; the number of the shift removed."""
    shift = get_in_scope(
        actor,
        DutyShift.objects.select_for_update(),
        Permission.HANDLE_HOTLINE,
        "region__code",
        pk=shift_id,
    )
    if shift.day < _today():
        raise DoudiError(_("A past duty stays on the roster."), field="day")
    record(
        actor=actor,
        action=AuditAction.HOTLINE_DUTY_REMOVED,
        object_type="hotline_shift",
        object_id=str(shift.pk),
        region_code=shift.region_id,
        before={"day": shift.day.isoformat(), "staff": shift.staff.username},
    )
    shift.delete()
    return shift_id
