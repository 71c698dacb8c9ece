"""How often a recipient is re-checked (复核), by category: dated parameters with references
(``procedure.review.*`` in policy/engine/regional), which a county may set shorter for its own
place (quarterly: 3), read as in force on the day of the decision the interval runs from — as a
case keeps the time limits in force on its acceptance day.

A 低保 household is re-checked every six months where a member is able to work (in the labour
force: employed, in flexible work, farming, self-employed or unemployed, and not severely
disabled), since its income then comes and goes; otherwise yearly. 特困 support yearly.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from doudi.cases.procedures import CaseProgramme
from doudi.errors import DoudiError
from doudi.policy.standards import dated_values, values_in_force
from doudi.registry.choices import Employment
from doudi.registry.models import Member

PREFIX = "procedure.review."
LABOUR_FORCE = frozenset(
    {
        Employment.EMPLOYED,
        Employment.FLEXIBLE,
        Employment.FARMING,
        Employment.SELF_EMPLOYED,
        Employment.UNEMPLOYED,
    }
)
SEVERE_DISABILITY_GRADES = (1, 2)  # 一级、二级: not counted as able to work


class Cadence(models.TextChoices):
    STABLE = "stable", _("Income stable")
    IRREGULAR = "irregular", _("Irregular income or members able to work")
    EXTREME_HARDSHIP = "extreme_hardship", _("Extreme-hardship support")


PARAMETERS = {
    Cadence.STABLE: f"{PREFIX}stable_months",
    Cadence.IRREGULAR: f"{PREFIX}irregular_months",
    Cadence.EXTREME_HARDSHIP: f"{PREFIX}extreme_hardship_months",
}


def able_to_work(household: str = "household") -> Exists:
    """Whether the household (``household``: the outer query's field naming it) has a member
    able to work, for annotating a query."""
    return Exists(
        Member.objects.filter(
            household=OuterRef(household),
            left_on__isnull=True,
            death_date__isnull=True,
            excluded_reason="",
            employment__in=LABOUR_FORCE,
        ).exclude(disability_grade__in=SEVERE_DISABILITY_GRADES)
    )


def cadence_of(programme: str, able: bool) -> Cadence:
    if programme == CaseProgramme.EXTREME_HARDSHIP:
        return Cadence.EXTREME_HARDSHIP
    return Cadence.IRREGULAR if able else Cadence.STABLE


class Intervals:
    """The intervals in months: the parameters' values read once, and what is in force for
    each county and day worked out once (one list spans many of both)."""

    def __init__(self) -> None:
        self._values = dated_values(PREFIX)
        self._read: dict[tuple[str, datetime.date], dict] = {}

    def months(self, cadence: Cadence, place_code: str, day: datetime.date) -> int:
        county = place_code[:6].ljust(12, "0")
        if (county, day) not in self._read:
            self._read[county, day] = values_in_force(PREFIX, county, day, self._values)
        value = self._read[county, day].get(PARAMETERS[cadence])
        if value is None:
            raise DoudiError(
                _("No re-check interval is in force on %(day)s for “%(cadence)s”."),
                field="place",
                day=day.isoformat(),
                cadence=cadence.label,
            )
        return int(value.value)
