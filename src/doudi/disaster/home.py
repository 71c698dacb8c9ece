"""The impact reports waiting for verification, on the to-do list of the township."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from doudi.accounts.jurisdiction import has_permission
from doudi.accounts.roles import Permission
from doudi.disaster.queries import waiting_reports
from doudi.web.home import TASK_LIMIT, Task, TaskList, register_tasks

if TYPE_CHECKING:
    from doudi.accounts.models import User


@register_tasks
def impact_report_tasks(user: User, today: datetime.date) -> list[TaskList]:
    if not has_permission(user, Permission.VERIFY_IMPACTS):
        return []
    waiting = list(waiting_reports(user).order_by("reported_on", "id")[: TASK_LIMIT + 1])
    if not waiting:
        return []
    return [
        TaskList(
            title=_("Disaster impact reports to verify"),
            count=waiting_reports(user).count(),
            overdue=0,
            tasks=[
                Task(
                    step=_("Verify the impact report"),
                    subject=f"{report.event.name} · {report.household.file_number}",
                    url=reverse("disaster:event", args=[report.event_id]),
                    due_on=None,
                    overdue=False,
                )
                for report in waiting[:TASK_LIMIT]
            ],
            url=reverse("disaster:list"),
        )
    ]
