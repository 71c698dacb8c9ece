"""The county's page of departments' deliveries (部门数据): the list, and the upload of one
delivery — read while the page waits, or, above the background size, by a job whose page then
follows it. Each view reads the request and calls a service or a query."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import has_permission
from doudi.accounts.roles import Permission
from doudi.errors import CellError, DoudiError, ValidationFailed
from doudi.jobs.models import Job
from doudi.sources.contracts import SOURCES
from doudi.sources.queries import visible_deliveries
from doudi.sources.services import check_upload_size, describe_delivery, receive

LISTED = 100


def _problem_rows(error: DoudiError) -> list[dict[str, object]]:
    problems = error.problems if isinstance(error, ValidationFailed) else [error]
    return [
        {
            "row": problem.row if isinstance(problem, CellError) else "",
            "column": problem.column if isinstance(problem, CellError) else "",
            "message": DoudiError.render(problem),
        }
        for problem in problems
    ]


def _date(text: str) -> datetime.date | None:
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise DoudiError(_("Give the data's date as YYYY-MM-DD."), field="delivered_on") from None


@login_required
def deliveries(request: HttpRequest) -> HttpResponse:
    """GET lists the deliveries the user sees; POST takes one delivery whole or lists every
    fault."""
    listed = visible_deliveries(request.user)[:LISTED]  # refuses a role without the right
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DoudiError(_("Choose a file."), field="file")
            check_upload_size(upload.size)
            version = request.POST.get("version", "").strip()
            # A large file is read after the page answered, by a job whose page follows it.
            received = receive(
                request.user,
                request.POST.get("source", ""),
                upload.read(),
                upload.name or "",
                version=int(version) if version.isdigit() else None,
                delivered_on=_date(request.POST.get("delivered_on", "").strip()),
            )
        except DoudiError as refused:
            if refused.http_status != 400:
                raise
            error = refused
        else:
            if isinstance(received, Job):
                return redirect("jobs:detail", received.pk)
            messages.success(request, describe_delivery(received))
            return redirect("sources:deliveries")
    return render(
        request,
        "sources/deliveries.html",
        {
            "deliveries": listed,
            "sources": SOURCES.values(),
            "may_load": has_permission(request.user, Permission.LOAD_DEPARTMENT_DATA),
            "error": error.render() if error else "",
            "problems": _problem_rows(error) if error else [],
            "chosen": request.POST.get("source", ""),
            "background_kb": settings.IMPORT_BACKGROUND_BYTES // 1024,
        },
        status=400 if error else 200,
    )
