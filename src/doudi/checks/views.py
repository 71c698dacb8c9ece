"""The check report's page and its PDF, under the case. The county reads the report here and
records its conclusion, or the household's objection, through the case's own steps."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from doudi.cases import presentation as case_presentation
from doudi.cases.models import CheckResult
from doudi.cases.procedures import Action
from doudi.checks import pdf, presentation, queries


@login_required
def report_page(request: HttpRequest, case_id: int, report_id: int | None = None) -> HttpResponse:
    report = queries.report_for(request.user, case_id, report_id)
    case = report.data_check.case
    offered = set(case_presentation.available_steps(request.user, case))
    reports = queries.reports_of_case(request.user, case_id)
    # Steps are taken on the case's current check: offered on its latest report only.
    current = reports.first() == report
    unanswered = report.data_check.answered_on is None
    return render(
        request,
        "checks/report.html",
        {
            "case": case,
            "report": report,
            "shown": presentation.view(report),
            "reports": reports,
            "may_record": current and unanswered and Action.RECORD_CHECK in offered,
            "may_object": current and not unanswered and Action.OBJECT_TO_CHECK in offered,
            "initial": case_presentation.initial(case, Action.RECORD_CHECK),
            "results": CheckResult.choices,
            "objections": report.objections.select_related("recheck__report"),
        },
    )


@login_required
def report_pdf(request: HttpRequest, case_id: int, report_id: int) -> HttpResponse:
    report = queries.report_for(request.user, case_id, report_id)
    response = HttpResponse(pdf.render(report), content_type="application/pdf")
    number = report.data_check.case.file_number
    response["Content-Disposition"] = f'attachment; filename="{number}-check-{report.pk}.pdf"'
    return response
