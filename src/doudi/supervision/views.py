"""Supervision pages: the plans, a plan (its samples and findings), a sample (its items), an item
(its checklist), the findings and the overdue rectifications, a finding (its tasks and the
hotline ticket it comes from), the hotline tickets referred to supervision (待立项的热线转办)
and one of them, and the relatives register with its report; the steps' forms read from
``steps.STEPS``, the Excel exports. Refusals are shown above the page the step returns to,
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

from doudi.accounts.jurisdiction import covers, has_permission
from doudi.accounts.roles import Permission
from doudi.errors import DoudiError
from doudi.hotline.views import masked_caller
from doudi.regions.codes import Level
from doudi.regions.queries import place_choices
from doudi.spreadsheets import xlsx_response
from doudi.supervision import exports, queries, steps
from doudi.supervision.models import (
    CHECKLIST,
    Answer,
    Finding,
    PlanKind,
    Position,
    Rectification,
    RelativeDeclaration,
    SampleKind,
    Severity,
)
from doudi.web.refusals import labelled_messages, refuse

FIELD_LABELS = {
    "kind": gettext_lazy("kind"),
    "title": gettext_lazy("title"),
    "place": gettext_lazy("place inspected"),
    "period_start": gettext_lazy("period from"),
    "period_end": gettext_lazy("period until"),
    "inspectors": gettext_lazy("inspectors"),
    "seed": gettext_lazy("seed"),
    "share_percent": gettext_lazy("share (%)"),
    "minimum": gettext_lazy("at least, per township"),
    "note": gettext_lazy("note"),
    "severity": gettext_lazy("severity"),
    "description": gettext_lazy("what was found"),
    "task": gettext_lazy("rectification task"),
    "township": gettext_lazy("township"),
    "household": gettext_lazy("household number"),
    "origin": gettext_lazy("origin"),
    "origin_reference": gettext_lazy("origin reference"),
    "outcome": gettext_lazy("what was done"),
    "relative_name": gettext_lazy("relative's name"),
    "relation": gettext_lazy("relation"),
    "official_name": gettext_lazy("staff member or cadre"),
    "position": gettext_lazy("position"),
    "post": gettext_lazy("post held"),
    "reason": gettext_lazy("reason"),
    "state": gettext_lazy("state"),
    **dict(CHECKLIST),
}
ANSWER_CHOICES = [(a.value, a.label) for a in (Answer.YES, Answer.NO, Answer.NOT_APPLICABLE)]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    plans = (
        queries.plans_visible_to(user)[:100] if has_permission(user, Permission.VIEW_PLANS) else []
    )
    return render(
        request,
        "supervision/index.html",
        {
            "plans": plans,
            "reads_plans": has_permission(user, Permission.VIEW_PLANS),
            "open_count": queries.open_rectifications(user).count(),
            "pending_referrals": (
                queries.pending_referrals(user).count()
                if has_permission(user, Permission.VIEW_PLANS)
                else 0
            ),
            "overdue_count": queries.overdue_rectifications(user, today).count(),
            "steps": steps.offered(user, steps.NOTHING),
            "kinds": PlanKind.choices,
            "places": place_choices(user, (Level.COUNTY, Level.TOWNSHIP)),
            "today": today.isoformat(),
        },
    )


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = request.user
    plan = queries.plan_for(user, plan_id)
    return render(
        request,
        "supervision/plan.html",
        {
            "plan": plan,
            "samples": queries.samples_of(user, plan),
            "findings": queries.findings_visible_to(user).filter(plan=plan)[:200],
            "steps": {s.name: s for s in steps.offered(user, steps.PLAN, plan)},
            "sample_kinds": SampleKind.choices,
            "severities": Severity.choices,
            "townships": place_choices(user, (Level.TOWNSHIP,)),
        },
    )


@login_required
def sample_detail(request: HttpRequest, sample_id: int) -> HttpResponse:
    user = request.user
    sample = queries.sample_for(user, sample_id)
    items = queries.items_of(user, sample)[:2000]
    return render(
        request,
        "supervision/sample.html",
        {"sample": sample, "plan": sample.plan, "items": items, "checklist": CHECKLIST},
    )


@login_required
def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    user = request.user
    item = queries.item_for(user, item_id)
    answers = [(name, label, item.answers.get(name, "")) for name, label in CHECKLIST]
    return render(
        request,
        "supervision/item.html",
        {
            "item": item,
            "answers": answers,
            "answer_choices": ANSWER_CHOICES,
            "answer_labels": dict(Answer.choices),
            "findings": queries.findings_visible_to(user).filter(item=item),
            "steps": {s.name: s for s in steps.offered(user, steps.ITEM, item)},
            "severities": Severity.choices,
        },
    )


@login_required
def finding_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    overdue = queries.overdue_rectifications(user, today)[:200]
    return render(
        request,
        "supervision/findings.html",
        {
            "findings": queries.findings_visible_to(user)[:200],
            "overdue": [(r, steps.offered(user, steps.RECTIFICATION, r)) for r in overdue],
            "today": today,
        },
    )


@login_required
def finding_detail(request: HttpRequest, finding_id: int) -> HttpResponse:
    user = request.user
    finding = queries.finding_for(user, finding_id)
    rectifications = queries.rectifications_visible_to(user).filter(finding=finding)
    ticket = getattr(finding, "hotline_ticket", None)
    return render(
        request,
        "supervision/finding.html",
        {
            "finding": finding,
            "rectifications": [
                (r, steps.offered(user, steps.RECTIFICATION, r)) for r in rectifications
            ],
            "steps": {s.name: s for s in steps.offered(user, steps.FINDING, finding)},
            "reads_plans": has_permission(user, Permission.VIEW_PLANS),
            "ticket": ticket,
            "reads_ticket": ticket is not None
            and has_permission(user, Permission.VIEW_HOTLINE)
            and covers(user, ticket.region_id),
            "today": timezone.localdate(),
        },
    )


@login_required
def referral_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    pending = queries.pending_referrals(user)
    decided = queries.referrals_visible_to(user).exclude(pk__in=pending.values("pk"))
    return render(
        request,
        "supervision/referrals.html",
        {
            "pending": [(t, masked_caller(t)) for t in pending[:200]],
            "decided": [(t, masked_caller(t)) for t in decided[:100]],
        },
    )


@login_required
def referral_detail(request: HttpRequest, ticket_id: int) -> HttpResponse:
    user = request.user
    ticket = queries.referral_for(user, ticket_id)
    return render(
        request,
        "supervision/referral.html",
        {
            "ticket": ticket,
            "caller": masked_caller(ticket),
            "steps": {s.name: s for s in steps.offered(user, steps.REFERRAL, ticket)},
            "severities": Severity.choices,
        },
    )


@login_required
def relatives(request: HttpRequest) -> HttpResponse:
    user = request.user
    month = timezone.localdate().replace(day=1)
    rows = queries.relatives_report(user, month)
    return render(
        request,
        "supervision/relatives.html",
        {
            "rows": [
                (row, steps.offered(user, steps.DECLARATION, row.declaration)) for row in rows
            ],
            "month": month,
            "cases": queries.flagged_cases(user)[:200],
            "steps": steps.offered(user, steps.NOTHING),
            "positions": Position.choices,
        },
    )


def _back(name: str, object_id: int | None, result: object) -> HttpResponse:
    step = steps.BY_NAME.get(name)
    on = step.on if step is not None else steps.NOTHING
    if isinstance(result, RelativeDeclaration) or name == "declare_relative":
        return redirect("supervision:relatives")
    if on == steps.PLAN and object_id is not None:
        return redirect("supervision:plan", object_id)
    if on == steps.ITEM and object_id is not None:
        return redirect("supervision:item", object_id)
    if on == steps.FINDING and object_id is not None:
        return redirect("supervision:finding", object_id)
    if isinstance(result, Rectification):
        return redirect("supervision:finding", result.finding_id)
    if on == steps.RECTIFICATION and object_id is not None:
        found = Rectification.objects.filter(pk=object_id).only("finding_id").first()
        if found is not None:
            return redirect("supervision:finding", found.finding_id)
    if on == steps.DECLARATION:
        return redirect("supervision:relatives")
    if on == steps.REFERRAL and object_id is not None:
        return redirect("supervision:referral", object_id)
    if hasattr(result, "pk") and name == "create_plan":
        return redirect("supervision:plan", result.pk)
    return redirect("supervision:index")


@login_required
@require_POST
def take(request: HttpRequest, name: str, object_id: int | None = None) -> HttpResponse:
    try:
        result = steps.take(request.user, name, object_id, request.POST)
    except DoudiError as error:
        if error.http_status != 400:
            raise  # not permitted, or not found: answered as such by the middleware
        refuse(request, *labelled_messages(error, FIELD_LABELS))
        return _back(name, object_id, None)
    messages.success(request, _("Done."))
    if isinstance(result, Finding):
        return redirect("supervision:finding", result.pk)
    if name == "draw_sample":
        return redirect("supervision:sample", result.pk)
    return _back(name, object_id, result)


@login_required
def sample_export(request: HttpRequest, sample_id: int) -> HttpResponse:
    sample = queries.sample_for(request.user, sample_id)
    items = queries.items_of(request.user, sample).order_by("rank")
    return xlsx_response(exports.sample_workbook(sample, items), f"sample-{sample.pk}.xlsx")


@login_required
def findings_export(request: HttpRequest) -> HttpResponse:
    rectifications = (
        queries.rectifications_visible_to(request.user)
        .select_related("finding__household")
        .order_by("finding_id", "id")
    )
    data = exports.findings_workbook(rectifications, timezone.localdate())
    return xlsx_response(data, "supervision-findings.xlsx")
