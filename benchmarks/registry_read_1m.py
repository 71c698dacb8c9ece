"""Reading a million households' facts for a month: the columnar snapshot beside its floors.

    .venv/bin/python benchmarks/registry_read_1m.py [--database doudi_bench] [--month YYYY-MM]

Uses the registry that ``benchmarks/registry_1m.py`` leaves in PostgreSQL, and changes it (1 %
of the households' versions are bumped per run of "changed"): run it on a copy. Prints, as
median and spread over ``--repeat`` runs with the process's peak memory so far:
  build    — the first full build of the snapshot (COPY of every table, once)
  same     — a refresh when nothing changed (households' tokens read and compared)
  changed  — a refresh after 1 % of the households were changed (by SQL, bumping the version)
  read     — policy.columns.read_tables for the whole city (refresh first, then DuckDB)
  received — of which: what households receive (benefits, still read by SQL)
  floor    — the same DuckDB queries straight on the Parquet files: no refresh, no conversion
  sql      — the reader before the snapshot: aggregate SQL on the tables (the test oracle)
then the ratios of read to the floor and of the SQL reader to read. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics

from common import registry_households, report, setup_django, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="doudi_bench")
    parser.add_argument("--month", default=datetime.date.today().strftime("%Y-%m"))
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    setup_django(options.database)
    _run(options)


def _run(options: argparse.Namespace) -> None:
    import duckdb
    import numpy
    from django.db import connection

    from doudi.columnar import snapshot
    from doudi.columnar.tests.oracle import sql_tables
    from doudi.dates import parse_month
    from doudi.policy.columns import Scope, _received, read_tables
    from doudi.policy.tables import income_window

    month = parse_month(options.month)
    households = registry_households()
    print(
        f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load {os.getloadavg()[0]:.2f}; {households:,} households, month {month:%Y-%m}, "
        f"snapshot in {snapshot.folder()}",
        flush=True,
    )
    times, built = timed(snapshot.rebuild, 1)
    report("build", times, f"{built['changed']:,} households, every table copied")
    times, _same = timed(snapshot.refresh, options.repeat)
    report("same", times, "nothing changed")
    changed_times = []
    for run in range(options.repeat):
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE registry_household SET version = version + 1, updated_at = now() "
                "WHERE id %% 100 = %s",
                [run],
            )
        times, done = timed(snapshot.refresh, 1)
        changed_times += times
    report("changed", changed_times, f"{done['changed']:,} households re-read per run")
    # Read and floor in turn, so that whatever else runs on the machine weighs on both alike.
    read_times, floor_times = [], []
    for _ in range(options.repeat):
        times, tables = timed(lambda: read_tables(month, "41"), 1)
        read_times += times
        times, rows = timed(lambda: _floor(duckdb, snapshot, month, income_window(month)), 1)
        floor_times += times
    report(
        "read",
        read_times,
        f"{len(tables.households['id']):,} households, {len(tables.members['id']):,} members",
    )
    ids = tables.households["id"]
    times, _columns = timed(lambda: _received(Scope.place("41"), month, ids), options.repeat)
    report("received", times, "benefits in force, gradual exit: SQL")
    report("floor", floor_times, f"{rows:,} rows, DuckDB on the Parquet files alone")
    sql_times, old = timed(lambda: sql_tables(month, "41"), 1)
    report("sql", sql_times, "aggregate SQL on the tables, as before")
    assert numpy.array_equal(old.households["id"], ids)
    read, floor, sql = (statistics.median(t) for t in (read_times, floor_times, sql_times))
    print(f"ratio    read {read / floor:.2f}× the floor; the SQL reader {sql / read:.1f}× read")
    print(f"load afterwards {os.getloadavg()[0]:.2f}", flush=True)


def _floor(duckdb, snapshot, month: datetime.date, window: tuple) -> int:
    """The reader's queries on the base files as they lie (no delta, no join to the place, no
    refresh), results left as Arrow."""
    base = snapshot.folder() / snapshot._manifest()["base"]
    households = snapshot.folder() / snapshot._manifest()["households"]
    start, end = window
    with duckdb.connect() as database:
        queries = [
            f"SELECT id, region_id, disaster_affected FROM '{households}' ORDER BY id",
            f"SELECT * EXCLUDE (id_number_hash, death_date) FROM '{base}/members.parquet' "
            "WHERE joined_on <= $month AND (left_on IS NULL OR left_on > $month) "
            "ORDER BY household_id, id",
            *(
                f"SELECT household_id, member_id, kind, SUM(amount_fen)::BIGINT "
                f"FROM '{base}/{table}.parquet' WHERE month BETWEEN $start AND $end "
                "GROUP BY ALL"
                for table in ("incomes", "expenses")
            ),
            f"SELECT household_id, kind, vehicle, COUNT(*), SUM(value_fen)::BIGINT, "
            f"SUM(capital_fen)::BIGINT FROM '{base}/assets.parquet' GROUP BY ALL",
            f"SELECT household_id, COUNT(DISTINCT month) FROM (SELECT household_id, month "
            f"FROM '{base}/incomes.parquet' UNION ALL SELECT household_id, month "
            f"FROM '{base}/expenses.parquet') WHERE month BETWEEN $start AND $end GROUP BY ALL",
        ]
        params = {"month": month, "start": start, "end": end}
        return sum(
            database.sql(sql, params={k: v for k, v in params.items() if f"${k}" in sql})
            .to_arrow_table()
            .num_rows
            for sql in queries
        )


if __name__ == "__main__":
    main()
