"""The limits of a check from the policy rules in force for a place on a day.

The same values the means test uses: the shipped regional files plus the values a bureau
adopted (``policy.standards.values_in_force``), through the national → county chain.
"""

from __future__ import annotations

import datetime

from doudi.checks.rules import Parameters
from doudi.policy.standards import values_in_force


def parameters_for(region_code: str, as_of: datetime.date, *, urban: bool = False) -> Parameters:
    """The limits for ``region_code`` on ``as_of``; ``urban`` picks the urban 低保 standard as
    the income line (the rural one otherwise). The financial limit is the standard times the
    months of ``assets.financial_months``."""
    assets = _values("assets.", region_code, as_of)
    standard = _values("minimum_living.standard.", region_code, as_of)
    line = standard["minimum_living.standard." + ("urban" if urban else "rural")]
    return Parameters(
        max_cars=assets["assets.max_cars"],
        max_homes=assets["assets.max_homes"],
        max_business_capital_fen=assets["assets.max_business_capital"],
        financial_limit_fen_per_person=assets["assets.financial_months"] * line,
        income_line_fen_per_person=line,
        as_of=as_of,
    )


def _values(prefix: str, region_code: str, as_of: datetime.date) -> dict[str, int]:
    found = values_in_force(prefix, region_code, as_of)
    missing = sorted(name for name, value in found.items() if value is None)
    if missing:
        raise LookupError(f"no value in force for {region_code} on {as_of}: {', '.join(missing)}")
    return {name: int(value.value) for name, value in found.items()}
