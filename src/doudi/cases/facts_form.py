"""The investigation's findings as a form on the case page: per current member of the household
the facts the rules read (a capable supporter, orphan status, care setting, support as 特困 so
far, a medical claim), and for the household a disaster, the 低保 it receives and a temporary
need. The form reads into the same facts object the API takes (docs/household-form.md,
``assessment.form_with_facts``), so the service checks both alike; money is typed in yuan.

A fact the form leaves unstated stays out of the object, so that the rules read it as the
registry or the benefits in force say (``policy.columns.with_received``), as they do for the
API's facts without it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from doudi.errors import DoudiError
from doudi.money import fen_to_yuan, yuan_to_fen
from doudi.registry.choices import (
    MEDICAL_CLAIM_AMOUNTS,
    MEDICAL_CLAIM_LABELS,
    CareSetting,
    MedicalCategory,
    MedicalClaimType,
    OrphanStatus,
)
from doudi.text import is_digits

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from doudi.cases.models import Case

MEMBERS = "fact-members"  # the members the form was given for, one value each
HOUSEHOLD = "household"  # the key of the household's inputs in their names


class Stated(models.TextChoices):
    """A fact the case may state or leave to the benefits in force."""

    UNSTATED = "", _("As the benefits in force say")
    YES = "yes", _("Yes")
    NO = "no", _("No")


class NeedType(models.TextChoices):
    NONE = "none", _("No temporary need")
    EMERGENCY = "emergency", _("Sudden emergency")
    EXPENDITURE = "expenditure", _("Essential spending")


class Severity(models.TextChoices):
    UNASSESSED = "", _("Not assessed")
    ONE = "1", _("Tier 1 (least grave)")
    TWO = "2", _("Tier 2")
    THREE = "3", _("Tier 3 (gravest)")


# A medical claim's amounts, as typed in yuan: the input's name → the fact's name in fen.
CLAIM_AMOUNTS = {name.removesuffix("_fen"): name for name in MEDICAL_CLAIM_AMOUNTS}
NEED_AMOUNTS = {"expense": "expense_fen", "granted_this_year": "granted_this_year_fen"}


@dataclass(frozen=True)
class Input:
    """One input of the form: its name on the page, label, kind (check, choice, yuan,
    number), choices, what it shows now, and the refusal it carries."""

    name: str
    label: Promise | str
    kind: str
    value: str = ""
    checked: bool = False
    choices: list[tuple[str, Any]] | None = None
    error: str = ""


@dataclass(frozen=True)
class Group:
    """The inputs of one member (``member``), or of the household."""

    key: str
    title: str
    inputs: list[Input]
    member: bool = True


def name_of(key: str, fact: str) -> str:
    return f"fact-{key}-{fact}"


# ------------------------------------------------------------------- reading the form


def _refused(name: str, who: object, what: object, problem: object) -> DoudiError:
    """A refusal naming the member (or the household) and the fact, at the input ``name``."""
    return DoudiError(
        _("%(who)s, %(what)s: %(problem)s"), field=name, who=who, what=what, problem=problem
    )


def _yuan(post: QueryDict, name: str, who: str, label: Promise | str) -> int | None:
    text = post.get(name, "").strip()
    if not text:
        return None
    try:
        return yuan_to_fen(text, field=name)
    except DoudiError as refused:
        raise _refused(name, who, label, refused.render()) from None


def _claim(post: QueryDict, key: str, who: str) -> dict[str, Any] | None:
    claim: dict[str, Any] = {}
    for typed, fact in CLAIM_AMOUNTS.items():
        amount = _yuan(post, name_of(key, typed), who, MEDICAL_CLAIM_LABELS[fact])
        if amount is not None:
            claim[fact] = amount
    kind = post.get(name_of(key, "claim_type"), MedicalClaimType.NONE)
    category = post.get(name_of(key, "claim_category"), MedicalCategory.NONE)
    if not claim and kind == MedicalClaimType.NONE and category == MedicalCategory.NONE:
        return None
    return {"type": kind, "category": category, **claim}


def _member(post: QueryDict, key: str, who: str) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "has_capable_supporter": name_of(key, "has_capable_supporter") in post,
        "orphan_status": post.get(name_of(key, "orphan_status"), OrphanStatus.NONE),
        "care_setting": post.get(name_of(key, "care_setting"), CareSetting.HOME),
        "medical_claim": _claim(post, key, who),
    }
    stated = post.get(name_of(key, "was_extreme_hardship"), "")
    if stated:
        facts["was_extreme_hardship"] = stated == Stated.YES
    return facts


def _minimum_living(post: QueryDict) -> dict[str, Any]:
    status: dict[str, Any] = {}
    receiving = post.get(name_of(HOUSEHOLD, "receiving"), "")
    if receiving:
        status["receiving"] = receiving == Stated.YES
    amount = _yuan(
        post, name_of(HOUSEHOLD, "current_amount"), str(_("the household")), CURRENT_AMOUNT
    )
    if amount is not None:
        status["current_amount_fen"] = amount
    months = post.get(name_of(HOUSEHOLD, "gradual_exit_months_used"), "").strip()
    if months:
        if not is_digits(months):
            name = name_of(HOUSEHOLD, "gradual_exit_months_used")
            raise _refused(name, _("the household"), MONTHS_USED, _("not a whole number"))
        status["gradual_exit_months_used"] = int(months)
    return status


def _temporary_need(post: QueryDict) -> dict[str, Any]:
    need: dict[str, Any] = {}
    for typed, fact in NEED_AMOUNTS.items():
        amount = _yuan(post, name_of(HOUSEHOLD, typed), str(_("the household")), NEED_LABELS[typed])
        if amount is not None:
            need[fact] = amount
    severity = post.get(name_of(HOUSEHOLD, "severity"), "")
    if severity:
        need["severity"] = int(severity) if is_digits(severity) else severity
    kind = post.get(name_of(HOUSEHOLD, "need_type"), NeedType.NONE)
    if need or kind != NeedType.NONE:
        need = {"type": kind, **need}
    return need


def read(post: QueryDict, names: dict[str, str]) -> dict[str, Any] | None:
    """The facts object from the posted form; None where the page sent no facts form.
    ``names``: each member's key → name, for a refusal to name the member."""
    keys = post.getlist(MEMBERS)
    if not keys:
        return None
    members = {key: _member(post, key, names.get(key, key)) for key in keys}
    household: dict[str, Any] = {
        "disaster_affected": name_of(HOUSEHOLD, "disaster_affected") in post
    }
    for fact, value in (
        ("minimum_living", _minimum_living(post)),
        ("temporary_need", _temporary_need(post)),
    ):
        if value:
            household[fact] = value
    return {"household": household, "members": members}


