"""A campaign (专项治理) and one case's check (核对) over departments' snapshots, on DuckDB.

    .venv/bin/python benchmarks/checks_campaign.py [--recipients 100000] [--rows 5000000]
        [--repeat 3] [--spark-rows 0]

Writes synthetic snapshots in the schema of docs/checks.md into a temporary folder with DuckDB
(``--rows`` department rows over nine sources, one in ten of them about a recipient, the rest
about other residents), then prints, as median and spread over ``--repeat`` runs with the
process's peak memory:
  campaign — every rule (doudi.checks.rules.run_rules) over all recipients, DuckDB
  floor    — one hand-written DuckDB query over the same Parquet: deaths, cars, homes and
             deposits found in one statement (the joins the rules cannot avoid)
  case     — every rule for one household's members against the same snapshots
  case-floor — one query reading that household's rows from every source
With ``--spark-rows N`` it also runs the campaign on Spark (local mode) over an N-row sample
and requires the same findings as DuckDB on that sample. No database is needed.
See docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
from pathlib import Path

import duckdb
from common import report, timed

SOURCES = {  # share of the department rows, and the source's own columns as SQL
    "deaths": (
        0.05,
        "CASE WHEN i % 7 = 3 THEN 'moved_out' ELSE 'death' END AS cancellation, "
        "DATE '2026-01-01' + CAST(i % 300 AS INTEGER) AS cancelled_on, "
        "DATE '2026-11-30' AS data_date",
    ),
    "vehicles": (
        0.10,
        "CONCAT('豫H', CAST(i AS VARCHAR)) AS plate, '小型汽车' AS plate_kind, "
        "'K33' AS vehicle_type, CASE WHEN i % 7 = 0 THEN 'disability' ELSE 'private' END AS use, "
        "CASE WHEN i % 5 = 3 THEN 'scrapped' ELSE 'normal' END AS state, "
        "DATE '2015-01-01' AS first_registered_on, DATE '2026-11-30' AS data_date",
    ),
    "real_estate": (
        0.15,
        "CONCAT('U', CAST(i AS VARCHAR)) AS unit_number, '某路' AS location, "
        "CASE WHEN i % 4 = 0 THEN 'commercial' ELSE 'residential' END AS use, "
        "CAST(9000 + i % 5000 AS BIGINT) AS floor_area_hundredths, "
        "DATE '2010-01-01' AS registered_on, "
        "CASE WHEN i % 6 = 0 THEN 'cancelled' ELSE 'current' END AS state, 'sole' AS sharing",
    ),
    "businesses": (
        0.05,
        "CONCAT('92', CAST(i AS VARCHAR)) AS credit_code, '某店' AS business_name, "
        "'个体工商户' AS business_type, CAST((i % 40) * 500000 AS BIGINT) AS "
        "registered_capital_fen, DATE '2018-01-01' AS founded_on, 'active' AS state",
    ),
    "bank": (
        0.25,
        "'某银行' AS institution, '活期' AS account_kind, "
        "CAST((i * 7919) % 3000000 AS BIGINT) AS balance_fen, DATE '2026-11-30' AS balance_on",
    ),
    "employment": (
        0.15,
        "CASE WHEN i % 3 = 0 THEN 'unemployed' ELSE 'employed' END AS registration, "
        "'某公司' AS employer, DATE '2025-01-01' AS registered_on, "
        "CAST(200000 + (i % 500) * 1000 AS BIGINT) AS monthly_wage_fen, "
        "CAST(NULL AS BIGINT) AS unemployment_benefit_fen",
    ),
    "pensions": (
        0.15,
        "'城乡居民基本养老保险' AS scheme, '基本养老金' AS benefit_kind, "
        "CAST(13000 + i % 20000 AS BIGINT) AS monthly_amount_fen, "
        "DATE '2015-01-01' AS start_month, 'paid' AS state",
    ),
    "poverty_monitoring": (
        0.05,
        "CAST(i AS VARCHAR) AS household_number, '户主' AS relation, '边缘易致贫户' AS category, "
        "DATE '2024-01-01' AS identified_on, '因病' AS risk_kind, i % 3 = 0 AS risk_removed",
    ),
    "disability": (
        0.05,
        "'肢体' AS category, CAST(1 + i % 4 AS BIGINT) AS grade, DATE '2022-01-01' AS issued_on, "
        "DATE '2032-01-01' AS valid_until, "
        "CASE WHEN i % 9 = 0 THEN 'expired' ELSE 'valid' END AS state",
    ),
}

# A recipient is person p (0 ≤ p < recipients), two to a household; a row about person i of the
# city's population hashes i. One department row in ten is about a recipient.
COMMON = (
    "CAST(i AS INTEGER) + 2 AS row, md5(CAST({person} AS VARCHAR)) AS person_hash, "
    "TRUE AS id_valid, '某某' AS name, DATE '1960-01-01' AS birth_date, 'male' AS sex, "
    "'410821' AS place_code"
)

FLOOR = """
WITH p AS (SELECT DISTINCT household_id, person_hash FROM read_parquet('{people}')),
dead AS (
    SELECT COUNT(*) AS n FROM p JOIN read_parquet('{deaths}') d USING (person_hash)
    WHERE d.cancellation = 'death' AND d.cancelled_on <= DATE '{as_of}'),
