"""Computing a place's figures anew from its payroll lines (the command line). The payroll
steps refresh their own payroll's figures in their transaction (refresh.refresh_payroll)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import require
from doudi.accounts.roles import Permission
from doudi.audit.actions import AuditAction
from doudi.audit.services import record
from doudi.errors import DoudiError
from doudi.regions.models import Region
from doudi.statistics import refresh

if TYPE_CHECKING:
    from doudi.accounts.models import User


@transaction.atomic
def refresh_place(actor: User, region_code: str) -> int:
    """Every figure of a place (and of the places above it) computed anew from the payroll
    lines; the number of figures the place holds."""
    require(actor, Permission.VIEW_STATISTICS, region_code)
    if not Region.objects.filter(code=region_code).exists():
        raise DoudiError(_("No such place in your jurisdiction."), field="place")
    figures = refresh.refresh_place(region_code)
    record(
        actor=actor,
        action=AuditAction.STATISTICS_REFRESHED,
        object_type="region",
        object_id=region_code,
        region_code=region_code,
        after={"figures": figures},
    )
    return figures
