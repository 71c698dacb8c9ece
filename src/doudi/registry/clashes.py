"""A person may be an active member of one household only: what a user is told when the ID
number typed or imported already is one elsewhere (issue 11.3).

Inside the user's jurisdiction the answer names the place: the user may see that household
anyway. Outside it the answer names nothing — only that the person belongs to a household
outside the jurisdiction and whom to ask — because the answer would otherwise tell a township
worker, for any number typed, whether and where in another county that person is registered.
Each such refusal is audited, and a user who meets more than ``DOUDI_OUTSIDE_LOOKUPS_PER_HOUR``
of them within the last hour is refused further look-ups until fewer remain in that hour.

The count is read from those audit events themselves, not from a cache: every web worker, the
API and the command line see one count, a restart does not reset it, and no one can lift the
limit without leaving a gap in the audit chain.

The refusal is audited after the transaction of the refused change has rolled back (the
``audited_refusal`` decorator around a service; an import checks outside any transaction).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import covers
from doudi.audit.actions import AuditAction
from doudi.audit.models import AuditEvent
from doudi.audit.services import record
from doudi.errors import DoudiError
from doudi.identity import protection
from doudi.identity.numbers import mask
from doudi.regions.codes import Level
from doudi.registry.models import Household, Member

if TYPE_CHECKING:
    from doudi.accounts.models import User
    from doudi.regions.models import Region

OUTSIDE = _(
    "ID number %(masked)s: this person belongs to another household outside your "
    "jurisdiction; ask the county or city civil-affairs office to transfer them."
)
LIMITED = _(
    "You have met %(limit)d people registered outside your jurisdiction within the hour; "
    "further look-ups of ID numbers are refused until the hour has passed. Ask the county or "
    "city civil-affairs office."
)
HOUR = datetime.timedelta(hours=1)

Function = TypeVar("Function", bound=Callable[..., Any])


class RegisteredOutside(DoudiError):
    """Refused: a number belongs to a household outside the jurisdiction (or the limit of such
    look-ups is reached). Carries what the audit event records; the user sees only the text."""

    code = "registered_outside"

    def __init__(
        self,
        message,
        /,
        *,
        actor: User,
        probes: list[tuple[str, int]],
        where: str,
        field: str | None = None,
        **params: object,
    ) -> None:
        super().__init__(message, field=field, **params)
        self.actor, self.probes, self.where = actor, probes, where


class LookupsLimited(RegisteredOutside):
    code = "too_many_lookups"
    http_status = 429


def _limit() -> int:
    return settings.DOUDI_OUTSIDE_LOOKUPS_PER_HOUR


def _used(actor: User) -> int:
    """People outside the jurisdiction the actor met within the last hour, each counted once
    per refusal: the ID numbers its audit events list."""
    refused = AuditEvent.objects.filter(
        actor_id=actor.pk,
        action=AuditAction.HOUSEHOLD_OUTSIDE_MEMBER_REFUSED,
        occurred_at__gt=timezone.now() - HOUR,
    )
    return sum(len(after["id_numbers"]) for after in refused.values_list("after", flat=True))


def refuse_when_limited(actor: User, where: str, field: str | None = None) -> None:
    """Before any look-up by ID number: refused once the hour's allowance is spent."""
    if _used(actor) >= _limit():
        raise LookupsLimited(
            LIMITED, actor=actor, probes=[], where=where, field=field, limit=_limit()
        )


def audit_refusal(refusal: RegisteredOutside) -> None:
    """Record the refusal and count it (its own transaction: the refused change rolled back)."""
    action = (
        AuditAction.HOUSEHOLD_LOOKUPS_LIMITED
        if isinstance(refusal, LookupsLimited)
        else AuditAction.HOUSEHOLD_OUTSIDE_MEMBER_REFUSED
    )
    with transaction.atomic():
        record(
            actor=refusal.actor,
            action=action,
            object_type="id_number_lookup",
            object_id=refusal.where,
            region_code=refusal.actor.region_id,
            after={
                "where": refusal.where,
                "id_numbers": [masked for masked, _household in refusal.probes],
                "households": [household for _masked, household in refusal.probes],
                "used_this_hour": _used(refusal.actor) + len(refusal.probes),
            },
        )


def audited_refusal(function: Function) -> Function:
    """Around a service whose own transaction a ``RegisteredOutside`` rolls back: audit it
    after the rollback, then let it reach the user."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except RegisteredOutside as refusal:
            audit_refusal(refusal)
            raise

    return wrapper  # type: ignore[return-value]


def place_path(region: Region) -> str:
    names = []
    while region is not None and region.level not in (Level.PROVINCE, Level.CITY):
        names.append(region.name)
        region = region.parent
    return "".join(reversed(names))


def already_active_error(masked: str, place: str, field: str = "id_number") -> DoudiError:
    return DoudiError(
        _(
            "ID number %(masked)s is already an active member of a household in "
            "%(place)s; that membership must end first."
        ),
        field=field,
        masked=masked,
        place=place,
    )


def registered_elsewhere(
    actor: User,
    numbers: list[str],
    *,
    where: str,
    household: Household | None = None,
    field: str = "id_number",
) -> dict[str, DoudiError]:
    """Of these clear, valid numbers, each that is an active member of another household, with
    the refusal to show for it. Raises ``LookupsLimited`` when the user's allowance is spent or
    these refusals spend it; returns the outside ones as ``RegisteredOutside`` (audited by the
    caller, once, through ``audit_refusal`` or ``audited_refusal``)."""
    if not numbers:
        return {}
    refuse_when_limited(actor, where, field)
    by_hash = {protection.lookup_hash(number): number for number in numbers}
    clashes = Member.objects.filter(id_number_hash__in=list(by_hash), left_on__isnull=True)
    if household is not None:
        clashes = clashes.exclude(household=household)
    found: dict[str, DoudiError] = {}
    probes: list[tuple[str, int]] = []
    for member in clashes.select_related("household__region__parent__parent__parent"):
        number = by_hash[member.id_number_hash]
        if covers(actor, member.household.region_id):
            found[number] = already_active_error(mask(number), place_path(member.household.region))
        else:
            probes.append((mask(number), member.household_id))
            found[number] = RegisteredOutside(
                OUTSIDE,
                actor=actor,
                probes=[probes[-1]],
                where=where,
                field=field,
                masked=mask(number),
            )
    if probes and _used(actor) + len(probes) > _limit():
        raise LookupsLimited(
            LIMITED, actor=actor, probes=probes, where=where, field=field, limit=_limit()
        )
    return found


def refuse_registered_elsewhere(
    actor: User, number: str, *, where: str, household: Household | None = None
) -> None:
    """For a service adding one person: refuse when the number is active elsewhere."""
    refusal = registered_elsewhere(actor, [number], where=where, household=household).get(number)
    if refusal is not None:
        raise refusal
