"""The rules in force: the shipped parameters plus the values bureaus adopted (or propose)."""

from __future__ import annotations

import datetime
from functools import lru_cache

from django.utils.translation import gettext_lazy as _

from doudi.policy.engine.regional import DatedValue, in_force, read_regional_files
from doudi.policy.engine.system import DoudiSystem
from doudi.policy.models import RegionalValue, ValueStatus
from doudi.regions.codes import Level
from doudi.regions.models import Region


@lru_cache(maxsize=1)
def _shipped() -> tuple[tuple[DatedValue, ...], dict[str, dict]]:
    """The shipped files, read once: they change only with a release."""
    values, headers = read_regional_files()
    return tuple(values), headers


# The parameter files' units, as a page names them: money is stored in fen but shown in yuan.
UNIT_LABELS = {
    "day": _("days"),
    "fen": _("yuan"),
    "fen per child per month": _("yuan per child per month"),
    "fen per person": _("yuan per person"),
    "fen per person per month": _("yuan per person per month"),
    "fen per person per year": _("yuan per person per year"),
    "flag": _("yes or no"),
    "home": _("homes"),
    "month": _("months"),
    "months of the 低保 standard": _("months of the 低保 standard"),
    "percent": "%",
    "severity": _("level (1 low, 3 high)"),
    "vehicle": _("vehicles"),
    "working day": _("working days"),
    "year": _("years of age"),
}


def unit_label(unit: str) -> str:
    return str(UNIT_LABELS.get(unit, unit))


def regional_parameters() -> dict[str, dict]:
    """Each region-varying parameter's description and unit."""
    return _shipped()[1]


def dated_value(value: RegionalValue) -> DatedValue:
    reference = f"{value.document_number} {value.reference}".strip()
    return DatedValue(
        parameter=value.parameter,
        region_code=value.region_id,
        start=value.start.isoformat(),
        value=value.value,
        reference=reference,
        metadata={"document_number": value.document_number, "status": value.status},
    )


@lru_cache(maxsize=8)
def _system(counties: tuple[str, ...], added: tuple[DatedValue, ...]) -> DoudiSystem:
    return DoudiSystem(counties, added)


def rules_in_force(proposed: RegionalValue | None = None) -> DoudiSystem:
    """The model for every county of the region tree with every adopted value — and, for a
    what-if, one proposed value besides. Built once per distinct set, then cached."""
    counties = tuple(
        sorted(Region.objects.filter(level=Level.COUNTY).values_list("code", flat=True))
    )
    adopted = RegionalValue.objects.filter(status=ValueStatus.ADOPTED).order_by("start", "id")
    added = [dated_value(value) for value in adopted]
    if proposed is not None:
        added.append(dated_value(proposed))
    return _system(counties, tuple(added))


def dated_values(prefix: str) -> list[DatedValue]:
    """The shipped and the adopted values of every regional parameter named ``prefix…``."""
    adopted = RegionalValue.objects.filter(
        status=ValueStatus.ADOPTED, parameter__startswith=prefix
    ).order_by("start", "id")
    values = [v for v in _shipped()[0] if v.parameter.startswith(prefix)]
    return values + [dated_value(value) for value in adopted]


def values_in_force(
    prefix: str, place_code: str, day: datetime.date, values: list[DatedValue] | None = None
) -> dict[str, DatedValue | None]:
    """Every regional parameter named ``prefix…`` as in force for a place on a day — shipped
    values and adopted ones (``values``: as ``dated_values`` read them, for many places and
    days), through the same chain as the engine (None: none in force).

    For the rules that are not amounts of the engine, such as the procedures' time limits."""
    names = [name for name in regional_parameters() if name.startswith(prefix)]
    values = dated_values(prefix) if values is None else values
    return {
        name: in_force([v for v in values if v.parameter == name], place_code, day.isoformat())
        for name in names
    }


def first_in_force(parameter: str, place_code: str, after: datetime.date) -> str | None:
    """The first day after ``after`` on which a shipped or adopted value is in force."""
    adopted = RegionalValue.objects.filter(status=ValueStatus.ADOPTED, parameter=parameter)
    values = [v for v in _shipped()[0] if v.parameter == parameter]
    values += [dated_value(value) for value in adopted]
    starts = sorted({v.start for v in values if v.start > after.isoformat()})
    for start in starts:
        if in_force(values, place_code, start) is not None:
            return start
    return None
