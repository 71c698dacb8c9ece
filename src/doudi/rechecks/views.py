"""The re-check pages: the place's overdue and due lists, their Excel export, and the bulk
start; the allowances ending by the calendar and their export. They only call queries.py,
allowances.py, exports.py and services.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doudi.accounts.jurisdiction import has_permission
from doudi.accounts.roles import Permission
from doudi.dates import parse_month
from doudi.errors import DoudiError
from doudi.rechecks import allowances, exports, queries, services
from doudi.regions.queries import place_choices
from doudi.spreadsheets import xlsx_response
from doudi.web.refusals import labelled_messages, refuse

FIELD_LABELS = {"place": _("place")}


@login_required
def due(request: HttpRequest) -> HttpResponse:
    place = request.GET.get("place", "").strip()
    today = timezone.localdate()
    lists = queries.recheck_lists(request.user, place, today)
    return render(
        request,
        "rechecks/due.html",
        {
            "lists": lists,
            "today": today,
            "place": place,
            "places": place_choices(request.user),
            "query": urlencode({"place": place}) if place else "",
            "may_start": has_permission(request.user, Permission.START_RECHECKS),
            "to_start": sum(1 for row in lists.all if not row.open_case_id),
        },
    )


@login_required
def due_xlsx(request: HttpRequest) -> HttpResponse:
    place = request.GET.get("place", "").strip()
    today = timezone.localdate()
    data = exports.due_workbook(queries.recheck_lists(request.user, place, today), today)
    return xlsx_response(data, f"rechecks-{today:%Y-%m}.xlsx")


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    place = request.POST.get("place", "").strip()
    try:
        started = services.start_rechecks(request.user, place)
    except DoudiError as error:
        if error.http_status != 400:
            raise
        refuse(request, *labelled_messages(error, FIELD_LABELS))
    else:
        messages.success(request, _("Re-check cases started: %(count)s.") % {"count": len(started)})
    url = reverse("rechecks:due")
    return redirect(f"{url}?{urlencode({'place': place})}" if place else url)


def _ending(request: HttpRequest) -> tuple[str, allowances.EndingLists]:
    place = request.GET.get("place", "").strip()
    typed = request.GET.get("month", "").strip()
    month = parse_month(typed) if typed else None
    return place, allowances.ending_lists(request.user, place, month)


@login_required
def ending(request: HttpRequest) -> HttpResponse:
    place, lists = _ending(request)
    query = {"place": place, "month": f"{lists.month:%Y-%m}"}
    return render(
        request,
        "rechecks/ending.html",
        {
            "lists": lists,
            "place": place,
            "places": place_choices(request.user),
            "query": urlencode(query),
            "may_open": has_permission(request.user, Permission.SUBMIT_CASES),
        },
    )


@login_required
def ending_xlsx(request: HttpRequest) -> HttpResponse:
    _place, lists = _ending(request)
    return xlsx_response(
        exports.ending_workbook(lists), f"allowances-ending-{lists.month:%Y-%m}.xlsx"
    )
