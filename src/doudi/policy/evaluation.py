"""Evaluating one household: every programme, its amount, and the reasons behind it."""

from __future__ import annotations

import datetime
from typing import Any

import numpy
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from openfisca_core.errors import ParameterNotFoundError
from openfisca_core.parameters import Parameter, ParameterNode

from doudi.dates import month_text, parse_month
from doudi.errors import DoudiError
from doudi.identity.numbers import mask
from doudi.money import fen_to_yuan
from doudi.policy.engine.base import FenVariable
from doudi.policy.engine.regional import Missing, county_key, missing_from
from doudi.policy.engine.simulate import simulate
from doudi.policy.engine.system import DoudiSystem
from doudi.policy.inputs import columns_from_form, members_on
from doudi.policy.programmes import PROGRAMMES, URBAN_RURAL, NamedTest, Programme
from doudi.policy.standards import rules_in_force
from doudi.regions.models import Region
from doudi.registry.choices import Relation
from doudi.registry.form_input import MemberInput


def evaluate_form(
    form: dict[str, Any], month_typed: str, only: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Evaluate a household JSON form for a month: eligible or not, monthly amounts in yuan,
    and each programme's named tests with the values and parameters they compared. ``only``
    names the programmes wanted (all when empty): the engine computes what they need alone."""
    month = parse_month(month_typed)
    system = rules_in_force()
    columns, data = columns_from_form(form, month, system.county_keys)
    population = columns.population
    simulation = simulate(system, population, month_text(month))
    region = Region.objects.get(code=data.region_code)
    context = _Context(
        system,
        simulation,
        month,
        county_key(region.code),
        "urban" if region.classification == "urban" else "rural",
    )
    members = members_on(form, data, month)
    # Each programme answers on its own: one whose rules are not in force this month says
    # which parameter it lacks, and the others still answer.
    wanted = [p for p in PROGRAMMES if not only or p.key in only]
    programmes = [context.answer(p, members) for p in wanted]
    if context.first_missing is not None and all("missing" in p for p in programmes):
        raise missing_error(context.first_missing, month)  # no rule at all: the month is wrong
    answer = {
        "month": month_text(month),
        "region": region.code,
        "urban_rural": context.urban_rural,
        "programmes": programmes,
    }
    warning = head_warning(members, population.person_is_head, bool(columns.head_assumed[0]))
    if warning is not None:
        answer["warnings"] = [
            {
                "field": warning.field,
                "message": warning.render(),
                "message_en": warning.render("en"),
            }
        ]
    return answer


def head_warning(members: list[MemberInput], is_head, assumed: bool) -> DoudiError | None:
    """What the answer says when the builder had to take a head (tables.engine_heads: no member
    recorded as head, or several current — data from before the registry kept one): who."""
    if not assumed or not members:
        return None
    taken = members[int(numpy.flatnonzero(is_head)[0])].name
    recorded = sum(1 for m in members if m.relation == Relation.HEAD and m.left_on is None)
    if not any(m.relation == Relation.HEAD for m in members):
        return DoudiError(
            _(
                "No member is recorded as head of household this month (the head died or left "
                "and nobody was named): no rule depends on it, so the eldest member, %(name)s, "
                "is taken as head. Name the head in the registry."
            ),
            field="members",
            name=taken,
        )
    return DoudiError(
        _(
            "%(count)d members are recorded as head of household this month: no rule depends "
            "on it, so the eldest of them, %(name)s, is taken as head. Correct the registry."
        ),
        field="members",
        count=recorded,
        name=taken,
    )


class _Context:
    def __init__(
        self, system: DoudiSystem, simulation, month: datetime.date, key: str, urban_rural: str
    ) -> None:
        self.system, self.simulation, self.month = system, simulation, month
        self.period = month_text(month)
        self.key, self.urban_rural = key, urban_rural
        self.first_missing: Missing | None = None

    def value(self, variable: str, index: int) -> Any:
        values = self.simulation.calculate(variable, self.period)
        value = values[index].item() if hasattr(values[index], "item") else values[index]
        if isinstance(self.system.variables[variable], FenVariable):
            return fen_to_yuan(int(value), grouped=False)
        return value.name if hasattr(value, "name") else value

    def answer(self, programme: Programme, members) -> dict[str, Any]:
        """The programme's answer, or what it lacks when a parameter is not in force."""
        try:
            return self.programme(programme, members)
        except ParameterNotFoundError as error:
            missing = missing_from(self.system.parameters, error, self.key)
            self.first_missing = self.first_missing or missing
            refusal = missing_error(missing, self.month)
            return {
                "programme": programme.key,
                "label": str(programme.label),
                "label_en": _english(programme.label),
                "eligible": None,
                "missing": {
                    "parameter": missing.parameter,
                    "description": missing.description,
                    "since": missing.since,
                    "message": refusal.render(),
                    "message_en": refusal.render("en"),
                },
            }

    def programme(self, programme: Programme, members) -> dict[str, Any]:
        result: dict[str, Any] = {
            "programme": programme.key,
            "label": str(programme.label),
            "label_en": _english(programme.label),
        }
        if programme.per_person:
            result["members"] = [
                {
                    "name": m.name,
                    "id_number": mask(m.id_number.value),
                    **self.decision(programme, index),
                }
                for index, m in enumerate(members)
            ]
            result["eligible"] = any(m["eligible"] for m in result["members"])
        else:
            result.update(self.decision(programme, 0))
        return result

    def decision(self, programme: Programme, index: int) -> dict[str, Any]:
        amount_fen = 0
        if programme.amount:
            amount_fen = int(self.simulation.calculate(programme.amount, self.period)[index])
        eligible = (
            bool(self.simulation.calculate(programme.eligible, self.period)[index])
            if programme.eligible
            else amount_fen > 0
        )
        decision: dict[str, Any] = {"eligible": eligible}
        if programme.amount:
            decision["monthly_amount"] = fen_to_yuan(amount_fen, grouped=False)
        if programme.yearly_amount:
            yearly = int(self.simulation.calculate(programme.yearly_amount, self.period)[index])
            decision["yearly_amount"] = fen_to_yuan(yearly, grouped=False)
        decision["reasons"] = [self.reason(test, index) for test in programme.tests]
        return decision

    def reason(self, test: NamedTest, index: int) -> dict[str, Any]:
        return {
            "test": test.variable,
            "passed": bool(self.simulation.calculate(test.variable, self.period)[index]),
            "label": str(test.label),
            "label_en": _english(test.label),
            "values": {name: self.value(name, index) for name in test.compared},
            "parameters": [
                self.parameter(name.replace(URBAN_RURAL, self.urban_rural))
                for name in test.parameters
            ],
        }

    def parameter(self, name: str) -> dict[str, Any]:
        node: Any = self.system.parameters
        for part in name.split("."):
            node = node.children[part]
        unit = str((node.metadata or {}).get("unit", ""))
        if isinstance(node, ParameterNode):  # a regional parameter: the county's own timeline
            node = node.children[self.key]
        assert isinstance(node, Parameter)
        instant = self.month.isoformat()
        for dated in node.values_list:  # newest first
            if dated.instant_str <= instant and dated.value is not None:
                metadata = dated.metadata or {}
                value = dated.value
                if unit.startswith("fen"):
                    value = fen_to_yuan(int(value), grouped=False)
                return {
                    "name": name,
                    "value": value,
                    "since": dated.instant_str,
                    "reference": metadata.get("reference", ""),
                    "region": metadata.get("region", ""),
                    "local_example": bool(metadata.get("local_example", False)),
                }
        # Not in force this month: the programme may still answer (a rule that applies only
        # from a later date, like the gradual exit); say so instead of a value.
        return {
            "name": name,
            "value": None,
            "since": None,
            "reference": "",
            "region": "",
            "local_example": False,
        }


def missing_error(missing: Missing, month: datetime.date) -> DoudiError:
    """The refusal for a month a rule is not in force: which parameter, and from when."""
    if missing.since:
        return DoudiError(
            _("No rule is in force for %(month)s: “%(parameter)s” applies only from %(since)s."),
            field="month",
            month=month_text(month),
            parameter=missing.description,
            since=missing.since,
        )
    return DoudiError(
        _("No rule is in force for %(month)s: “%(parameter)s” has no value for this place."),
        field="month",
        month=month_text(month),
        parameter=missing.description,
    )


def refusal_for(answer: dict[str, Any], month_typed: str) -> DoudiError | None:
    """The refusal for one programme's answer that lacks a rule (None when it answered)."""
    missing = answer.get("missing")
    if not missing:
        return None
    lacking = Missing(missing["parameter"], missing["description"], "", missing["since"])
    return missing_error(lacking, parse_month(month_typed))


def _english(label: object) -> str:
    with translation.override("en"):
        return str(label)
