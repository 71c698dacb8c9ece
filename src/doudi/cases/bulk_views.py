"""Pages of the bulk actions: the standard change (提标) — propose it from an evaluation run (or
evaluate now and propose), see its preview, approve it. They only call ``cases.bulk`` and the
evaluation service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doudi.cases import bulk
from doudi.dates import parse_month
from doudi.errors import DoudiError
from doudi.policy.batch import evaluate_all
from doudi.text import is_digits
from doudi.web.refusals import refuse

PREVIEW_ROWS = 200


@login_required
def standard_changes(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "cases/standard_changes.html",
        {
            "changes": bulk.changes_listed(request.user).select_related("run")[:50],
            "runs": bulk.runs_to_propose_from(request.user)[:20],
            "can_propose": bulk.may_propose(request.user),
        },
    )


@login_required
@require_POST
def propose(request: HttpRequest) -> HttpResponse:
    post = request.POST
    try:
        if post.get("run"):
            run_id = int(post["run"]) if is_digits(post["run"]) else 0
        else:
            month = parse_month(post.get("month", ""), field="month")
            bulk.require_may_propose(request.user)
            run_id = evaluate_all(request.user, month, place_code=request.user.region_id).pk
        change = bulk.propose_standard_change(request.user, run_id, reason=post.get("reason", ""))
    except DoudiError as error:
        if error.http_status != 400:
            raise
        refuse(request, error.render())
        return redirect("cases:standard_changes")
    return redirect("cases:standard_change", change_id=change.pk)


@login_required
def standard_change(request: HttpRequest, change_id: int) -> HttpResponse:
    preview = bulk.preview(request.user, change_id)
    return render(
        request,
        "cases/standard_change.html",
        {
            "preview": preview,
            "change": preview.change,
            "rows": preview.items[:PREVIEW_ROWS],
            "shown": PREVIEW_ROWS,
        },
    )


@login_required
@require_POST
def approve(request: HttpRequest, change_id: int) -> HttpResponse:
    try:
        bulk.approve_standard_change(request.user, change_id, reason=request.POST.get("reason", ""))
    except DoudiError as error:
        if error.http_status != 400:
            raise
        refuse(request, error.render())
    else:
        messages.success(request, _("The standard change was applied."))
    return redirect("cases:standard_change", change_id=change_id)
