"""Reading the townships' reserve funds within the user's jurisdiction: each fund's balance and
its movements."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from doudi.accounts.jurisdiction import has_permission, scope
from doudi.accounts.roles import Permission
from doudi.reserve_fund.models import ReserveFund, ReserveMovement

if TYPE_CHECKING:
    from doudi.accounts.models import User


def _permission(actor: User) -> Permission:
    """The county funds its townships; a township pays from its own fund: either reads it."""
    if has_permission(actor, Permission.FUND_RESERVE):
        return Permission.FUND_RESERVE
    return Permission.PAY_FROM_RESERVE


def funds_visible_to(actor: User) -> QuerySet[ReserveFund]:
    return scope(
        actor,
        ReserveFund.objects.select_related("township"),
        _permission(actor),
        "township__code",
    ).order_by("township_id")


def movements_visible_to(actor: User, township_code: str = "") -> QuerySet[ReserveMovement]:
    """The movements, newest first; of one township if ``township_code`` is given."""
    movements = scope(
        actor,
        ReserveMovement.objects.select_related("fund__township", "recorded_by"),
        _permission(actor),
        "fund__township__code",
    )
    if township_code:
        movements = movements.filter(fund__township__code=township_code)
    return movements.order_by("-recorded_at", "-id")
