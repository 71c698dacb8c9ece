"""Case pages: the list with its deadline sections, opening a case for a household, a case with
its history and the steps the user may take now, the hukou township's requests to help verify,
and the documents. Every step's form comes from the step table (cases/steps.py). Views only call
services and queries; a refused step is shown next to its form and changes nothing."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from doudi.accounts.jurisdiction import has_permission, require
from doudi.accounts.roles import Permission
from doudi.cases import documents, facts_form, presentation, queries, stages, steps
from doudi.cases.models import Case
from doudi.cases.procedures import Action, CaseKind, CaseProgramme, Channel, State
from doudi.dates import month_text, parse_date, parse_month, required_date
from doudi.errors import DoudiError, NotPermitted, OutsideJurisdiction
from doudi.money import yuan_to_fen
from doudi.regions.queries import hukou_place_choices, place_choices
from doudi.registry.queries import household_for
from doudi.spreadsheets import xlsx_response
from doudi.text import is_digits

# ------------------------------------------------------------------------ reading the forms


def _number(text: str, field: str) -> int:
    if not is_digits(text.strip()):
        raise DoudiError(_("“%(value)s” is not a whole number."), field=field, value=text)
    return int(text)


def _stages(text: str, field: str) -> list[tuple[datetime.date, int]]:
    """Payment stages typed one per line as "YYYY-MM-DD amount-in-yuan"."""
    stages = []
    for line in filter(None, (line.strip() for line in text.splitlines())):
        day, _space, amount = line.partition(" ")
        stages.append((required_date(day, field=field), yuan_to_fen(amount, field=field)))
    return stages


def _value(field: steps.Field, post: QueryDict) -> Any:
    """One field of a step's form as the service takes it."""
    name = field.input_name
    value = post.get(name, "")
    readers: dict[steps.Kind, Callable[[], Any]] = {
        steps.Kind.LINES: lambda: [line.strip() for line in value.splitlines() if line.strip()],
        steps.Kind.DATE: lambda: parse_date(value, field=name),
        steps.Kind.NUMBER: lambda: _number(value, name),
        steps.Kind.ID: lambda: _number(value, name),
        steps.Kind.FEN: lambda: yuan_to_fen(value.strip(), field=name),
        steps.Kind.PEOPLE: lambda: [int(pk) for pk in post.getlist(name) if is_digits(pk)],
        steps.Kind.STAGES: lambda: _stages(value, name),
    }
    return readers[field.kind]() if field.kind in readers else value


# Kinds a form leaves out when empty (the service then uses its default), or refuses when the
# field is required. Checkboxes are always read; an empty text goes to the service, which says
# what it needs.
SKIPPED_WHEN_EMPTY = frozenset(set(steps.Kind) - {steps.Kind.CHECK, steps.Kind.TEXT})


def form_arguments(step: steps.Step, post: QueryDict, case: Case | None = None) -> dict[str, Any]:
    """The service's keyword arguments from the step's form, named as the step table says.
    The investigation's facts come from their own form (cases/facts_form.py), not one input."""
    arguments: dict[str, Any] = {}
    for field in step.fields:
        if not field.on_page:
            continue
        if field.kind == steps.Kind.FACTS:
            names = facts_form.member_names(case) if case is not None else {}
            facts = facts_form.read(post, names)
            if facts is not None:
                arguments[field.name] = facts
            continue
        if field.kind == steps.Kind.CHECK:
            arguments[field.name] = field.input_name in post
            continue
        empty = not "".join(post.getlist(field.input_name)).strip()
        if empty and field.kind in SKIPPED_WHEN_EMPTY:
            if field.required:
                raise DoudiError(_("This field is required."), field=field.input_name)
            continue
        arguments[field.name] = _value(field, post)
    return arguments


# ------------------------------------------------------------------------------- the list


