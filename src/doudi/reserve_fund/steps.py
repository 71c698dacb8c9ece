"""The one table of the reserve fund's steps on replenishment requests: the page's forms and the
API's endpoints are both read from it, each offered only to a user who may take it, on a request
in the state it is taken from. The township asks (on nothing: its fund is named in the input),
the county approves or refuses (on a request)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from doudi.accounts.jurisdiction import NOT_FOUND, covers, has_permission, require
from doudi.accounts.roles import Permission
from doudi.api.errors import first_path
from doudi.cases.api import StrictCharField
from doudi.errors import DoudiError, OutsideJurisdiction
from doudi.regions.codes import Level
from doudi.reserve_fund import queries, services
from doudi.reserve_fund.models import ReplenishmentRequest, RequestState

if TYPE_CHECKING:
    from doudi.accounts.models import User


class ReplenishmentRequestInput(serializers.Serializer):
    township = serializers.CharField(max_length=12)
    note = StrictCharField(max_length=300)


class ReplenishmentDecisionInput(serializers.Serializer):
    reason = StrictCharField(max_length=300)


NOTHING, REQUEST = "nothing", "request"


def _a_township(user: User, _obj: Any) -> bool:
    return user.region.level == Level.TOWNSHIP


def _waiting(user: User, request: ReplenishmentRequest) -> bool:
    return request.state == RequestState.SUBMITTED and covers(user, request.fund.township_id)


@dataclass(frozen=True)
class Step:
    name: str  # the URL's and the API's segment
    label: Promise
    permission: Permission
    on: str
    input: type[serializers.Serializer]
    service: Callable[..., ReplenishmentRequest]
    when: Callable[[User, Any], bool]


STEPS = (
    Step("request", _("Ask the county to replenish the fund"), Permission.PAY_FROM_RESERVE,
         NOTHING, ReplenishmentRequestInput, services.request_replenishment, _a_township),
    Step("approve", _("Approve and replenish"), Permission.FUND_RESERVE, REQUEST,
         ReplenishmentDecisionInput, services.approve_replenishment, _waiting),
    Step("refuse", _("Refuse the request"), Permission.FUND_RESERVE, REQUEST,
         ReplenishmentDecisionInput, services.refuse_replenishment, _waiting),
)  # fmt: skip
BY_NAME = {step.name: step for step in STEPS}


def offered(user: User, on: str, obj: Any = None) -> list[Step]:
    return [
        step
        for step in STEPS
        if step.on == on and has_permission(user, step.permission) and step.when(user, obj)
    ]


def take(user: User, name: str, object_id: int | None, data) -> ReplenishmentRequest:
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
    target = queries.request_for(user, object_id)
    return step.service(user, target.pk, **serializer.validated_data)
