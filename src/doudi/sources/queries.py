"""Which deliveries a user sees: those received in their jurisdiction, and those received above
it (the city's platform receives data covering every county)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from doudi.accounts.jurisdiction import NOT_FOUND, require
from doudi.accounts.roles import Permission
from doudi.errors import OutsideJurisdiction
from doudi.regions.codes import ancestors
from doudi.sources.models import Delivery


def _visible(user) -> Q:
    return Q(region_code__startswith=user.jurisdiction_prefix) | Q(
        region_code__in=ancestors(user.region_id)
    )


def visible_deliveries(user, *, source: str | None = None) -> QuerySet[Delivery]:
    require(user, Permission.VIEW_DEPARTMENT_DATA)
    deliveries = Delivery.objects.filter(_visible(user)).select_related("delivered_by")
    if source:
        deliveries = deliveries.filter(source=source)
    return deliveries


def get_delivery(user, delivery_id: int) -> Delivery:
    """One visible delivery; any other is reported as not found, so its existence does not
    leak."""
    try:
        return visible_deliveries(user).get(pk=delivery_id)
    except Delivery.DoesNotExist:
        raise OutsideJurisdiction(NOT_FOUND) from None
