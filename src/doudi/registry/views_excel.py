"""Pages of the Excel template, import and export. Each reads the request and calls a service."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import require
from doudi.accounts.roles import Permission
from doudi.errors import CellError, DoudiError, ValidationFailed
from doudi.jobs import services as jobs
from doudi.jobs.models import JobKind
from doudi.registry import excel, imports
from doudi.registry.queries import HouseholdFilter
from doudi.spreadsheets import MAX_XLSX_BYTES, XLSX_CONTENT_TYPE

MAX_WARNINGS_SHOWN = 20


def _workbook(content: bytes, filename: str) -> FileResponse:
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=filename,
        content_type=XLSX_CONTENT_TYPE,
    )


@login_required
def template_download(request: HttpRequest) -> FileResponse:
    return _workbook(excel.template_workbook(), "家庭信息导入模板.xlsx")


def _problem_rows(error: DoudiError) -> list[dict[str, object]]:
    """One table row per fault: sheet, row, column, and the fault without its place."""
    problems = error.problems if isinstance(error, ValidationFailed) else []
    rows = []
    for problem in problems:
        sheet, _bang, column = (
            problem.column.partition("!") if isinstance(problem, CellError) else ("", "", "")
        )
        rows.append(
            {
                "sheet": sheet,
                "row": getattr(problem, "row", ""),
                "column": column,
                "message": DoudiError.render(problem),
            }
        )
    return rows


@login_required
def household_import(request: HttpRequest) -> HttpResponse:
    """GET shows the upload form; POST imports the whole file or, refused, lists every fault."""
    require(request.user, Permission.IMPORT_HOUSEHOLDS)
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DoudiError(_("Choose a file."), field="file")
            # One byte past the limit is enough for the service to refuse a larger file.
            data = upload.read(MAX_XLSX_BYTES + 1)
            if jobs.in_background(data, MAX_XLSX_BYTES):  # parsed after the page answered
                job = jobs.enqueue(request.user, JobKind.HOUSEHOLD_IMPORT, data, upload.name or "")
                return redirect("jobs:detail", job.pk)
            summary = imports.import_households(request.user, data, upload.name or "")
        except DoudiError as refused:
            if refused.http_status != 400:
                raise
            error = refused
        else:
            for warning in summary.warnings[:MAX_WARNINGS_SHOWN]:
                messages.warning(request, warning.render())
            messages.success(request, summary.describe())
            return redirect("registry:list")
    return render(
        request,
        "registry/import.html",
        {
            "error": error.render() if error else "",
            "problems": _problem_rows(error) if error else [],
            "max_rows": excel.MAX_MEMBER_ROWS,
        },
        status=400 if error else 200,
    )


@login_required
def household_export(request: HttpRequest) -> FileResponse:
    """The list's filters by GET (name, place); an ID number only by POST, never in a URL."""
    source = request.POST if request.method == "POST" else request.GET
    wanted = HouseholdFilter(
        name=source.get("name", "").strip(),
        place=source.get("place", "").strip(),
        id_number=request.POST.get("id_number", "").strip(),
    )
    content = imports.export_households(request.user, wanted)
    return _workbook(content, f"家庭成员-{timezone.localdate().isoformat()}.xlsx")
