"""What the policy engine says about a case's household, as the registry knows it today plus
the facts the investigation established (the optional case facts of the household form)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from doudi.cases.models import Case
from doudi.cases.procedures import ENGINE_PROGRAMME, CaseProgramme
from doudi.dates import add_months, month_text
from doudi.errors import DoudiError
from doudi.identity.numbers import mask
from doudi.money import yuan_to_fen
from doudi.policy.columns import GRADUAL_EXIT_TEST, with_received
from doudi.policy.evaluation import evaluate_form, refusal_for
from doudi.policy.inputs import population_from_form
from doudi.policy.programmes import unmet_conditions
from doudi.policy.standards import rules_in_force
from doudi.registry.form_input import parse_household
from doudi.registry.queries import household_form
from doudi.registry.services import keep_investigation_facts

if TYPE_CHECKING:
    from doudi.accounts.models import User

HOUSEHOLD_FACTS = ("temporary_need", "minimum_living", "disaster_affected")
# What a refusal calls the facts that are the case's own, not a registry field
# (web/refusals.field_label); the registry's are named by its model.
FACT_LABELS = {
    "members": _("members"),
    "temporary_need": _("need for temporary assistance"),
    "temporary_need.type": _("kind of need"),
    "temporary_need.severity": _("severity"),
    "temporary_need.expense_fen": _("expense to meet"),
    "temporary_need.granted_this_year_fen": _("temporary assistance granted this year"),
    "minimum_living": _("minimum living guarantee received"),
    "was_extreme_hardship": _("was supported as an extreme-hardship person"),
}
MEMBER_FACTS = (
    "has_capable_supporter",
    "was_extreme_hardship",
    "orphan_status",
    "care_setting",
    "medical_claim",
)


@dataclass(frozen=True)
class Assessment:
    eligible: bool
    monthly_amount_fen: int
    failed_tests: list[str]
    result: dict[str, Any]  # the engine's whole answer, ID numbers masked


def form_with_facts(
    actor: User,
    case: Case,
    facts: dict[str, Any],
    on: datetime.date,
    month: datetime.date | None = None,
) -> dict[str, Any]:
    """The household form of day ``on`` with the case's facts filled in; refuses facts that
    name an unknown field or a person outside the household. With ``month``, what the
    household receives then (低保 and its gradual exit, 特困 support) is read from its benefits
    as a whole-place run reads it, wherever the case's facts do not state it."""
    form = household_form(actor, case.household_id, on=on, reveal_id_numbers=True)
    if month is not None:
        form = with_received(form, case.household_id, month)
    for name, value in (facts.get("household") or {}).items():
        if name not in HOUSEHOLD_FACTS:
            raise DoudiError(
                _("“%(name)s” is not a fact the rules use."), field=f"facts.{name}", name=name
            )
        form[name] = value
    by_key = {member["key"]: member for member in form["members"]}
    for key, member_facts in (facts.get("members") or {}).items():
        if key not in by_key:
            raise DoudiError(_("No such member in this household."), field=f"facts.members.{key}")
        for name, value in member_facts.items():
            if name not in MEMBER_FACTS:
                raise DoudiError(
                    _("“%(name)s” is not a fact the rules use."),
                    field=f"facts.members.{key}.{name}",
                    name=name,
                )
            by_key[key][name] = value
    return form


def check_facts(actor: User, case: Case, facts: dict[str, Any], on: datetime.date) -> None:
    """Refuse facts the engine could not read, naming the field, before they are stored."""
    form = form_with_facts(actor, case, facts, on)
    population_from_form(form, on.replace(day=1), rules_in_force().county_keys)


def keep_facts(actor: User, case: Case, facts: dict[str, Any], on: datetime.date) -> int | None:
    """The registry's part of the facts (supporters, orphan status, care setting, medical
    claims, disaster) written to the household, kept in its versions; the new version."""
    form = form_with_facts(actor, case, facts, on)
    # The findings write no relation, so a household the old registry left without a head keeps
    # them too; it stays headless until mended on its own page (decision 0010).
    data = parse_household(form, today=on, one_head=False)
    return keep_investigation_facts(actor, case.household_id, data)


def assess(actor: User, case: Case, month: datetime.date, on: datetime.date) -> Assessment:
    form = form_with_facts(actor, case, case.facts, on, month)
    result = evaluate_form(form, month_text(month))
    wanted = ENGINE_PROGRAMME[CaseProgramme(case.programme)]
    programme = next(p for p in result["programmes"] if p["programme"] == wanted)
    refusal = refusal_for(programme, result["month"])
    if refusal is not None:  # no rule in force for this programme in that month
        raise refusal
    if "members" in programme:
        programme = _the_member(case, programme)
    failed = unmet_conditions(programme.get("reasons", []))
    amount = yuan_to_fen(programme.get("monthly_amount", "0"))
    return Assessment(bool(programme["eligible"]), amount, failed, result)


def _the_member(case: Case, programme: dict[str, Any]) -> dict[str, Any]:
    if case.member is None:
        raise DoudiError(_("Name the person this case concerns."), field="member")
    for entry in programme["members"]:
        if entry["name"] == case.member.name and mask(entry["id_number"]) == mask(
            case.member.id_number_masked
        ):
            return entry
    raise DoudiError(
        _("%(name)s is not a member of the household this month."),
        field="member",
        name=case.member.name,
    )


def gradual_exit_last_month(found: Assessment, start: datetime.date) -> datetime.date | None:
    """The last month of the gradual exit (渐退期) the engine found the household in, for a
    decision paying from ``start``: the months the parameter allows less those already granted
    (both named in the test's answer). None where the engine found no gradual exit. The
    decision fixes it, so that the stop after the exit is decided and told, not assumed."""
    answer = next(
        (p for p in found.result.get("programmes", []) if p["programme"] == "minimum_living"),
        None,
    )
    test = next(
        (r for r in (answer or {}).get("reasons", []) if r["test"] == GRADUAL_EXIT_TEST), None
    )
    if test is None or not test["passed"]:
        return None
    allowed = next(
        (
            p["value"]
            for p in test["parameters"]
            if p["name"] == "minimum_living.gradual_exit_months"
        ),
        None,
    )
    used = test["values"].get("gradual_exit_months_used") or 0
    if allowed is None:
        return None
    return add_months(start, max(int(allowed) - int(used), 1) - 1)
