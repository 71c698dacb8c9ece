"""A refusal shown on a page next to the field it names, as the API names it in ``field``."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from functools import cache

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from doudi.errors import DoudiError, ValidationFailed
from doudi.identity.numbers import ID_NUMBER_PATTERN

FORM = "form"  # where a refusal goes that names no field of the page's form
KEPT = "doudi.kept_input"  # the session key of a refused form's input, for the next page only
# Never kept across the redirect: the CSRF token is the next page's, a password is not stored.
NOT_KEPT = ("csrfmiddlewaretoken", "password")


def refuse(request: HttpRequest, *shown: object) -> None:
    """A refusal shown on the page the view redirects to, as an error, with what was typed in
    the refused form kept so that base.html puts it back (static doudi/forms.js). An ID number
    is not kept: the session is not where one is stored."""
    for message in shown:
        messages.error(request, message)
    if request.method != "POST":
        return
    values = {
        name: [value for value in request.POST.getlist(name) if not ID_NUMBER_PATTERN.search(value)]
        for name in request.POST
        if not any(word in name for word in NOT_KEPT)
    }
    request.session[KEPT] = {"action": request.path, "values": values}


def kept_input(request: HttpRequest) -> dict[str, object]:
    """Template context: the input of the form refused on the previous request, once."""
    session = getattr(request, "session", None)
    kept = session.pop(KEPT, None) if session is not None else None
    return {"kept_input": kept} if kept else {}


def field_errors(error: DoudiError, fields: Collection[str]) -> dict[str, list[str]]:
    """The refusal's messages under the form field each names (``fields``: the form's input
    names); a message naming no input of the form goes under ``FORM``, shown above it. A whole
    input refused (a bank file) keeps its summary and every fault found, under the same field."""
    problems = error.problems if isinstance(error, ValidationFailed) else []
    errors: dict[str, list[str]] = {}
    for problem in [error, *problems]:
        name = problem.field if problem.field in fields else None
        if name is None and problem is not error and error.field in fields:
            name = error.field  # a fault within the file the refusal names
        errors.setdefault(name or FORM, []).append(problem.render())
    return errors


def labelled_messages(error: DoudiError, labels: Mapping[str, object], most: int = 20) -> list[str]:
    """For a page that shows a refusal above its form: each message, and up to ``most`` faults
    found, preceded by the Chinese label of the field it names (``labels``: input name → label)."""
    problems = error.problems if isinstance(error, ValidationFailed) else []
    shown = []
    for problem in [error, *problems[:most]]:
        label = labels.get(problem.field or "")
        shown.append(f"{label}：{problem.render()}" if label else problem.render())
    return shown


# --- the Chinese name of a field path, for the generic refusal page -----------------------------

_SEGMENT = re.compile(r"^(?P<name>[^\[\]]+)(?:\[(?P<index>\d+)\])?$")


@cache
def _household_form() -> tuple[dict[str, tuple[str, bool]], dict[str, str], dict[str, str]]:
    """The household form's names as the Excel layout (registry/excel.py) gives them — the one
    table naming every field of the form in Chinese: each list (``members``) → (its sheet's
    name, whether its items are people), each list's field → its column, and the household's
    own fields (``region``) → theirs."""
    from doudi.registry.excel import KEY, MEMBERS, SHEETS

    lists = {sheet.items: (sheet.name, sheet is MEMBERS) for sheet in SHEETS}
    lists["former_members"] = lists[MEMBERS.items]
    items = {
        f"{sheet.items}.{column.field}": column.header
        for sheet in SHEETS
        for column in sheet.columns
        if column.kind != KEY and not column.household
    }
    for column in MEMBERS.columns:  # a member's own field of the same name: their residence
        if column.kind != KEY and not column.household:
            items.setdefault(f"former_members.{column.field}", column.header)
    household = {c.field: c.header for c in MEMBERS.columns if c.household and c.kind != KEY}
    return lists, items, household


@cache
def _step_fields() -> dict[str, object]:
    """The fields of the case steps, by their service's and their page's names, with the label
    the step table (cases/steps.py) gives them."""
    from doudi.cases.steps import STEPS

    labels: dict[str, object] = {}
    for step in STEPS.values():
        for field in step.fields:
            labels.setdefault(field.name, field.label)
            labels.setdefault(field.input_name, field.label)
    return labels


@cache
def _other_names() -> dict[str, object]:
    """Fields of the form the Excel layout has no column for (the investigation's findings,
    a medical claim's parts, the case's facts): the registry's model names them, a claim's
    parts and the case's own facts have their tables. A nested part is keyed ``parent.name``."""
    from doudi.cases.assessment import FACT_LABELS
    from doudi.registry.choices import MEDICAL_CLAIM_LABELS
    from doudi.registry.models import Household, Member

    names: dict[str, object] = {}
    for model in (Member, Household):
        for field in model._meta.concrete_fields:
            names.setdefault(field.name, field.verbose_name)
    names.update({f"medical_claim.{name}": label for name, label in MEDICAL_CLAIM_LABELS.items()})
    names.update(FACT_LABELS)
    return names


def field_label(path: str) -> str:
    """The reader's name of a field path as the API gives it: ``members[1].id_number`` →
    第2位成员 · 身份证号, ``incomes[0].month`` → 第1项收入 · 月份, ``reasons`` → 理由 (the step
    table's label). A part that no table names is shown as it is."""
    lists, items, household = _household_form()
    steps = _step_fields()
    others = _other_names()
    shown: list[str] = []
    within = ""  # the list the previous part named an item of
    parent = ""  # the previous part's name
    for part in path.split("."):
        match = _SEGMENT.match(part)
        if match is None:
            shown.append(part)
            within = parent = ""
            continue
        name, index = match["name"], match["index"]
        nested, parent = f"{parent}.{name}", name
        if index is not None and name in lists:
            sheet, people = lists[name]
            ordinal = _("%(list)s, person %(number)d") if people else _("%(list)s, item %(number)d")
            shown.append(str(ordinal) % {"list": sheet, "number": int(index) + 1})
            within = name
            continue
        key = f"{within}.{name}"
        if within and key in items:
            shown.append(items[key])
        elif not shown and name in household:
            shown.append(household[name])
        elif nested in others:  # a part of a claim or a need, whatever else shares its name
            shown.append(str(others[nested]))
        elif name in steps:
            shown.append(str(steps[name]))
        elif name in others:
            shown.append(str(others[name]))
        else:
            shown.append(f"{name}[{index}]" if index is not None else name)
        within = ""
    return " · ".join(shown)
