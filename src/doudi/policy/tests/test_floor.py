"""The engine's whole-population run and the hand-written floor (benchmarks/floor.py) agree
household by household, to the fen, on a generated population with the awkward cases."""

from __future__ import annotations

import datetime
import sys
from functools import cache
from pathlib import Path

import numpy
import pytest

from doudi.policy import batch
from doudi.policy.engine.simulate import simulate

sys.path.insert(0, str(Path(__file__).resolve().parents[4] / "benchmarks"))
import floor  # the benchmark's reference, kept outside the package

HOUSEHOLDS = 30_000


@cache
def _system():
    return floor.system_for_generated()


def _engine(columns, month: datetime.date) -> dict[str, set[tuple[int, int, int]]]:
    results = batch._evaluate(columns, month, None, _system())
    assert results.missing == {}
    rows: dict[str, set[tuple[int, int, int]]] = {}
    for households, members, programmes, amounts in zip(
        results.household_ids, results.member_ids, results.programmes, results.amounts, strict=True
    ):
        if len(programmes):
            rows.setdefault(str(programmes[0]), set()).update(
                zip(households.tolist(), members.tolist(), amounts.tolist(), strict=True)
            )
    return rows


@pytest.mark.parametrize("month", [datetime.date(2023, 6, 1), datetime.date(2026, 12, 1)])
def test_the_engine_and_the_floor_agree_to_the_fen(month):
    generated = floor.generate(HOUSEHOLDS, month)
    engine = _engine(generated.columns, month)
    answers = floor.floor(generated.columns, _system(), month)
    assert set(answers) == set(engine)
    for programme, (households, members, amounts) in answers.items():
        mine = set(zip(households.tolist(), members.tolist(), amounts.tolist(), strict=True))
        assert len(mine) == len(households)  # one row per household or member
        assert mine == engine[programme], programme


def test_the_population_has_the_awkward_cases():
    month = datetime.date(2026, 12, 1)
    generated = floor.generate(HOUSEHOLDS, month)
    population = generated.columns.population
    sizes = numpy.bincount(population.person_household, minlength=population.household_count)
    assert (sizes == 0).any()  # everyone died or left
    members = generated.tables.members
    assert (numpy.diff(members["id"][numpy.argsort(members["household"])]) < 0).any()
    assert (generated.tables.incomes.member == -1).any()  # incomes set exactly at the line
    params, _national = floor.parameter_table(_system(), month)
    assert len(set(params["minimum_living__standard__urban"].to_pylist())) >= 3
    simulation = simulate(_system(), population, "2026-12")
    tested = simulation.calculate("minimum_living_tested_income", "2026-12")
    line = simulation.calculate("minimum_living_line", "2026-12")
    assert ((tested == line) & (line > 0)).any()  # at the line exactly: not below it
    assert simulation.calculate("minimum_living_gradual_exit", "2026-12").any()
    assert simulation.calculate("minimum_living_by_tests", "2026-12").any()
