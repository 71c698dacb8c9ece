"""The follow-up visits due on a field worker's to-do list."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from doudi.accounts.jurisdiction import has_permission
from doudi.accounts.roles import Permission
from doudi.visits import queries
from doudi.web.home import TASK_LIMIT, Task, TaskList, register_tasks

if TYPE_CHECKING:
    from doudi.accounts.models import User


@register_tasks
def visit_tasks(user: User, today: datetime.date) -> list[TaskList]:
    if not has_permission(user, Permission.EDIT_HOUSEHOLDS):
        return []
    due = queries.follow_ups_due(user, today)
    return [
        TaskList(
            title=_("Visits due"),
            count=due.count(),
            overdue=due.filter(follow_up_on__lt=today).count(),
            tasks=[
                Task(
                    step=_("Visit again"),
                    subject=visit.household.file_number,
                    url=reverse("visits:new", args=[visit.household_id]),
                    due_on=visit.follow_up_on,
                    overdue=visit.follow_up_on < today,
                )
                for visit in due[:TASK_LIMIT]
            ],
            url=reverse("visits:list"),
        )
    ]
