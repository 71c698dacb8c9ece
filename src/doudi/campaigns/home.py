"""The open findings of the user's townships on the to-do list, the most overdue first."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from doudi.accounts.jurisdiction import has_permission
from doudi.accounts.roles import Permission
from doudi.campaigns import queries
from doudi.web.home import TASK_LIMIT, Task, TaskList, register_tasks

if TYPE_CHECKING:
    from doudi.accounts.models import User


@register_tasks
def finding_tasks(user: User, today: datetime.date) -> list[TaskList]:
    if not has_permission(user, Permission.CLOSE_FINDINGS):
        return []
    findings = queries.township_tasks(user)
    counts = findings.aggregate(count=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    return [
        TaskList(
            title=_("Campaign findings to close"),
            count=counts["count"],
            overdue=counts["overdue"],
            tasks=[
                Task(
                    step=_("Close the finding"),
                    subject=f"{finding.get_kind_display()} · {finding.household.file_number}",
                    url=reverse("campaigns:finding", args=[finding.pk]),
                    due_on=finding.due_on,
                    overdue=queries.overdue(finding, today),
                )
                for finding in findings[:TASK_LIMIT]
            ],
            url=reverse("campaigns:tasks"),
        )
    ]
