"""The re-check due lists of a county (复核到期), on the million-household registry.

    .venv/bin/python benchmarks/recheck_due.py [--database doudi_bench] [--repeat 30]

Uses the registry that ``benchmarks/registry_1m.py`` leaves in PostgreSQL (run that first, on a
copy). Once, it gives one household in ``--every`` (20: about the share on 低保) an approved 低保
decision on a day of the past year and a benefit, straight into the tables with INSERT … SELECT
(the procedure that makes a decision is measured by the tests, not here). Then, ``--repeat``
times, for the county's approver: ``rechecks.queries.recheck_lists`` — every benefit of the county
with its last decision, its members' ability to work and its open case, each one's interval and
next date, the overdue and due lists — and beside it, its floor: one hand-written SQL query of
the same rows and next dates (the shipped intervals written into it), fetched. Printed: median,
95th percentile (nearest rank) and the ratio of the medians. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import time

from common import percentile, report, setup_django, timed
from payroll_1m import SEED_SQL as PAYROLL_SEED

COUNTY = "410821000000"
SEED_SQL = [
    """INSERT INTO cases_case (household_id, region_id, member_id, programme, kind, channel,
           proxy_name, submitted_by_id, submitted_on, need, missing_materials, relative_of_staff,
           state, accepted_on, delegated, extension_reason, spot_check_selected, facts,
           closed_on, created_at)
       SELECT h.id, h.region_id, NULL, 'minimum_living', 'application', 'window', '',
              %(actor)s, %(today)s - (h.id %% 365)::int, 'benchmark', '[]', '', 'approved',
              %(today)s - (h.id %% 365)::int, false, '', false, '{}',
              %(today)s - (h.id %% 365)::int, now()
       FROM registry_household h WHERE h.id %% %(every)s = 0""",
    """INSERT INTO cases_decision (case_id, outcome, review_outcome, decided_on, decided_by_id,
           reasons, monthly_amount_fen, start_month, engine_result, notify_due_on)
       SELECT c.id, 'approved', '', c.submitted_on, %(actor)s, 'benchmark',
              30000 + (c.household_id %% 50000),
              date_trunc('month', c.submitted_on + interval '1 month')::date, '{}', c.submitted_on
       FROM cases_case c""",
    PAYROLL_SEED[3],  # a benefit for each decision, paid to the head, as payroll_1m.py does
    "VACUUM (ANALYZE) cases_case, cases_decision, benefits_benefit",
]

# The same rows and next dates by hand: the last approved decision per benefit, whether a living
# member is in the labour force, the open case; the shipped intervals (12 and 6 months).
FLOOR = """
SELECT b.id, last.decided_on,
       last.decided_on + CASE WHEN able.yes THEN interval '6 months' ELSE interval '12 months' END
FROM benefits_benefit b
JOIN LATERAL (SELECT d.decided_on FROM cases_decision d JOIN cases_case c ON c.id = d.case_id
              WHERE c.household_id = b.household_id AND c.programme = b.programme
                AND d.outcome = 'approved' ORDER BY d.decided_on DESC LIMIT 1) last ON true
JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM registry_member m WHERE m.household_id = b.household_id
                AND m.left_on IS NULL AND m.death_date IS NULL AND m.excluded_reason = ''
                AND m.employment IN ('employed', 'flexible', 'farming', 'self_employed',
                                     'unemployed')) AS yes) able ON true
LEFT JOIN LATERAL (SELECT c.id FROM cases_case c WHERE c.household_id = b.household_id
                   AND c.programme = b.programme AND c.state NOT IN
                   ('approved', 'refused', 'reviewed', 'withdrawn') LIMIT 1) open ON true
WHERE b.region_id LIKE %(prefix)s AND b.ended_by_id IS NULL
"""


def main() -> None:
    options = _arguments()
    setup_django(options.database)
    _seed(options.every)
    _run(options)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="doudi_bench")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--every", type=int, default=20)
    return parser.parse_args()


def _seed(every: int) -> None:
    from django.db import connection, transaction

    from doudi.accounts.models import User
    from doudi.benefits.models import Benefit

    if Benefit.objects.exists():
        return
    started = time.perf_counter()
    params = {
        "actor": User.objects.get(username="county").pk,
        "today": datetime.date.today(),
        "every": every,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in SEED_SQL[:-1]:
            cursor.execute(statement, params)
    with connection.cursor() as cursor:
        cursor.execute(SEED_SQL[-1])
    print(
        f"seeded {Benefit.objects.count():,} benefits in {time.perf_counter() - started:.0f} s",
        flush=True,
    )


def _run(options: argparse.Namespace) -> None:
    from django.db import connection

    from doudi.accounts.models import User
    from doudi.rechecks.queries import recheck_lists

    county = User.objects.get(username="county", region_id=COUNTY)
    lists = recheck_lists(county)
    rows = sum(1 for _ in lists.all)

    def floor() -> int:
        with connection.cursor() as cursor:
            cursor.execute(FLOOR, {"prefix": COUNTY[:6] + "%"})
            return len(cursor.fetchall())

    times, _ = timed(lambda: recheck_lists(county), options.repeat)
    floor_times, found = timed(floor, options.repeat)
    note = f"p95 {percentile(times, 0.95) * 1000:.0f} ms; {rows:,} due or overdue"
    report("due lists", times, note)
    report(
        "floor", floor_times, f"p95 {percentile(floor_times, 0.95) * 1000:.0f} ms; {found:,} rows"
    )
    ratio = statistics.median(times) / statistics.median(floor_times)
    print(f"ratio of the medians {ratio:.1f}", flush=True)


if __name__ == "__main__":
    main()
