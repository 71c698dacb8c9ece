"""The township's open rectification tasks, overdue first, on its to-do list; the inspecting
level's hotline referrals awaiting a decision, the oldest first, on its own."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from doudi.accounts.jurisdiction import has_permission
from doudi.accounts.roles import Permission
from doudi.supervision.queries import open_rectifications, pending_referrals
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


@register_tasks
def referral_tasks(user: User, today: datetime.date) -> list[TaskList]:
    if not has_permission(user, Permission.INSPECT):
        return []
    tickets = pending_referrals(user).order_by("referred_to_supervision_on", "id")
    first = list(tickets[:TASK_LIMIT])
    if not first:
        return []
    return [
        TaskList(
            title=_("Hotline referrals awaiting a decision"),
            count=tickets.count(),
            overdue=0,
            tasks=[
                Task(
                    step=_("Raise a finding or decline"),
                    subject=f"{t.region.name} {t.get_category_display()}",
                    url=reverse("supervision:referral", args=[t.pk]),
                    due_on=None,
                    overdue=False,
                )
                for t in first
            ],
            url=reverse("supervision:referrals"),
        )
    ]
