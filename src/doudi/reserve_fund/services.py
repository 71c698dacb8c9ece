"""Moving money in and out of a township's reserve fund: one transaction and one audit event
each, the fund row locked, the balance never below zero, payments within the township's limit.
The county replenishes a township's fund from the township's request showing its spending
(the emergency payments since the last replenishment)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import get_in_scope, require
from doudi.accounts.roles import Permission
from doudi.audit.actions import AuditAction, audit_action
from doudi.audit.services import record
from doudi.errors import DoudiError
from doudi.money import fen_to_yuan, whole_fen
from doudi.policy.engine.regional import in_force
from doudi.policy.standards import rules_in_force
from doudi.regions.codes import Level
from doudi.regions.models import Region
from doudi.reserve_fund.models import (
    MovementKind,
    ReplenishmentRequest,
    RequestState,
    ReserveFund,
    ReserveMovement,
)
from doudi.text import free_text, required_reason, required_text

if TYPE_CHECKING:
    from doudi.accounts.models import User

INFLOWS = (MovementKind.ALLOCATION, MovementKind.REPLENISHMENT)
PERMISSIONS = {
    MovementKind.ALLOCATION: Permission.FUND_RESERVE,
    MovementKind.REPLENISHMENT: Permission.FUND_RESERVE,
    MovementKind.RETURN: Permission.FUND_RESERVE,
    MovementKind.PAYMENT: Permission.PAY_FROM_RESERVE,
}


def township_limit_fen(township_code: str) -> int | None:
    """The largest payment the township may make alone (临时救助 small-amount limit)."""
    values = [
        v for v in rules_in_force().regional_values if v.parameter == "temporary.township_limit"
    ]
    value = in_force(values, township_code, timezone.localdate().isoformat())
    return None if value is None else int(value.value)


@transaction.atomic
def move(
    actor: User, township_code: str, kind: str, amount_fen: int, *, reason: str, recipient: str = ""
) -> ReserveMovement:
    if kind not in MovementKind.values:
        raise DoudiError(_("Unknown kind of movement."), field="kind")
    require(actor, PERMISSIONS[MovementKind(kind)], township_code)
    township = _township(township_code)
    amount_fen = whole_fen(amount_fen, field="amount", positive=True)
    reason = required_reason(reason)
    fund = _locked_fund(township)
    before = fund.balance_fen
    movement = _write(actor, fund, kind, amount_fen, reason, recipient)
    record(
        actor=actor,
        action=audit_action(f"reserve_fund.{kind}"),
        object_type="reserve_fund",
        object_id=township.code,
        region_code=township.code,
        before={"balance_fen": before},
        after={
            "balance_fen": fund.balance_fen,
            "movement": movement.pk,
            "amount_fen": amount_fen,
            "recipient": movement.recipient,
        },
        reason=movement.reason,
    )
    return movement


def _township(township_code: str) -> Region:
    township = Region.objects.filter(code=township_code, level=Level.TOWNSHIP).first()
    if township is None:
        raise DoudiError(
            _("Reserve funds are held by townships: “%(code)s” is not one."),
            field="township",
            code=township_code,
        )
    return township


def _locked_fund(township: Region) -> ReserveFund:
    ReserveFund.objects.get_or_create(township=township)
    return ReserveFund.objects.select_for_update().get(township=township)


def _write(
    actor: User, fund: ReserveFund, kind: str, amount_fen: int, reason: str, recipient: str
) -> ReserveMovement:
    """The movement on the locked fund, its limits checked; the caller writes the audit event."""
    if kind == MovementKind.PAYMENT:
        limit = township_limit_fen(fund.township_id)
        if limit is not None and amount_fen > limit:
            raise DoudiError(
                _(
                    "%(amount)s yuan is above the township's limit of %(limit)s yuan "
                    "for paying alone; the county must approve it."
                ),
                field="amount",
                amount=fen_to_yuan(amount_fen),
                limit=fen_to_yuan(limit),
            )
    change = amount_fen if kind in INFLOWS else -amount_fen
    if fund.balance_fen + change < 0:
        raise DoudiError(
            _(
                "The reserve fund holds %(balance)s yuan, less than %(amount)s yuan; "
                "nothing was paid. Ask the county to replenish it."
            ),
            field="amount",
            balance=fen_to_yuan(fund.balance_fen),
            amount=fen_to_yuan(amount_fen),
        )
    fund.balance_fen += change
    fund.save(update_fields=["balance_fen"])
    return ReserveMovement.objects.create(
        fund=fund,
        kind=kind,
        amount_fen=amount_fen,
        balance_after_fen=fund.balance_fen,
        recipient=free_text(recipient, max_length=100),
        reason=reason[:300],
        recorded_by=actor,
    )


# --- replenishment requests (备用金补充申请) ---------------------------------------------------


def unlisted_payments(township_code: str) -> QuerySet[ReserveMovement]:
    """The township's emergency payments since its last replenishment: on no request that is
    waiting or was approved (a refused request lets its payments be listed again)."""
    return (
        ReserveMovement.objects.filter(fund__township_id=township_code, kind=MovementKind.PAYMENT)
        .exclude(replenishment_requests__state__in=(RequestState.SUBMITTED, RequestState.APPROVED))
        .order_by("id")
    )


@transaction.atomic
def request_replenishment(actor: User, township: str, *, note: str) -> ReplenishmentRequest:
    """The township asks the county to replenish its fund by what it paid out since the last
    replenishment: every such payment listed, their sum the amount asked for."""
    require(actor, Permission.PAY_FROM_RESERVE, township)
    place = _township(township)
    if actor.region.level != Level.TOWNSHIP:
        raise DoudiError(
            _("A replenishment is requested by the township that holds the fund."),
            field="actor",
        )
    note = required_text(note, field="note", message=_("Write a note for the county."))[:300]
    fund = _locked_fund(place)
    if fund.requests.filter(state=RequestState.SUBMITTED).exists():
        raise DoudiError(
            _("A request of this township is waiting for the county's decision."),
            field="township",
        )
    payments = list(unlisted_payments(place.code))
    if not payments:
        raise DoudiError(
            _("No emergency payment was made since the last replenishment; nothing to ask for."),
            field="township",
        )
    request = ReplenishmentRequest.objects.create(
        fund=fund,
        amount_fen=sum(p.amount_fen for p in payments),
        note=note,
        submitted_on=timezone.localdate(),
        submitted_by=actor,
    )
    request.payments.set(payments)
    record(
        actor=actor,
        action=AuditAction.RESERVE_FUND_REQUEST,
        object_type="replenishment_request",
        object_id=str(request.pk),
        region_code=place.code,
        before=None,
        after={
            "amount_fen": request.amount_fen,
            "payments": [p.pk for p in payments],
            "balance_fen": fund.balance_fen,
        },
        reason=note,
    )
    return request


def _open_request(actor: User, request_id: int) -> ReplenishmentRequest:
    request = get_in_scope(
        actor,
        ReplenishmentRequest.objects.select_for_update(of=("self",)).select_related("fund"),
        Permission.FUND_RESERVE,
        "fund__township__code",
        pk=request_id,
    )
    require(actor, Permission.FUND_RESERVE, request.fund.township_id)
    if request.state != RequestState.SUBMITTED:
        raise DoudiError(
            _("This request was already decided (%(state)s)."),
            field="state",
            state=request.get_state_display(),
        )
    return request


@transaction.atomic
def approve_replenishment(actor: User, request_id: int, *, reason: str) -> ReplenishmentRequest:
    """The county approves: the replenishment of the amount asked for is written to the fund,
    in this transaction, with this one audit event."""
    request = _open_request(actor, request_id)
    reason = required_reason(reason)
    fund = ReserveFund.objects.select_for_update().get(pk=request.fund_id)
    before = fund.balance_fen
    movement = _write(
        actor,
        fund,
        MovementKind.REPLENISHMENT,
        request.amount_fen,
        reason,
        str(_("replenishment request %(number)s")) % {"number": request.pk},
    )
    request.state, request.movement = RequestState.APPROVED, movement
    request.decided_on, request.decided_by = timezone.localdate(), actor
    request.decision_reason = reason[:300]
    request.save()
    record(
        actor=actor,
        action=AuditAction.RESERVE_FUND_REQUEST_APPROVED,
        object_type="replenishment_request",
        object_id=str(request.pk),
        region_code=fund.township_id,
        before={"state": RequestState.SUBMITTED, "balance_fen": before},
        after={
            "state": request.state,
            "movement": movement.pk,
            "amount_fen": movement.amount_fen,
            "balance_fen": fund.balance_fen,
        },
        reason=request.decision_reason,
    )
    return request


@transaction.atomic
def refuse_replenishment(actor: User, request_id: int, *, reason: str) -> ReplenishmentRequest:
    """The county refuses, with its reason; the payments may be listed on a new request."""
    request = _open_request(actor, request_id)
    request.decision_reason = required_reason(reason)[:300]
    request.state = RequestState.REFUSED
    request.decided_on, request.decided_by = timezone.localdate(), actor
    request.save()
    record(
        actor=actor,
        action=AuditAction.RESERVE_FUND_REQUEST_REFUSED,
        object_type="replenishment_request",
        object_id=str(request.pk),
        region_code=request.fund.township_id,
        before={"state": RequestState.SUBMITTED},
        after={"state": request.state},
        reason=request.decision_reason,
    )
    return request
