"""Payroll pages: the list and generating one; a payroll with its lines, figures and the step
the user's role may take; the bank's files; who was left out and what is to be recovered;
budgets. Views only call services and queries."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from doudi.accounts.jurisdiction import has_permission, require
from doudi.accounts.roles import Permission
from doudi.audit.anchors import anchor_for_report
from doudi.dates import month_text, parse_month
from doudi.errors import DoudiError
from doudi.jobs import services as jobs
from doudi.jobs.models import JobKind
from doudi.money import fen_to_yuan, yuan_to_fen
from doudi.payroll import exports, queries, services
from doudi.payroll.funds import budget_after
from doudi.payroll.models import Payroll, PayrollProgramme, PayrollState
from doudi.payroll.steps import STEPS
from doudi.regions.queries import regions_visible_to
from doudi.spreadsheets import MAX_XLSX_BYTES, XLSX_CONTENT_TYPE, xlsx_response
from doudi.text import is_digits
from doudi.web.refusals import labelled_messages, refuse

MONTHLY = [c for c in PayrollProgramme.choices if c[0] != PayrollProgramme.ONE_OFF_GRANT]
NEXT_STEP = {
    PayrollState.GENERATED: ("submit", Permission.PREPARE_PAYROLL),
    PayrollState.RETURNED: ("submit", Permission.PREPARE_PAYROLL),
    PayrollState.SUBMITTED: ("approve", Permission.APPROVE_PAYROLL),
    PayrollState.APPROVED: ("send", Permission.BANK_TRANSFER),
    PayrollState.SENT: ("reconcile", Permission.BANK_TRANSFER),
}
# What each step did, said back to whoever took it.
DONE = {
    "generate": _("Payroll %(number)s was generated: %(lines)d lines, %(total)s yuan."),
    "submit": _("Payroll %(number)s was submitted to finance."),
    "approve": _("Payroll %(number)s was approved for payment."),
    "return": _("Payroll %(number)s was returned to civil affairs with your reason."),
    "send": _("Payroll %(number)s: the bank file was taken; the payroll is sent to the bank."),
    "reconcile": _(
        "Payroll %(number)s was reconciled: %(paid)s yuan paid, %(failed)s yuan failed."
    ),
}


def _done(request: HttpRequest, step: str, payroll: Payroll) -> None:
    messages.success(
        request,
        DONE[step]
        % {
            "number": payroll.number,
            "lines": payroll.line_count,
            "total": fen_to_yuan(payroll.total_fen),
            "paid": fen_to_yuan(payroll.paid_fen),
            "failed": fen_to_yuan(payroll.failed_fen),
        },
    )


def _year(text: str) -> int:
    if not is_digits(text):
        raise DoudiError(_("“%(value)s” is not a year."), field="year", value=text)
    return int(text)


@login_required
def payroll_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request)


def _list_page(request: HttpRequest, refused: services.NobodyToPay | None = None) -> HttpResponse:
    """The payrolls, the form to generate one and, when generating was refused, who was left
    out and why."""
    page = Paginator(queries.payrolls_visible_to(request.user), 50).get_page(
        request.GET.get("page")
    )
    can_prepare = has_permission(request.user, Permission.PREPARE_PAYROLL)
    return render(
        request,
        "payroll/list.html",
        {
            "page": page,
            "can_prepare": can_prepare,
            "can_see_funds": has_permission(request.user, Permission.VIEW_FUNDS),
            "programmes": MONTHLY,
            "places": regions_visible_to(request.user).filter(level="county")
            if can_prepare
            else [],
            "this_month": month_text(timezone.localdate()),
            "typed": request.POST if refused else {},
            "refused": refused,
        },
        status=400 if refused else 200,
    )


# The Chinese name of each input of the payroll forms, put before a refusal that names it.
FIELD_LABELS = {
    "programme": _("programme"),
    "month": _("month"),
    "region": _("place"),
    "year": _("year"),
    "amount": _("amount (yuan)"),
    "reason": _("reason"),
    "over_budget_reason": _("reason for exceeding the budget"),
    "file": _("the bank's result file"),
}


def _refused(request: HttpRequest, error: DoudiError) -> None:
    refuse(request, *labelled_messages(error, FIELD_LABELS))


@login_required
@require_POST
def generate(request: HttpRequest) -> HttpResponse:
    try:
        payroll = services.generate(
            request.user,
            request.POST.get("programme", ""),
            parse_month(request.POST.get("month", "")),
            request.POST.get("region", ""),
        )
    except services.NobodyToPay as error:
        # Who was left out, and why, in a table under the form (not the first twenty as
        # messages).
        messages.error(request, error.render())
        return _list_page(request, refused=error)
    except DoudiError as error:
        _refused(request, error)
        return redirect("payroll:list")
    _done(request, "generate", payroll)
    return redirect("payroll:detail", payroll.pk)


@login_required
def detail(request: HttpRequest, payroll_id: int) -> HttpResponse:
    payroll = queries.payroll_for(request.user, payroll_id)
    lines = Paginator(queries.lines_of(request.user, payroll_id).select_related("region"), 100)
    step, permission = NEXT_STEP.get(PayrollState(payroll.state), (None, None))
    return render(
        request,
        "payroll/detail.html",
        {
            "payroll": payroll,
            "lines": lines.get_page(request.GET.get("page")),
            "report": queries.report(queries.lines_of(request.user, payroll_id)),
            "step": step if permission and has_permission(request.user, permission) else None,
            "can_download": has_permission(request.user, Permission.BANK_TRANSFER)
            and payroll.state in (PayrollState.APPROVED, PayrollState.SENT),
            "can_return": payroll.state == PayrollState.SUBMITTED
            and has_permission(request.user, STEPS["return"][0]),
            "budget_left": budget_after(payroll)
            if payroll.state
            in (PayrollState.GENERATED, PayrollState.RETURNED, PayrollState.SUBMITTED)
            else None,
            "left_out": None
            if payroll.grant_id
            else queries.left_out(
                request.user,
                payroll.programme,
                payroll.month,
                payroll.region_id,
                payroll_id=payroll.pk,
            ),
        },
    )


@login_required
@require_POST
def step(request: HttpRequest, payroll_id: int, name: str) -> HttpResponse:
    try:
        if name == "submit":
            payroll = services.submit(request.user, payroll_id)
        elif name == "approve":
            payroll = services.approve(
                request.user,
                payroll_id,
                over_budget_reason=request.POST.get("over_budget_reason", ""),
            )
        elif name == "return":
            payroll = services.return_to_civil_affairs(
                request.user, payroll_id, reason=request.POST.get("reason", "")
            )
        elif name == "reconcile":
            upload = request.FILES.get("file")
            if upload is None:
                raise DoudiError(_("Upload a CSV or XLSX file."), field="file")
            file_format = upload.name.rsplit(".", 1)[-1].lower()
            # A file past the limit is refused by its size: no need to read all of it.
            data = upload.read(MAX_XLSX_BYTES + 1)
            if jobs.in_background(data, MAX_XLSX_BYTES):  # read after the page answered
                payroll = queries.payroll_for(request.user, payroll_id)
                require(request.user, STEPS["reconcile"][0], payroll.region_id)
                job = jobs.enqueue(
                    request.user,
                    JobKind.BANK_RESULT,
                    data,
                    upload.name,
                    {"payroll_id": payroll_id, "file_format": file_format},
                )
                return redirect("jobs:detail", job.pk)
            payroll = services.reconcile(request.user, payroll_id, data, file_format)
        else:
            raise DoudiError(_("Unknown step."), field="step")
    except DoudiError as error:
        _refused(request, error)
    else:
        _done(request, name, payroll)
    return redirect("payroll:detail", payroll_id)


@login_required
def bank_file(request: HttpRequest, payroll_id: int, file_format: str) -> HttpResponse:
    data = services.bank_file(request.user, payroll_id, file_format)
    # Shown when the user comes back to the payroll's page, which now reads "sent".
    _done(request, "send", queries.payroll_for(request.user, payroll_id))
    content_type = "text/csv; charset=utf-8" if file_format == "csv" else XLSX_CONTENT_TYPE
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="payroll-{payroll_id}.{file_format}"'
    return response


@login_required
def report_workbook(request: HttpRequest, payroll_id: int) -> HttpResponse:
    payroll = queries.payroll_for(request.user, payroll_id)
    data = exports.report_workbook(
        payroll.number,
        queries.report(queries.lines_of(request.user, payroll_id)),
        anchor_for_report(),
    )
    return xlsx_response(data, f"report-{payroll_id}.xlsx")


@login_required
def follow_up(request: HttpRequest) -> HttpResponse:
    """Who a month's payroll leaves out, and what is to be recovered."""
    require(request.user, Permission.VIEW_PAYROLLS)
    month = request.GET.get("month") or month_text(timezone.localdate())
    programme = request.GET.get("programme") or PayrollProgramme.MINIMUM_LIVING
    place = request.user.region_id
    return render(
        request,
        "payroll/follow_up.html",
        {
            "month": month,
            "programme": programme,
            "programmes": MONTHLY,
            "left_out": queries.left_out(
                request.user, programme, parse_month(month), place, count_paid=False
            ),
            "recoveries": queries.recoveries(request.user, place)[:500],
        },
    )


@login_required
def budgets(request: HttpRequest) -> HttpResponse:
    require(request.user, Permission.VIEW_FUNDS)
    if request.method == "POST":
        try:
            services.set_budget(
                request.user,
                request.POST.get("programme", ""),
                _year(request.POST.get("year", "")),
                request.POST.get("region", ""),
                yuan_to_fen(request.POST.get("amount", ""), field="amount"),
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, _("The budget was saved."))
        except DoudiError as error:
            _refused(request, error)
        return redirect("payroll:budgets")
    return render(
        request,
        "payroll/budgets.html",
        {
            "rows": queries.budgets_visible_to(request.user),
            "can_set": has_permission(request.user, Permission.SET_BUDGETS),
            "programmes": PayrollProgramme.choices,
            "places": regions_visible_to(request.user).filter(level="county"),
            "year": timezone.localdate().year,
        },
    )
