"""Payrolls for a million benefits: generation, the bank file, the bank's result.

    .venv/bin/python benchmarks/payroll_1m.py [--database doudi_bench] [--repeat 3]

Uses the registry that ``benchmarks/registry_1m.py`` leaves in PostgreSQL (run that first). Once,
it gives every household an approved 低保 decision and a benefit from last month, and its head a
social-security card, straight into the tables with INSERT … SELECT (the procedure that makes a
decision is measured by the tests, not here). Then, ``--repeat`` times over empty payroll tables,
for this month, for every county of the city (one payroll each, as the counties run them):

  generate   — payroll.services.generate for each county: every line, totals, audit
  bank file  — submit (civil affairs), approve (finance), then the CSV payment file (bank)
  result     — the bank's result CSV (one line in a thousand failed) read and recorded

Beside each, in the same run, its floor — the same work by hand-written SQL, nothing else:

  generate   — one bare INSERT … SELECT of the same lines (every benefit in force, its payee's
               name and card) into a scratch table without indexes or checks, committed
  bank file  — COPY of the same columns of every line, in line order, to CSV
  result     — one UPDATE of every line's status and reason, committed

Each run prints its three figures beside their floors and the machine's load average (the
machine is shared: docs/performance.md puts ratios first). At the end each step is printed as
median and spread, with the process's peak memory, the floor's median and the ratio of the
medians. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import time

from common import report, setup_django

SEED_SQL = [
    """UPDATE registry_member SET social_security_card = '6217' || lpad(id::text, 15, '0')
       WHERE relation = 'head' AND social_security_card = ''""",
    """INSERT INTO cases_case (household_id, region_id, member_id, programme, kind, channel,
           proxy_name, submitted_by_id, submitted_on, need, missing_materials, relative_of_staff,
           state, accepted_on, delegated, extension_reason, spot_check_selected, facts,
           closed_on, created_at)
       SELECT h.id, h.region_id, NULL, 'minimum_living', 'application', 'window', '',
              %(actor)s, %(decided)s, 'benchmark', '[]', '', 'approved', %(decided)s, false, '',
              false, '{}', %(decided)s, now()
       FROM registry_household h""",
    """INSERT INTO cases_decision (case_id, outcome, review_outcome, decided_on, decided_by_id,
           reasons, monthly_amount_fen, start_month, engine_result, notify_due_on)
       SELECT c.id, 'approved', '', %(decided)s, %(actor)s, 'benchmark',
              30000 + (c.household_id %% 50000), %(start)s, '{}', %(decided)s
       FROM cases_case c""",
    """INSERT INTO benefits_benefit (decision_id, programme, household_id, region_id, member_id,
           payee_id, monthly_amount_fen, start_month)
       SELECT d.id, 'minimum_living', c.household_id, c.region_id, NULL, head.id,
              d.monthly_amount_fen, d.start_month
       FROM cases_decision d JOIN cases_case c ON c.id = d.case_id
       JOIN LATERAL (SELECT m.id FROM registry_member m WHERE m.household_id = c.household_id
                     AND m.relation = 'head' AND m.left_on IS NULL ORDER BY m.id LIMIT 1) head
         ON true""",
    # Outside the transaction: the seed rewrote a million member rows, and the first scan
    # after that would otherwise pay for cleaning them up inside the first timing.
    "VACUUM (ANALYZE) registry_member, cases_case, cases_decision, benefits_benefit",
]


SCRATCH = "bench_floor_lines"

FLOOR_GENERATE = f"""
INSERT INTO {SCRATCH} (payroll_id, kind, programme, pay_month, benefit_id, household_id,
    region_id, payee_id, payee_name, card, amount_fen, status, bank_reason)
SELECT 0, 'regular', b.programme, %(month)s, b.id, b.household_id, b.region_id, b.payee_id,
       m.name, m.social_security_card, b.monthly_amount_fen, 'pending', ''
FROM benefits_benefit b JOIN registry_member m ON m.id = b.payee_id
WHERE b.programme = 'minimum_living' AND b.start_month <= %(month)s
  AND (b.end_month IS NULL OR b.end_month >= %(month)s) AND b.monthly_amount_fen > 0
  AND m.social_security_card <> '' AND (m.death_date IS NULL OR m.death_date >= %(month)s)
  AND (m.left_on IS NULL OR m.left_on > %(month)s)
