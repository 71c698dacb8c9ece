"""Objections lodged from the public notices, on the to-do list of the townships that handle
them."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from doudi.accounts.jurisdiction import has_permission
from doudi.accounts.roles import Permission
from doudi.notices.models import ObjectionState
from doudi.notices.queries import objections
from doudi.web.home import TASK_LIMIT, Task, TaskList, register_tasks

if TYPE_CHECKING:
    from doudi.accounts.models import User


@register_tasks
def objection_tasks(user: User, today: datetime.date) -> list[TaskList]:
    if not has_permission(user, Permission.HANDLE_CASES):
        return []
    waiting = objections(user, ObjectionState.OPEN).order_by("received_on", "id")
    count = waiting.count()
    if not count:
        return []
    url = reverse("notices:objections")
    return [
        TaskList(
            title=_("Objections from the public notices"),
            count=count,
            overdue=0,
            tasks=[
                Task(
                    step=_("Look into the objection"),
                    subject=f"{o.region.name} · {o.get_notice_display()}",
                    url=url,
                    due_on=None,
                )
                for o in waiting[:TASK_LIMIT]
            ],
            url=url,
        )
    ]
