"""The engine's inputs, built once: one month's facts as plain tables, then the ``Population``.

Two readers fill the same ``Tables``: ``policy/columns.py`` from the registry with a handful of
set-based queries (a whole place), and ``policy/inputs.py`` from one household form (a
population of one). Everything the rules make of those facts — which incomes count, which
assets are financial, which vehicles count, the monthly average over the recorded months, which
member belongs to which household — is decided here, in ``build``, and nowhere else.

Rows are matched by id, never by position: members, incomes and assets may come in any order
(a member added later to an older household has a higher id than the next household's members).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import numpy

from doudi.dates import add_months
from doudi.policy.engine.regional import county_key
from doudi.policy.engine.simulate import Population
from doudi.policy.engine.variables.inputs import NO_CERTIFICATE_END
from doudi.regions.models import Classification
from doudi.registry.choices import (
    COUNTED_INCOME_TYPES,
    FINANCIAL_ASSET_TYPES,
    AssetType,
    Relation,
    VehicleType,
)

INCOME_WINDOW_MONTHS = 12
NO_MEMBER = -1  # a money row of the household as a whole
COUNTED_VEHICLES = (VehicleType.CAR, VehicleType.TRUCK)

# Facts beyond the registry's own columns, with the value a reader gives when none is recorded.
# Their names are the engine's input variables.
MEMBER_FACTS = {
    "has_capable_supporter": True,
    "orphan_status": "none",
    "care_setting": "home",
    "was_extreme_hardship": False,
    # 特困人员认定办法 (2021): a child meeting both sets of conditions chooses one guarantee.
    "child_guarantee_choice": "not_recorded",
    "receiving_single_person_minimum_living": False,
}
# A member's recorded medical claim (registry field ``medical_claim``) → the engine's inputs.
MEDICAL_CLAIM_FIELDS = {
    "type": "medical_claim_type",
    "category": "recorded_medical_category",
    "total_cost_fen": "medical_total_cost",
    "paid_by_basic_insurance_fen": "medical_paid_by_basic_insurance",
    "paid_by_critical_illness_insurance_fen": "medical_paid_by_critical_illness_insurance",
    "paid_by_supplementary_insurance_fen": "medical_paid_by_supplementary_insurance",
    "received_this_year_fen": "medical_assistance_received_this_year",
}
MEDICAL_CLAIM_DEFAULTS = {
    "medical_claim_type": "none",
    "recorded_medical_category": "not_recorded",
}
# The registry's category "none" is labelled "not recorded": the engine then derives it.
RECORDED_CATEGORY = {"none": "not_recorded"}
HOUSEHOLD_FACTS = {
    "disaster_affected": False,
    # Whether receiving_minimum_living (and the single-person one) is a fact on record: the
    # registry's benefits always are; a form only where it says so.
    "minimum_living_recorded": False,
    "receiving_minimum_living": False,
    "current_minimum_living_amount": 0,
    "gradual_exit_months_used": 0,
}


def claims(values: list[dict[str, Any] | None]) -> numpy.ndarray:
    """Medical claims as a column of objects (None: no claim)."""
    column = numpy.empty(len(values), dtype=object)
    column[:] = values
    return column


def _claim_inputs(column: numpy.ndarray) -> dict[str, numpy.ndarray]:
    """Only the variables some claim gives: the others keep the engine's defaults."""
    inputs = {}
    rows = numpy.flatnonzero(column != None)  # noqa: E711 (elementwise: the few with a claim)
    for key, variable in MEDICAL_CLAIM_FIELDS.items():
        given = [(index, column[index].get(key)) for index in rows]
        given = [(index, value) for index, value in given if value is not None]
        if given:
            default = MEDICAL_CLAIM_DEFAULTS.get(variable, 0)
            values = numpy.full(len(column), default, dtype=object)
            if variable == "recorded_medical_category":
                given = [(index, RECORDED_CATEGORY.get(value, value)) for index, value in given]
            values[[index for index, _value in given]] = [value for _index, value in given]
            inputs[variable] = values.astype(type(default))
    return inputs


