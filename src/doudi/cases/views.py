"""Case pages: the list with its deadline sections, opening a case for a household, a case with
its history and the steps the user may take now, and its documents. Views only call services
and queries; a refused step is shown on the case's page and changes nothing."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from doudi.accounts.jurisdiction import covers, has_permission
from doudi.accounts.models import User
from doudi.cases import documents, queries, services
from doudi.cases.deadlines import procedure_of
from doudi.cases.procedures import EDGES, Action, CaseKind, CaseProgramme, Channel
from doudi.errors import DoudiError
from doudi.money import yuan_to_fen
from doudi.registry.queries import household_for

# The fields each step's form asks for: (name, kind). Kinds: text, lines, date, yuan, check,
# number, investigators, result.
INVESTIGATION = [("visited_on", "date"), ("investigators", "investigators"),
                 ("home_visit", "check"), ("neighbours_heard", "check"), ("findings", "text")]
STEP_FIELDS: dict[Action, list[tuple[str, str]]] = {
    Action.FLAG_RELATIVE: [("relation", "text")],
    Action.LIST_MISSING: [("items", "lines")],
    Action.RECEIVE_MATERIALS: [("items", "lines"), ("authorisation_signed_on", "date")],
    Action.ACCEPT: [],
    Action.INVESTIGATE: INVESTIGATION,
    Action.REQUEST_CHECK: [],
    Action.RECORD_CHECK: [("result", "result"), ("findings", "text")],
    Action.GIVE_OPINION: [("recommends_approval", "check"), ("text", "text")],
    Action.OBJECT: [("content", "text")],
    Action.REINVESTIGATE: INVESTIGATION,
    Action.APPRAISE: [("participants", "number"), ("in_favour", "number"), ("outcome", "text")],
    Action.SPOT_CHECK: [("agrees", "check"), ("findings", "text")],
    Action.EXTEND: [("reason", "text")],
    Action.PAY_FIRST: [("amount", "yuan"), ("reason", "text")],
    Action.COMPLETE_PAPERS: INVESTIGATION,
    Action.APPROVE: [("reasons", "text"), ("amount", "yuan")],
    Action.REFUSE: [("reasons", "text")],
    Action.NOTIFY: [("told_on", "date"), ("how", "text")],
    Action.WITHDRAW: [("reason", "text")],
}
FIELD_LABELS = {
    "visited_on": _("visited"), "investigators": _("investigators"),
    "home_visit": _("home visit (入户)"), "neighbours_heard": _("neighbours heard"),
    "findings": _("findings"), "relation": _("close relative of staff or cadre"),
    "items": _("materials, one per line"),
    "authorisation_signed_on": _("authorisation for checks signed"), "result": _("result"),
    "recommends_approval": _("recommends approval"), "text": _("opinion"),
    "content": _("objection"), "participants": _("participants"), "in_favour": _("in favour"),
    "outcome": _("outcome"), "agrees": _("agrees with the township"), "reason": _("reason"),
    "amount": _("amount (yuan)"), "reasons": _("reasons"), "told_on": _("household told"),
    "how": _("how the household was told"),
}
# Fields a step's form may leave empty (the service then uses its own default).
OPTIONAL = {("authorisation_signed_on", Action.RECEIVE_MATERIALS), ("amount", Action.APPROVE)}
STEP_SERVICES = {
    Action.FLAG_RELATIVE: services.flag_relative, Action.LIST_MISSING: services.list_missing,
    Action.RECEIVE_MATERIALS: services.receive_materials, Action.ACCEPT: services.accept,
    Action.INVESTIGATE: services.investigate, Action.REQUEST_CHECK: services.request_check,
    Action.RECORD_CHECK: services.record_check, Action.GIVE_OPINION: services.give_opinion,
    Action.OBJECT: services.object_to, Action.REINVESTIGATE: services.reinvestigate,
    Action.APPRAISE: services.appraise, Action.SPOT_CHECK: services.spot_check,
    Action.EXTEND: services.extend, Action.PAY_FIRST: services.pay_first,
    Action.COMPLETE_PAPERS: services.complete_papers, Action.APPROVE: services.approve,
    Action.REFUSE: services.refuse, Action.NOTIFY: services.notify,
    Action.WITHDRAW: services.withdraw,
}


def _date(text: str, field: str) -> datetime.date | None:
    """A date typed as YYYY-MM-DD; empty gives None (for optional dates)."""
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise DoudiError(_("“%(value)s” is not a date (YYYY-MM-DD)."), field=field,
                         value=text) from None


def _number(text: str, field: str) -> int:
    if not text.strip().isdigit():
        raise DoudiError(_("“%(value)s” is not a whole number."), field=field, value=text)
    return int(text)


def _arguments(action: Action, post) -> dict[str, Any]:
    """The service's keyword arguments from the step's form."""
    arguments: dict[str, Any] = {}
    for name, kind in STEP_FIELDS[action]:
        value = post.get(name, "")
        if kind == "lines":
            arguments[name] = [line for line in value.splitlines() if line.strip()]
        elif not value.strip() and kind in ("date", "yuan", "number", "result"):
            if (name, action) not in OPTIONAL:
                raise DoudiError(_("This field is required."), field=name)
        elif kind == "date":
            arguments[name] = _date(value, name)
        elif kind == "check":
            arguments[name] = name in post
        elif kind == "number":
            arguments[name] = _number(value, name)
        elif kind == "yuan":
            arguments[f"{name}_fen"] = yuan_to_fen(value, field=name)
        elif kind == "investigators":
            arguments["investigator_ids"] = [int(pk) for pk in post.getlist(name) if pk.isdigit()]
        else:
            arguments[name] = value
    return arguments


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    cases = queries.cases_visible_to(request.user)
    state, programme = request.GET.get("state", ""), request.GET.get("programme", "")
    if state:
        cases = cases.filter(state=state)
    if programme:
        cases = cases.filter(programme=programme)
    return render(request, "cases/list.html", {
        "page": Paginator(cases, 50).get_page(request.GET.get("page")),
        "lists": queries.deadline_lists(request.user),
        "state": state, "programme": programme, "programmes": CaseProgramme.choices})


@login_required
def detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = queries.case_for(request.user, case_id)
    procedure = procedure_of(case)
    steps = [(action, [(name, kind, FIELD_LABELS[name]) for name, kind in STEP_FIELDS[action]])
             for action in Action
             if action in STEP_FIELDS and action in procedure.actions()
             and case.state in EDGES[action][0]
             and has_permission(request.user, services.ACTION_PERMISSION[action])]
    staff = (User.objects.filter(is_active=True, region__code__startswith=case.region_id[:6])
             .order_by("username") if steps else [])
    return render(request, "cases/detail.html", {
        "case": case, "steps": steps,
        "staff": [person for person in staff if covers(person, case.region_id)],
        "documents": documents.DOCUMENT_KINDS.items()})


@login_required
@require_POST
def step(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    try:
        if action not in STEP_SERVICES:
            raise DoudiError(_("Unknown step."), field="action")
        STEP_SERVICES[Action(action)](request.user, case_id,
                                      **_arguments(Action(action), request.POST))
        messages.success(request, _("Recorded: %(step)s.") % {"step": Action(action).label})
    except DoudiError as error:
        messages.error(request, error.render())
    return redirect("cases:detail", case_id)


@login_required
def document(request: HttpRequest, case_id: int, kind: str) -> HttpResponse:
    data = documents.render(kind, queries.case_for(request.user, case_id))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="case-{case_id}-{kind}.pdf"'
    return response


@login_required
def open_case(request: HttpRequest, household_id: int) -> HttpResponse:
    household = household_for(request.user, household_id)
    if request.method == "POST":
        post = request.POST
        try:
            amount = post.get("requested_amount", "").strip()
            member = post.get("member", "")
            case = services.submit(
                request.user, household.pk, post.get("programme", ""),
                channel=post.get("channel", ""), kind=post.get("kind", CaseKind.APPLICATION),
                member_id=int(member) if member.isdigit() else None,
                proxy_name=post.get("proxy_name", ""), need=post.get("need", ""),
                requested_amount_fen=yuan_to_fen(amount, field="requested_amount")
                if amount else None,
                hukou_region_code=post.get("hukou_region", "").strip(),
                authorisation_signed_on=_date(post.get("authorisation_signed_on", ""),
                                              "authorisation_signed_on"),
                relative_of_staff=post.get("relative_of_staff", ""))
            return redirect("cases:detail", case.pk)
        except DoudiError as error:
            messages.error(request, error.render())
    return render(request, "cases/open.html", {
        "household": household, "members": household.members.filter(left_on__isnull=True),
        "programmes": CaseProgramme.choices, "kinds": CaseKind.choices,
        "channels": [c for c in Channel.choices if c[0] != Channel.BUREAU]})
