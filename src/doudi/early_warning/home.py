"""Warnings on the to-do list: the township's open ones, and what climbs to the county."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from doudi.accounts.jurisdiction import has_permission
from doudi.accounts.roles import Permission
from doudi.early_warning import queries
from doudi.early_warning.models import WarningState
from doudi.web.home import TASK_LIMIT, Task, TaskList, register_tasks

if TYPE_CHECKING:
    from doudi.accounts.models import User


@register_tasks
def warning_tasks(user: User, today: datetime.date) -> list[TaskList]:
    if has_permission(user, Permission.COORDINATE_WARNINGS):
        warnings, step = queries.for_the_county(user, today), _("Decide, or press the township")
    elif has_permission(user, Permission.HANDLE_CASES):
        warnings = queries.open_warnings(user).filter(state=WarningState.OPEN)
        step = _("Handle the warning")
    else:
        return []
    url = reverse("early_warning:list")
    return [
        TaskList(
            title=_("Warnings"),
            count=warnings.count(),
            overdue=warnings.filter(due_on__lt=today).count(),
            tasks=[
                Task(
                    step=step,
                    subject=f"{w.get_kind_display()} · {w.household.file_number}",
                    url=url,
                    due_on=w.due_on,
                    overdue=w.due_on < today,
                )
                for w in warnings[:TASK_LIMIT]
            ],
            url=url,
        )
    ]