# ---------------------------------------------------------------- what the form shows


def member_names(case: Case) -> dict[str, str]:
    """The household's current members, key → name, in the registry's order."""
    members = case.household.members.filter(left_on__isnull=True).order_by("pk")
    return {str(member.pk): member.name for member in members}


def _yuan_text(fen: Any) -> str:
    return fen_to_yuan(fen, grouped=False) if isinstance(fen, int) else ""


def _stated(value: Any) -> str:
    return "" if value is None else (Stated.YES if value else Stated.NO)


def initial(case: Case) -> QueryDict:
    """The form filled in from the household's record and the facts the case states."""
    return values_for(case, case.facts or {})


def values_for(case: Case, facts: dict[str, Any]) -> QueryDict:
    """The form as a typist fills it in to state ``facts`` (the API's object): what the
    household's record says, where ``facts`` say nothing."""
    values = QueryDict(mutable=True)
    stated = facts.get("members") or {}
    for member in case.household.members.filter(left_on__isnull=True).order_by("pk"):
        key = str(member.pk)
        values.appendlist(MEMBERS, key)
        own = stated.get(key) or {}
        if own.get("has_capable_supporter", member.has_capable_supporter):
            values[name_of(key, "has_capable_supporter")] = "on"
        values[name_of(key, "orphan_status")] = own.get("orphan_status", member.orphan_status)
        values[name_of(key, "care_setting")] = own.get("care_setting", member.care_setting)
        values[name_of(key, "was_extreme_hardship")] = _stated(own.get("was_extreme_hardship"))
        claim = own.get("medical_claim", member.medical_claim) or {}
        values[name_of(key, "claim_type")] = claim.get("type", MedicalClaimType.NONE)
        values[name_of(key, "claim_category")] = claim.get("category", MedicalCategory.NONE)
        for typed, fact in CLAIM_AMOUNTS.items():
            values[name_of(key, typed)] = _yuan_text(claim.get(fact))
    household = facts.get("household") or {}
    if household.get("disaster_affected", case.household.disaster_affected):
        values[name_of(HOUSEHOLD, "disaster_affected")] = "on"
    status = household.get("minimum_living") or {}
    values[name_of(HOUSEHOLD, "receiving")] = _stated(status.get("receiving"))
    values[name_of(HOUSEHOLD, "current_amount")] = _yuan_text(status.get("current_amount_fen"))
    used = status.get("gradual_exit_months_used")
    values[name_of(HOUSEHOLD, "gradual_exit_months_used")] = "" if used is None else str(used)
    need = household.get("temporary_need") or {}
    values[name_of(HOUSEHOLD, "need_type")] = need.get("type", NeedType.NONE)
    values[name_of(HOUSEHOLD, "severity")] = str(need.get("severity") or "")
    for typed, fact in NEED_AMOUNTS.items():
        values[name_of(HOUSEHOLD, typed)] = _yuan_text(need.get(fact))
    return values


