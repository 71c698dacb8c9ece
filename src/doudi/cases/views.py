"""Case pages: the list with its deadline sections, opening a case for a household, a case with
its history and the steps the user may take now, and its documents. Views only call services
and queries; a refused step is shown next to its form on the case's page and changes nothing."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from doudi.accounts.jurisdiction import require
from doudi.accounts.roles import Permission
from doudi.cases import presentation, queries, services
from doudi.cases.models import Case
from doudi.cases.presentation import STEP_SERVICES, step_named
from doudi.cases.procedures import Action, CaseKind, CaseProgramme, Channel, State
from doudi.errors import DoudiError, NotPermitted, OutsideJurisdiction
from doudi.money import yuan_to_fen
from doudi.registry.queries import household_for

# The fields each step's form asks for: (name, kind). Kinds: text, lines, date, yuan, check,
# number, investigators, result.
INVESTIGATION = [
    ("visited_on", "date"),
    ("investigators", "investigators"),
    ("home_visit", "check"),
    ("neighbours_heard", "check"),
    ("findings", "text"),
]
STEP_FIELDS: dict[Action, list[tuple[str, str]]] = {
    Action.FLAG_RELATIVE: [("relation", "text")],
    Action.LIST_MISSING: [("items", "lines")],
    Action.RECEIVE_MATERIALS: [("items", "lines"), ("authorisation_signed_on", "date")],
    Action.ACCEPT: [],
    Action.INVESTIGATE: INVESTIGATION,
    Action.REQUEST_CHECK: [],
    Action.RECORD_CHECK: [("result", "result"), ("findings", "text")],
    Action.GIVE_OPINION: [
        ("recommends_approval", "check"),
        ("text", "text"),
        ("notice_starts_on", "date"),
    ],
    Action.OBJECT: [("content", "text"), ("received_on", "date")],
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
    "visited_on": _("visited"),
    "investigators": _("investigators"),
    "home_visit": _("home visit (入户)"),
    "neighbours_heard": _("neighbours heard"),
    "findings": _("findings"),
    "relation": _("close relative of staff or cadre"),
    "items": _("materials, one per line"),
    "authorisation_signed_on": _("authorisation for checks signed"),
    "result": _("result"),
    "recommends_approval": _("recommends approval"),
    "text": _("opinion"),
    "notice_starts_on": _("notice from (empty: today)"),
    "content": _("objection"),
    "received_on": _("received (empty: today)"),
    "participants": _("participants"),
    "in_favour": _("in favour"),
    "outcome": _("outcome"),
    "agrees": _("agrees with the township"),
    "reason": _("reason"),
    "amount": _("amount (yuan)"),
    "reasons": _("reasons"),
    "told_on": _("household told"),
    "how": _("how the household was told"),
}
# Fields a step's form may leave empty (the service then uses its own default).
OPTIONAL = {
    ("authorisation_signed_on", Action.RECEIVE_MATERIALS),
    ("amount", Action.APPROVE),
    ("notice_starts_on", Action.GIVE_OPINION),
    ("received_on", Action.OBJECT),
}
NEEDS_VALUE = ("date", "yuan", "number", "result")


# ------------------------------------------------------------------------ reading the forms


def _date(text: str, field: str) -> datetime.date | None:
    """A date typed as YYYY-MM-DD; empty gives None (for optional dates)."""
    text = text.strip()
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise DoudiError(
            _("“%(value)s” is not a date (YYYY-MM-DD)."), field=field, value=text
        ) from None


def _number(text: str, field: str) -> int:
    if not text.strip().isdigit():
        raise DoudiError(_("“%(value)s” is not a whole number."), field=field, value=text)
    return int(text)


def _value(kind: str, name: str, post: QueryDict) -> tuple[str, Any]:
    """One field of a step's form as (the service's argument name, its value)."""
    value = post.get(name, "")
    if kind == "lines":
        return name, [line.strip() for line in value.splitlines() if line.strip()]
    if kind == "date":
        return name, _date(value, name)
    if kind == "check":
        return name, name in post
    if kind == "number":
        return name, _number(value, name)
    if kind == "yuan":
        return f"{name}_fen", yuan_to_fen(value.strip(), field=name)
    if kind == "investigators":
        return "investigator_ids", [int(pk) for pk in post.getlist(name) if pk.isdigit()]
    return name, value


def _arguments(action: Action, post: QueryDict) -> dict[str, Any]:
    """The service's keyword arguments from the step's form."""
    arguments: dict[str, Any] = {}
    for name, kind in STEP_FIELDS[action]:
        if kind in NEEDS_VALUE and not post.get(name, "").strip():
            if (name, action) not in OPTIONAL:
                raise DoudiError(_("This field is required."), field=name)
            continue
        key, value = _value(kind, name, post)
        arguments[key] = value
    return arguments


# ------------------------------------------------------------------------------- the list


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Permission.VIEW_CASES)
    wanted = {name: request.GET.get(name, "").strip() for name in ("state", "programme", "place")}
    page = Paginator(presentation.filtered_cases(request.user, **wanted), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "cases/list.html",
        {
            "page": page,
            "rows": presentation.case_rows(page),
            "sections": presentation.deadline_sections(request.user, wanted["place"]),
            "wanted": wanted,
            "states": State.choices,
            "programmes": CaseProgramme.choices,
            "limit": presentation.SECTION_LIMIT,
        },
    )


# ----------------------------------------------------------------------------- the detail


@dataclass
class StepForm:
    """One step the user may take, its fields, and — after a refusal — what was typed and
    why it was refused."""

    action: Action
    fields: list[dict[str, Any]]
    error: str = ""
    error_field: str = ""
    values: dict[str, Any] = field(default_factory=dict)


def _step_forms(
    request: HttpRequest, case: Case, failed: Action | None, error: DoudiError | None
) -> list[StepForm]:
    forms = []
    for action in presentation.available_steps(request.user, case):
        typed = request.POST if action == failed else QueryDict()
        fields = [
            {
                "name": name,
                "kind": kind,
                "label": FIELD_LABELS[name],
                "value": typed.get(name, ""),
                "checked": name in typed,
                "chosen": typed.getlist(name),
            }
            for name, kind in STEP_FIELDS[action]
        ]
        form = StepForm(action, fields)
        if action == failed and error is not None:
            form.error, form.error_field = error.render(), error.field or ""
        forms.append(form)
    return forms


def _detail_page(
    request: HttpRequest,
    case: Case,
    failed: Action | None = None,
    error: DoudiError | None = None,
    status: int = 200,
) -> HttpResponse:
    steps = _step_forms(request, case, failed, error)
    needs_staff = any(f["kind"] == "investigators" for step in steps for f in step.fields)
    decision = presentation.decision_of(case)
    shown = any(step.error for step in steps)
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "steps": steps,
            "error": error.render() if error and not shown else "",
            "head": presentation.case_rows([case])[0],
            "staff": presentation.investigator_choices(case) if needs_staff else [],
            "transitions": case.transitions.select_related("actor"),
            "investigations": case.investigations.prefetch_related("investigators"),
            "decision": decision,
            "engine": presentation.engine_summary(decision),
            "stages": decision.stages.all() if decision else [],
            "payment": getattr(case, "emergency_payment", None),
            "hukou_check": getattr(case, "hukou_check", None),
            "documents": presentation.document_kinds(case),
            "provisional": {
                "step": presentation.provisional(case.step_due_on),
                "whole": presentation.provisional(case.due_on),
            },
        },
        status=status,
    )


@login_required
def detail(request: HttpRequest, case_id: int) -> HttpResponse:
    return _detail_page(request, queries.case_for(request.user, case_id))


@login_required
@require_POST
def step(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    """Take one step. A refusal for lack of role or place is the 403/404 page; any other is
    shown next to the step's form, with what was typed, and nothing is changed."""
    case = queries.case_for(request.user, case_id)
    chosen = step_named(action)
    if chosen is None:
        raise Http404(action)
    require(request.user, services.ACTION_PERMISSION[chosen])
    try:
        STEP_SERVICES[chosen](request.user, case.pk, **_arguments(chosen, request.POST))
    except (NotPermitted, OutsideJurisdiction):
        raise
    except DoudiError as error:
        return _detail_page(request, case, failed=chosen, error=error, status=400)
    messages.success(request, _("Recorded: %(step)s.") % {"step": chosen.label})
    return redirect("cases:detail", case.pk)


