"""The county's page of departments' deliveries (部门数据): the list, and the upload of one
delivery. Each view reads the request and calls a service or a query."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import has_permission
from doudi.accounts.roles import Permission
from doudi.errors import CellError, DoudiError, ValidationFailed
from doudi.sources.contracts import SOURCES
from doudi.sources.queries import visible_deliveries
from doudi.sources.services import deliver

# A department's export of a county runs to tens of megabytes; a city's larger files go by
# the command line (doudi sources load).
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
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
            if upload.size > MAX_UPLOAD_BYTES:
                raise DoudiError(
                    _("The file is larger than %(max)d MB; load it with doudi sources load."),
                    field="file",
                    max=MAX_UPLOAD_BYTES // 2**20,
                )
            version = request.POST.get("version", "").strip()
            delivery = deliver(
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
            messages.success(
                request,
                f"已接收数据交付 {delivery.pk}：{delivery.department}，{delivery.rows} 行，"
                f"其中 {delivery.rows_without_valid_id} 行无有效身份证号。",
            )
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
        },
        status=400 if error else 200,
    )