cars AS (
    SELECT COUNT(*) AS n FROM (
        SELECT p.household_id FROM p JOIN read_parquet('{vehicles}') v USING (person_hash)
        WHERE v.state = 'normal' AND v.use <> 'disability'
        GROUP BY p.household_id HAVING COUNT(DISTINCT v.plate) > 1)),
homes AS (
    SELECT COUNT(*) AS n FROM (
        SELECT p.household_id FROM p JOIN read_parquet('{real_estate}') r USING (person_hash)
        WHERE r.state = 'current' AND r.use = 'residential'
        GROUP BY p.household_id HAVING COUNT(DISTINCT r.unit_number) > 1)),
sizes AS (SELECT household_id, COUNT(*) AS persons FROM p GROUP BY household_id),
money AS (
    SELECT COUNT(*) AS n FROM (
        SELECT p.household_id, SUM(b.balance_fen) AS total
        FROM p JOIN read_parquet('{bank}') b USING (person_hash)
        GROUP BY p.household_id) t
    JOIN sizes USING (household_id) WHERE t.total > 900000 * sizes.persons)
SELECT dead.n, cars.n, homes.n, money.n FROM dead, cars, homes, money
"""


def main() -> None:
    options = _arguments()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")
    import django

    django.setup()
    with tempfile.TemporaryDirectory(prefix="doudi-bench-checks-") as folder:
        _run(options, Path(folder))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--spark-rows", type=int, default=0)
    return parser.parse_args()


def write_snapshots(folder: Path, recipients: int, rows: int) -> dict[str, Path]:
    """The people and nine sources as Parquet files; returns their paths by view name."""
    from doudi.sources.storage import ROW_GROUP_ROWS as ROW_GROUP  # as a delivery is kept

    paths = {"people": folder / "people.parquet"}
    with duckdb.connect() as connection:
        connection.execute(
            f"""COPY (SELECT md5(CAST(i AS VARCHAR)) AS person_hash, CAST(i AS BIGINT) AS member_id,
                CAST(i // 2 AS BIGINT) AS household_id, '410821100200' AS region_code,
                'minimum_living' AS programme, CAST(i // 2 AS BIGINT) AS benefit_id,
                TRUE AS counted, i % 2 = 0 AS payee FROM range({recipients}) t(i))
            TO '{paths["people"]}' (FORMAT parquet)"""
        )
        population = recipients * 10  # the rows not about recipients are about other residents
        for source, (share, own) in SOURCES.items():
            count = int(rows * share)
            person = (
                f"CASE WHEN i % 10 = 0 THEN (i * 31) % {recipients} "
                f"ELSE {recipients} + i % {population} END"
            )
            paths[source] = folder / f"{source}.parquet"
            connection.execute(
                f"COPY (SELECT {COMMON.format(person=person)}, {own} FROM range({count}) t(i) "
                f"ORDER BY person_hash) TO '{paths[source]}' "
                f"(FORMAT parquet, ROW_GROUP_SIZE {ROW_GROUP})"
            )
    return paths


def _run(options: argparse.Namespace, folder: Path) -> None:
    from doudi.checks.engine import DuckDBEngine, Snapshot
    from doudi.checks.rules import Parameters, run_rules

    as_of = datetime.date(2026, 11, 30)
    parameters = Parameters(1, 1, 10_000_000, 900_000, 60_000, as_of)
    paths = write_snapshots(folder, options.recipients, options.rows)
    views = _views(paths, Snapshot)
    print(
        f"{options.recipients:,} recipients, {options.rows:,} department rows in "
        f"{len(SOURCES)} sources, on {os.cpu_count()} cores",
        flush=True,
    )
    engine = DuckDBEngine(memory_limit="8GB")
    times, findings = timed(lambda: run_rules(engine, views, parameters), options.repeat)
    kinds = findings.group_by("kind").aggregate([("kind", "count")]).to_pylist()
    report("campaign", times, f"{findings.num_rows:,} findings {kinds}")
    floor_sql = FLOOR.format(as_of=as_of, **{name: str(path) for name, path in paths.items()})
    floor_times, floor = timed(lambda: duckdb.sql(floor_sql).fetchall(), options.repeat)
    report("floor", floor_times, f"deaths, car households, homes, deposits: {floor[0]}")
    print(f"ratio campaign / floor: {_median(times) / _median(floor_times):.1f}", flush=True)
    _one_case(engine, paths, views, parameters, options.repeat)
    if options.spark_rows:
        _spark(folder / "sample", options, parameters)


def _one_case(engine, paths: dict[str, Path], views: dict, parameters, repeat: int) -> None:
    import pyarrow.parquet

    from doudi.checks.rules import run_rules

    people = pyarrow.parquet.read_table(paths["people"]).slice(0, 2)
    # 漏保 is a campaign's question, not a case's (doudi.checks.services.check_household).
    case_views = {**views, "people": people}
    del case_views["registry_people"]
    times, findings = timed(lambda: run_rules(engine, case_views, parameters), repeat)
    report("case", times, f"{findings.num_rows} findings for a household of 2")
    hashes = ", ".join(f"'{value}'" for value in people.column("person_hash").to_pylist())
    union = " UNION ALL ".join(
        f"SELECT '{source}' AS source, row FROM read_parquet('{paths[source]}') "
        f"WHERE person_hash IN ({hashes})"
        for source in SOURCES
    )
    floor_times, rows = timed(lambda: duckdb.sql(union).fetchall(), repeat)
    report("case-floor", floor_times, f"{len(rows)} rows about the household")
    print(f"ratio case / case-floor: {_median(times) / _median(floor_times):.1f}", flush=True)


def _spark(folder: Path, options: argparse.Namespace, parameters) -> None:
    from doudi.checks.engine import DuckDBEngine, Snapshot, SparkEngine
    from doudi.checks.rules import run_rules

    folder.mkdir()
    sample_recipients = max(1, options.recipients * options.spark_rows // options.rows)
    views = _views(write_snapshots(folder, sample_recipients, options.spark_rows), Snapshot)
    spark = SparkEngine()
    spark.session()  # start-up is not the campaign's time
    times, on_spark = timed(lambda: run_rules(spark, views, parameters), options.repeat)
    on_duckdb = run_rules(DuckDBEngine(memory_limit="8GB"), views, parameters)
    same = on_spark.equals(on_duckdb)
    report("spark", times, f"{options.spark_rows:,} rows, {on_spark.num_rows:,} findings")
    print(f"spark findings identical to DuckDB's: {same}", flush=True)
    if not same:
        sys.exit(1)


def _views(paths: dict[str, Path], snapshot) -> dict:
    views = {"people": paths["people"], "registry_people": _registry_people(paths["people"])}
    for number, source in enumerate(SOURCES, start=1):
        views[source] = snapshot(paths[source], number)
    return views


def _registry_people(people: Path):
    """Everyone checked receives assistance: 漏保 finds the other residents."""
    return duckdb.sql(
        f"SELECT person_hash, member_id, household_id, region_code, counted, TRUE AS receives "
        f"FROM read_parquet('{people}')"
    ).to_arrow_table()


def _median(times: list[float]) -> float:
    return sorted(times)[len(times) // 2]


if __name__ == "__main__":
    main()
