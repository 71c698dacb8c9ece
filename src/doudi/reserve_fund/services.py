"""Moving money in and out of a township's reserve fund: one transaction and one audit event
each, the fund row locked, the balance never below zero, payments within the township's limit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import require
from doudi.accounts.roles import Permission
from doudi.audit.actions import audit_action
from doudi.audit.services import record
from doudi.errors import DoudiError
from doudi.money import fen_to_yuan, whole_fen
from doudi.policy.engine.regional import in_force
from doudi.policy.standards import rules_in_force
from doudi.regions.codes import Level
from doudi.regions.models import Region
from doudi.reserve_fund.models import MovementKind, ReserveFund, ReserveMovement
from doudi.text import free_text, required_reason

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
    township = Region.objects.filter(code=township_code, level=Level.TOWNSHIP).first()
    if township is None:
        raise DoudiError(
            _("Reserve funds are held by townships: “%(code)s” is not one."),
            field="township",
            code=township_code,
        )
    amount_fen = whole_fen(amount_fen, field="amount", positive=True)
    reason = required_reason(reason)
    ReserveFund.objects.get_or_create(township=township)
    fund = ReserveFund.objects.select_for_update().get(township=township)
    if kind == MovementKind.PAYMENT:
        limit = township_limit_fen(township.code)
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
    before = fund.balance_fen
    fund.balance_fen += change
    fund.save(update_fields=["balance_fen"])
    movement = ReserveMovement.objects.create(
        fund=fund,
        kind=kind,
        amount_fen=amount_fen,
        balance_after_fen=fund.balance_fen,
        recipient=free_text(recipient, max_length=100),
        reason=reason[:300],
        recorded_by=actor,
    )
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
