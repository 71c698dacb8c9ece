"""The county's review queue on the to-do list: pairs the model could not tell apart."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from doudi.accounts.jurisdiction import has_permission
from doudi.accounts.roles import Permission
from doudi.linkage import queries
from doudi.web.home import TASK_LIMIT, Task, TaskList, register_tasks

if TYPE_CHECKING:
    from doudi.accounts.models import User


@register_tasks
def review_tasks(user: User, today: datetime.date) -> list[TaskList]:
    if not has_permission(user, Permission.CHECK_DATA):
        return []
    pairs = queries.pending_pairs(user)
    url = reverse("linkage:pending")
    return [
        TaskList(
            title=_("Pairs to review"),
            count=pairs.count(),
            overdue=0,  # the review queue has no time limit
            tasks=[
                Task(
                    step=_("Decide whether they are the same person"),
                    subject=f"{pair.member.name} · {pair.member.household.file_number}",
                    url=url,
                )
                for pair in pairs[:TASK_LIMIT]
            ],
            url=url,
        )
    ]
