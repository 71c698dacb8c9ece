"""The claims waiting for the county's approval, on the to-do list of the county approver (not
the ones they recorded themselves: another person approves)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from doudi.accounts.jurisdiction import has_permission
from doudi.accounts.roles import Permission
from doudi.medical.models import ClaimState
from doudi.medical.queries import claims_visible_to
from doudi.money import fen_to_yuan
from doudi.web.home import TASK_LIMIT, Task, TaskList, register_tasks

if TYPE_CHECKING:
    from doudi.accounts.models import User


@register_tasks
def claim_tasks(user: User, today: datetime.date) -> list[TaskList]:
    if not has_permission(user, Permission.APPROVE_MEDICAL_CLAIMS):
        return []
    waiting = (
        claims_visible_to(user)
        .filter(state=ClaimState.RECORDED)
        .exclude(recorded_by=user)
        .order_by("recorded_on", "id")
    )
    first = list(waiting[: TASK_LIMIT + 1])
    if not first:
        return []
    return [
        TaskList(
            title=_("Medical claims to approve"),
            count=waiting.count(),
            overdue=0,
            tasks=[
                Task(
                    step=_("Approve the claim"),
                    subject=f"{claim.member.name} · {claim.hospital} · "
                    f"{fen_to_yuan(claim.assistance_fen)} {_('yuan')}",
                    url=reverse("medical:claim", args=[claim.pk]),
                    due_on=None,
                    overdue=False,
                )
                for claim in first[:TASK_LIMIT]
            ],
            url=reverse("medical:list") + "?state=recorded",
        )
    ]
