"""A field worker's visits: the follow-ups due and the latest visits; the visit form for one
household (a phone page: the checklist, a photo from the camera, the next visit)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doudi.dates import parse_date
from doudi.early_warning.models import Severity
from doudi.errors import DoudiError
from doudi.registry.queries import household_for
from doudi.visits import queries, services
from doudi.visits.models import Finding, IncomeChange
from doudi.web.refusals import labelled_messages, refuse

RECENT = 50
FIELD_LABELS = {
    "living_conditions": gettext_lazy("living conditions"),
    "health": gettext_lazy("health"),
    "income_change": gettext_lazy("income since the last visit"),
    "needs": gettext_lazy("needs"),
    "note": gettext_lazy("what the visit found"),
    "follow_up_on": gettext_lazy("visit again by"),
    "severity": gettext_lazy("severity"),
    "file": gettext_lazy("photo"),
}


@login_required
def visit_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "visits/list.html",
        {
            "due": queries.follow_ups_due(request.user, today),
            "visits": queries.visits(request.user)[:RECENT],
            "today": today,
        },
    )


@login_required
def new_visit(request: HttpRequest, household_id: int) -> HttpResponse:
    household = household_for(request.user, household_id)
    if request.method == "POST":
        try:
            visit = _record(request, household_id)
        except DoudiError as error:
            refuse(request, *labelled_messages(error, FIELD_LABELS))
        else:
            if visit.warning_id:
                messages.success(
                    request, _("Visit recorded; the township has a warning to handle.")
                )
            else:
                messages.success(request, _("Visit recorded."))
            return redirect("visits:list")
    return render(
        request,
        "visits/new.html",
        {
            "household": household,
            "findings": Finding.choices,
            "income_changes": IncomeChange.choices,
            "severities": Severity.choices,
            "values": request.POST if request.method == "POST" else {},
        },
    )


def _record(request: HttpRequest, household_id: int):
    post = request.POST
    checklist = services.Checklist(
        living_conditions=post.get("living_conditions", ""),
        health=post.get("health", ""),
        income_change=post.get("income_change", ""),
        needs=post.get("needs", "").strip(),
        note=post.get("note", "").strip(),
    )
    severity = post.get("severity", "2")
    return services.record_visit(
        request.user,
        household_id,
        checklist,
        severity=int(severity) if severity.isdigit() else 0,
        follow_up_on=parse_date(post.get("follow_up_on"), field="follow_up_on"),
        photo=request.FILES.get("file"),
    )
