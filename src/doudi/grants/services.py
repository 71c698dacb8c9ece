"""Defining a one-off grant with its previewed count and total, and approving it: approval
freezes the cohort into shares, refused if the cohort no longer matches the preview."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import covers, get_in_scope, require
from doudi.accounts.roles import Permission
from doudi.audit.actions import AuditAction
from doudi.audit.services import record
from doudi.errors import DoudiError
from doudi.grants.cohort import Share, cohort
from doudi.grants.models import BY_RULE, Grant, GrantShare, GrantState, Per
from doudi.money import fen_to_yuan, whole_fen
from doudi.payroll.models import PayrollProgramme
from doudi.regions.models import Region
from doudi.text import required_reason, required_text

if TYPE_CHECKING:
    from doudi.accounts.models import User

MONTHLY = [p for p in PayrollProgramme.values if p != PayrollProgramme.ONE_OFF_GRANT]


def _totals(shares: list[Share]) -> dict[str, int]:
    return {
        "persons": sum(s.persons for s in shares),
        "households": len(shares),
        "total_fen": sum(s.amount_fen for s in shares),
    }


@transaction.atomic
def define(
    actor: User,
    *,
    name: str,
    programmes: list[str],
    places: list[str],
    in_force_on: datetime.date,
    per: str,
    amount_fen: int,
    reason: str,
    about: dict | None = None,
) -> Grant:
    """Record the rule and what it chooses today: the preview finance approves. ``about``:
    what the grant pays for, when another programme defines it (kept in the audit event)."""
    require(actor, Permission.DEFINE_GRANTS)
    # Each refusal names its own field: a missing reason was once reported as the name.
    name = required_text(name, field="name", message=_("Give the grant a name."))
    reason = required_reason(reason)
    if not programmes or any(p not in MONTHLY for p in programmes):
        raise DoudiError(
            _("Choose programmes among: %(allowed)s."),
            field="programmes",
            allowed=", ".join(MONTHLY),
        )
    if not places:
        raise DoudiError(_("Choose at least one place."), field="places")
    for code in places:
        if not Region.objects.filter(code=code).exists() or not covers(actor, code):
            raise DoudiError(
                _("“%(code)s” is not a place in your jurisdiction."), field="places", code=code
            )
    if per not in BY_RULE:
        raise DoudiError(
            _("“%(value)s” is not one of: %(allowed)s."),
            field="per",
            value=per,
            allowed=", ".join(BY_RULE),
        )
    amount_fen = whole_fen(amount_fen, field="amount", positive=True)
    totals = _totals(cohort(programmes, places, in_force_on, per, amount_fen))
    grant = Grant.objects.create(
        name=name[:100],
        region=actor.region,
        programmes=sorted(set(programmes)),
        places=sorted(set(places)),
        in_force_on=in_force_on,
        per=per,
        amount_fen=amount_fen,
        reason=reason[:300],
        created_by=actor,
        **totals,
    )
    record(
        actor=actor,
        action=AuditAction.GRANT_DEFINE,
        object_type="grant",
        object_id=str(grant.pk),
        region_code=actor.region_id,
        after={"name": grant.name, **totals, **(about or {})},
        reason=grant.reason,
    )
    return grant


@transaction.atomic
def approve(actor: User, grant_id: int) -> Grant:
    """Finance approves exactly the previewed cohort; the shares are then fixed."""
    grant = get_in_scope(
        actor,
        Grant.objects.select_for_update(),
        Permission.VIEW_PAYROLLS,
        "region__code",
        pk=grant_id,
    )
    require(actor, Permission.APPROVE_PAYROLL, grant.region_id)
    if grant.state != GrantState.DRAFT:
        raise DoudiError(_("The grant is already approved."), field="state")
    if grant.per == Per.LISTED:
        return _approve_listed(actor, grant)
    shares = cohort(grant.programmes, grant.places, grant.in_force_on, grant.per, grant.amount_fen)
    totals = _totals(shares)
    previewed = {
        "persons": grant.persons,
        "households": grant.households,
        "total_fen": grant.total_fen,
    }
    if totals != previewed:
        raise DoudiError(
            _(
                "The cohort changed since the preview (now %(persons)d persons, %(total)s yuan); "
                "define the grant again."
            ),
            field="state",
            persons=totals["persons"],
            total=fen_to_yuan(totals["total_fen"]),
        )
    GrantShare.objects.bulk_create(
        (
            GrantShare(
                grant=grant,
                household_id=s.household_id,
                region_id=s.region_id,
                payee_id=s.payee_id,
                persons=s.persons,
                amount_fen=s.amount_fen,
            )
            for s in shares
        ),
        batch_size=5000,
    )
    return _approved(actor, grant, totals)


def _approved(actor: User, grant: Grant, totals: dict[str, int]) -> Grant:
    grant.state, grant.approved_by = GrantState.APPROVED, actor
    grant.save(update_fields=["state", "approved_by"])
    record(
        actor=actor,
        action=AuditAction.GRANT_APPROVE,
        object_type="grant",
        object_id=str(grant.pk),
        region_code=grant.region_id,
        before={"state": GrantState.DRAFT},
        after={"state": grant.state, **totals},
    )
    return grant


@transaction.atomic
def define_listed(
    actor: User,
    *,
    name: str,
    places: list[str],
    in_force_on: datetime.date,
    reason: str,
    shares: list[Share],
    about: dict | None = None,
) -> Grant:
    """A grant whose shares another programme listed (a disaster's transitional aid, a
    winter–spring wave): written with the grant, so finance approves exactly this list. The
    caller checks its own permission, places and list; here only that the list pays something."""
    require(actor, Permission.DEFINE_GRANTS)
    if not shares or any(s.amount_fen <= 0 or s.persons <= 0 for s in shares):
        raise DoudiError(_("Nobody on the list is to be paid."), field="shares")
    totals = _totals(shares)
    grant = Grant.objects.create(
        name=name[:100],
        region=actor.region,
        programmes=[],
        places=sorted(set(places)),
        in_force_on=in_force_on,
        per=Per.LISTED,
        amount_fen=totals["total_fen"],
        reason=reason[:300],
        created_by=actor,
        **totals,
    )
    GrantShare.objects.bulk_create(
        (
            GrantShare(
                grant=grant,
                household_id=s.household_id,
                region_id=s.region_id,
                payee_id=s.payee_id,
                persons=s.persons,
                amount_fen=s.amount_fen,
            )
            for s in shares
        ),
        batch_size=5000,
    )
    record(
        actor=actor,
        action=AuditAction.GRANT_DEFINE,
        object_type="grant",
        object_id=str(grant.pk),
        region_code=actor.region_id,
        after={"name": grant.name, "per": Per.LISTED, **totals, **(about or {})},
        reason=grant.reason,
    )
    return grant


def _approve_listed(actor: User, grant: Grant) -> Grant:
    """The listed shares were frozen with the grant: finance approves them as they stand."""
    totals = GrantShare.objects.filter(grant=grant).aggregate(
        persons=Sum("persons"), households=Count("id"), total_fen=Sum("amount_fen")
    )
    return _approved(actor, grant, {k: int(v or 0) for k, v in totals.items()})
