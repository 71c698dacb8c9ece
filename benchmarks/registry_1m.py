"""A million synthetic households in PostgreSQL: load time, list and search latency.

    .venv/bin/python benchmarks/registry_1m.py [--households 1000000] [--database doudi_bench]
    .venv/bin/python benchmarks/registry_1m.py --pages-only    # again, on the loaded database

Creates the database afresh (its name must start with ``doudi_bench``; an existing one is
dropped), migrates, loads the demo places and accounts, generates the population (timing the
drawing and the writing separately), vacuums, analyses and checkpoints (so that writing back
the load does not disturb the timings), then times pages as the demo county user
(county_approver of 修武县, 410821) sees them through Django's test client: each request is
warmed up, then repeated and reported as median, 95th percentile and spread, in
milliseconds. The database is left in place for ``--pages-only`` and EXPLAIN ANALYZE; drop it
with ``dropdb``. Needs a PostgreSQL superuser (CREATE DATABASE, CHECKPOINT). See
docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
from common import percentile

SERVER = "postgres://postgres@127.0.0.1:5432"
PREFIX = "doudi_bench"
WARM_UP = 3
COUNTY = "410821"  # 修武县, where the demo account "county" works
SURNAME = "王"  # the commonest surname: the longest name search
TABLES = {
    "households": "registry_household",
    "members": "registry_member",
    "incomes": "registry_income",
    "expenses": "registry_expense",
    "assets": "registry_asset",
    "versions": "registry_householdversion",
}


def main() -> None:
    options = _arguments()
    if not options.database.startswith(PREFIX):
        sys.exit(f"the database name must start with {PREFIX} (it is dropped and recreated)")
    if not options.pages_only:
        _fresh_database(options.server, options.database)
    os.environ["DATABASE_URL"] = f"{options.server}/{options.database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    if not options.pages_only:
        _report_load(options, *_load(options))
    _report_pages(_measure_pages(options.repeat, options.seed))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--database", default=PREFIX)
    parser.add_argument("--server", default=SERVER, help="PostgreSQL URL without database")
    parser.add_argument("--seed", type=int, default=410800)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="only time the pages, on the database a previous run loaded",
    )
    return parser.parse_args()


def _fresh_database(server: str, name: str) -> None:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')


def _load(options: argparse.Namespace) -> tuple[dict[str, int], dict[str, float]]:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from doudi.demo.bulk_load import load_population
    from doudi.demo.loader import load_demo
    from doudi.demo.population import generate

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    load_demo()
    print(f"migrated and loaded the demo tree in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    population = generate(options.households, options.seed, as_of=timezone.localdate())
    drawn = time.perf_counter()
    print(f"drawn in {drawn - started:.1f} s: {population.counts()}", flush=True)

    def progress(step: str, done: int, total: int) -> None:
        if done == total:
            print(f"  {step}: {total:,} ({time.perf_counter() - drawn:.0f} s)", flush=True)

    counts = load_population(population, progress=progress)
    written = time.perf_counter()
    del population
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute("CHECKPOINT")
    settled = time.perf_counter()
    return counts, {
        "draw (numpy)": drawn - started,
        "write (COPY, one transaction)": written - drawn,
        "VACUUM ANALYZE + CHECKPOINT afterwards": settled - written,
    }


def _county_sample(size: int, seed: int) -> tuple[list[int], dict[int, str]]:
    """Household ids of the county (a fixed sample) and the clear ID numbers of their heads."""
    from doudi.registry.models import Household, Member

    county = Household.objects.filter(region__code__startswith=COUNTY)
    ids = random.Random(seed).sample(sorted(county.values_list("id", flat=True)), size)
    heads = Member.objects.filter(household_id__in=ids, relation="head")
    return ids, {member.household_id: member.reveal_id_number() for member in heads}


def _found(response, household_id: int):
    """The response, after checking that it lists the household (by its file number)."""
    if f"-{household_id:08d}" not in response.content.decode():
        raise SystemExit(f"the search did not find household {household_id}")
    return response


def _measure_pages(repeat: int, seed: int) -> dict[str, list[float]]:
    from django.test import Client

    from doudi.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="county"))  # county_approver of 修武县
    ids, numbers = _county_sample(repeat + WARM_UP, seed)
    requests: dict[str, Callable[[int], object]] = {
        "list, first page": lambda i: client.get("/households/"),
        "list, page 500": lambda i: client.get("/households/", {"page": 500}),
        f"name search “{SURNAME}”": lambda i: client.get("/households/", {"name": SURNAME}),
        "ID-number search (POST)": lambda i: _found(
            client.post("/households/", {"id_number": numbers[ids[i]]}), ids[i]
        ),
        "household detail": lambda i: client.get(f"/households/{ids[i]}/"),
    }
    results = {}
    for label, request in requests.items():
        samples = []
        for i in range(WARM_UP + repeat):
            started = time.perf_counter()
            response = request(i)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{label}: HTTP {response.status_code}")
            if i >= WARM_UP:
                samples.append(elapsed)
        results[label] = samples
    return results


def _report_load(
    options: argparse.Namespace, counts: dict[str, int], timings: dict[str, float]
) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version(), pg_size_pretty(pg_database_size(current_database()))")
        version, size = cursor.fetchone()
        cursor.execute(f"SELECT count(DISTINCT id_number_hash) FROM {TABLES['members']}")
        distinct = cursor.fetchone()[0]
    print(
        f"\n## {datetime.date.today()} — {os.cpu_count()} cores, {_memory()}, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{version.split(' on ')[0]}"
    )
    print(
        f"\n{options.households:,} households, seed {options.seed}; database {size}; "
        f"distinct ID numbers among the members: {distinct:,}\n"
    )
    print("| rows | count |\n|---|---:|")
    for table, count in counts.items():
        print(f"| {table} | {count:,} |")
    print("\n| load step | seconds |\n|---|---:|")
    for step, seconds in timings.items():
        print(f"| {step} | {seconds:.1f} |")
    total = timings["draw (numpy)"] + timings["write (COPY, one transaction)"]
    print(f"| **generate + write** | **{total:.1f}** |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory of the benchmark process (maxrss): {peak:,.0f} MB")


def _report_pages(results: dict[str, list[float]]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        counts = {}
        for name, table in TABLES.items():
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[name] = cursor.fetchone()[0]
    print(f"\nrows: {', '.join(f'{name} {count:,}' for name, count in counts.items())}")
    print("\n| request (county user, 修武县) | median ms | p95 ms | min–max ms | n |")
    print("|---|---:|---:|---:|---:|")
    for label, samples in results.items():
        print(
            f"| {label} | {statistics.median(samples):.1f} | "
            f"{percentile(samples, 0.95):.1f} | {min(samples):.1f}–{max(samples):.1f} | "
            f"{len(samples)} |"
        )


def _memory() -> str:
    with open("/proc/meminfo") as meminfo:
        kilobytes = int(meminfo.readline().split()[1])
    return f"{kilobytes / 1024**2:.0f} GB RAM"


if __name__ == "__main__":
    main()
