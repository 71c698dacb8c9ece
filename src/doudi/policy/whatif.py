"""提标测算: what a proposed standard would change, household by household, before adopting it."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import get_in_scope
from doudi.accounts.roles import Permission
from doudi.dates import month_text
from doudi.jobs.progress import report as progress
from doudi.policy.columns import read_registry
from doudi.policy.engine.simulate import Population, simulate
from doudi.policy.engine.system import DoudiSystem
from doudi.policy.models import RegionalValue
from doudi.policy.programmes import PROGRAMMES
from doudi.policy.standards import rules_in_force
from doudi.regions.codes import prefix_of

if TYPE_CHECKING:
    from doudi.accounts.models import User

MONTHS_PER_YEAR = 12
CHANGE_LABELS = {
    "in": _("Newly eligible"),
    "out": _("no longer eligible"),
    "up": _("up"),
    "down": _("down"),
}
# The what-if's steps, as its job's page shows them (outside a job they say nothing).
STEPS = 4
READING = _("Reading the registry")
BEFORE = _("Computing the amounts under the rules in force")
AFTER = _("Computing the amounts with the proposal")
COMPARING = _("Comparing household by household")


@dataclass(frozen=True)
class Change:
    household_id: int
    region_code: str
    programme: str
    before_fen: int
    after_fen: int

    @property
    def kind(self) -> str:
        if self.before_fen == 0:
            return "in"
        if self.after_fen == 0:
            return "out"
        return "up" if self.after_fen > self.before_fen else "down"

    @property
    def kind_label(self) -> str:
        return str(CHANGE_LABELS[self.kind])


@dataclass
class WhatIfReport:
    value: RegionalValue
    month: datetime.date
    households: int
    changes: list[Change] = field(default_factory=list)
    # (programme, county code) → [monthly before, monthly after] in fen
    totals: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        counted: dict[str, int] = defaultdict(int)
        for change in self.changes:
            counted[change.kind] += 1
        return dict(counted)


def programme_amounts(
    system: DoudiSystem, population: Population, month: datetime.date
) -> dict[str, numpy.ndarray]:
    """Each programme's monthly amount per household (person programmes summed per household)."""
    simulation = simulate(system, population, month_text(month))
    period = month_text(month)
    amounts = {}
    for programme in PROGRAMMES:
        if programme.amount is None:
            continue
        values = simulation.calculate(programme.amount, period).astype(numpy.int64)
        if programme.per_person:
            values = numpy.bincount(
                population.person_household, weights=values, minlength=population.household_count
            ).astype(numpy.int64)
        amounts[programme.key] = values
    return amounts


def what_if(actor: User, value_id: int, month: datetime.date | None = None) -> WhatIfReport:
    """Every household under the proposal's place, evaluated with and without it."""
    value = get_in_scope(
        actor,
        RegionalValue.objects.select_related("region"),
        Permission.SET_STANDARDS,
        "region__code",
        pk=value_id,
    )
    month = (month or value.start).replace(day=1)
    baseline = rules_in_force()
    proposed = rules_in_force(proposed=value)
    progress(0, STEPS, READING)
    columns = read_registry(month, prefix_of(value.region_id), baseline.county_keys)
    report = WhatIfReport(value, month, len(columns.household_ids))
    if not len(columns.household_ids):
        return report
    progress(1, STEPS, BEFORE)
    before = programme_amounts(baseline, columns.population, month)
    progress(2, STEPS, AFTER)
    after = programme_amounts(proposed, columns.population, month)
    progress(3, STEPS, COMPARING)
    counties = numpy.array([code[:6] for code in columns.region_codes])
    for key, old in before.items():
        new = after[key]
        for index in numpy.flatnonzero(old != new):
            report.changes.append(
                Change(
                    int(columns.household_ids[index]),
                    str(columns.region_codes[index]),
                    key,
                    int(old[index]),
                    int(new[index]),
                )
            )
        for county in numpy.unique(counties):
            inside = counties == county
            report.totals[(key, str(county))] = [int(old[inside].sum()), int(new[inside].sum())]
    return report
