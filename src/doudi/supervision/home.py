"""The township's open rectification tasks, overdue first, on its to-do list."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from doudi.accounts.jurisdiction import has_permission
from doudi.accounts.roles import Permission
from doudi.supervision.queries import open_rectifications
from doudi.web.home import TASK_LIMIT, Task, TaskList, register_tasks

if TYPE_CHECKING:
    from doudi.accounts.models import User


@register_tasks
def rectification_tasks(user: User, today: datetime.date) -> list[TaskList]:
    if not has_permission(user, Permission.RECTIFY):
        return []
    tasks = open_rectifications(user).order_by("due_on", "id")
    first = list(tasks[:TASK_LIMIT])
    if not first:
        return []
    return [
        TaskList(
            title=_("Supervision findings to rectify"),
            count=tasks.count(),
            overdue=tasks.filter(due_on__lt=today).count(),
            tasks=[
                Task(
                    step=_("Rectify and report it done"),
                    subject=r.task,
                    url=reverse("supervision:finding", args=[r.finding_id]),
                    due_on=r.due_on,
                    overdue=r.due_on < today,
                )
                for r in first
            ],
            url=reverse("supervision:findings"),
        )
    ]