"""

FLOOR_BANK_FILE = """COPY (SELECT id, payee_name, card, amount_fen, pay_month, kind
      FROM payroll_payrollline ORDER BY payroll_id, id) TO STDOUT WITH (FORMAT csv)"""

FLOOR_RESULT = """UPDATE payroll_payrollline
    SET status = CASE WHEN id % 1000 = 999 THEN 'failed' ELSE 'paid' END,
        bank_reason = CASE WHEN id % 1000 = 999 THEN '账户已销户' ELSE '' END"""


def main() -> None:
    options = _arguments()
    setup_django(options.database)
    _run(options)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="doudi_bench")
    parser.add_argument("--repeat", type=int, default=3)
    return parser.parse_args()


def _seed(month: datetime.date) -> None:
    from django.db import connection, transaction

    from doudi.accounts.models import User
    from doudi.benefits.models import Benefit

    if Benefit.objects.exists():
        return
    started = time.perf_counter()
    actor = User.objects.get(username="county").pk
    start = (month - datetime.timedelta(days=1)).replace(day=1)
    params = {"actor": actor, "decided": start - datetime.timedelta(days=10), "start": start}
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in SEED_SQL[:-1]:
            cursor.execute(statement, params)
    with connection.cursor() as cursor:
        cursor.execute(SEED_SQL[-1])
    print(
        f"seeded {Benefit.objects.count():,} benefits in {time.perf_counter() - started:.0f} s",
        flush=True,
    )


def _empty_payrolls() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE payroll_payrollline, payroll_payroll")


def _run(options: argparse.Namespace) -> None:
    from doudi.accounts.models import User
    from doudi.accounts.roles import Role
    from doudi.payroll import services
    from doudi.payroll.models import PayrollLine
    from doudi.regions.models import Region

    month = datetime.date.today().replace(day=1)
    _seed(month)
    counties = list(
        Region.objects.filter(level="county", code__startswith="4108").values_list(
            "code", flat=True
        )
    )
    city = Region.objects.get(code="410800000000")
    parties = {
        role: User.objects.get_or_create(
            username=f"bench_{role.value}", defaults={"role": role, "region": city}
        )[0]
        for role in (Role.FINANCE_OFFICER, Role.BANK_OPERATOR)
    }
    # Civil affairs prepares per county: one county approver each.
    preparers = {
        code: User.objects.get_or_create(
            username=f"bench_{code[:6]}", defaults={"role": Role.COUNTY_APPROVER, "region_id": code}
        )[0]
        for code in counties
    }
    timings: dict[str, list[float]] = {"generate": [], "bank file": [], "result": []}
    floors: dict[str, list[float]] = {name: [] for name in timings}
    for _ in range(options.repeat):
        _empty_payrolls()
        started = time.perf_counter()
        payrolls = [
            services.generate(preparers[code], "minimum_living", month, code) for code in counties
        ]
        timings["generate"].append(time.perf_counter() - started)
        floors["generate"].append(_floor_generate(month))
        files = {}
        started = time.perf_counter()
        for payroll in payrolls:
            services.submit(preparers[payroll.region_id], payroll.pk)
            services.approve(parties[Role.FINANCE_OFFICER], payroll.pk)
            files[payroll.pk] = services.bank_file(parties[Role.BANK_OPERATOR], payroll.pk, "csv")
        timings["bank file"].append(time.perf_counter() - started)
        floors["bank file"].append(_floor_bank_file())
        results = {pk: _bank_result(data) for pk, data in files.items()}
        started = time.perf_counter()
        for pk, data in results.items():
            services.reconcile(parties[Role.BANK_OPERATOR], pk, data, "csv")
        timings["result"].append(time.perf_counter() - started)
        floors["result"].append(_floor_result())
        print(
            "  run: "
            + ", ".join(
                f"{name} {times[-1]:.1f} s (floor {floors[name][-1]:.1f} s)"
                for name, times in timings.items()
            )
            + f"; load {_load()}",
            flush=True,
        )
    lines = PayrollLine.objects.count()
    total = sum(p.total_fen for p in payrolls)
    print(
        f"{platform.node()} · {os.cpu_count()} cores · {len(counties)} county payrolls · "
        f"{lines:,} lines · {total / 100:,.2f} yuan"
    )
    for name, times in timings.items():
        floor = statistics.median(floors[name])
        ratio = statistics.median(times) / floor
        report(
            name,
            times,
            f"floor {floor:.2f} s ({min(floors[name]):.2f}–"
            f"{max(floors[name]):.2f})  ratio {ratio:.1f}×",
        )
    print(f"load average at the end: {_load()}")


def _load() -> str:
    """The machine's load average over 1, 5 and 15 minutes (a shared machine: see
    docs/performance.md)."""
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def _floor_generate(month: datetime.date) -> float:
    """The same lines by one bare INSERT … SELECT into a scratch table, committed."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
        cursor.execute(
            f"CREATE TABLE {SCRATCH} "
            "(LIKE payroll_payrollline INCLUDING DEFAULTS INCLUDING IDENTITY)"
        )
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(FLOOR_GENERATE, {"month": month})
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {SCRATCH}")
    return elapsed


def _floor_bank_file() -> float:
    """Every line's columns of the payment file, copied out as CSV."""
    from django.db import connection

    started = time.perf_counter()
    size = 0
    with connection.cursor() as cursor, cursor.cursor.copy(FLOOR_BANK_FILE) as copy:
        for block in copy:
            size += len(block)
    assert size > 0
    return time.perf_counter() - started


def _floor_result() -> float:
    """Every line's status and reason set by one UPDATE, committed."""
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(FLOOR_RESULT)
    return time.perf_counter() - started


def _bank_result(payment_file: bytes) -> bytes:
    """What the bank sends back: every line paid except one in a thousand."""
    rows = payment_file.decode("utf-8-sig").splitlines()[2:-1]
    out = ["行号,社保卡号,金额（元）,结果,原因"]
    total_fen = 0
    for number, row in enumerate(rows):
        line, _name, card, amount, *_rest = row.split(",")
        failed = number % 1000 == 999
        out.append(
            f"{line},{card},{amount},{'失败' if failed else '成功'},"
            f"{'账户已销户' if failed else ''}"
        )
        total_fen += round(float(amount) * 100)
    out.append(f"合计,{len(rows)},{total_fen // 100}.{total_fen % 100:02d}")
    return "\n".join(out).encode("utf-8")


if __name__ == "__main__":
    main()
