"""The warnings page: the open warnings of the user's places, the most urgent first, with the
daily run for those who run evaluations and the visit form for field workers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from doudi.accounts.jurisdiction import has_permission
from doudi.accounts.roles import Permission
from doudi.cases.procedures import CaseProgramme
from doudi.early_warning import queries, services, steps
from doudi.early_warning.models import Severity, SignalKind
from doudi.early_warning.presentation import describe, member_names
from doudi.errors import DoudiError
from doudi.money import yuan_to_fen
from doudi.web.refusals import labelled_messages, refuse
from doudi.window.models import Department

PER_PAGE = 100
FIELD_LABELS = {
    "household": gettext_lazy("household number"),
    "note": gettext_lazy("what was found or done"),
    "severity": gettext_lazy("severity"),
    "programme": gettext_lazy("programme"),
    "department": gettext_lazy("department"),
    "department_name": gettext_lazy("name of the department"),
    "requested_amount": gettext_lazy("amount asked for (yuan)"),
}


@login_required
def warning_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    kind = kind if kind in SignalKind.values else ""
    page = Paginator(queries.open_warnings(request.user, kind=kind), PER_PAGE).get_page(
        request.GET.get("page")
    )
    names = member_names(page.object_list)
    return render(
        request,
        "early_warning/list.html",
        {
            "warnings": page,
            "rows": [
                (w, describe(w, names), steps.offered(request.user, w)) for w in page.object_list
            ],
            "programmes": CaseProgramme.choices,
            "departments": Department.choices,
            "kind": kind,
            "kinds": SignalKind.choices,
            "severities": Severity.choices,
            "today": timezone.localdate(),
            "figures": queries.figures(request.user),
            "may_run": has_permission(request.user, Permission.RUN_EVALUATION),
            "may_visit": has_permission(request.user, Permission.EDIT_HOUSEHOLDS),
        },
    )


@login_required
@require_POST
def run(request: HttpRequest) -> HttpResponse:
    try:
        ran = services.run_daily(request.user, request.user.region_id)
    except DoudiError as error:
        refuse(request, *labelled_messages(error, FIELD_LABELS))
    else:
        messages.success(
            request,
            _("Run: %(raised)d warnings raised, %(merged)d signals merged into open ones.")
            % {"raised": sum(ran.raised.values()), "merged": ran.merged},
        )
    return redirect("early_warning:list")


@login_required
@require_POST
def raise_from_visit(request: HttpRequest) -> HttpResponse:
    try:
        household = _integer(request.POST.get("household", ""), "household")
        severity = _integer(request.POST.get("severity", ""), "severity")
        services.raise_from_visit(request.user, household, severity, request.POST.get("note", ""))
    except DoudiError as error:
        refuse(request, *labelled_messages(error, FIELD_LABELS))
    else:
        messages.success(request, _("The warning is raised; the township handles it."))
    return redirect("early_warning:list")


@login_required
@require_POST
def handle(request: HttpRequest, warning_id: int, name: str) -> HttpResponse:
    try:
        data = request.POST.dict()
        if data.get("requested_amount", "").strip():  # the page takes yuan, the service fen
            data["requested_amount_fen"] = yuan_to_fen(
                data["requested_amount"], field="requested_amount"
            )
        steps.take(request.user, warning_id, name, data)
    except DoudiError as error:
        refuse(request, *labelled_messages(error, FIELD_LABELS))
    else:
        messages.success(request, _("Done."))
    return redirect("early_warning:list")


def _integer(text: str, field: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise DoudiError(_("Give a whole number."), field=field) from None
