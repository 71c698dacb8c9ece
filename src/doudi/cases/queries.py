"""Reading cases, always within the user's jurisdiction."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from doudi.accounts.jurisdiction import get_in_scope, scope
from doudi.accounts.roles import Permission
from doudi.cases.deadlines import due_soon_until
from doudi.cases.models import Case, HukouCheck
from doudi.cases.procedures import OPEN_STATES
from doudi.regions.codes import prefix_of

if TYPE_CHECKING:
    from doudi.accounts.models import User


def cases_visible_to(actor: User) -> QuerySet[Case]:
    return scope(
        actor,
        Case.objects.select_related("household", "member", "region"),
        Permission.VIEW_CASES,
        "region__code",
    )


def case_for(actor: User, case_id: int) -> Case:
    return get_in_scope(
        actor,
        Case.objects.select_related("household", "member", "region"),
        Permission.VIEW_CASES,
        "region__code",
        pk=case_id,
    )


def _late_on(day: datetime.date) -> Q:
    """Open cases past a limit, and decided cases whose household was not told in time."""
    pending = Q(state__in=OPEN_STATES) | Q(decision__notified_on__isnull=True)
    return pending & (Q(step_due_on__lt=day) | Q(state__in=OPEN_STATES, due_on__lt=day))


@dataclass(frozen=True)
class DeadlineLists:
    overdue: QuerySet[Case]
    due_soon: QuerySet[Case]
    relatives: QuerySet[Case]


def deadline_lists(
    actor: User, place_code: str = "", today: datetime.date | None = None
) -> DeadlineLists:
    """For a place (by default the user's whole jurisdiction): the cases past a time limit,
    those due within three working days, and the relatives' cases registered separately."""
    today = today or timezone.localdate()
    cases = cases_visible_to(actor)
    if place_code:
        cases = cases.filter(region__code__startswith=prefix_of(place_code))
    soon = due_soon_until(today)
    return DeadlineLists(
        overdue=cases.filter(_late_on(today)).order_by("step_due_on", "id"),
        due_soon=cases.exclude(_late_on(today))
        .filter(
            Q(step_due_on__range=(today, soon))
            | Q(state__in=OPEN_STATES, due_on__range=(today, soon))
        )
        .order_by("step_due_on", "id"),
        relatives=cases.exclude(relative_of_staff="").filter(state__in=OPEN_STATES),
    )


def hukou_checks_for(actor: User) -> QuerySet[HukouCheck]:
    """Requests to help verify (居住地申办) addressed to townships in the user's jurisdiction and
    not yet answered: the hukou place sees these, not the case itself."""
    return scope(
        actor,
        HukouCheck.objects.select_related("case", "case__region", "case__household", "township"),
        Permission.VIEW_CASES,
        "township__code",
    ).filter(answered_on__isnull=True)


def hukou_check_for(actor: User, case_id: int) -> HukouCheck:
    """The request to help verify a case, for the hukou township it is addressed to (404 for
    anyone else: the case itself stays out of that township's sight)."""
    return get_in_scope(
        actor,
        HukouCheck.objects.select_related("case", "case__region", "case__household", "township"),
        Permission.VIEW_CASES,
        "township__code",
        case_id=case_id,
    )
