"""The hotline tickets waiting on the to-do list of those who handle them: the township's own,
and for the county the tickets escalated to it. Overdue ones first."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Case, IntegerField, Value, When
from django.urls import reverse
from django.utils.translation import gettext as _

from doudi.accounts.jurisdiction import has_permission
from doudi.accounts.roles import Permission
from doudi.hotline.queries import listed
from doudi.regions.codes import Level, level_of
from doudi.web.home import TASK_LIMIT, Task, TaskList, register_tasks

if TYPE_CHECKING:
    from doudi.accounts.models import User


@register_tasks
def ticket_tasks(user: User, today: datetime.date) -> list[TaskList]:
    if not has_permission(user, Permission.HANDLE_HOTLINE):
        return []
    # The township handles its open tickets; above it, the county takes those escalated to it.
    township = level_of(user.region_id) == Level.TOWNSHIP
    waiting = listed(user, "open" if township else "escalated", today)
    count = waiting.count()
    if not count:
        return []
    late = Case(
        When(due_on__lt=today, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    overdue = waiting.filter(due_on__lt=today).count()
    return [
        TaskList(
            title=_("Hotline tickets")
            if township
            else _("Hotline tickets escalated to the county"),
            count=count,
            overdue=overdue,
            tasks=[
                Task(
                    step=_("Handle the ticket"),
                    subject=f"{t.region.name} · {t.get_category_display()}",
                    url=reverse("hotline:ticket", args=[t.pk]),
                    due_on=t.due_on,
                    overdue=t.due_on < today,
                )
                for t in waiting.order_by(late, "due_on", "id")[:TASK_LIMIT]
            ],
            url=reverse("hotline:list") + ("?list=open" if township else "?list=escalated"),
        )
    ]
