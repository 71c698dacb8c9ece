"""Pages of the bulk actions: the standard change (提标) — propose it from an evaluation run (or
evaluate now and propose), its preview computed in the background (cases.previews) and followed
on its page, approve it. They only call ``cases.bulk``, ``cases.previews`` and the queries."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doudi.cases import bulk, previews, queries
from doudi.dates import parse_month
from doudi.errors import DoudiError
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
            "previews": queries.previews_visible_to(request.user)[:20]
            if bulk.may_propose(request.user)
            else [],
        },
    )


@login_required
@require_POST
def propose(request: HttpRequest) -> HttpResponse:
    """Start the preview in the background and follow it on its page."""
    post = request.POST
    reason = post.get("reason", "")
    try:
        if post.get("run"):
            run_id = int(post["run"]) if is_digits(post["run"]) else 0
            preview = previews.start_preview(request.user, reason=reason, run_id=run_id)
        else:
            month = parse_month(post.get("month", ""), field="month")
            preview = previews.start_preview(request.user, reason=reason, month=month)
    except DoudiError as error:
        if error.http_status != 400:
            raise
        refuse(request, error.render())
        return redirect("cases:standard_changes")
    return redirect("cases:standard_change_preview", preview_id=preview.pk)


@login_required
def change_preview(request: HttpRequest, preview_id: int) -> HttpResponse:
    """The preview's progress while it is computed, why it failed; once done, the change."""
    preview = queries.preview_for(request.user, preview_id)
    if preview.change_id is not None:
        return redirect("cases:standard_change", change_id=preview.change_id)
    return render(request, "cases/change_preview.html", {"preview": preview})


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
