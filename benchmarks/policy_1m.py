"""Evaluating a million households for one month: the engine alone, the whole path, one household.

    .venv/bin/python benchmarks/policy_1m.py [--database doudi_bench] [--month YYYY-MM]

Uses the registry that ``benchmarks/registry_1m.py`` leaves in PostgreSQL (run that first). Prints,
each as median and spread over ``--repeat`` runs, with the process's peak memory:
  read     — the registry read as columns (policy.columns.read_registry)
  engine   — the model alone over those columns: every programme's amount and status
  whole    — doudi evaluate_all: read, evaluate in chunks, write the eligible results, audit
  single   — one household form through evaluate_form (median and p95 of 200, warm)
  naive    — the same model run household by household over a sample, extrapolated to all
See docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import time

from common import registry_households, report, setup_django, timed


def main() -> None:
    options = _arguments()
    setup_django(options.database)
    _run(options)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="doudi_bench")
    parser.add_argument("--month", default=datetime.date.today().strftime("%Y-%m"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--naive-sample", type=int, default=2000)
    return parser.parse_args()


def _run(options: argparse.Namespace) -> None:
    import numpy

    from doudi.accounts.models import User
    from doudi.dates import parse_month
    from doudi.policy import batch
    from doudi.policy.columns import read_registry
    from doudi.policy.engine.simulate import simulate
    from doudi.policy.standards import rules_in_force
    from doudi.policy.whatif import programme_amounts

    month = parse_month(options.month)
    households = registry_households()
    print(
        f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{households:,} households, month {month:%Y-%m}"
    )
    system = rules_in_force()
    times, columns = timed(lambda: read_registry(month, "41", system.county_keys), options.repeat)
    population = columns.population
    report(
        "read",
        times,
        f"{len(columns.household_ids):,} households, {len(columns.member_ids):,} persons",
    )
    times, amounts = timed(lambda: programme_amounts(system, population, month), options.repeat)
    eligible = int((amounts["minimum_living"] > 0).sum())
    report("engine", times, f"{eligible:,} households with 低保")
    actor = User.objects.get(username="city")
    times, run = timed(lambda: batch.evaluate_all(actor, month), options.repeat)
    report("whole", times, f"{run.results:,} eligible results written per run")
    _single(system)
    _naive(
        system, population, month, options.naive_sample, len(columns.household_ids), simulate, numpy
    )


def _single(system) -> None:
    from doudi.conftest import household_form, member_form
    from doudi.policy.evaluation import evaluate_form

    form = household_form(
        members=[
            member_form("41082119620301001", "张三"),
            member_form("41082119800101002", "李四", relation="spouse"),
        ],
        incomes=[
            {"member": "41082119800101002", "month": "2022-02", "type": "wage", "amount_fen": 30000}
        ],
    )
    for member in form["members"]:
        member.pop("joined_on")
    for _ in range(20):
        evaluate_form(form, "2022-03")
    samples = []
    for _ in range(200):
        started = time.perf_counter()
        evaluate_form(form, "2022-03")
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    print(
        f"single   median {statistics.median(samples):8.1f} ms p95 {samples[189]:6.1f} ms  "
        "(one household form, all programmes with reasons)"
    )


def _naive(system, population, month, sample: int, total: int, simulate, numpy) -> None:
    from doudi.policy.batch import _slice
    from doudi.policy.programmes import PROGRAMMES

    period = month.strftime("%Y-%m")
    started = time.perf_counter()
    for index in range(min(sample, total)):
        one, _first = _slice(population, index, index + 1)
        simulation = simulate(system, one, period)
        for programme in PROGRAMMES:
            if programme.amount:
                simulation.calculate(programme.amount, period)
    elapsed = time.perf_counter() - started
    per_household = elapsed / min(sample, total)
    print(
        f"naive    {per_household * 1000:8.2f} ms per household over {min(sample, total):,}; "
        f"extrapolated to {total:,}: {per_household * total / 60:,.1f} min"
    )


if __name__ == "__main__":
    main()
