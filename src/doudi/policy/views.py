"""Pages for the rules: the values in force, proposing a new one, its what-if, adopting it; the
whole-place evaluations. The long work runs in the background (policy.runs); its pages follow it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doudi.accounts.jurisdiction import has_permission, require
from doudi.accounts.roles import Permission
from doudi.dates import month_text, next_month, parse_date, parse_month
from doudi.errors import DoudiError
from doudi.policy import queries, runs, services
from doudi.policy.programmes import PROGRAMMES, Programme
from doudi.policy.services import SETTING_LEVELS
from doudi.policy.standards import regional_parameters
from doudi.policy.whatif import MONTHS_PER_YEAR, Change
from doudi.regions.queries import place_names, regions_visible_to
from doudi.web.refusals import field_errors

PROPOSE_FIELDS = ("parameter", "region", "start", "value", "document_number", "reference")
DECIDE_FIELDS = ("reason",)
EVALUATE_FIELDS = ("place", "month")
PER_PAGE = 50


@login_required
def standards(
    request: HttpRequest, error: DoudiError | None = None, status: int = 200
) -> HttpResponse:
    require(request.user, Permission.VIEW_HOUSEHOLDS)
    can_set = has_permission(request.user, Permission.SET_STANDARDS)
    return render(
        request,
        "policy/standards.html",
        {
            "rows": queries.values_in_force(request.user.region_id, timezone.localdate()),
            "can_set": can_set,
            "proposals": queries.proposals_visible_to(request.user)[:50] if can_set else [],
            "parameters": sorted(regional_parameters().items()),
            "places": regions_visible_to(request.user).filter(level__in=SETTING_LEVELS)
            if can_set
            else [],
            "values": request.POST,
            "error": error,
            "errors": field_errors(error, PROPOSE_FIELDS) if error else None,
        },
        status=status,
    )


@login_required
@require_POST
def propose(request: HttpRequest) -> HttpResponse:
    post = request.POST
    try:
        start = parse_date(post.get("start"), field="start")
        proposal = services.propose_value(
            request.user,
            parameter=post.get("parameter", ""),
            region_code=post.get("region", ""),
            start=start,
            value=post.get("value", ""),
            document_number=post.get("document_number", ""),
            reference=post.get("reference", ""),
        )
    except DoudiError as error:
        if error.http_status != 400:
            raise
        return standards(request, error, 400)
    return redirect("policy:proposal", value_id=proposal.pk)


@login_required
def proposal(
    request: HttpRequest, value_id: int, error: DoudiError | None = None, status: int = 200
) -> HttpResponse:
    """The proposal with its what-if: started the first time the page is seen, then followed
    (its progress while it runs) and shown as kept — a reload never starts a second one."""
    run = runs.what_if_for(request.user, value_id)
    programmes = {programme.key: str(programme.label) for programme in PROGRAMMES}
    changes = [
        Change(c["household"], c["region"], c["programme"], c["before"], c["after"])
        for c in run.changes
    ]
    counties = {_county(county) for _programme, county, _before, _after in run.totals}
    places = place_names(counties | {change.region_code for change in changes})
    totals = [
        (
            programmes.get(programme, programme),
            places.get(_county(county), county),
            before,
            after,
            after - before,
            (after - before) * MONTHS_PER_YEAR,
        )
        for programme, county, before, after in run.totals
        if before or after
    ]
    return render(
        request,
        "policy/proposal.html",
        {
            "run": run,
            "value": run.value,
            "counts": run.counts,
            "changes": changes,
            "programmes": programmes,
            "places": places,
            "totals": totals,
            "values": request.POST,
            "errors": field_errors(error, DECIDE_FIELDS) if error else None,
        },
        status=status,
    )


def _county(code: str) -> str:
    """A county's full code: the what-if sums by the first six digits."""
    return code[:6].ljust(12, "0")


@login_required
@require_POST
def what_if_again(request: HttpRequest, value_id: int) -> HttpResponse:
    """Compute the what-if anew (the registry or the rules have changed since)."""
    runs.what_if_for(request.user, value_id, again=True)
    return redirect("policy:proposal", value_id=value_id)


@login_required
def evaluations(
    request: HttpRequest, error: DoudiError | None = None, status: int = 200
) -> HttpResponse:
    """The whole-place evaluations of the user's places, and the form to start one."""
    return render(
        request,
        "policy/evaluations.html",
        {
            "evaluations": queries.evaluations_visible_to(request.user)[:PER_PAGE],
            "places": runs.evaluation_places(request.user),
            # The month a payroll is made for next: what an evaluation is usually asked for.
            "values": request.POST or {"month": month_text(next_month(timezone.localdate()))},
            "errors": field_errors(error, EVALUATE_FIELDS) if error else None,
        },
        status=status,
    )


@login_required
@require_POST
def start_evaluation(request: HttpRequest) -> HttpResponse:
    post = request.POST
    try:
        month = parse_month(post.get("month", ""), field="month")
        evaluation = runs.start_evaluation(request.user, post.get("place", ""), month)
    except DoudiError as error:
        if error.http_status != 400:
            raise
        return evaluations(request, error, 400)
    return redirect("policy:evaluation", evaluation_id=evaluation.pk)


def _total_row(row: dict[str, Any], programme: Programme | None) -> dict[str, Any]:
    """A programme's line of an evaluation: no monthly sum for one paid otherwise (资助参保's
    yearly premium), rather than a sum of zeros."""
    monthly = programme is None or programme.amount is not None
    return {
        **row,
        "label": str(programme.label) if programme else row["programme"],
        "monthly_fen": row["monthly_fen"] if monthly else None,
    }


@login_required
def evaluation(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    found = queries.evaluation_for(request.user, evaluation_id)
    programmes = {programme.key: programme for programme in PROGRAMMES}
    return render(
        request,
        "policy/evaluation.html",
        {
            "evaluation": found,
            "totals": [
                _total_row(row, programmes.get(row["programme"]))
                for row in queries.evaluation_totals(found)
            ],
            "missing": [
                str(programmes[key].label) if key in programmes else key
                for key in (found.run.missing if found.run else {})
            ],
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, value_id: int) -> HttpResponse:
    decision = (
        services.adopt_value
        if request.POST.get("decision") == "adopt"
        else (services.withdraw_value)
    )
    try:
        decision(request.user, value_id, reason=request.POST.get("reason", ""))
    except DoudiError as error:
        if error.http_status != 400:
            raise
        # The refusal at its field, with what was typed, as the proposal step does.
        return proposal(request, value_id, error, 400)
    messages.success(request, _("Saved."))
    return redirect("policy:standards")
