"""The standard change (提标) over 100,000 benefits: propose and approve, against a floor.

    .venv/bin/python benchmarks/standard_change_100k.py [--households 100000] [--repeat 3]
        [--database doudi_bench_standard_change]

Creates the PostgreSQL database afresh (its name must start with ``doudi_bench``; dropped and
created), migrates, loads the demo places and accounts and a synthetic population, then, once,
straight into the tables with INSERT … SELECT: every household an approved 低保 decision and a
benefit from last month, and an evaluation run for this month that pays each household 43 yuan
more (the run itself is measured by ``policy_1m.py``, not here). Then ``--repeat`` times, as the
city's account:

  propose  — cases.bulk.propose_standard_change: the preview, every benefit the run raises
  approve  — cases.bulk.approve_standard_change: a change case with its two transitions, an
             approved decision, the old benefit ended and the new one begun, per item; one audit
             event; committed

each followed (untimed) by undoing what approve wrote, so that every repeat finds the same
benefits. In the same run, the floor of each: the same rows written by hand-written SQL, one
INSERT … SELECT per table (propose: the items; approve: the cases, transitions, decisions and
benefits), into temporary copies of the tables with their indexes and checks (no foreign keys),
and the UPDATE ending the old benefits in the real table, all rolled back (no commit). Prints
median, spread and peak memory of each, its floor and the ratio. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import time

from common import SERVER, peak_mb, report, setup_django

PREFIX = "doudi_bench"
RISE_FEN = 4_300

SEED_SQL = [
    """INSERT INTO cases_case (household_id, region_id, member_id, programme, kind, channel,
           proxy_name, submitted_by_id, submitted_on, need, missing_materials, relative_of_staff,
           state, accepted_on, delegated, extension_reason, spot_check_selected, facts,
           closed_on, created_at)
       SELECT h.id, h.region_id, NULL, 'minimum_living', 'application', 'window', '',
              %(actor)s, %(decided)s, 'benchmark', '[]', '', 'approved', %(decided)s, false, '',
              false, '{}', %(decided)s, now()
       FROM registry_household h""",
    """INSERT INTO cases_decision (case_id, outcome, decided_on, decided_by_id, reasons,
           monthly_amount_fen, start_month, engine_result, notify_due_on)
       SELECT c.id, 'approved', %(decided)s, %(actor)s, 'benchmark',
              30000 + (c.household_id %% 50000), %(start)s, '{}', %(decided)s
       FROM cases_case c""",
    """INSERT INTO benefits_benefit (decision_id, programme, household_id, region_id, member_id,
           payee_id, monthly_amount_fen, start_month)
       SELECT d.id, 'minimum_living', c.household_id, c.region_id, NULL, head.id,
              d.monthly_amount_fen, d.start_month
       FROM cases_decision d JOIN cases_case c ON c.id = d.case_id
       JOIN (SELECT DISTINCT ON (m.household_id) m.household_id, m.id FROM registry_member m
             WHERE m.left_on IS NULL
             ORDER BY m.household_id, (m.relation <> 'head'), m.id) head
         ON head.household_id = c.household_id""",
    """INSERT INTO policy_evaluationrun (month, place_code, started_by, started_at, finished_at,
           households, persons, results)
       SELECT %(month)s, '410800000000', 'city', now(), now(), COUNT(*), 0, COUNT(*)
       FROM benefits_benefit""",
    """INSERT INTO policy_evaluationresult (run_id, household_id, member_id, programme,
           amount_fen)
       SELECT (SELECT MAX(id) FROM policy_evaluationrun), b.household_id, NULL, b.programme,
              b.monthly_amount_fen + %(rise)s
       FROM benefits_benefit b""",
]

# Undo an approval (untimed): the old benefits in force again, the new rows gone. The audit
# trail is append-only; its one event per approval stays.
UNDO_SQL = [
    """UPDATE benefits_benefit SET end_month = NULL, ended_by_id = NULL
       WHERE id IN (SELECT benefit_id FROM benefits_standardchangeitem WHERE change_id = %(c)s)""",
    """DELETE FROM benefits_benefit WHERE decision_id IN (
           SELECT d.id FROM cases_decision d JOIN benefits_standardchangeitem i
           ON i.case_id = d.case_id WHERE i.change_id = %(c)s)""",
    """DELETE FROM cases_decision WHERE case_id IN (
           SELECT case_id FROM benefits_standardchangeitem WHERE change_id = %(c)s)""",
    """DELETE FROM cases_transition WHERE case_id IN (
           SELECT case_id FROM benefits_standardchangeitem WHERE change_id = %(c)s)""",
    """CREATE TEMP TABLE undo_cases ON COMMIT DROP AS
           SELECT case_id FROM benefits_standardchangeitem WHERE change_id = %(c)s""",
    "DELETE FROM benefits_standardchangeitem WHERE change_id = %(c)s",
    "DELETE FROM cases_case WHERE id IN (SELECT case_id FROM undo_cases)",
    "DELETE FROM benefits_standardchange WHERE id = %(c)s",
]

# The floor: the same rows, one hand-written INSERT … SELECT (or UPDATE) per table, into
# temporary copies of the tables (indexes, defaults and checks included), rolled back.
RAISED_FLOOR = """
    FROM benefits_benefit b
    JOIN policy_evaluationresult r ON r.household_id = b.household_id AND r.run_id = %(run)s
     AND r.member_id IS NULL AND r.programme = b.programme
    WHERE b.programme = 'minimum_living' AND b.member_id IS NULL
      AND b.start_month <= %(month)s AND (b.end_month IS NULL OR b.end_month >= %(month)s)
      AND b.ended_by_id IS NULL AND r.amount_fen > b.monthly_amount_fen"""

PROPOSE_FLOOR = [
    "CREATE TEMP TABLE f_items (LIKE benefits_standardchangeitem INCLUDING ALL) ON COMMIT DROP",
    f"""INSERT INTO f_items (change_id, benefit_id, region_code, before_fen, after_fen)
        SELECT 1, b.id, b.region_id, b.monthly_amount_fen, r.amount_fen {RAISED_FLOOR}""",
]

APPROVE_FLOOR = [
    *(
        f"CREATE TEMP TABLE f_{name} (LIKE {table} INCLUDING ALL) ON COMMIT DROP"
        for name, table in (
            ("case", "cases_case"),
            ("transition", "cases_transition"),
            ("decision", "cases_decision"),
            ("benefit", "benefits_benefit"),
        )
    ),
    f"""INSERT INTO f_case (household_id, region_id, member_id, programme, kind, channel,
            proxy_name, submitted_by_id, submitted_on, need, missing_materials,
            relative_of_staff, state, accepted_on, delegated, extension_reason,
            spot_check_selected, facts, closed_on, step_due_on, created_at)
        SELECT b.household_id, b.region_id, NULL, b.programme, 'change', 'bureau', '',
               %(actor)s, %(today)s, '提标', '[]', '', 'approved', %(today)s, false, '', false,
               '{{}}', %(today)s, %(today)s, now()
        {RAISED_FLOOR}""",
    """INSERT INTO f_transition (case_id, action, from_state, to_state, actor_id, at, reason,
            details)
        SELECT c.id, a.action, 'submitted', a.to_state, %(actor)s, now(), '提标', '{}'
        FROM f_case c CROSS JOIN (VALUES ('submit', 'submitted'), ('bulk_approve', 'approved'))
             AS a(action, to_state)""",
    """INSERT INTO f_decision (case_id, outcome, decided_on, decided_by_id, reasons,
            monthly_amount_fen, start_month, engine_result, notify_due_on)
        SELECT c.id, 'approved', %(today)s, %(actor)s, '提标', 1, %(month)s, '{}', %(today)s
        FROM f_case c""",
    # The old benefits ended: the real table (rolled back with the rest).
    """UPDATE benefits_benefit SET end_month = %(ended)s, ended_by_id = d.id
        FROM f_case c JOIN f_decision d ON d.case_id = c.id
        WHERE benefits_benefit.household_id = c.household_id
          AND benefits_benefit.programme = c.programme AND benefits_benefit.member_id IS NULL
          AND benefits_benefit.ended_by_id IS NULL""",
    """INSERT INTO f_benefit (decision_id, programme, household_id, region_id, member_id,
            payee_id, monthly_amount_fen, start_month)
        SELECT d.id, c.programme, c.household_id, c.region_id, NULL, c.submitted_by_id, 1,
               %(month)s
        FROM f_decision d JOIN f_case c ON c.id = d.case_id""",
]


def main() -> None:
    options = _arguments()
    _fresh_database(options.database)
    setup_django(options.database)
    _run(options)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database", default="doudi_bench_standard_change")
    return parser.parse_args()


def _fresh_database(database: str) -> None:
    if not database.startswith(PREFIX):
        sys.exit(f"the database name must start with {PREFIX}")
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
        admin.execute(f'CREATE DATABASE "{database}"')


def _seed(options: argparse.Namespace, month: datetime.date) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    from doudi.accounts.models import User
    from doudi.demo import population as pop
    from doudi.demo.bulk_load import load_population
    from doudi.demo.loader import load_demo

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    load_demo()
    counts = load_population(pop.generate(options.households, options.seed, as_of=month))
    with connection.cursor() as cursor:  # fresh statistics, or the seed's joins crawl
        cursor.execute("ANALYZE")
    start = (month - datetime.timedelta(days=1)).replace(day=1)
    params = {
        "actor": User.objects.get(username="county").pk,
        "decided": start - datetime.timedelta(days=10),
        "start": start,
        "month": month,
        "rise": RISE_FEN,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in SEED_SQL:
            cursor.execute(statement, params)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    print(
        f"seeded {counts['households']:,} households, {counts['members']:,} members and their "
        f"benefits in {time.perf_counter() - started:.0f} s",
        flush=True,
    )


def _floor(statements: list[str], params: dict) -> float:
    from django.db import connection, transaction

    started = time.perf_counter()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement, params)
            elapsed = time.perf_counter() - started
            raise _RollBack
    except _RollBack:
        pass
    return elapsed


class _RollBack(Exception):
    pass


def _undo(change_id: int) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for statement in UNDO_SQL:
            cursor.execute(statement, {"c": change_id})
    with connection.cursor() as cursor:
        cursor.execute(
            "VACUUM (ANALYZE) benefits_benefit, cases_case, cases_decision, cases_transition, "
            "benefits_standardchangeitem"
        )


def _run(options: argparse.Namespace) -> None:
    from django.db import connection
    from django.utils import timezone

    from doudi.accounts.models import User
    from doudi.cases import bulk
    from doudi.dates import month_before
    from doudi.policy.models import EvaluationRun

    month = datetime.date.today().replace(day=1)
    print(f"{connection.vendor}, {options.households:,} households, month {month:%Y-%m}")
    _seed(options, month)
    city = User.objects.get(username="city")
    run = EvaluationRun.objects.get()
    params = {
        "run": run.pk,
        "month": month,
        "today": timezone.localdate(),
        "ended": month_before(month),
        "actor": city.pk,
    }
    timings: dict[str, list[float]] = {"propose": [], "approve": []}
    floors: dict[str, list[float]] = {"propose": [], "approve": []}
    households = 0
    for _ in range(options.repeat):
        floors["propose"].append(_floor(PROPOSE_FLOOR, params))
        started = time.perf_counter()
        change = bulk.propose_standard_change(city, run.pk, reason="基准测试：提标")
        timings["propose"].append(time.perf_counter() - started)
        households = change.households
        floors["approve"].append(_floor(APPROVE_FLOOR, params))
        started = time.perf_counter()
        bulk.approve_standard_change(city, change.pk, reason="基准测试：批准")
        timings["approve"].append(time.perf_counter() - started)
        print(
            "  run: "
            + ", ".join(
                f"{name} {times[-1]:.1f} s (floor {floors[name][-1]:.1f} s)"
                for name, times in timings.items()
            ),
            flush=True,
        )
        _undo(change.pk)
    print(
        f"{platform.node()} · {os.cpu_count()} cores · {connection.vendor} · "
        f"{households:,} benefits raised per change"
    )
    for name, times in timings.items():
        floor = statistics.median(floors[name])
        ratio = statistics.median(times) / floor if floor else float("inf")
        report(name, times, f"floor {floor:.2f} s  ratio {ratio:.1f}×")
    print(f"peak memory of the process: {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
