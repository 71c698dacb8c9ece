"""The monitored population's page: counts by category, the entries (filtered, paginated), the
refresh for those who run evaluations, reporting and removing a household at risk, the Excel
export. Each view reads the request and calls a service or a query."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from doudi.accounts.jurisdiction import has_permission
from doudi.accounts.roles import Permission
from doudi.errors import DoudiError
from doudi.monitoring import exports, queries, services
from doudi.monitoring.models import EntrySource, MonitoredCategory
from doudi.regions.queries import place_choices
from doudi.spreadsheets import xlsx_response
from doudi.web.refusals import labelled_messages, refuse

PER_PAGE = 100
FIELD_LABELS = {
    "place": gettext_lazy("place"),
    "household": gettext_lazy("household number"),
    "reason": gettext_lazy("reason"),
    "entry": gettext_lazy("entry"),
    "day": gettext_lazy("day"),
}


def _refused(request: HttpRequest, error: DoudiError) -> None:
    refuse(request, *labelled_messages(error, FIELD_LABELS))


def _wanted(request: HttpRequest) -> dict[str, object]:
    category = request.GET.get("category", "")
    return {
        "category": category if category in MonitoredCategory.values else "",
        "place": request.GET.get("place", ""),
        "current": request.GET.get("all") != "1",
    }


def _entries(request: HttpRequest):
    wanted = _wanted(request)
    try:
        return wanted, queries.entries(request.user, **wanted)
    except DoudiError as error:
        _refused(request, error)
        wanted["place"] = ""
        return wanted, queries.entries(request.user, **wanted)


@login_required
def population(request: HttpRequest) -> HttpResponse:
    wanted, entries = _entries(request)
    user = request.user
    return render(
        request,
        "monitoring/population.html",
        {
            "counts": queries.counts(user),
            "households": queries.households_monitored(user),
            "entries": Paginator(entries, PER_PAGE).get_page(request.GET.get("page")),
            "wanted": wanted,
            "categories": MonitoredCategory.choices,
            "places": place_choices(user),
            "may_refresh": has_permission(user, Permission.RUN_EVALUATION),
            "may_manage": has_permission(user, Permission.MANAGE_MONITORING),
            "reported": EntrySource.REPORTED,
        },
    )


@login_required
def population_xlsx(request: HttpRequest) -> HttpResponse:
    _wanted_now, entries = _entries(request)
    return xlsx_response(exports.population_workbook(entries), "monitored-households.xlsx")


@login_required
@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    try:
        done = services.refresh(request.user, request.user.region_id)
    except DoudiError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("Brought up to date: %(entered)d households entered, %(left)d left.")
            % {"entered": sum(done.entered.values()), "left": sum(done.left.values())},
        )
    return redirect("monitoring:population")


def _number(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise DoudiError(_("Give the household's number."), field="household") from None


@login_required
@require_POST
def report_risk(request: HttpRequest) -> HttpResponse:
    try:
        household_id = _number(request.POST.get("household", ""))
        services.report_risk(request.user, household_id, request.POST.get("reason", ""))
    except DoudiError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The household is now monitored as at risk."))
    return redirect("monitoring:population")


@login_required
@require_POST
def remove(request: HttpRequest, entry_id: int) -> HttpResponse:
    try:
        services.remove(request.user, entry_id, request.POST.get("reason", ""))
    except DoudiError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The household is no longer monitored as at risk."))
    return redirect("monitoring:population")
