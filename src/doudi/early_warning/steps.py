"""The one table of how a warning is handled: the page's forms and the API's endpoints are both
read from it, and each is offered only to a user who may take it, on a warning in its state."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from doudi.accounts.jurisdiction import NOT_FOUND, covers, has_permission
from doudi.accounts.roles import Permission
from doudi.api.errors import first_path
from doudi.cases.api import StrictCharField
from doudi.cases.procedures import CaseProgramme
from doudi.early_warning import services
from doudi.early_warning.models import EarlyWarning, WarningState
from doudi.errors import DoudiError, OutsideJurisdiction
from doudi.window.models import Department

if TYPE_CHECKING:
    from doudi.accounts.models import User


class NoteInput(serializers.Serializer):
    note = StrictCharField(max_length=services.MAX_NOTE)


class ApplyPolicyInput(NoteInput):
    programme = serializers.ChoiceField(choices=CaseProgramme.values)
    requested_amount_fen = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, help_text="temporary aid"
    )


class ReferInput(NoteInput):
    department = serializers.ChoiceField(choices=Department.values)
    department_name = StrictCharField(required=False, allow_blank=True, default="", max_length=100)


@dataclass(frozen=True)
class Handling:
    name: str  # the URL's and the API's segment
    label: Promise
    permission: Permission
    state: WarningState  # the state it is taken from
    input: type[NoteInput]
    service: Callable[..., EarlyWarning]


HANDLINGS = (
    Handling(
        "apply_policy",
        _("Open the programme's case"),
        Permission.HANDLE_CASES,
        WarningState.OPEN,
        ApplyPolicyInput,
        services.apply_policy,
    ),
    Handling(
        "refer",
        _("Refer to the department"),
        Permission.HANDLE_CASES,
        WarningState.OPEN,
        ReferInput,
        services.refer,
    ),
    Handling(
        "send_to_county",
        _("Send to the county to decide case by case"),
        Permission.HANDLE_CASES,
        WarningState.OPEN,
        NoteInput,
        services.send_to_county,
    ),
    Handling(
        "decide",
        _("Record the county's decision"),
        Permission.COORDINATE_WARNINGS,
        WarningState.WITH_COUNTY,
        NoteInput,
        services.decide_by_county,
    ),
    Handling(
        "verify",
        _("Verified: close"),
        Permission.HANDLE_CASES,
        WarningState.OPEN,
        NoteInput,
        services.verify,
    ),
)
BY_NAME = {handling.name: handling for handling in HANDLINGS}


def offered(user: User, warning: EarlyWarning) -> list[Handling]:
    return [
        handling
        for handling in HANDLINGS
        if handling.state == warning.state
        and has_permission(user, handling.permission)
        and covers(user, warning.region_id)
    ]


def take(user: User, warning_id: int, name: str, data) -> EarlyWarning:
    """Read ``data`` through the handling's input serializer and call its service; a refused
    field is named the same way on the page and in the API."""
    handling = BY_NAME.get(name)
    if handling is None:
        raise OutsideJurisdiction(NOT_FOUND)
    serializer = handling.input(data=data)
    if not serializer.is_valid():
        raise DoudiError(
            _("Some fields are missing or invalid."), field=first_path(serializer.errors)
        )
    return handling.service(user, warning_id, **serializer.validated_data)
