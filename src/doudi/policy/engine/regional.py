"""Parameters that a province, city or county may set for itself.

Each file in ``regional/`` holds one parameter's dated values per level of place::

    levels:
      "410800000000":            # 焦作市
        2021-01-01: {value: 60000, reference: "…"}

Bureaus add further dated values for their own place (``policy.models.RegionalValue``); they are
merged in the same way. For every county the chain national → province → city → county is merged
into one dated timeline: on each date the most specific level with a value in force wins (a value
of ``null`` hands the decision back to the level above). The model then holds, per parameter, one
child per county (``c410821``) plus ``default`` (the chain without a county), and formulas pick
each household's value with ``by_county`` — a numpy take, because OpenFisca's own vectorial
indexing loops in Python over every household.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy
import yaml
from openfisca_core.errors import ParameterNotFoundError
from openfisca_core.parameters import ParameterNode

NATIONAL = "000000000000"
REGIONAL_DIR = Path(__file__).parent / "regional"


@dataclass(frozen=True)
class DatedValue:
    """One value of one parameter for one place, in force from ``start`` (YYYY-MM-DD)."""

    parameter: str
    region_code: str
    start: str
    value: Any
    reference: str
    metadata: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


def county_key(county_code: str) -> str:
    return f"c{county_code[:6]}"


def chain_of(place_code: str) -> list[str]:
    """National, province, city and county codes above (and of) a place, least specific
    first; a place below the county takes its county's values."""
    chain = [NATIONAL]
    for end in (2, 4, 6):
        if place_code[end - 2 : end] == "00":
            break
        chain.append(place_code[:end].ljust(12, "0"))
    return chain


def in_force(values: list[DatedValue], place_code: str, day: str) -> DatedValue | None:
    """The value of one parameter in force for a place on a day (most specific level wins)."""
    timelines: dict[str, list[DatedValue]] = {}
    for value in sorted(values, key=lambda v: v.start):
        timelines.setdefault(value.region_code, []).append(value)
    for code in reversed(chain_of(place_code)):
        level = [v for v in timelines.get(code, []) if v.start <= day]
        if level and level[-1].value is not None:
            return level[-1]
    return None


def read_regional_files(directory: Path = REGIONAL_DIR) -> tuple[list[DatedValue], dict]:
    """The shipped values, and each parameter's description and metadata."""
    values: list[DatedValue] = []
    headers: dict[str, dict[str, Any]] = {}
    for path in sorted(directory.glob("*.yaml")):
        name = path.stem
        source = yaml.safe_load(path.read_text(encoding="utf-8"))
        headers[name] = {k: source[k] for k in ("description", "metadata") if k in source}
        for region_code, dated in source["levels"].items():
            for start, entry in dated.items():
                entry = entry if isinstance(entry, dict) else {"value": entry}
                values.append(
                    DatedValue(
                        parameter=name,
                        region_code=str(region_code),
                        start=str(start),
                        value=entry.get("value"),
                        reference=entry.get("reference", ""),
                        metadata={
                            k: v for k, v in entry.items() if k not in ("value", "reference")
                        },
                    )
                )
    return values, headers


def _merge(timelines: dict[str, list[DatedValue]], chain: list[str]) -> dict[str, Any]:
    """One Parameter's data: at every date, the most specific level with a value wins."""
    levels = [timelines.get(code, []) for code in chain]
    dates = sorted({value.start for level in levels for value in level})
    merged: dict[str, Any] = {}
    previous = None
    for date in dates:
        chosen = None
        for level in reversed(levels):
            starts = [value.start for value in level]
            position = bisect.bisect_right(starts, date) - 1
            if position >= 0 and level[position].value is not None:
                chosen = level[position]
                break
        if chosen == previous:
            continue
        previous = chosen
        if chosen is None:
            merged[date] = {"value": None}
        else:
            merged[date] = {
                "value": chosen.value,
                "metadata": {
                    "reference": chosen.reference,
                    "region": chosen.region_code,
                    **chosen.metadata,
                },
            }
    return {"values": merged or {"1900-01-01": {"value": None}}}


