"""The one table of what staff do with the public notices: the pages' forms and the API's
endpoints are both read from it, and each step is offered only to a user who may take it, on a
record in the state it is taken from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from doudi.accounts.jurisdiction import NOT_FOUND, covers, has_permission
from doudi.accounts.roles import Permission
from doudi.api.errors import first_path
from doudi.cases.api import StrictCharField
from doudi.errors import DoudiError, OutsideJurisdiction
from doudi.notices import services
from doudi.notices.models import NoticeKind, ObjectionState, PublicObjection

if TYPE_CHECKING:
    from doudi.accounts.models import User


class AnswerInput(serializers.Serializer):
    answer = StrictCharField(max_length=services.MAX_ANSWER)


class NoInput(serializers.Serializer):
    pass


@dataclass(frozen=True)
class Step:
    name: str  # the URL's and the API's segment
    label: Promise
    permission: Permission
    # Whether the step can be taken on this objection now (None: a step on a village).
    applies: Callable[[PublicObjection], bool] | None
    input: type[serializers.Serializer]
    service: Callable[..., Any]


STEPS = (
    Step(
        "record_on_case",
        _("Record it as the case's objection"),
        Permission.HANDLE_CASES,
        lambda o: o.state == ObjectionState.OPEN and o.notice == NoticeKind.PROPOSED,
        AnswerInput,
        services.record_on_case,
    ),
    Step(
        "answer",
        _("Answer it and close"),
        Permission.HANDLE_CASES,
        lambda o: o.state == ObjectionState.OPEN,
        AnswerInput,
        services.answer,
    ),
    Step(
        "issue_link",
        _("Issue a new public link"),
        Permission.HANDLE_CASES,
        None,
        NoInput,
        services.issue_link,
    ),
)
BY_NAME = {step.name: step for step in STEPS}
OBJECTION_STEPS = tuple(step for step in STEPS if step.applies is not None)
VILLAGE_STEPS = tuple(step for step in STEPS if step.applies is None)


def offered(user: User, objection: PublicObjection) -> list[Step]:
    return [
        step
        for step in OBJECTION_STEPS
        if step.applies(objection)
        and has_permission(user, step.permission)
        and covers(user, objection.region_id)
    ]


def offered_on_village(user: User, village_code: str) -> list[Step]:
    return [
        step
        for step in VILLAGE_STEPS
        if has_permission(user, step.permission) and covers(user, village_code)
    ]


def take(user: User, subject: int | str, name: str, data: Any) -> Any:
    """Read ``data`` through the step's input serializer and call its service on the objection
    (an id) or the village (a code); a refused field is named the same way on the page and in
    the API."""
    step = BY_NAME.get(name)
    if step is None or (step.applies is None) != isinstance(subject, str):
        raise OutsideJurisdiction(NOT_FOUND)
    serializer = step.input(data=data)
    if not serializer.is_valid():
        raise DoudiError(
            _("Some fields are missing or invalid."), field=first_path(serializer.errors)
        )
    return step.service(user, subject, **serializer.validated_data)
