"""Pages of the one window. Each reads the request, calls a query or a service, renders."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from doudi.accounts.jurisdiction import has_permission, require
from doudi.accounts.roles import Permission
from doudi.cases.procedures import CaseProgramme, Channel
from doudi.dates import month_text, parse_date
from doudi.errors import DoudiError, ValidationFailed
from doudi.identity.numbers import ID_NUMBER_PATTERN
from doudi.money import yuan_to_fen
from doudi.regions.codes import Level
from doudi.regions.queries import hukou_place_choices, regions_visible_to
from doudi.text import is_digits
from doudi.window import queries, services
from doudi.window.models import Department, Route

NEED_ROWS = 5
NEED_FIELDS = (
    "route",
    "description",
    "programme",
    "member_id",
    "requested_amount",
    "department",
    "department_name",
    "result",
)


def _errors(error: DoudiError) -> dict[str, str]:
    """Each problem's message under its field name, first one kept."""
    problems = error.problems if isinstance(error, ValidationFailed) else [error]
    errors: dict[str, str] = {}
    for problem in problems:
        errors.setdefault(problem.field or "form", problem.render())
    return errors


# ------------------------------------------------------------------------------------ intakes


@login_required
def intake_list(
    request: HttpRequest, found: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    intakes = queries.intakes_visible_to(request.user)
    page = Paginator(intakes, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "window/list.html",
        {
            "page": page,
            "can_submit": has_permission(request.user, Permission.SUBMIT_CASES),
            **(found or {}),
        },
        status=status,
    )


@login_required
@require_POST
def intake_pick(request: HttpRequest) -> HttpResponse:
    """Find the household an intake is for, by file number (档案号), a member's name or ID
    number — posted, so that an ID number never shows in a URL. One found: its intake form;
    several: the choice; none: the refusal, with the name typed still in the field."""
    require(request.user, Permission.SUBMIT_CASES)
    typed = request.POST.get("household", "").strip()
    if not typed:
        error = _("Enter the household's file number, a member's name or ID number.")
        return intake_list(request, {"find_error": error}, status=400)
    found = queries.households_found(request.user, typed)
    if len(found) == 1:
        return redirect("window:new", household_id=found[0].household.pk)
    # What was typed comes back in the field, an ID number excepted: it is not echoed in a page.
    shown = "" if ID_NUMBER_PATTERN.fullmatch(typed) else typed
    if not found:
        error = (
            _("No household of your area matches “%(typed)s”.") % {"typed": shown}
            if shown
            else _("No household of your area has a member with this ID number.")
        )
        return intake_list(request, {"find_error": error, "typed": shown}, status=400)
    return intake_list(request, {"found": found, "typed": shown})


def _need_rows(post) -> tuple[list[dict[str, Any]], list[int], list[DoudiError]]:
    """The filled rows of the form as the service's needs, their row numbers, and faults in
    amounts (converted to fen here, where yuan are typed)."""
    needs, rows, faults = [], [], []
    for row in range(NEED_ROWS):
        values = {name: post.get(f"need-{row}-{name}", "").strip() for name in NEED_FIELDS}
        if not values["route"] and not values["description"]:
            continue
        index = len(needs)
        need: dict[str, Any] = {
            key: values[key]
            for key in (
                "route",
                "description",
                "programme",
                "department",
                "department_name",
                "result",
            )
        }
        need["member_id"] = int(values["member_id"]) if is_digits(values["member_id"]) else None
        try:
            need["requested_amount_fen"] = (
                yuan_to_fen(values["requested_amount"], field=f"needs[{index}].requested_amount")
                if values["requested_amount"]
                else None
            )
        except DoudiError as fault:
            faults.append(fault)
        needs.append(need)
        rows.append(row)
    return needs, rows, faults


def _by_row(errors: dict[str, str], rows: list[int]) -> dict[str, str]:
    """Rename ``needs[i].field`` (i counting filled rows) to ``need-ROW-field`` of the form."""

    def rename(field: str) -> str:
        found = re.fullmatch(r"needs\[(\d+)\](?:\.(\w+))?", field)
        if not found or int(found.group(1)) >= len(rows):
            return field
        return f"need-{rows[int(found.group(1))]}-{found.group(2) or 'route'}"

    return {rename(field): message for field, message in errors.items()}


def _intake_context(household, post, errors: dict[str, str]) -> dict[str, Any]:
    values = post or {}
    return {
        "household": household,
        "errors": errors,
        "values": values,
        "rows": [
            {
                "number": row + 1,
                "prefix": f"need-{row}-",
                "values": {name: values.get(f"need-{row}-{name}", "") for name in NEED_FIELDS},
                "errors": {name: errors.get(f"need-{row}-{name}", "") for name in NEED_FIELDS},
            }
            for row in range(NEED_ROWS)
        ],
        "routes": Route.choices,
        "programmes": CaseProgramme.choices,
        "departments": Department.choices,
        "channels": Channel.choices,
    }


@login_required
def intake_create(request: HttpRequest, household_id: int) -> HttpResponse:
    """One form for every need the household brings (一门受理)."""
    require(request.user, Permission.SUBMIT_CASES)
    household = queries.household_for_intake(request.user, household_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        post = request.POST
        needs, rows, faults = _need_rows(post)
        try:
            if faults:
                raise ValidationFailed(
                    gettext_lazy("The intake was not recorded."), problems=faults
                )
            intake = services.record_intake(
                request.user,
                household.pk,
                channel=post.get("channel", ""),
                needs=needs,
                note=post.get("note", ""),
                proxy_name=post.get("proxy_name", ""),
                authorisation_signed_on=parse_date(
                    post.get("authorisation_signed_on"), field="authorisation_signed_on"
                ),
                hukou_region_code=post.get("hukou_region_code", "").strip(),
            )
        except DoudiError as error:
            if error.http_status != 400:
                raise
            errors = _by_row(_errors(error), rows)
        else:
            messages.success(request, _("The intake was recorded."))
            return redirect("window:detail", intake_id=intake.pk)
    return render(
        request,
        "window/create.html",
        {
            **_intake_context(household, request.POST if errors else None, errors),
            "hukou_places": hukou_place_choices(request.user),
        },
        status=400 if errors else 200,
    )


@login_required
def intake_detail(request: HttpRequest, intake_id: int) -> HttpResponse:
    intake = queries.intake_for(request.user, intake_id)
    return render(
        request,
        "window/detail.html",
        {
            "intake": intake,
            "needs": intake.needs.all(),
            "today": timezone.localdate(),
            "can_submit": has_permission(request.user, Permission.SUBMIT_CASES),
            "can_answer": has_permission(request.user, Permission.HANDLE_CASES),
        },
    )


# ---------------------------------------------------------------------------------- referrals


@login_required
def referral_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "window/referrals.html",
        {
            "referrals": queries.open_referrals(request.user),
            "today": timezone.localdate(),
            "can_answer": has_permission(request.user, Permission.HANDLE_CASES),
        },
    )


@login_required
@require_POST
def referral_answer(request: HttpRequest, need_id: int) -> HttpResponse:
    """Record a department's answer; a refusal is shown by the refusal page."""
    services.answer_referral(
        request.user,
        need_id,
        answer=request.POST.get("answer", ""),
        answered_on=parse_date(request.POST.get("answered_on"), field="answered_on")
        or timezone.localdate(),
    )
    messages.success(request, _("The answer was recorded."))
    return redirect("window:referrals")


# --------------------------------------------------------------------------------- statistics


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    """A month's window figures by township within a chosen place."""
    month = request.GET.get("month") or month_text(timezone.localdate())
    place = request.GET.get("place") or request.user.region_id
    rows = queries.window_statistics(request.user, place, month)
    places = (
        regions_visible_to(request.user)
        .filter(
            Q(level__in=(Level.CITY, Level.COUNTY, Level.TOWNSHIP)) | Q(code=request.user.region_id)
        )
        .order_by("code")
    )
    return render(
        request,
        "window/statistics.html",
        {
            "rows": rows,
            "total": queries.total_of(rows, place, _("Total")),
            "month": month,
            "place": place,
            "places": places,
        },
    )
