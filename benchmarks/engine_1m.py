"""The engine's whole-population run beside the hand-written floor, on in-memory columns.

    .venv/bin/python benchmarks/engine_1m.py [--households 1000000] [--repeat 5] [--month YYYY-MM]

No database: the population is generated as the registry reader's tables (``floor.generate``)
and built into the engine's columns by ``policy.tables.build``. Both sides get the same columns
and the same parameters; each run is timed in turn (engine, floor, engine, floor, …) so that
whatever else runs on the machine weighs on both alike. Prints the engine's median, spread and
peak memory, the floor's median and spread, and the ratio of the medians; then checks that both
gave the same rows. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

from common import peak_mb, setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--month", default="2026-12")
    options = parser.parse_args()
    setup_django("sqlite:////tmp/doudi_engine_1m.sqlite3")  # settings only; nothing is read

    import floor

    from doudi.dates import parse_month
    from doudi.policy import batch

    month = parse_month(options.month)
    started = time.perf_counter()
    generated = floor.generate(options.households, month)
    columns = generated.columns
    system = floor.system_for_generated()
    print(
        f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load {os.getloadavg()[0]:.2f}; {len(columns.household_ids):,} households, "
        f"{len(columns.member_ids):,} persons, month {month:%Y-%m} "
        f"(generated in {time.perf_counter() - started:.1f} s)",
        flush=True,
    )
    # The batch's own entry, with this population's rules in place of the database's.
    batch.rules_in_force = lambda: system
    batch._evaluate(columns, month, None)  # warm: the parameters' per-county vectors
    floor.floor(columns, system, month)
    engine_times, floor_times = [], []
    for _ in range(options.repeat):
        started = time.perf_counter()
        results = batch._evaluate(columns, month, None)
        engine_times.append(time.perf_counter() - started)
        engine_peak = peak_mb()
        started = time.perf_counter()
        answers = floor.floor(columns, system, month)
        floor_times.append(time.perf_counter() - started)
    engine, reference = statistics.median(engine_times), statistics.median(floor_times)
    print(
        f"engine   median {engine:6.2f} s  spread {min(engine_times):.2f}–{max(engine_times):.2f} s"
        f"  peak {engine_peak:6.0f} MB  ({len(results):,} eligible rows, every programme)"
    )
    print(
        f"floor    median {reference:6.2f} s  spread {min(floor_times):.2f}–"
        f"{max(floor_times):.2f} s  (DuckDB, benchmarks/floor.py)"
    )
    print(f"ratio    {engine / reference:6.2f}× the floor (aim: at most 3×)")
    print(f"load afterwards {os.getloadavg()[0]:.2f}; peak of the process {peak_mb():.0f} MB")
    rows = sum(len(households) for households, _members, _amounts in answers.values())
    assert rows == len(results), (rows, len(results))


if __name__ == "__main__":
    main()