CASE_FILTERS = ("number", "name", "state", "programme", "place")


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """GET filters by file number, head's name, state, programme and place; an ID-number
    search comes by POST so that the number never appears in a URL or a server log."""
    require(request.user, Permission.VIEW_CASES)
    wanted = {name: request.GET.get(name, "").strip() for name in CASE_FILTERS}
    id_number = request.POST.get("id_number", "").strip() if request.method == "POST" else ""
    cases = presentation.filtered_cases(request.user, **wanted, id_number=id_number)
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/list.html",
        {
            "page": page,
            "rows": presentation.case_rows(page),
            "sections": presentation.deadline_sections(request.user, wanted["place"]),
            "wanted": wanted,
            "query": urlencode(wanted),
            "places": place_choices(request.user),
            "states": State.choices,
            "programmes": CaseProgramme.choices,
            "limit": presentation.SECTION_LIMIT,
            "hukou_waiting": len(presentation.hukou_rows(request.user)),
        },
    )


# ----------------------------------------------------------------------------- the detail


@dataclass
class StepForm:
    """One step the user may take, its fields, and — after a refusal — what was typed and
    why it was refused. A step the user will take once the case is ready has no form, only
    ``waiting``: why not yet."""

    action: Action
    fields: list[dict[str, Any]]
    error: str = ""
    error_field: str = ""
    waiting: str = ""


def _fields(
    step: steps.Step, typed: QueryDict, case: Case | None, error: tuple[str, str]
) -> list[dict[str, Any]]:
    return [
        {
            "name": field.input_name,
            "kind": field.kind.value,
            "label": field.label,
            "groups": facts_form.groups(case, typed, error),
            "members": facts_form.MEMBERS,
        }
        if field.kind == steps.Kind.FACTS and case is not None
        else {
            "name": field.input_name,
            "kind": field.kind.value,
            "label": field.label,
            "required": field.required,
            "choices": field.choices.choices if field.choices else [],
            "value": typed.get(field.input_name, ""),
            "checked": field.input_name in typed,
            "chosen": typed.getlist(field.input_name),
        }
        for field in step.fields
        if field.on_page
    ]


def _step_form(
    step: steps.Step,
    request: HttpRequest,
    failed: Action | None,
    error: DoudiError | None,
    case: Case | None = None,
) -> StepForm:
    typed = request.POST if step.action == failed else presentation.initial(case, step.action)
    refused = step.action == failed and error is not None
    at_field = (error.field or "", error.render()) if refused and error else ("", "")
    form = StepForm(step.action, _fields(step, typed, case, at_field))
    if refused and error is not None:
        form.error, form.error_field = error.render(), error.field or ""
    return form


def _step_forms(
    request: HttpRequest, case: Case, failed: Action | None, error: DoudiError | None
) -> list[StepForm]:
    forms = []
    for offer in presentation.offers(request.user, case):
        if offer.waiting is not None:
            forms.append(StepForm(offer.step.action, [], waiting=offer.waiting.render()))
        else:
            forms.append(_step_form(offer.step, request, failed, error, case))
    return forms


def _detail_page(
    request: HttpRequest,
    case: Case,
    failed: Action | None = None,
    error: DoudiError | None = None,
    status: int = 200,
) -> HttpResponse:
    forms = _step_forms(request, case, failed, error)
    needs_staff = any(f["kind"] == steps.Kind.PEOPLE for form in forms for f in form.fields)
    decision = presentation.decision_of(case)
    shown = any(form.error for form in forms)
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "steps": forms,
            "error": error.render() if error and not shown else "",
            "head": presentation.case_rows([case])[0],
            "staff": presentation.investigator_choices(case) if needs_staff else [],
            "transitions": case.transitions.select_related("actor"),
            "investigations": case.investigations.prefetch_related("investigators"),
            "decision": decision,
            "engine": presentation.engine_summary(decision),
            "finding": presentation.current_finding(request.user, case),
            "stages": decision.stages.all() if decision else [],
            "charity": queries.charity_referral(case),
            "payment": getattr(case, "emergency_payment", None),
            "hukou_check": getattr(case, "hukou_check", None),
            "documents": presentation.document_kinds(case),
            "may_read_reports": has_permission(request.user, Permission.CHECK_DATA),
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
    shown next to the step's form, with what was typed, and nothing is changed. The hukou
    township's answer is found through its request, not through the case."""
    chosen = steps.step_named(action)
    if chosen is None:
        raise Http404(action)
    case = None
    if chosen.by_hukou_place:
        queries.hukou_check_for(request.user, case_id)
    else:
        case = queries.case_for(request.user, case_id)
    require(request.user, chosen.permission)
    try:
        chosen.service(request.user, case_id, **form_arguments(chosen, request.POST, case))
    except (NotPermitted, OutsideJurisdiction):
        raise
    except DoudiError as error:
        if chosen.by_hukou_place:
            return _hukou_page(request, failed=case_id, error=error, status=400)
        case = queries.case_for(request.user, case_id)
        return _detail_page(request, case, failed=chosen.action, error=error, status=400)
    messages.success(request, _("Recorded: %(step)s.") % {"step": chosen.label})
    if chosen.by_hukou_place:
        return redirect("cases:hukou")
    return redirect("cases:detail", case_id)


