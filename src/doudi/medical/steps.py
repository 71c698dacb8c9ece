"""The one table of medical assistance's steps: the pages' forms and the API's endpoints are
both read from it, and each is offered only to a user who may take it, on a claim in a state it
is taken from. A step acts on nothing (recording a claim, listing the payments, the premium
list) or on a claim; amounts are integer fen (the pages convert from yuan). The settlement file
is read by its own page and endpoint (``import_claims``), into the same service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Model
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from doudi.accounts.jurisdiction import NOT_FOUND, has_permission, require
from doudi.accounts.roles import Permission
from doudi.api.errors import first_path
from doudi.cases.api import StrictCharField
from doudi.errors import DoudiError, OutsideJurisdiction
from doudi.medical import queries, services
from doudi.medical.models import Claim, ClaimKind, ClaimState, PaidTo

if TYPE_CHECKING:
    from doudi.accounts.models import User

FEN = {"min_value": 0, "max_value": 10**11}


class MedicalClaimInput(serializers.Serializer):
    id_number = StrictCharField(max_length=30)
    settlement_number = StrictCharField(max_length=40)
    settled_on = serializers.DateField()
    kind = serializers.ChoiceField(choices=ClaimKind.choices)
    hospital = StrictCharField(max_length=100)
    paid_to = serializers.ChoiceField(choices=PaidTo.choices)
    total_cost_fen = serializers.IntegerField(min_value=1, max_value=10**11)
    basic_fen = serializers.IntegerField(default=0, **FEN)
    critical_fen = serializers.IntegerField(default=0, **FEN)
    supplementary_fen = serializers.IntegerField(default=0, **FEN)


class MedicalReasonInput(serializers.Serializer):
    reason = StrictCharField(max_length=300)


class MedicalNoteInput(serializers.Serializer):
    note = StrictCharField(max_length=300, required=False, allow_blank=True, default="")


class PremiumListInput(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2200)


NOTHING, CLAIM = "nothing", "claim"


def _always(_user: User, _obj: Any) -> bool:
    return True


def _undecided(user: User, claim: Claim) -> bool:
    return claim.state == ClaimState.RECORDED


def _approvable(user: User, claim: Claim) -> bool:
    # Two persons: who recorded the claim is not offered its approval.
    return _undecided(user, claim) and claim.recorded_by_id != user.pk


@dataclass(frozen=True)
class Step:
    name: str  # the URL's and the API's segment
    label: Promise
    permission: Permission
    on: str  # what it acts on: nothing or a claim
    input: type[serializers.Serializer]
    service: Callable[..., Model | int]
    when: Callable[[User, Any], bool] = _always


STEPS = (
    Step("record", _("Record a claim"), Permission.RECORD_MEDICAL_CLAIMS, NOTHING,
         MedicalClaimInput, services.record_claim),
    Step("settle_hospitals", _("List what is owed to the hospitals"),
         Permission.APPROVE_MEDICAL_CLAIMS, NOTHING, MedicalReasonInput,
         services.settle_hospitals),
    Step("pay_persons", _("Pay the persons through the payroll"),
         Permission.APPROVE_MEDICAL_CLAIMS, NOTHING, MedicalReasonInput, services.pay_persons),
    Step("premium_list", _("Make the premium-subsidy list"), Permission.APPROVE_MEDICAL_CLAIMS,
         NOTHING, PremiumListInput, services.create_premium_list),
    Step("approve", _("Approve the claim"), Permission.APPROVE_MEDICAL_CLAIMS, CLAIM,
         MedicalNoteInput, services.approve, _approvable),
    Step("reject", _("Reject the claim"), Permission.APPROVE_MEDICAL_CLAIMS, CLAIM,
         MedicalReasonInput, services.reject, _undecided),
)  # fmt: skip
BY_NAME = {step.name: step for step in STEPS}


def offered(user: User, on: str, obj: Any = None) -> list[Step]:
    return [
        step
        for step in STEPS
        if step.on == on and has_permission(user, step.permission) and step.when(user, obj)
    ]


def take(user: User, name: str, object_id: int | None, data) -> Model | int:
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
    claim = queries.claim_for(user, object_id)
    return step.service(user, claim.pk, **serializer.validated_data)
