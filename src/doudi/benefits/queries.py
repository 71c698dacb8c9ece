"""Which benefits are in force: the one definition every payroll, grant and rule reads.

A benefit is in force for a month from its first month to its last (inclusive), or with no last
month for as long as it is not ended. Months are first days; a day inside a month stands for it.
The ORM form (``in_force``) and the SQL form (``in_force_sql``, for the set-based payroll
statements) say the same and are tested against each other.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from doudi.accounts.jurisdiction import scope
from doudi.accounts.roles import Permission
from doudi.dates import parse_month

if TYPE_CHECKING:
    from doudi.accounts.models import User
    from doudi.benefits.models import Benefit


def in_force(month: datetime.date, *, through: str = "") -> Q:
    """Benefits paying for ``month``; ``through`` reaches them from another model
    (``"benefit__"``)."""
    first = parse_month(month)
    return Q(**{f"{through}start_month__lte": first}) & (
        Q(**{f"{through}end_month__isnull": True}) | Q(**{f"{through}end_month__gte": first})
    )


def in_force_sql(benefit: str, month: str) -> str:
    """The same condition in SQL: ``benefit`` is the table's alias, ``month`` an expression or
    placeholder for the first day of the month (``%(month)s``, ``earlier.month``)."""
    return (
        f"{benefit}.start_month <= {month}"
        f" AND ({benefit}.end_month IS NULL OR {benefit}.end_month >= {month})"
    )


def benefits_of_household(
    actor: User, household_id: int, month: datetime.date
) -> QuerySet[Benefit]:
    """The household's benefits in force for ``month``: part of its file, so whoever reads
    the household reads them."""
    from doudi.benefits.models import Benefit  # the models read ``in_force`` from here

    benefits = scope(actor, Benefit.objects.all(), Permission.VIEW_HOUSEHOLDS, "region__code")
    return (
        benefits.filter(in_force(month), household_id=household_id)
        .select_related("payee", "member", "decision__case")
        .order_by("programme", "id")
    )


def benefits_ever_of_household(actor: User, household_id: int) -> QuerySet[Benefit]:
    """Every benefit the household has had, in force or ended, the newest first."""
    from doudi.benefits.models import Benefit

    benefits = scope(actor, Benefit.objects.all(), Permission.VIEW_HOUSEHOLDS, "region__code")
    return (
        benefits.filter(household_id=household_id)
        .select_related("member", "decision__case")
        .order_by("-start_month", "-id")
    )
