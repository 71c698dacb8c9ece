"""The campaign pages: the list with the start form, a campaign's progress, results and
findings, one finding with its close form, the township's task list, the Excel exports. Each
view reads the request and calls a service or a query."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from doudi.accounts.jurisdiction import covers, has_permission
from doudi.accounts.roles import Permission
from doudi.campaigns import exports, queries, services
from doudi.campaigns.models import CampaignState, FindingKind, FindingState, Outcome
from doudi.errors import DoudiError
from doudi.regions.models import Region
from doudi.regions.queries import place_choices
from doudi.sources.contracts import SOURCES
from doudi.spreadsheets import xlsx_response
from doudi.web.refusals import labelled_messages, refuse

REFRESH_SECONDS = 3
PER_PAGE = 100
FIELD_LABELS = {
    "place": _("place"),
    "outcome": _("outcome"),
    "note": _("what was verified"),
    "evidence": _("evidence"),
    "state": _("state"),
}


def _refused(request: HttpRequest, error: DoudiError) -> None:
    refuse(request, *labelled_messages(error, FIELD_LABELS))


def _places(user) -> list[Region]:
    """The places the user may run a campaign over: their own, and the counties under it."""
    places = Region.objects.filter(code__startswith=user.jurisdiction_prefix).filter(
        level__in=services.CAMPAIGN_LEVELS
    )
    return list(places.order_by("code"))


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = queries.visible_campaigns(request.user)
    may_run = has_permission(request.user, Permission.RUN_CAMPAIGNS)
    return render(
        request,
        "campaigns/list.html",
        {
            "campaigns": Paginator(campaigns, PER_PAGE).get_page(request.GET.get("page")),
            "places": _places(request.user) if may_run else [],
            "may_close": has_permission(request.user, Permission.CLOSE_FINDINGS),
        },
    )


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    try:
        campaign = services.start_campaign(request.user, request.POST.get("place", ""))
    except DoudiError as error:
        _refused(request, error)
        return redirect("campaigns:list")
    return redirect("campaigns:detail", campaign.pk)


def _filters(request: HttpRequest) -> dict[str, str]:
    return {name: request.GET.get(name, "") for name in ("kind", "state", "place")}


@login_required
def detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = queries.campaign_for(request.user, campaign_id)
    wanted = _filters(request)
    findings = queries.findings_of(request.user, campaign, **wanted)
    results = (
        queries.results(request.user, campaign) if campaign.state == CampaignState.DONE else []
    )
    return render(
        request,
        "campaigns/detail.html",
        {
            "campaign": campaign,
            "refresh": None if campaign.finished else REFRESH_SECONDS,
            "results": results,
            "names": _county_names(results),
            "sources": _sources_read(campaign),
            "totals": _totals(results),
            "findings": Paginator(findings, PER_PAGE).get_page(request.GET.get("page")),
            "wanted": wanted,
            "places": place_choices(request.user),
            "kinds": FindingKind.choices,
            "states": FindingState.choices,
            "today": timezone.localdate(),
        },
    )


def _sources_read(campaign) -> list[dict[str, object]]:
    """Each source read, by its department's name (the page shows no code names)."""
    return [
        {"department": SOURCES[key].department, **used}
        for key, used in sorted(campaign.deliveries.items())
        if key in SOURCES
    ]


def _county_names(results: list[queries.ResultRow]) -> dict[str, str]:
    codes = {row.county for row in results}
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def _totals(results: list[queries.ResultRow]) -> dict[str, int]:
    return {
        "findings": sum(row.findings for row in results),
        "open": sum(row.open for row in results),
        "amount_fen": sum(row.amount_fen for row in results),
    }


@login_required
def finding_detail(request: HttpRequest, finding_id: int) -> HttpResponse:
    finding = queries.finding_for(request.user, finding_id)
    may_close = (
        finding.state == FindingState.OPEN
        and has_permission(request.user, Permission.CLOSE_FINDINGS)
        and covers(request.user, finding.region_id)
    )
    return render(
        request,
        "campaigns/finding.html",
        {
            "finding": finding,
            "campaigns": finding.seen_in.order_by("-pk"),
            "holds": finding.holds.select_related("benefit").order_by("pk"),
            "recoveries": queries.recoveries_of(finding),
            "may_close": may_close,
            "outcomes": Outcome.choices,
            "overdue": queries.overdue(finding, timezone.localdate()),
        },
    )


@login_required
@require_POST
def close(request: HttpRequest, finding_id: int) -> HttpResponse:
    try:
        services.close_finding(
            request.user,
            finding_id,
            outcome=request.POST.get("outcome", ""),
            note=request.POST.get("note", ""),
            evidence=request.POST.get("evidence", ""),
        )
    except DoudiError as error:
        if error.http_status != 400:
            raise
        _refused(request, error)
    else:
        messages.success(request, _("The finding was closed."))
    return redirect("campaigns:finding", finding_id)


@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    """The township's open findings, the most overdue first."""
    return render(
        request,
        "campaigns/tasks.html",
        {
            "findings": Paginator(queries.township_tasks(request.user), PER_PAGE).get_page(
                request.GET.get("page")
            ),
            "today": timezone.localdate(),
        },
    )


@login_required
def results_xlsx(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = queries.campaign_for(request.user, campaign_id)
    data = exports.results_workbook(queries.results(request.user, campaign))
    return xlsx_response(data, f"campaign-{campaign.pk}-results.xlsx")


@login_required
def findings_xlsx(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = queries.campaign_for(request.user, campaign_id)
    findings = queries.findings_of(request.user, campaign, **_filters(request))
    return xlsx_response(
        exports.findings_workbook(findings), f"campaign-{campaign.pk}-findings.xlsx"
    )