@login_required
def document(request: HttpRequest, case_id: int, kind: str) -> HttpResponse:
    """One of the case's PDF documents, as a download."""
    case = queries.case_for(request.user, case_id)
    from doudi.cases import documents  # written separately; the pages work without it

    response = HttpResponse(documents.render(kind, case), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{case.file_number}-{kind}.pdf"'
    return response


# ---------------------------------------------------------------------------- opening one


def _submit(request: HttpRequest, household_id: int) -> Case:
    post = request.POST
    amount, member = post.get("requested_amount", "").strip(), post.get("member", "")
    return services.submit(
        request.user,
        household_id,
        post.get("programme", ""),
        channel=post.get("channel", ""),
        kind=post.get("kind", CaseKind.APPLICATION),
        member_id=int(member) if member.isdigit() else None,
        proxy_name=post.get("proxy_name", ""),
        need=post.get("need", ""),
        requested_amount_fen=yuan_to_fen(amount, field="requested_amount") if amount else None,
        hukou_region_code=post.get("hukou_region", "").strip(),
        authorisation_signed_on=_date(
            post.get("authorisation_signed_on", ""), "authorisation_signed_on"
        ),
        relative_of_staff=post.get("relative_of_staff", ""),
    )


@login_required
def open_case(request: HttpRequest, household_id: int) -> HttpResponse:
    """Open a case for a household: an application, a change or a termination."""
    require(request.user, Permission.SUBMIT_CASES)
    household = household_for(request.user, household_id)
    error: DoudiError | None = None
    if request.method == "POST":
        try:
            case = _submit(request, household.pk)
        except (NotPermitted, OutsideJurisdiction):
            raise
        except DoudiError as refused:
            error = refused
        else:
            messages.success(request, _("Case %(number)s opened.") % {"number": case.file_number})
            return redirect("cases:detail", case.pk)
    return render(
        request,
        "cases/open.html",
        {
            "household": household,
            "members": household.members.filter(left_on__isnull=True),
            "programmes": CaseProgramme.choices,
            "kinds": CaseKind.choices,
            "channels": [c for c in Channel.choices if c[0] != Channel.BUREAU],
            "typed": request.POST,
            "error": error.render() if error else "",
            "error_field": (error.field or "") if error else "",
        },
        status=400 if error else 200,
    )
