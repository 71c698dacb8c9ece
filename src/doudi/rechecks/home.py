"""The re-checks due on the to-do list of those who start them: the township and the county;
and, for those who open cases, the allowances whose last month is next month."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from doudi.accounts.jurisdiction import has_permission
from doudi.accounts.roles import Permission
from doudi.dates import last_day, next_month
from doudi.rechecks.allowances import ending_lists
from doudi.rechecks.queries import recheck_lists
from doudi.web.home import TASK_LIMIT, Task, TaskList, register_tasks

if TYPE_CHECKING:
    from doudi.accounts.models import User


@register_tasks
def recheck_tasks(user: User, today: datetime.date) -> list[TaskList]:
    if not has_permission(user, Permission.START_RECHECKS):
        return []
    lists = recheck_lists(user, today=today)
    waiting = [row for row in lists.all if not row.open_case_id]
    url = reverse("rechecks:due")
    return [
        TaskList(
            title=_("Re-checks due"),
            count=len(waiting),
            overdue=sum(1 for row in waiting if row.next_on < today),
            tasks=[
                Task(
                    step=_("Start the re-check"),
                    subject=f"{row.payee_name} · {row.programme_label}",
                    url=url,
                    due_on=row.next_on,
                    overdue=row.next_on < today,
                )
                for row in waiting[:TASK_LIMIT]
            ],
            url=url,
        )
    ]


@register_tasks
def ending_tasks(user: User, today: datetime.date) -> list[TaskList]:
    if not has_permission(user, Permission.SUBMIT_CASES):
        return []
    lists = ending_lists(user, month=next_month(today.replace(day=1)))
    rows = [*lists.children, *lists.certificates, *lists.grade_changes]
    url = reverse("rechecks:ending")
    return [
        TaskList(
            title=_("Allowances ending next month"),
            count=len(rows),
            overdue=0,
            tasks=[
                Task(
                    step=_("Decide on the stop"),
                    subject=f"{row.name} · {row.allowance_label}",
                    url=url,
                    due_on=last_day(row.last_month),
                )
                for row in rows[:TASK_LIMIT]
            ],
            url=url,
        )
    ]
