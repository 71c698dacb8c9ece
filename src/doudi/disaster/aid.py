"""The transitional living aid of verified impact reports, computed by the rules engine's own
``disaster_transitional_aid`` (the dated ``disaster.transitional_per_person`` times the
household's persons) — one vectorised run for all the reports, not a second formula.

Each report becomes one household of the run, in its county, with as many persons as the report
counts affected: the aid is for the persons the disaster hit, not for members away at the time.
The month is the event's first: the standard in force when it struck applies to the whole
transitional period (the seed states one amount per person, 人均230元, and no months)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

import numpy
from django.utils.translation import gettext_lazy as _
from openfisca_core.errors import ParameterNotFoundError

from doudi.errors import DoudiError
from doudi.policy.engine.regional import county_key
from doudi.policy.engine.simulate import Population, simulate
from doudi.policy.standards import rules_in_force

VARIABLE = "disaster_transitional_aid"


def transitional_aid(
    month: datetime.date, places: Sequence[str], persons: Sequence[int]
) -> list[int]:
    """The aid in fen for each (village code, persons affected) pair, in order."""
    if not places:
        return []
    system = rules_in_force()
    counties = numpy.array([county_key(code) for code in places])
    unknown = sorted(set(counties) - set(system.county_keys))
    if unknown:
        raise DoudiError(
            _("No rules are set up for the county of “%(code)s”."),
            field="event",
            code=unknown[0][1:],
        )
    sizes = numpy.asarray(persons, dtype=numpy.int64)
    person_household = numpy.repeat(numpy.arange(len(sizes)), sizes)
    first = numpy.concatenate(([0], numpy.cumsum(sizes)[:-1]))
    is_head = numpy.zeros(len(person_household), dtype=bool)
    is_head[first] = True
    population = Population(
        person_household=person_household,
        person_is_head=is_head,
        households={"county": counties, "disaster_affected": numpy.ones(len(sizes), dtype=bool)},
    )
    period = f"{month:%Y-%m}"
    try:
        amounts = simulate(system, population, period).calculate(VARIABLE, period)
    except ParameterNotFoundError:
        raise DoudiError(
            _("No transitional aid standard is in force for the month the disaster struck."),
            field="event",
        ) from None
    return [int(a) for a in amounts]
