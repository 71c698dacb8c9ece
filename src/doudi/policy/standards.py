"""The rules in force: the shipped parameters plus the values bureaus adopted (or propose)."""

from __future__ import annotations

from functools import lru_cache

from doudi.policy.engine.regional import DatedValue, read_regional_files
from doudi.policy.engine.system import DoudiSystem
from doudi.policy.models import RegionalValue, ValueStatus
from doudi.regions.codes import Level
from doudi.regions.models import Region


def regional_parameters() -> dict[str, dict]:
    """Each region-varying parameter's description and unit."""
    return read_regional_files()[1]


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