def regional_node(
    name: str, header: dict[str, Any], values: list[DatedValue], counties: list[str]
) -> ParameterNode:
    timelines: dict[str, list[DatedValue]] = {}
    for value in sorted(values, key=lambda v: v.start):
        timelines.setdefault(value.region_code, []).append(value)
    data: dict[str, Any] = dict(header)
    data["default"] = _merge(timelines, [NATIONAL])
    for county in counties:
        data[county_key(county)] = _merge(timelines, chain_of(county))
    return ParameterNode(name, data=data)


def attach_regional(
    root: ParameterNode,
    values: list[DatedValue],
    headers: dict[str, dict[str, Any]],
    counties: list[str],
) -> None:
    """Hang one regional node per parameter into the loaded parameter tree."""
    for name, header in headers.items():
        node = regional_node(name, header, [v for v in values if v.parameter == name], counties)
        *parents, leaf = name.split(".")
        current = root
        for depth, part in enumerate(parents):
            if part not in current.children:
                current.add_child(part, ParameterNode(".".join(parents[: depth + 1]), data={}))
            current = current.children[part]
        current.add_child(leaf, node)


def _vector(raw, keys: tuple[str, ...]) -> tuple[numpy.ndarray, numpy.ndarray]:
    """The parameter's value per key, and which keys have none in force."""
    values, missing = [], []
    for key in keys:
        try:
            values.append(raw[key])
            missing.append(False)
        except ParameterNotFoundError:
            values.append(0)
            missing.append(True)
    return numpy.array(values), numpy.array(missing)


def by_county(node_at_instant, county_index: numpy.ndarray, keys: tuple[str, ...]) -> numpy.ndarray:
    """Each household's value of a regional parameter, by its county's position in ``keys``."""
    raw = getattr(node_at_instant, "parameter_node_at_instant", node_at_instant)
    cache = raw.__dict__.setdefault("_county_vectors", {})
    if keys not in cache:
        cache[keys] = _vector(raw, keys)
    vector, missing = cache[keys]
    if missing.any() and missing[county_index].any():
        # Only a place that is actually evaluated must have a value in force.
        absent = keys[int(county_index[missing[county_index]][0])]
        raise ParameterNotFoundError(f"{raw._name}[{absent}]", raw._instant_str)
    result = vector[county_index]
    tracer = getattr(node_at_instant, "tracer", None)
    if tracer is not None:
        tracer.record_parameter_access(raw._name, raw._instant_str, result)
    return result


@dataclass(frozen=True)
class Missing:
    """A parameter with no value in force on a day for a place: what a programme lacks."""

    parameter: str  # its name in the model, e.g. ``minimum_living.edge_percent``
    description: str
    day: str  # the day asked for (YYYY-MM-DD)
    since: str | None  # the first later day it has a value, or None: never for this place


def missing_from(
    root: ParameterNode, error: ParameterNotFoundError, default_county: str
) -> Missing:
    """Name the parameter behind ``error`` and the first day after it has a value.

    A regional parameter is reported as ``name[cNNNNNN]`` (``by_county``); a national one by its
    plain name. The search is over the shipped and added values the model was built with.
    """
    # Not ``error.name``: the error is an AttributeError, and Python overwrites ``name`` (with
    # None) when one passes through attribute lookup — the "(None)" users saw. The message
    # written when it was raised still names the parameter.
    found = re.search(r"parameter '([^']+)'", str(error))
    # OpenFisca writes a missing child as ``node[child]``; ``by_county`` adds ``[cNNNNNN]``.
    parts = re.sub(r"\[([^\]]+)\]", r".\1", found.group(1) if found else "").split(".")
    county = default_county
    if re.fullmatch(r"c\d{6}|default", parts[-1]):
        county = parts.pop()
    name = ".".join(parts)
    node: Any = root
    for part in parts:
        children = getattr(node, "children", {})
        if part not in children:
            return Missing(name, name, error.instant_str, None)
        node = children[part]
    description = str(getattr(node, "description", "") or name)
    if isinstance(node, ParameterNode):
        node = node.children.get(county) or node.children.get("default")
    since = None
    for dated in getattr(node, "values_list", []):  # newest first
        if dated.instant_str > error.instant_str and dated.value is not None:
            since = dated.instant_str
    return Missing(name, description, error.instant_str, since)
