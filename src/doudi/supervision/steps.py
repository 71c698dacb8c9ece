"""The one table of supervision's steps: the pages' forms and the API's endpoints are both read
from it, and each is offered only to a user who may take it, on an object in a state it is
taken from. A step acts on nothing (making a plan, declaring a relative), on a plan, a sampled
item, a finding, a rectification task, an entry of the relatives register or a hotline ticket
referred to supervision (raising a finding from it, or declining it), once. The auditor and
the discipline inspector hold none of the steps' permissions: they read, and change nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Model
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from doudi.accounts.jurisdiction import NOT_FOUND, covers, has_permission, require
from doudi.accounts.roles import Permission
from doudi.api.errors import first_path
from doudi.cases.api import StrictCharField
from doudi.errors import DoudiError, OutsideJurisdiction
from doudi.hotline.models import Ticket
from doudi.supervision import queries, services
from doudi.supervision.draw import MAX_SEED
from doudi.supervision.models import (
    CHECK_ANSWERS,
    CHECKLIST,
    PlanKind,
    Position,
    Rectification,
    RelativeDeclaration,
    SampleKind,
    Severity,
)

if TYPE_CHECKING:
    from doudi.accounts.models import User


class PlanInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PlanKind.values)
    title = StrictCharField(max_length=100)
    place = StrictCharField(max_length=12)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    inspectors = StrictCharField(max_length=200)


class SampleInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SampleKind.values)
    seed = serializers.IntegerField(min_value=0, max_value=MAX_SEED - 1)
    share_percent = serializers.IntegerField(min_value=1, max_value=100)
    minimum = serializers.IntegerField(min_value=0, max_value=10_000, default=0)


class ChecklistInput(serializers.Serializer):
    note = StrictCharField(max_length=services.MAX_TEXT, required=False, allow_blank=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for name, label in CHECKLIST:
            fields[name] = serializers.ChoiceField(choices=CHECK_ANSWERS, help_text=str(label))
        return fields


class FindingInput(serializers.Serializer):
    severity = serializers.ChoiceField(choices=Severity.values, default=Severity.GENERAL)
    description = StrictCharField(max_length=2000)
    task = StrictCharField(max_length=services.MAX_TEXT)


class PlanFindingInput(FindingInput):
    township = StrictCharField(max_length=12, required=False, allow_blank=True, default="")
    household = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)


class RectificationInput(serializers.Serializer):
    task = StrictCharField(max_length=services.MAX_TEXT)


class RectificationDoneInput(serializers.Serializer):
    outcome = StrictCharField(max_length=services.MAX_TEXT)


class RelativeInput(serializers.Serializer):
    household = serializers.IntegerField(min_value=1)
    relative_name = StrictCharField(max_length=60)
    relation = StrictCharField(max_length=30)
    official_name = StrictCharField(max_length=60)
    position = serializers.ChoiceField(choices=Position.values)
    post = StrictCharField(max_length=60)


class EndDeclarationInput(serializers.Serializer):
    reason = StrictCharField(max_length=services.MAX_TEXT)


class DeclineReferralInput(serializers.Serializer):
    reason = StrictCharField(max_length=services.MAX_TEXT)


NOTHING, PLAN, ITEM, FINDING, RECTIFICATION, DECLARATION, REFERRAL = (
    "nothing", "plan", "item", "finding", "rectification", "declaration", "referral",
)  # fmt: skip


def _always(_user: User, _obj: Any) -> bool:
    return True


def _open(user: User, rectification: Rectification) -> bool:
    return rectification.done_on is None and covers(user, rectification.region_id)


def _current(user: User, entry: RelativeDeclaration) -> bool:
    return entry.ended_on is None and covers(user, entry.region_id)


def _undecided(user: User, ticket: Ticket) -> bool:
    return (
        ticket.finding_id is None
        and ticket.supervision_declined_on is None
        and covers(user, ticket.region_id)
    )


@dataclass(frozen=True)
class Step:
    name: str  # the URL's and the API's segment
    label: Promise
    permission: Permission
    on: str
    input: type[serializers.Serializer]
    service: Callable[..., Model]
    when: Callable[[User, Any], bool] = _always


STEPS = (
    Step("create_plan", _("Make an inspection plan"), Permission.INSPECT, NOTHING, PlanInput,
         services.create_plan),
    Step("declare_relative", _("Declare a close relative receiving assistance"),
         Permission.DECLARE_RELATIVES, NOTHING, RelativeInput, services.declare_relative),
    Step("draw_sample", _("Draw a spot-check sample"), Permission.INSPECT, PLAN, SampleInput,
         services.draw_sample),
    Step("raise_plan_finding", _("Record a finding of the inspection"), Permission.INSPECT,
         PLAN, PlanFindingInput, services.raise_plan_finding),
    Step("check_item", _("Record the checklist"), Permission.INSPECT, ITEM, ChecklistInput,
         services.check_item),
    Step("raise_item_finding", _("Record a finding of this item"), Permission.INSPECT, ITEM,
         FindingInput, services.raise_item_finding),
    Step("add_rectification", _("Set a further rectification task"), Permission.INSPECT,
         FINDING, RectificationInput, services.add_rectification),
    Step("complete_rectification", _("Report the rectification done"), Permission.RECTIFY,
         RECTIFICATION, RectificationDoneInput, services.complete_rectification, _open),
    Step("end_declaration", _("End the entry"), Permission.DECLARE_RELATIVES, DECLARATION,
         EndDeclarationInput, services.end_declaration, _current),
    Step("raise_ticket_finding", _("Raise a finding from the referred ticket"),
         Permission.INSPECT, REFERRAL, FindingInput, services.raise_ticket_finding, _undecided),
    Step("decline_referral", _("Nothing to find: decline the referral"), Permission.INSPECT,
         REFERRAL, DeclineReferralInput, services.decline_referral, _undecided),
)  # fmt: skip
BY_NAME = {step.name: step for step in STEPS}


def offered(user: User, on: str, obj: Any = None) -> list[Step]:
    return [
        step
        for step in STEPS
        if step.on == on and has_permission(user, step.permission) and step.when(user, obj)
    ]


_TARGETS: dict[str, Callable[[User, int], Model]] = {
    PLAN: queries.plan_for,
    ITEM: queries.item_for,
    FINDING: queries.finding_for,
    RECTIFICATION: queries.rectification_for,
    DECLARATION: queries.declaration_for,
    REFERRAL: queries.referral_for,
}


def take(user: User, name: str, object_id: int | None, data) -> Model:
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
        return step.service(user, **serializer.validated_data)
    target = _TARGETS[step.on](user, object_id)
    return step.service(user, target.pk, **serializer.validated_data)
