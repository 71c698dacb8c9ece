"""The hotline's pages: the lists (open, at risk, overdue, escalated, closed), a ticket with
the steps offered on it, the month's figures and their workbook; the steps' forms are read
from ``steps.STEPS``. Callers' names and phones are shown masked. Refusals are shown above the
page the step returns to, naming the field."""

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

from doudi.accounts.jurisdiction import covers, has_permission, require
from doudi.accounts.roles import Permission
from doudi.dates import month_text, parse_month
from doudi.errors import DoudiError
from doudi.hotline import exports, queries, steps
from doudi.hotline.models import Category, Satisfaction, Source, Ticket
from doudi.hotline.services import STAFF_SOURCES
from doudi.notices.masking import mask_name, mask_phone
from doudi.regions.codes import Level
from doudi.regions.queries import place_choices
from doudi.spreadsheets import xlsx_response
from doudi.web.refusals import labelled_messages, refuse

PER_PAGE = 100
FIELD_LABELS = {
    "source": gettext_lazy("source"),
    "category": gettext_lazy("category"),
    "content": gettext_lazy("what the caller raised"),
    "township": gettext_lazy("township"),
    "household": gettext_lazy("household number"),
    "caller_name": gettext_lazy("caller's name"),
    "caller_phone": gettext_lazy("caller's phone"),
    "external_number": gettext_lazy("12345 ticket number"),
    "received_on": gettext_lazy("received"),
    "reason": gettext_lazy("reason"),
    "programme": gettext_lazy("programme"),
    "severity": gettext_lazy("severity"),
    "note": gettext_lazy("note"),
    "answer": gettext_lazy("answer given"),
    "satisfaction": gettext_lazy("caller's satisfaction"),
    "state": gettext_lazy("state"),
    "month": gettext_lazy("month"),
    "day": gettext_lazy("day"),
    "staff": gettext_lazy("on duty"),
    "hours": gettext_lazy("hours"),
}
LIST_LABELS = {
    "open": gettext_lazy("Not yet closed"),
    "at_risk": gettext_lazy("Due soon"),
    "overdue": gettext_lazy("Overdue"),
    "escalated": gettext_lazy("Escalated to the county"),
    "closed": gettext_lazy("Closed"),
    "all": gettext_lazy("All"),
}


def masked_caller(ticket: Ticket) -> str:
    shown = " ".join(p for p in (mask_name(ticket.caller_name) if ticket.caller_name else "",
                                 mask_phone(ticket.caller_phone)) if p)  # fmt: skip
    return shown or "—"


@login_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    chosen = request.GET.get("list", "open")
    chosen = chosen if chosen in queries.LISTS else "open"
    page = Paginator(queries.listed(user, chosen, today), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "hotline/list.html",
        {
            "tickets": page,
            "rows": [(t, masked_caller(t)) for t in page.object_list],
            "chosen": chosen,
            "lists": list(LIST_LABELS.items()),
            "steps": [s for s in steps.offered(user, steps.NOTHING) if s.name not in DUTY_STEPS],
            "sources": [(s.value, s.label) for s in Source if s in STAFF_SOURCES],
            "categories": Category.choices,
            "townships": place_choices(user, (Level.TOWNSHIP,)),
            "today": today,
            "at_risk_until": queries.at_risk_until(user, today),
        },
    )


@login_required
def ticket_detail(request: HttpRequest, ticket_id: int) -> HttpResponse:
    user = request.user
    ticket = queries.ticket(user, ticket_id)
    return render(
        request,
        "hotline/ticket.html",
        {
            "ticket": ticket,
            "caller": masked_caller(ticket),
            "reads_finding": has_permission(user, Permission.VIEW_SUPERVISION)
            and covers(user, ticket.region_id),
            "steps": steps.offered(user, steps.TICKET, ticket),
            "programmes": [(p.value, p.label) for p in steps.CASE_PROGRAMMES],
            "satisfactions": Satisfaction.choices,
            "townships": place_choices(user, (Level.TOWNSHIP,)),
            "today": timezone.localdate(),
        },
    )


def _month(request: HttpRequest):
    text = request.GET.get("month", "")
    if not text:
        return timezone.localdate().replace(day=1)
    return parse_month(text, field="month")


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    require(request.user, Permission.VIEW_HOTLINE)
    try:
        month = _month(request)
    except DoudiError as error:
        refuse(request, *labelled_messages(error, FIELD_LABELS))
        return redirect("hotline:figures")
    found = queries.monthly_figures(request.user, month, timezone.localdate())
    return render(
        request,
        "hotline/figures.html",
        {
            "figures": found,
            "by_category": queries.by_category(found),
            "month": month_text(month),
            "satisfactions": Satisfaction.choices,
        },
    )


@login_required
def figures_export(request: HttpRequest) -> HttpResponse:
    require(request.user, Permission.VIEW_HOTLINE)
    try:
        month = _month(request)
    except DoudiError as error:
        refuse(request, *labelled_messages(error, FIELD_LABELS))
        return redirect("hotline:figures")
    found = queries.monthly_figures(request.user, month, timezone.localdate())
    data = exports.figures_workbook(found, queries.by_category(found))
    return xlsx_response(data, f"hotline-{month_text(month)}.xlsx")


@login_required
def duty(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    return render(
        request,
        "hotline/duty.html",
        {
            "shifts": [
                (s, steps.offered(user, steps.SHIFT, s)) for s in queries.roster(user, today)
            ],
            "steps": [s for s in steps.offered(user, steps.NOTHING) if s.name == "schedule_duty"],
            "colleagues": queries.colleagues(user) if steps.offered(user, steps.NOTHING) else [],
            "today": today,
        },
    )


DUTY_STEPS = ("schedule_duty", "remove_duty")


@login_required
@require_POST
def take(request: HttpRequest, name: str, object_id: int | None = None) -> HttpResponse:
    try:
        result = steps.take(request.user, name, object_id, request.POST)
    except DoudiError as error:
        if error.http_status != 400:
            raise  # not permitted, or not found: answered as such by the middleware
        refuse(request, *labelled_messages(error, FIELD_LABELS))
        if name in DUTY_STEPS:
            return redirect("hotline:duty")
        if object_id is not None:
            return redirect("hotline:ticket", object_id)
        return redirect("hotline:list")
    if isinstance(result, int):
        messages.success(
            request, _("%(count)d tickets escalated to the county.") % {"count": result}
        )
        return redirect("hotline:list")
    messages.success(request, _("Done."))
    return redirect("hotline:ticket", result.pk)
