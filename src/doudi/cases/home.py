"""The cases on a user's to-do list: those waiting for a step the user may take now, and the
requests to help verify that wait for the user's townships."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from doudi.accounts.jurisdiction import has_permission
from doudi.accounts.roles import Permission
from doudi.cases import queries
from doudi.cases.presentation import case_rows
from doudi.cases.procedures import Action
from doudi.cases.steps import STEPS, waiting_for
from doudi.web.home import TASK_LIMIT, Task, TaskList, register_tasks

if TYPE_CHECKING:
    from doudi.accounts.models import User
    from doudi.cases.models import Case
    from doudi.cases.steps import Waits


@register_tasks
def case_tasks(user: User, today: datetime.date) -> list[TaskList]:
    if not has_permission(user, Permission.VIEW_CASES):
        return []
    waits = waiting_for(user)
    found = [_waiting_cases(user, waits, today)] if waits else []
    if has_permission(user, STEPS[Action.ANSWER_HUKOU_CHECK].permission):
        found.append(_hukou_requests(user, today))
    return found


def _waiting_cases(user: User, waits: Waits, today: datetime.date) -> TaskList:
    cases = queries.awaiting(user, waits, today)
    rows = case_rows(cases[:TASK_LIMIT])
    return TaskList(
        title=_("Cases waiting for you"),
        count=cases.count(),
        overdue=cases.filter(late=True).count(),
        tasks=[
            Task(
                step=_steps_of(row.case),
                subject=f"{row.case.file_number} {row.head_name}".strip(),
                url=reverse("cases:detail", args=[row.case.pk]),
                due_on=row.case.step_due_on or row.case.due_on,
                overdue=row.case.late,
            )
            for row in rows
        ],
        url=reverse("cases:list"),
    )


def _steps_of(case: Case) -> str:
    """The steps this case waits for from the user, by name."""
    return "、".join(
        str(action.label) for action in Action if getattr(case, f"may_{action}", False)
    )


def _hukou_requests(user: User, today: datetime.date) -> TaskList:
    checks = queries.hukou_checks_for(user).order_by("due_on", "id")
    return TaskList(
        title=_("Requests to help verify"),
        count=checks.count(),
        overdue=checks.filter(due_on__lt=today).count(),
        tasks=[
            Task(
                step=str(Action.ANSWER_HUKOU_CHECK.label),
                subject=check.case.file_number,
                url=reverse("cases:hukou"),
                due_on=check.due_on,
                overdue=check.due_on < today,
            )
            for check in checks[:TASK_LIMIT]
        ],
        url=reverse("cases:hukou"),
    )
