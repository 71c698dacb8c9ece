"""A check put together: the persons from the registry, the limits in force, the sources'
snapshots, every rule on the engine the settings name."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pyarrow

from doudi.checks.engine import Engine, Snapshot, engine_from_settings
from doudi.checks.parameters import parameters_for
from doudi.checks.people import household_members, recipients, registry_people
from doudi.checks.rules import run_rules
from doudi.registry.models import Household


def check_place(
    place_code: str,
    as_of: datetime.date,
    snapshots: dict[str, Snapshot],
    *,
    urban: bool = False,
    engine: Engine | None = None,
    on_rule: Callable[[int, int], None] | None = None,
) -> pyarrow.Table:
    """The findings over every recipient of a place (a campaign's, 专项治理), 漏保 included;
    ``on_rule`` follows the progress (``rules.run_rules``)."""
    views = {
        **snapshots,
        "people": recipients(place_code, as_of),
        "registry_people": registry_people(place_code, as_of),
    }
    parameters = parameters_for(place_code, as_of, urban=urban)
    return run_rules(engine or engine_from_settings(), views, parameters, on_rule)


def check_household(
    household: Household,
    as_of: datetime.date,
    snapshots: dict[str, Snapshot],
    *,
    urban: bool = False,
    engine: Engine | None = None,
) -> pyarrow.Table:
    """The findings about one household's members (a case's 核对); 漏保 is a campaign's."""
    views = {**snapshots, "people": household_members(household.pk, as_of)}
    parameters = parameters_for(household.region_id, as_of, urban=urban)
    return run_rules(engine or engine_from_settings(), views, parameters)
