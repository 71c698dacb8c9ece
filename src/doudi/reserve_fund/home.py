"""The replenishment requests waiting for the county's decision, on the county's to-do list."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from doudi.accounts.jurisdiction import has_permission
from doudi.accounts.roles import Permission
from doudi.reserve_fund.models import RequestState
from doudi.reserve_fund.queries import requests_visible_to
from doudi.web.home import TASK_LIMIT, Task, TaskList, register_tasks

if TYPE_CHECKING:
    from doudi.accounts.models import User


@register_tasks
def replenishment_tasks(user: User, today: datetime.date) -> list[TaskList]:
    if not has_permission(user, Permission.FUND_RESERVE):
        return []
    waiting = requests_visible_to(user).filter(state=RequestState.SUBMITTED)
    first = list(waiting[: TASK_LIMIT + 1])
    if not first:
        return []
    return [
        TaskList(
            title=_("Reserve-fund replenishment requests to decide"),
            count=waiting.count(),
            overdue=0,
            tasks=[
                Task(
                    step=_("Decide the replenishment request"),
                    subject=f"{r.fund.township.name} · {r.submitted_on:%Y-%m-%d}",
                    url=reverse("reserve_fund:request", args=[r.pk]),
                    due_on=None,
                    overdue=False,
                )
                for r in first[:TASK_LIMIT]
            ],
            url=reverse("reserve_fund:funds"),
        )
    ]
