"""The payrolls on a user's to-do list: those whose next step is the user's to take."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doudi.accounts.jurisdiction import has_permission
from doudi.accounts.roles import Permission
from doudi.dates import month_text
from doudi.payroll import queries
from doudi.payroll.models import PayrollState
from doudi.payroll.steps import STEPS
from doudi.web.home import TASK_LIMIT, Task, TaskList, register_tasks

if TYPE_CHECKING:
    from doudi.accounts.models import User

# Each step by the name its button has on the payroll's page.
STEP_LABELS = {
    "submit": gettext_lazy("Submit to finance"),
    "approve": gettext_lazy("Approve for payment"),
    "send": gettext_lazy("Payment file for the bank"),
    "reconcile": gettext_lazy("Record the bank's result"),
}
# The step a payroll in each state waits for: the first that starts from it (a submitted one
# waits to be approved; finance may instead return it).
_STEP_FROM = {
    source: name
    for name, (_permission, sources, _target) in reversed(STEPS.items())  # the first one wins
    for source in sources
}


@register_tasks
def payroll_tasks(user: User, today: datetime.date) -> list[TaskList]:
    if not has_permission(user, Permission.VIEW_PAYROLLS):
        return []
    payrolls = queries.awaiting(user)
    return [
        TaskList(
            title=_("Payrolls waiting for you"),
            count=payrolls.count(),
            overdue=0,  # a payroll's steps have no time limit of their own
            tasks=[
                Task(
                    step=str(STEP_LABELS[_STEP_FROM[PayrollState(payroll.state)]]),
                    subject=_("%(place)s, %(programme)s, %(month)s")
                    % {
                        "place": payroll.region.name,
                        "programme": payroll.get_programme_display(),
                        "month": month_text(payroll.month),
                    },
                    url=reverse("payroll:detail", args=[payroll.pk]),
                )
                for payroll in payrolls[:TASK_LIMIT]
            ],
            url=reverse("payroll:list"),
        )
    ]
