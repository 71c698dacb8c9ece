"""Medical assistance pages: the claims of a year with its figures (the annual caps in
effect), the hospital settlements and premium-subsidy lists; a claim with its insurance chain and
the person's claims of the year; the settlement file's upload; the steps' forms read from
``steps.STEPS``; and the Excel exports. Refusals are shown above the page the step returns to,
naming the field."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from doudi.accounts.jurisdiction import has_permission, require
from doudi.accounts.roles import Permission
from doudi.errors import DoudiError
from doudi.grants.models import Grant
from doudi.medical import exports, queries, services, settlement_file, steps
from doudi.medical.models import Claim, ClaimKind, ClaimState, PaidTo, PremiumList
from doudi.money import yuan_to_fen
from doudi.spreadsheets import xlsx_response
from doudi.web.refusals import labelled_messages, refuse

FIELD_LABELS = {
    "id_number": gettext_lazy("ID number"),
    "settlement_number": gettext_lazy("settlement number"),
    "settled_on": gettext_lazy("settled on"),
    "kind": gettext_lazy("kind of claim"),
    "hospital": gettext_lazy("hospital"),
    "paid_to": gettext_lazy("paid to"),
    "total_cost": gettext_lazy("total cost (yuan)"),
    "basic": gettext_lazy("basic insurance (yuan)"),
    "critical": gettext_lazy("critical-illness insurance (yuan)"),
    "supplementary": gettext_lazy("supplementary insurance (yuan)"),
    "total_cost_fen": gettext_lazy("total cost (yuan)"),
    "basic_fen": gettext_lazy("basic insurance (yuan)"),
    "critical_fen": gettext_lazy("critical-illness insurance (yuan)"),
    "supplementary_fen": gettext_lazy("supplementary insurance (yuan)"),
    "reason": gettext_lazy("reason"),
    "note": gettext_lazy("note"),
    "year": gettext_lazy("year"),
    "state": gettext_lazy("state"),
    "file": gettext_lazy("settlement file"),
    "shares": gettext_lazy("list"),
}
# The pages take yuan; the steps (and the API) take fen.
YUAN_FIELDS = {
    "total_cost": "total_cost_fen",
    "basic": "basic_fen",
    "critical": "critical_fen",
    "supplementary": "supplementary_fen",
}


def _year(request: HttpRequest) -> int:
    text = request.GET.get("year", "")
    this_year = timezone.localdate().year
    return int(text) if text.isdigit() and 2000 <= int(text) <= this_year + 1 else this_year


@login_required
def claim_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    year = _year(request)
    state, kind = request.GET.get("state", ""), request.GET.get("kind", "")
    claims = queries.filtered(user, year=year, state=state, kind=kind)
    return render(
        request,
        "medical/list.html",
        {
            "year": year,
            "state": state,
            "kind": kind,
            "states": ClaimState.choices,
            "kinds": ClaimKind.choices,
            "payees": PaidTo.choices,
            "figures": queries.year_figures(user, year),
            "claims": claims[:200],
            "claim_count": claims.count(),
            "settlements": queries.settlements_visible_to(user)[:50],
            "premium_lists": queries.premium_lists_visible_to(user)[:20],
            "steps": steps.offered(user, steps.NOTHING),
            "may_import": has_permission(user, Permission.RECORD_MEDICAL_CLAIMS),
            "today": timezone.localdate().isoformat(),
            "next_year": timezone.localdate().year + 1,
        },
    )


@login_required
def claim_detail(request: HttpRequest, claim_id: int) -> HttpResponse:
    user = request.user
    claim = queries.claim_for(user, claim_id)
    return render(
        request,
        "medical/claim.html",
        {
            "claim": claim,
            "year_claims": queries.claims_of_person(user, claim).order_by("id"),
            "steps": steps.offered(user, steps.CLAIM, claim),
        },
    )


@login_required
def settlement_detail(request: HttpRequest, settlement_id: int) -> HttpResponse:
    settlement = queries.settlement_for(request.user, settlement_id)
    return render(
        request,
        "medical/settlement.html",
        {
            "settlement": settlement,
            "claims": queries.settlement_claims(request.user, settlement)[:1000],
        },
    )


@login_required
def premium_detail(request: HttpRequest, list_id: int) -> HttpResponse:
    premium_list = queries.premium_list_for(request.user, list_id)
    entries = queries.premium_entries(request.user, premium_list)
    return render(
        request,
        "medical/premium.html",
        {
            "premium_list": premium_list,
            "entries": entries[:500],
            "may_download": has_permission(request.user, Permission.APPROVE_MEDICAL_CLAIMS),
        },
    )


def _page_data(request: HttpRequest):
    data = request.POST.copy()
    for typed, fen in YUAN_FIELDS.items():
        if data.get(typed, "").strip():
            data[fen] = str(yuan_to_fen(data[typed], field=typed))
    return data


def _back(result: object) -> HttpResponse:
    if isinstance(result, Claim):
        return redirect("medical:claim", result.pk)
    if isinstance(result, PremiumList):
        return redirect("medical:premium", result.pk)
    if isinstance(result, Grant):
        return redirect("grants:detail", result.pk)
    return redirect("medical:list")


@login_required
@require_POST
def take(request: HttpRequest, name: str, object_id: int | None = None) -> HttpResponse:
    try:
        result = steps.take(request.user, name, object_id, _page_data(request))
    except DoudiError as error:
        if error.http_status != 400:
            raise  # not permitted, or not found: answered as such by the middleware
        refuse(request, *labelled_messages(error, FIELD_LABELS))
        if object_id is not None:
            return redirect("medical:claim", object_id)
        return redirect("medical:list")
    messages.success(request, _("Done."))
    return _back(result)


@login_required
@require_POST
def import_file(request: HttpRequest) -> HttpResponse:
    require(request.user, Permission.RECORD_MEDICAL_CLAIMS)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise DoudiError(_("Choose the settlement file."), field="file")
        claims = services.import_claims(request.user, settlement_file.read(upload.read()))
    except DoudiError as error:
        if error.http_status != 400:
            raise
        refuse(request, *labelled_messages(error, FIELD_LABELS))
        return redirect("medical:list")
    messages.success(request, _("%(count)d claims imported.") % {"count": len(claims)})
    return redirect("medical:list")


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    require(request.user, Permission.RECORD_MEDICAL_CLAIMS)
    return xlsx_response(settlement_file.template(), "settlement-template.xlsx")


@login_required
def claims_export(request: HttpRequest) -> HttpResponse:
    user = request.user
    year = _year(request)
    claims = queries.filtered(
        user, year=year, state=request.GET.get("state", ""), kind=request.GET.get("kind", "")
    ).order_by("settled_on", "id")
    data = exports.claims_workbook(year, queries.year_figures(user, year), claims)
    return xlsx_response(data, f"medical-claims-{year}.xlsx")


@login_required
def settlement_export(request: HttpRequest, settlement_id: int) -> HttpResponse:
    settlement = queries.settlement_for(request.user, settlement_id)
    claims = queries.settlement_claims(request.user, settlement)
    data = exports.hospital_workbook(settlement, claims)
    return xlsx_response(data, f"hospital-settlement-{settlement.pk}.xlsx")


@login_required
def premium_export(request: HttpRequest, list_id: int) -> HttpResponse:
    premium_list, data = services.premium_file(request.user, list_id)
    return xlsx_response(data, f"premium-subsidy-{premium_list.year}.xlsx")