MONTHS_USED = _("months of gradual exit used")
CURRENT_AMOUNT = _("minimum living guarantee received each month (yuan)")
NEED_LABELS: dict[str, Promise] = {
    "expense": _("expense to meet (yuan)"),
    "granted_this_year": _("temporary assistance granted this year (yuan)"),
}


def _input(typed: QueryDict, error: tuple[str, str], key: str, fact: str, **shown: Any) -> Input:
    name = name_of(key, fact)
    return Input(
        name=name,
        value=typed.get(name, ""),
        checked=name in typed,
        error=error[1] if error[0] == name else "",
        **shown,
    )


def _member_inputs(typed: QueryDict, error: tuple[str, str], key: str) -> list[Input]:
    def one(fact: str, label: Promise, kind: str, choices: Any = None) -> Input:
        return _input(typed, error, key, fact, label=label, kind=kind, choices=choices)

    inputs = [
        one("has_capable_supporter", _("has a legal supporter able to support them"), "check"),
        one("orphan_status", _("orphan status"), "choice", OrphanStatus.choices),
        one("care_setting", _("care setting"), "choice", CareSetting.choices),
        one(
            "was_extreme_hardship",
            _("was supported as an extreme-hardship person"),
            "choice",
            Stated.choices,
        ),
        one("claim_type", MEDICAL_CLAIM_LABELS["type"], "choice", MedicalClaimType.choices),
        one("claim_category", MEDICAL_CLAIM_LABELS["category"], "choice", MedicalCategory.choices),
    ]
    inputs += [one(name, _yuan_label(fact), "yuan") for name, fact in CLAIM_AMOUNTS.items()]
    return inputs


def _yuan_label(fact: str) -> str:
    return str(_("%(what)s (yuan)") % {"what": MEDICAL_CLAIM_LABELS[fact]})


def _household_inputs(typed: QueryDict, error: tuple[str, str]) -> list[Input]:
    def one(fact: str, label: Promise, kind: str, choices: Any = None) -> Input:
        return _input(typed, error, HOUSEHOLD, fact, label=label, kind=kind, choices=choices)

    return [
        one("disaster_affected", _("affected by a disaster"), "check"),
        one("receiving", _("receives the minimum living guarantee"), "choice", Stated.choices),
        one("current_amount", CURRENT_AMOUNT, "yuan"),
        one("gradual_exit_months_used", MONTHS_USED, "number"),
        one("need_type", _("need for temporary assistance"), "choice", NeedType.choices),
        one("severity", _("severity"), "choice", Severity.choices),
        one("expense", NEED_LABELS["expense"], "yuan"),
        one("granted_this_year", NEED_LABELS["granted_this_year"], "yuan"),
    ]


def groups(case: Case, typed: QueryDict, error: tuple[str, str]) -> list[Group]:
    """What the form shows: ``typed`` (a refused post, or ``initial``), and the refusal
    ``error`` (input name, message) at the input it names."""
    names = member_names(case)
    shown = [key for key in typed.getlist(MEMBERS) if key in names] or list(names)
    return [
        *(Group(key, names[key], _member_inputs(typed, error, key)) for key in shown),
        Group(HOUSEHOLD, str(_("the household")), _household_inputs(typed, error), member=False),
    ]
