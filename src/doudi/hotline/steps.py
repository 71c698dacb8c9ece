"""The one table of the hotline's steps: the pages' forms and the API's endpoints are both read
from it, and each is offered only to a user who may take it, on a ticket in a state it is
taken from. A step acts on nothing (receiving a ticket, the escalation run, a duty shift), on a
ticket or on a shift of the duty roster."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from doudi.accounts.jurisdiction import NOT_FOUND, covers, has_permission, require
from doudi.accounts.roles import Permission
from doudi.api.errors import first_path
from doudi.cases.api import StrictCharField
from doudi.cases.procedures import CaseProgramme
from doudi.early_warning.models import Severity
from doudi.errors import DoudiError, NotPermitted, OutsideJurisdiction
from doudi.hotline import queries, services
from doudi.hotline.models import (
    MAX_ANSWER,
    MAX_CONTENT,
    MAX_NAME,
    MAX_PHONE,
    OPEN_STATES,
    Category,
    DutyShift,
    Satisfaction,
    Ticket,
)
from doudi.regions.codes import Level, level_of

if TYPE_CHECKING:
    from doudi.accounts.models import User

# A case opened from a call: the programmes applied for without a stated amount.
CASE_PROGRAMMES = (CaseProgramme.MINIMUM_LIVING, CaseProgramme.EXTREME_HARDSHIP)


class TicketReceiveInput(serializers.Serializer):
    source = serializers.ChoiceField(choices=[str(s) for s in services.STAFF_SOURCES])
    category = serializers.ChoiceField(choices=Category.values)
    content = StrictCharField(max_length=MAX_CONTENT)
    township = StrictCharField(max_length=12, required=False, allow_blank=True, default="")
    household = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, required=False, allow_null=True, default=None
    )
    caller_name = StrictCharField(max_length=MAX_NAME, required=False, allow_blank=True)
    caller_phone = StrictCharField(max_length=MAX_PHONE, required=False, allow_blank=True)
    external_number = StrictCharField(max_length=40, required=False, allow_blank=True)
    received_on = serializers.DateField(required=False, allow_null=True, default=None)


class DutyScheduleInput(serializers.Serializer):
    day = serializers.DateField()
    staff = StrictCharField(max_length=150, help_text="the colleague's user name")
    hours = StrictCharField(max_length=40)


class TicketNoInput(serializers.Serializer):
    pass


class TicketLinkHouseholdInput(serializers.Serializer):
    household = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    note = StrictCharField(max_length=services.MAX_NOTE)


class TicketReassignInput(serializers.Serializer):
    township = StrictCharField(max_length=12)
    reason = StrictCharField(max_length=services.MAX_NOTE)


class TicketOpenCaseInput(serializers.Serializer):
    programme = serializers.ChoiceField(choices=[str(p) for p in CASE_PROGRAMMES])
    note = StrictCharField(max_length=services.MAX_NOTE)


class TicketRaiseWarningInput(serializers.Serializer):
    severity = serializers.ChoiceField(choices=Severity.values)
    note = StrictCharField(max_length=services.MAX_NOTE)


class TicketNoteInput(serializers.Serializer):
    note = StrictCharField(max_length=services.MAX_NOTE)


class TicketCloseInput(serializers.Serializer):
    answer = StrictCharField(max_length=MAX_ANSWER)
    satisfaction = serializers.ChoiceField(choices=Satisfaction.values)


NOTHING, TICKET, SHIFT = "nothing", "ticket", "shift"


def _always(_user: User, _obj: Any) -> bool:
    return True


def _county(user: User, _obj: Any = None) -> bool:
    return level_of(user.region_id) in (Level.COUNTY, Level.CITY, Level.PROVINCE)


def _open(user: User, ticket: Ticket) -> bool:
    return ticket.state in OPEN_STATES and covers(user, ticket.region_id)


def _unlinked(user: User, ticket: Ticket) -> bool:
    return _open(user, ticket) and ticket.household_id is None


def _reassignable(user: User, ticket: Ticket) -> bool:
    return _open(user, ticket) and ticket.household_id is None and _county(user)


def _case_can_open(user: User, ticket: Ticket) -> bool:
    return (
        _open(user, ticket)
        and ticket.household_id is not None
        and ticket.case_id is None
        and has_permission(user, Permission.SUBMIT_CASES)
    )


def _warning_can_rise(user: User, ticket: Ticket) -> bool:
    return (
        _open(user, ticket)
        and ticket.household_id is not None
        and ticket.warning_id is None
        and has_permission(user, Permission.EDIT_HOUSEHOLDS)
    )


def _referable(user: User, ticket: Ticket) -> bool:
    return _open(user, ticket) and ticket.referred_to_supervision_on is None


def _future_shift(user: User, shift: DutyShift) -> bool:
    return shift.day >= timezone.localdate() and covers(user, shift.region_id)


def _escalate_now(user: User, **_data: Any) -> int:
    return services.escalate_overdue(user, user.region_id)


@dataclass(frozen=True)
class Step:
    name: str  # the URL's and the API's segment
    label: Promise
    permission: Permission
    on: str  # what it acts on: nothing or a ticket
    input: type[serializers.Serializer]
    service: Callable[..., Ticket | DutyShift | int]
    when: Callable[[User, Any], bool] = _always


STEPS = (
    Step("receive", _("Record a ticket"), Permission.HANDLE_HOTLINE, NOTHING, TicketReceiveInput,
         services.receive),
    Step("escalate", _("Escalate the overdue tickets now"), Permission.HANDLE_HOTLINE, NOTHING,
         TicketNoInput, _escalate_now, _county),
    Step("schedule_duty", _("Put a colleague on duty"), Permission.HANDLE_HOTLINE, NOTHING,
         DutyScheduleInput, services.schedule_duty),
    Step("remove_duty", _("Take off the roster"), Permission.HANDLE_HOTLINE, SHIFT,
         TicketNoInput, services.remove_duty, _future_shift),
    Step("link_household", _("Name the household"), Permission.HANDLE_HOTLINE, TICKET,
         TicketLinkHouseholdInput, services.link_household, _unlinked),
    Step("reassign", _("Give to another township"), Permission.HANDLE_HOTLINE, TICKET,
         TicketReassignInput, services.reassign, _reassignable),
    Step("open_case", _("Open an application"), Permission.HANDLE_HOTLINE, TICKET,
         TicketOpenCaseInput, services.open_case, _case_can_open),
    Step("raise_warning", _("Raise a warning"), Permission.HANDLE_HOTLINE, TICKET,
         TicketRaiseWarningInput, services.raise_warning, _warning_can_rise),
    Step("refer_to_supervision", _("Refer to supervision"), Permission.HANDLE_HOTLINE, TICKET,
         TicketNoteInput, services.refer_to_supervision, _referable),
    Step("close", _("Answer and close"), Permission.HANDLE_HOTLINE, TICKET, TicketCloseInput,
         services.close, _open),
)  # fmt: skip
BY_NAME = {step.name: step for step in STEPS}


def offered(user: User, on: str, obj: Any = None) -> list[Step]:
    return [
        step
        for step in STEPS
        if step.on == on and has_permission(user, step.permission) and step.when(user, obj)
    ]


def take(user: User, name: str, object_id: int | None, data: Any) -> Ticket | DutyShift | int:
    """Read ``data`` through the step's input serializer and call its service; a refused field
    is named the same way on the page and in the API."""
    step = BY_NAME.get(name)
    if step is None or (step.on == NOTHING) != (object_id is None):
        raise OutsideJurisdiction(NOT_FOUND)
    require(user, step.permission)  # who may not is refused before their input is read
    serializer = step.input(data=data)
    if not serializer.is_valid():
        raise DoudiError(
            _("Some fields are missing or invalid."), field=first_path(serializer.errors)
        )
    if step.on == NOTHING:
        if not step.when(user, None):
            raise NotPermitted(_("Your role does not allow this action."))
        return step.service(user, **serializer.validated_data)
    if step.on == SHIFT:
        return step.service(user, queries.shift(user, object_id).pk)
    target = queries.ticket(user, object_id)
    return step.service(user, target.pk, **serializer.validated_data)
