"""Reading the townships' reserve funds within the user's jurisdiction: each fund's balance, its
movements and its replenishment requests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Case, Count, QuerySet, When

from doudi.accounts.jurisdiction import get_in_scope, has_permission, scope
from doudi.accounts.roles import Permission
from doudi.reserve_fund.models import (
    ReplenishmentRequest,
    RequestState,
    ReserveFund,
    ReserveMovement,
)

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


def requests_visible_to(actor: User, township_code: str = "") -> QuerySet[ReplenishmentRequest]:
    """The replenishment requests, the waiting first, then the newest."""
    requests = scope(
        actor,
        ReplenishmentRequest.objects.select_related(
            "fund__township", "submitted_by", "decided_by", "movement"
        ).annotate(listed=Count("payments")),
        _permission(actor),
        "fund__township__code",
    )
    if township_code:
        requests = requests.filter(fund__township__code=township_code)
    waiting_first = Case(When(state=RequestState.SUBMITTED, then=0), default=1)
    return requests.order_by(waiting_first, "-submitted_on", "-id")


def request_for(actor: User, request_id: int) -> ReplenishmentRequest:
    return get_in_scope(
        actor,
        ReplenishmentRequest.objects.select_related("fund__township", "movement"),
        _permission(actor),
        "fund__township__code",
        pk=request_id,
    )


def payments_of(request: ReplenishmentRequest) -> QuerySet[ReserveMovement]:
    """The emergency payments a request lists (read once the request itself was read in scope)."""
    return request.payments.select_related("recorded_by").order_by("id")
