"""The engine's own rule for a claim and for the premium subsidy, run over columns: one
simulated person (in a household of their county) per claim or per person of a list, with the
dated parameters in force in the claim's month (``medical.*``). Nothing of the rule is
written here again: only the inputs are put together and the engine's variables read back."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

import numpy

from doudi.dates import month_text
from doudi.policy.engine.regional import county_key
from doudi.policy.engine.simulate import Population, simulate
from doudi.policy.standards import rules_in_force


@dataclass(frozen=True)
class ClaimInput:
    region_code: str
    settled_on: datetime.date
    kind: str  # ClaimKind
    category: str  # Category
    total_cost_fen: int
    basic_fen: int
    critical_fen: int
    supplementary_fen: int
    received_before_fen: int  # this calendar year, for the claim's kind


@dataclass(frozen=True)
class ClaimAnswer:
    residual_fen: int
    percent: int
    uncapped_fen: int
    annual_cap_fen: int
    assistance_fen: int


def _population(region_codes: Sequence[str], persons: dict[str, numpy.ndarray], keys) -> Population:
    index = {key: i for i, key in enumerate(keys)}
    count = len(region_codes)
    return Population(
        person_household=numpy.arange(count),
        person_is_head=numpy.ones(count, dtype=bool),
        persons=persons,
        households={
            "county": numpy.array(
                [index.get(county_key(code), 0) for code in region_codes], dtype=numpy.int16
            )
        },
    )


def _by_month(days: Sequence[datetime.date]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for position, day in enumerate(days):
        groups.setdefault(month_text(day.replace(day=1)), []).append(position)
    return groups


def assess_claims(claims: Sequence[ClaimInput]) -> list[ClaimAnswer]:
    """The engine's answer for each claim, in the month it was settled."""
    system = rules_in_force()
    answers: list[ClaimAnswer | None] = [None] * len(claims)
    for month, positions in _by_month([c.settled_on for c in claims]).items():
        chosen = [claims[p] for p in positions]

        def column(name: str, chosen=chosen) -> numpy.ndarray:
            return numpy.array([getattr(c, name) for c in chosen], dtype=numpy.int64)

        population = _population(
            [c.region_code for c in chosen],
            {
                "medical_claim_type": numpy.array([c.kind for c in chosen]),
                "recorded_medical_category": numpy.array([c.category for c in chosen]),
                "medical_total_cost": column("total_cost_fen"),
                "medical_paid_by_basic_insurance": column("basic_fen"),
                "medical_paid_by_critical_illness_insurance": column("critical_fen"),
                "medical_paid_by_supplementary_insurance": column("supplementary_fen"),
                "medical_assistance_received_this_year": column("received_before_fen"),
            },
            system.county_keys,
        )
        simulation = simulate(system, population, month)
        values = {
            name: simulation.calculate(name, month).astype(numpy.int64)
            for name in (
                "medical_residual_cost",
                "medical_assistance_percent",
                "medical_assistance_uncapped",
                "medical_annual_cap",
                "medical_assistance_amount",
            )
        }
        for row, position in enumerate(positions):
            answers[position] = ClaimAnswer(*(int(v[row]) for v in values.values()))
    return [answer for answer in answers if answer is not None]


def premium_subsidies(
    region_codes: Sequence[str], categories: Sequence[str], year: int
) -> numpy.ndarray:
    """Each person's premium subsidy for ``year`` (fen), from the parameters in force on
    1 January: ``medical_premium_subsidy`` of the engine."""
    if not region_codes:
        return numpy.zeros(0, dtype=numpy.int64)
    system = rules_in_force()
    month = f"{year:04d}-01"
    population = _population(
        region_codes,
        {"recorded_medical_category": numpy.array(list(categories))},
        system.county_keys,
    )
    simulation = simulate(system, population, month)
    return simulation.calculate("medical_premium_subsidy", month).astype(numpy.int64)