def _hukou_page(
    request: HttpRequest,
    failed: int | None = None,
    error: DoudiError | None = None,
    status: int = 200,
) -> HttpResponse:
    answer = steps.STEPS[Action.ANSWER_HUKOU_CHECK]
    rows = []
    for row in presentation.hukou_rows(request.user):
        form = None
        if presentation.may_answer(request.user, row.check):
            form = _step_form(
                answer, request, answer.action if failed == row.check.case_id else None, error
            )
        rows.append((row, form))
    return render(
        request,
        "cases/hukou.html",
        {"rows": rows, "step": answer},
        status=status,
    )


@login_required
def hukou_checks(request: HttpRequest) -> HttpResponse:
    """The requests to help verify (居住地申办) waiting for the user's township to answer: the
    hukou place sees these, and answers them here, without seeing the case itself."""
    require(request.user, Permission.VIEW_CASES)
    return _hukou_page(request)


@login_required
def document(request: HttpRequest, case_id: int, kind: str) -> HttpResponse:
    """One of the case's PDF documents, as a download."""
    case = queries.case_for(request.user, case_id)
    response = HttpResponse(documents.render(kind, case), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{case.file_number}-{kind}.pdf"'
    return response


# ---------------------------------------------------------------------------- opening one


def _submit(request: HttpRequest, household_id: int) -> Case:
    submission = steps.STEPS[Action.SUBMIT]
    return submission.service(
        request.user, household_id, **form_arguments(submission, request.POST)
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
            "hukou_places": hukou_place_choices(request.user),
            "error": error.render() if error else "",
            "error_field": (error.field or "") if error else "",
            # A refusal because a case is still open names it; the page links to it.
            "open_case_id": error.params.get("case_id") if error else None,
        },
        status=400 if error else 200,
    )


# ------------------------------------------------------------------ staged payments due


def _stages_wanted(request: HttpRequest) -> tuple[datetime.date, str]:
    typed = request.GET.get("month", "").strip()
    month = parse_month(typed) if typed else localdate().replace(day=1)
    return month, request.GET.get("place", "").strip()


@login_required
def staged_payments(request: HttpRequest) -> HttpResponse:
    """The stages of temporary-assistance grants due in a month, with what became of each."""
    require(request.user, Permission.VIEW_CASES)
    month, place = _stages_wanted(request)
    found = list(stages.stages_due(request.user, month, place)[:1000])
    return render(
        request,
        "cases/stages.html",
        {
            "rows": [(s, stages.status_label(s)) for s in found],
            "month": month_text(month),
            "place": place,
            "places": place_choices(request.user),
            "total_fen": sum(s.amount_fen for s in found),
            "query": urlencode({"month": month_text(month), "place": place}),
        },
    )


@login_required
def staged_payments_export(request: HttpRequest) -> HttpResponse:
    require(request.user, Permission.VIEW_CASES)
    month, place = _stages_wanted(request)
    data = stages.stages_workbook(month, stages.stages_due(request.user, month, place))
    return xlsx_response(data, f"staged-payments-{month:%Y-%m}.xlsx")
