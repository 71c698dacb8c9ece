"""Linking records without an ID number to registry people, beside a hand-written floor.

    .venv/bin/python benchmarks/linkage.py [--records 2000] [--registry 50000] [--repeat 3]
    .venv/bin/python benchmarks/linkage.py --records 100000 --registry 5000000 --repeat 3

Draws ``--registry`` people (name, birth date, sex, county) and ``--records`` department rows:
nine in ten are registry people as they are, one in ten someone else. Times
``doudi.linkage.model.link`` (Splink on DuckDB: blocking, scoring, banding) and, in the same
run, the floor: one DuckDB query joining on name, birth date and sex exactly, which finds the
easy links and nothing else. Prints median, spread and peak memory of each and their ratio.
No database is needed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
from common import report, timed

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

FLOOR = """
    SELECT r.uid AS record_row, g.member_id
    FROM records AS r JOIN registry AS g
      ON r.name = g.name AND r.birth_date = g.birth_date AND r.sex = g.sex
"""
SURNAMES = np.array(list("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"))
GIVEN = np.array(list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国红梅"))
COUNTIES = np.array(["410802", "410803", "410804", "410811", "410821", "410822", "410823"])


def main() -> None:
    options = _arguments()
    rng = np.random.default_rng(options.seed)
    registry = _people(rng, options.registry)
    records = _records(rng, registry, options.records)
    print(f"{options.records:,} records against {options.registry:,} registry people", flush=True)
    linked_times, pairs = timed(lambda: _link(records, registry), options.repeat)
    report("link", linked_times, f"{pairs.num_rows:,} pairs")
    floor_times, exact = timed(lambda: _floor(records, registry), options.repeat)
    report("floor", floor_times, f"{exact:,} exact pairs")
    ratio = statistics.median(linked_times) / statistics.median(floor_times)
    print(f"ratio      link / floor {ratio:.1f}×", flush=True)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--registry", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


def _people(rng: np.random.Generator, size: int) -> pa.Table:
    given = np.strings.add(
        np.where(rng.random(size) < 0.3, "", GIVEN[rng.integers(0, len(GIVEN), size)]),
        GIVEN[rng.integers(0, len(GIVEN), size)],
    )
    birth = np.datetime64("1940-01-01") + rng.integers(0, 30000, size).astype("timedelta64[D]")
    return pa.table(
        {
            "member_id": pa.array(np.arange(size, dtype=np.int64)),
            "name": pa.array(np.strings.add(SURNAMES[rng.integers(0, 20, size)], given)),
            "birth_date": pa.array(birth),
            "sex": pa.array(np.where(rng.random(size) < 0.5, "male", "female")),
            "place_code": pa.array(COUNTIES[rng.integers(0, len(COUNTIES), size)]),
        }
    )


def _records(rng: np.random.Generator, registry: pa.Table, size: int) -> pa.Table:
    known = registry.take(rng.choice(registry.num_rows, size - size // 10, replace=False))
    others = _people(rng, size // 10)
    return pa.concat_tables([known.drop(["member_id"]), others.drop(["member_id"])])


def _link(records: pa.Table, registry: pa.Table) -> pa.Table:
    from doudi.linkage.model import link

    return link(records, registry)


def _floor(records: pa.Table, registry: pa.Table) -> int:
    import duckdb

    with duckdb.connect() as con:
        uid = pa.array(np.arange(records.num_rows, dtype=np.int64))
        con.register("records", records.append_column("uid", uid))
        con.register("registry", registry)
        return con.sql(FLOOR).to_arrow_table().num_rows


if __name__ == "__main__":
    main()
