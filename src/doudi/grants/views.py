"""Grant pages: the list and defining one (with its preview), a grant's figures, approving it,
and generating its payroll for a county."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from doudi.accounts.jurisdiction import has_permission
from doudi.accounts.roles import Permission
from doudi.dates import month_text, parse_month, required_date
from doudi.errors import DoudiError
from doudi.grants import queries, services
from doudi.grants.models import BY_RULE, GrantState
from doudi.money import yuan_to_fen
from doudi.payroll import services as payroll_services
from doudi.payroll.models import PayrollProgramme
from doudi.regions.queries import place_choices, regions_visible_to
from doudi.web.refusals import field_errors

DEFINE_FIELDS = ("name", "programmes", "places", "in_force_on", "per", "amount", "reason")
PAY_FIELDS = ("month", "region")


def _refused(error: DoudiError, fields: tuple[str, ...]) -> dict[str, list[str]]:
    if error.http_status != 400:
        raise error  # not permitted, or not found: answered as such by the middleware
    return field_errors(error, fields)


@login_required
def grant_list(
    request: HttpRequest, errors: dict[str, list[str]] | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "grants/list.html",
        {
            "errors": errors,
            "values": request.POST if errors else {},
            "chosen": request.POST.getlist("programmes") if errors else [],
            "places": place_choices(request.user),
            "chosen_places": request.POST.getlist("places") if errors else [],
            "grants": queries.grants_visible_to(request.user)[:100],
            "can_define": has_permission(request.user, Permission.DEFINE_GRANTS),
            "programmes": services.MONTHLY,
            "labels": dict(PayrollProgramme.choices),
            "per": [(p.value, p.label) for p in BY_RULE],
            "today": timezone.localdate().isoformat(),
        },
        status=status,
    )


@login_required
@require_POST
def define(request: HttpRequest) -> HttpResponse:
    post = request.POST
    try:
        grant = services.define(
            request.user,
            name=post.get("name", ""),
            programmes=post.getlist("programmes"),
            places=[code for code in post.getlist("places") if code],
            in_force_on=required_date(post.get("in_force_on"), field="in_force_on"),
            per=post.get("per", ""),
            amount_fen=yuan_to_fen(post.get("amount", "")),
            reason=post.get("reason", ""),
        )
    except DoudiError as error:
        return grant_list(request, _refused(error, DEFINE_FIELDS), status=400)
    return redirect("grants:detail", grant.pk)


@login_required
def detail(
    request: HttpRequest,
    grant_id: int,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    grant = queries.grant_for(request.user, grant_id)
    approved = grant.state == GrantState.APPROVED
    # The page names the programmes and places; the grant keeps their codes.
    place_names = dict(
        regions_visible_to(request.user).filter(code__in=grant.places).values_list("code", "name")
    )
    return render(
        request,
        "grants/detail.html",
        {
            "grant": grant,
            "programme_names": [PayrollProgramme(p).label for p in grant.programmes],
            "place_names": [place_names.get(code, code) for code in grant.places],
            "payrolls": grant.payrolls.filter(
                region__code__startswith=request.user.jurisdiction_prefix
            ),
            "can_approve": not approved
            and has_permission(request.user, Permission.APPROVE_PAYROLL),
            "can_pay": approved and has_permission(request.user, Permission.PREPARE_PAYROLL),
            "places": regions_visible_to(request.user).filter(level="county"),
            "this_month": month_text(timezone.localdate()),
            "errors": errors,
            "values": request.POST if errors else {},
        },
        status=status,
    )


@login_required
@require_POST
def approve(request: HttpRequest, grant_id: int) -> HttpResponse:
    try:
        services.approve(request.user, grant_id)
    except DoudiError as error:
        return detail(request, grant_id, _refused(error, ()), status=400)
    return redirect("grants:detail", grant_id)


@login_required
@require_POST
def pay(request: HttpRequest, grant_id: int) -> HttpResponse:
    try:
        month = parse_month(request.POST.get("month"), field="month")
        payroll = payroll_services.generate(
            request.user,
            PayrollProgramme.ONE_OFF_GRANT,
            month,
            request.POST.get("region", ""),
            grant_id=grant_id,
        )
    except DoudiError as error:
        return detail(request, grant_id, _refused(error, PAY_FIELDS), status=400)
    return redirect("payroll:detail", payroll.pk)
