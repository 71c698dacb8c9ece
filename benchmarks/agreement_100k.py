"""A whole-place run over a synthetic population changed by casework, against single households.

    .venv/bin/python benchmarks/agreement_100k.py [--households 100000] [--sample 1000]
        [--database sqlite:///var/agreement.sqlite3 | doudi_bench_agreement]

Creates the database afresh (a SQLite file is deleted first; a PostgreSQL name must start with
``doudi_bench`` and is dropped and created), migrates, loads the demo places and accounts,
generates and loads the population, then changes it through the registry's services
(``policy/agreement.change_population``: members moved out or died, households emptied,
members added later to older households with a wage of their own, heads died or moved out with
a successor named, and some heads died with nobody named, as the registry once allowed). One
``evaluate_all`` for the month runs over every household, and a random sample is evaluated one
household at a time with ``evaluate_form`` on the registry's form. Prints the counts, the time
of each step and every household whose answers differ. Exits 1 if any differ.
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from pathlib import Path

from common import SERVER, peak_mb, setup_django

PREFIX = "doudi_bench"


def main() -> None:
    options = _arguments()
    url = _fresh_database(options.database)
    setup_django(url)
    sys.exit(_run(options))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--share", type=float, default=0.01, help="of households per change")
    default = Path(__file__).resolve().parents[1] / "var" / "agreement.sqlite3"
    parser.add_argument("--database", default=f"sqlite:///{default}")
    return parser.parse_args()


def _fresh_database(database: str) -> str:
    if database.startswith("sqlite:///"):
        path = Path(database.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        return database
    if not database.startswith(PREFIX):
        sys.exit(f"the database name must start with {PREFIX}")
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
        admin.execute(f'CREATE DATABASE "{database}"')
    return database


def _step(name: str, started: float, note: str) -> float:
    now = time.perf_counter()
    print(f"{name:<8} {now - started:8.1f} s  peak {peak_mb():6.0f} MB  {note}", flush=True)
    return now


def _run(options: argparse.Namespace) -> int:
    import numpy
    from django.core.management import call_command
    from django.db import connection

    from doudi.accounts.models import User
    from doudi.demo import population as pop
    from doudi.demo.bulk_load import load_population
    from doudi.demo.loader import load_demo
    from doudi.policy import agreement, batch

    today = datetime.date.today()
    month = today.replace(day=1)
    print(f"{connection.vendor}, {options.households:,} households, month {month:%Y-%m}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    load_demo()
    started = _step("setup", started, "migrated, demo places and accounts")
    population = pop.generate(options.households, options.seed, as_of=today)
    counts = load_population(population)
    started = _step(
        "load", started, f"{counts['households']:,} households, {counts['members']:,} members"
    )
    changes = agreement.change_population(
        numpy.random.default_rng(options.seed), month, share=options.share
    )
    started = _step(
        "change",
        started,
        f"{changes.departed} moved out, {changes.died} died, {changes.emptied} emptied, "
        f"{changes.added} added later, heads: {changes.heads_died} died and "
        f"{changes.heads_left} moved out with a successor, {changes.headless} died without one",
    )
    actor = User.objects.get(username="city")
    run = batch.evaluate_all(actor, month)
    started = _step("run", started, f"evaluate_all: {run.results:,} eligible results")
    result = agreement.agree(
        actor, run, month, options.sample, numpy.random.default_rng(options.seed + 1)
    )
    _step("sample", started, "the sample one household at a time (evaluate_form)")
    print(
        f"households evaluated: {result.households:,}; sampled: {result.sampled:,}; "
        f"agreeing: {result.agreeing:,}; differing: {len(result.differences):,}"
    )
    for household, whole, single in result.differences[:20]:
        print(f"  household {household}: batch {whole} single {single}")
    return 0 if not result.differences else 1


if __name__ == "__main__":
    main()