def income_window(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last month whose incomes and spending enter ``month``'s tests."""
    return add_months(month, 1 - INCOME_WINDOW_MONTHS), month


@dataclass
class Money:
    """Sums over the income window, one row per (household, member or NO_MEMBER, type)."""

    household: numpy.ndarray
    member: numpy.ndarray
    kind: numpy.ndarray
    amount: numpy.ndarray

    @classmethod
    def of(cls, rows: list[tuple]) -> Money:
        return cls(
            numpy.array([r[0] for r in rows], dtype=numpy.int64),
            numpy.array([NO_MEMBER if r[1] is None else r[1] for r in rows], dtype=numpy.int64),
            numpy.array([str(r[2]) for r in rows], dtype=object),
            numpy.array([int(r[3]) for r in rows], dtype=numpy.int64),
        )


@dataclass
class Assets:
    """One row per (household, asset type, vehicle type): how many, their value and capital."""

    household: numpy.ndarray
    kind: numpy.ndarray
    vehicle: numpy.ndarray
    count: numpy.ndarray
    value: numpy.ndarray
    capital: numpy.ndarray

    @classmethod
    def of(cls, rows: list[tuple]) -> Assets:
        def ints(index: int) -> numpy.ndarray:
            return numpy.array([int(r[index] or 0) for r in rows], dtype=numpy.int64)

        return cls(
            ints(0),
            numpy.array([str(r[1]) for r in rows], dtype=object),
            numpy.array([str(r[2] or "") for r in rows], dtype=object),
            ints(3),
            ints(4),
            ints(5),
        )


@dataclass
class Tables:
    """One month's facts. ``households`` columns: id, region, classification, recorded_months
    and HOUSEHOLD_FACTS; ``members`` (those current on the month's first day): id, household,
    relation, birth_date, left_on (the membership's end, later than the month's first day;
    NaT while it lasts), disability_category, disability_grade, certificate_valid_until (the
    disability certificate's last valid day; NaT where none is delivered), serious_illness,
    self_care,
    in_school, education, excluded, medical_claim (see ``claims``) and MEMBER_FACTS.
    ``household_requests``: what one case asks (a temporary need), engine variables as is."""

    households: dict[str, numpy.ndarray]
    members: dict[str, numpy.ndarray]
    incomes: Money
    expenses: Money
    assets: Assets
    household_requests: dict[str, numpy.ndarray] = field(default_factory=dict)


@dataclass
class RegistryColumns:
    """The population with the ids its rows stand for (persons ordered by household)."""

    household_ids: numpy.ndarray
    region_codes: numpy.ndarray
    member_ids: numpy.ndarray
    population: Population
    # Per household: its head taken as the eldest, none or several being recorded (engine_heads).
    head_assumed: numpy.ndarray = field(default_factory=lambda: numpy.zeros(0, dtype=bool))


def lookup(keys: numpy.ndarray, values: numpy.ndarray) -> numpy.ndarray:
    """The position in ``keys`` (any order, unique) of each value; -1 where it is absent."""
    values = numpy.asarray(values, dtype=numpy.int64)
    if not len(keys):
        return numpy.full(len(values), -1, dtype=numpy.int64)
    order = numpy.argsort(keys, kind="stable")
    ordered = keys[order]
    position = numpy.minimum(numpy.searchsorted(ordered, values), len(keys) - 1)
    return numpy.where(ordered[position] == values, order[position], -1)


def _sum_at(size: int, position: numpy.ndarray, amounts: numpy.ndarray) -> numpy.ndarray:
    total = numpy.zeros(size, dtype=numpy.int64)
    inside = position >= 0
    numpy.add.at(total, position[inside], amounts[inside])
    return total


def _by_owner(
    money: Money, household_ids: numpy.ndarray, member_ids: numpy.ndarray, counted: numpy.ndarray
) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Per current member, and per household for amounts of no member. An amount of a member
    who is no longer in the household counts for no one."""
    attributed = money.member != NO_MEMBER
    person = numpy.where(attributed & counted, lookup(member_ids, money.member), -1)
    household = numpy.where(~attributed & counted, lookup(household_ids, money.household), -1)
    return (
        _sum_at(len(member_ids), person, money.amount),
        _sum_at(len(household_ids), household, money.amount),
    )


def _choices(values) -> list[str]:
    return sorted(str(value) for value in values)


def _asset_columns(assets: Assets, household_ids: numpy.ndarray) -> dict[str, numpy.ndarray]:
    owner = lookup(household_ids, assets.household)
    size = len(household_ids)
    financial = numpy.isin(assets.kind, _choices(FINANCIAL_ASSET_TYPES))
    car = (assets.kind == str(AssetType.VEHICLE)) & numpy.isin(
        assets.vehicle, _choices(COUNTED_VEHICLES)
    )
    return {
        "financial_assets": _sum_at(size, numpy.where(financial, owner, -1), assets.value),
        "cars": _sum_at(size, numpy.where(car, owner, -1), assets.count),
        "homes": _sum_at(
            size, numpy.where(assets.kind == str(AssetType.HOME), owner, -1), assets.count
        ),
        "business_capital": _sum_at(
            size, numpy.where(assets.kind == str(AssetType.BUSINESS), owner, -1), assets.capital
        ),
    }


def _certificate_ends(days: numpy.ndarray) -> numpy.ndarray:
    """The certificates' last valid days, the engine's no-end date where none is delivered."""
    days = numpy.asarray(days, dtype="datetime64[D]")
    return numpy.where(numpy.isnat(days), numpy.datetime64(NO_CERTIFICATE_END, "D"), days)


def build(tables: Tables, county_keys: tuple[str, ...]) -> RegistryColumns:
    """The engine's input columns from the month's tables: the one builder of both paths."""
    household_order = numpy.argsort(tables.households["id"], kind="stable")
    households = _ordered(tables.households, household_order)
    household_ids = households["id"].astype(numpy.int64)
    owner = lookup(household_ids, tables.members["household"])
    if (owner < 0).any():
        raise ValueError("a member names a household that is not in the tables")
    order = numpy.argsort(owner, kind="stable")
    members = _ordered(tables.members, order)
    person_household = owner[order]
    member_ids = members["id"].astype(numpy.int64)
    counted = numpy.isin(tables.incomes.kind, _choices(COUNTED_INCOME_TYPES))
    income = _by_owner(tables.incomes, household_ids, member_ids, counted)
    spending = _by_owner(
        tables.expenses, household_ids, member_ids, numpy.ones(len(tables.expenses.kind), bool)
    )
    months = numpy.maximum(households["recorded_months"].astype(numpy.int64), 1)
    key_index = {key: index for index, key in enumerate(county_keys)}
    persons = {
        "birth_date": members["birth_date"].astype("datetime64[D]"),
        "disability_category": numpy.array(
            [value or "none" for value in members["disability_category"]]
        ),
        "disability_grade": members["disability_grade"].astype(numpy.int64),
        "disability_certificate_valid_until": _certificate_ends(members["certificate_valid_until"]),
        "serious_illness": members["serious_illness"].astype(bool),
        "self_care_items_failed": members["self_care"].astype(numpy.int64),
        "in_school": members["in_school"].astype(bool),
        "education": numpy.array([value or "none" for value in members["education"]]),
        "counted_in_household": ~members["excluded"].astype(bool),
        "person_income": income[0] // months[person_household],
        "person_rigid_spending": spending[0] // months[person_household],
        **{name: _plain(members[name]) for name in MEMBER_FACTS},
        **_claim_inputs(members["medical_claim"]),
    }
    household_columns = {
        "county": numpy.array(
            [key_index.get(county_key(code), 0) for code in households["region"]],
            dtype=numpy.int16,
        ),
        "is_urban": households["classification"] == str(Classification.URBAN),
        "household_income": income[1] // months,
        "household_rigid_spending": spending[1] // months,
        **_asset_columns(tables.assets, household_ids),
        **{name: households[name] for name in HOUSEHOLD_FACTS},
        **_ordered(tables.household_requests, household_order),
    }
    is_head, assumed = engine_heads(
        person_household,
        members["relation"],
        members["birth_date"],
        members["left_on"],
        len(household_ids),
    )
    population = Population(
        person_household=person_household,
        person_is_head=is_head,
        persons=persons,
        households=household_columns,
    )
    return RegistryColumns(household_ids, households["region"], member_ids, population, assumed)


def engine_heads(
    person_household: numpy.ndarray,
    relation: numpy.ndarray,
    birth_date: numpy.ndarray,
    left_on: numpy.ndarray,
    household_count: int,
) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Exactly one head per household with members, for the engine's household role, and
    which households had theirs assumed.

    Relations are today's: in a month before a head died or left, both that head and the
    successor named then are recorded as head, and the one whose membership ends first was
    the head that month. Where no member is recorded as head — data from before the registry
    kept one head per household (the head died or left and nobody was named) — the eldest
    member; where several heads are current (likewise), the eldest of them (a tie: the first in
    member order). No rule reads the role, so both readers answer such a household as any
    other, and alike; those two cases are the ones assumed."""
    count = len(person_household)
    recorded = relation == str(Relation.HEAD)
    ends = numpy.asarray(left_on, dtype="datetime64[D]")
    lasting = numpy.isnat(ends)
    never = numpy.iinfo(numpy.int64).max
    ending = numpy.where(recorded & ~lasting, ends.astype(numpy.int64), never)
    born = numpy.asarray(birth_date, dtype="datetime64[D]").astype(numpy.int64)
    order = numpy.lexsort((numpy.arange(count), born, ending, ~recorded, person_household))
    first = numpy.ones(count, dtype=bool)
    first[1:] = person_household[order][1:] != person_household[order][:-1]
    is_head = numpy.zeros(count, dtype=bool)
    is_head[order[first]] = True
    heads = numpy.bincount(person_household[recorded], minlength=household_count)
    current_heads = numpy.bincount(person_household[recorded & lasting], minlength=household_count)
    occupied = numpy.bincount(person_household, minlength=household_count) > 0
    return is_head, occupied & ((heads == 0) | (current_heads > 1))


def _plain(column: numpy.ndarray) -> numpy.ndarray:
    """Text columns as numpy strings, which the engine's enumerations encode (objects not)."""
    return column.astype(str) if column.dtype == object else column


def _ordered(columns: dict[str, numpy.ndarray], order: numpy.ndarray) -> dict[str, numpy.ndarray]:
    return {name: numpy.asarray(values)[order] for name, values in columns.items()}
