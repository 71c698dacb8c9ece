"""Changes to the rules: propose a dated regional value, adopt it, or withdraw it."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import get_in_scope, require
from doudi.accounts.roles import Permission
from doudi.audit.actions import AuditAction
from doudi.audit.services import record
from doudi.errors import DoudiError
from doudi.money import yuan_to_fen
from doudi.policy.models import RegionalValue, ValueStatus
from doudi.policy.standards import regional_parameters
from doudi.regions.codes import Level
from doudi.regions.models import Region
from doudi.text import is_digits, required_reason, required_text

if TYPE_CHECKING:
    from doudi.accounts.models import User

SETTING_LEVELS = (Level.PROVINCE, Level.CITY, Level.COUNTY)


def unit_of(parameter: str) -> str:
    return str(regional_parameters()[parameter].get("metadata", {}).get("unit", ""))


def national_maximum(parameter: str) -> dict[str, object] | None:
    """The longest value the national rule allows for a parameter, with the rule it is from
    (``maximum`` in the parameter's file: the procedures' time limits, which a bureau may shorten,
    never lengthen); None where the national rule sets no maximum."""
    maximum = regional_parameters()[parameter].get("metadata", {}).get("maximum")
    return maximum if isinstance(maximum, dict) else None


def _refuse_above_maximum(parameter: str, value: int) -> None:
    maximum = national_maximum(parameter)
    if maximum is not None and value > int(maximum["value"]):
        raise DoudiError(
            _(
                "“%(parameter)s” may be at most %(maximum)d under the national rule "
                "(%(reference)s): %(value)d is more."
            ),
            field="value",
            parameter=regional_parameters()[parameter].get("description", parameter),
            maximum=int(maximum["value"]),
            reference=maximum.get("reference", ""),
            value=value,
        )


def _snapshot(value: RegionalValue) -> dict[str, object]:
    return {
        "parameter": value.parameter,
        "region": value.region_id,
        "start": value.start.isoformat(),
        "value": value.value,
        "document_number": value.document_number,
        "status": value.status,
    }


@transaction.atomic
def propose_value(
    actor: User,
    *,
    parameter: str,
    region_code: str,
    start: datetime.date | None,
    value: str,
    document_number: str,
    reference: str = "",
) -> RegionalValue:
    """A new dated value for a place, typed as people read it (yuan for money)."""
    require(actor, Permission.SET_STANDARDS, region_code)
    if parameter not in regional_parameters():
        raise DoudiError(_("Unknown parameter “%(name)s”."), field="parameter", name=parameter)
    region = Region.objects.filter(code=region_code, level__in=SETTING_LEVELS).first()
    if region is None:
        raise DoudiError(
            _("Standards are set by a province, city or county: “%(code)s” is none of these."),
            field="region",
            code=region_code,
        )
    if start is None:
        raise DoudiError(_("The date it is in force from is required."), field="start")
    document_number = required_text(
        document_number,
        field="document_number",
        message=_("The policy document number (文号) is required."),
    )
    if unit_of(parameter).startswith("fen"):
        amount = yuan_to_fen(value, field="value")
    elif is_digits(str(value).strip()):
        amount = int(str(value).strip())
    else:
        raise DoudiError(_("The value must be a whole number."), field="value")
    _refuse_above_maximum(parameter, amount)
    proposal = RegionalValue.objects.create(
        parameter=parameter,
        region=region,
        start=start,
        value=amount,
        document_number=document_number,
        reference=reference.strip()[:300],
        proposed_by=actor,
    )
    record(
        actor=actor,
        action=AuditAction.POLICY_VALUE_PROPOSE,
        object_type="regional_value",
        object_id=str(proposal.pk),
        region_code=region.code,
        after=_snapshot(proposal),
    )
    return proposal


def _decide(actor: User, value_id: int, status: str, reason: str) -> RegionalValue:
    """Adopt or withdraw a proposal: only once, inside the actor's jurisdiction, audited."""
    value = get_in_scope(
        actor,
        RegionalValue.objects.select_for_update(),
        Permission.SET_STANDARDS,
        "region__code",
        pk=value_id,
    )
    if value.status != ValueStatus.PROPOSED:
        raise DoudiError(_("Only a proposed value can be adopted or withdrawn."), field="status")
    reason = required_reason(reason)  # an adopted value changes every later amount: say why
    if status == ValueStatus.ADOPTED:  # proposed before the maximum was known, perhaps
        _refuse_above_maximum(value.parameter, value.value)
    before = _snapshot(value)
    value.status = status
    try:
        with transaction.atomic():
            value.save(update_fields=["status"])
    except IntegrityError:
        raise DoudiError(
            _("A value for this parameter, place and date is already in force."), field="start"
        ) from None
    action = (
        AuditAction.POLICY_VALUE_ADOPT
        if status == ValueStatus.ADOPTED
        else AuditAction.POLICY_VALUE_WITHDRAW
    )
    record(
        actor=actor,
        action=action,
        object_type="regional_value",
        object_id=str(value.pk),
        region_code=value.region_id,
        before=before,
        after=_snapshot(value),
        reason=reason,
    )
    return value


@transaction.atomic
def adopt_value(actor: User, value_id: int, *, reason: str) -> RegionalValue:
    """Put a proposed value in force from its date; every later evaluation applies it."""
    return _decide(actor, value_id, ValueStatus.ADOPTED, reason)


@transaction.atomic
def withdraw_value(actor: User, value_id: int, *, reason: str) -> RegionalValue:
    """Set a proposal aside; it stays on record."""
    return _decide(actor, value_id, ValueStatus.WITHDRAWN, reason)
