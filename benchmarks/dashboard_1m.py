"""The county dashboard over a month's payroll of a million households, and the refresh of
its figures.

    .venv/bin/python benchmarks/dashboard_1m.py [--database doudi_bench_dashboards]
        [--lines 1000000] [--repeat 30]

Into an empty database (migrated here) it imports the Jiaozuo code list widened to ten
townships of twenty villages in each of the city's ten counties (2,000 villages), and writes a
month's payroll lines straight into the tables with INSERT … SELECT: ``--lines`` lines (低保,
and one in twenty 特困), one payroll per county and programme, one line in a thousand failed,
as the bank's result leaves them. The figures need no registry rows: the lines carry their
household, payee and place (benchmarks/payroll_1m.py measures making the lines themselves).

  refresh    — statistics.refresh.refresh_payroll for every payroll of the month (the work each
               payroll's generation and bank result add to their transaction), committed
  dashboard  — statistics.queries.dashboard of a county for a county user: its figures by
               programme over twelve months (the eleven earlier months' figures copied from this
               one's), its townships', and the live counts of payrolls, cases and warnings
  page       — the same through the page (/statistics/<county>/), rendered

Beside them, the floor: one hand-written query over the lines — the county's twelve months
summed by month, programme and township, what a dashboard without precomputed figures would
run per request — and the same sum of one payroll's lines (the refresh's floor). Median, spread
(and p95 for the dashboard), the process's peak memory and the ratio to the floor's median are
printed. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import subprocess
import time

from common import SERVER, peak_mb, percentile, report, setup_django, timed

MONTH = datetime.date(2026, 11, 1)
COUNTY = "410821000000"
TOWNSHIPS = 10
VILLAGES = 20

LINES_SQL = f"""
INSERT INTO payroll_payrollline (payroll_id, kind, programme, pay_month, household_id,
    region_id, payee_id, payee_name, card, amount_fen, status, bank_reason)
SELECT p.id, 'regular', p.programme, %(month)s, g.i, g.village, g.i, '收款人',
       '6217' || lpad(g.i::text, 15, '0'), 30000 + g.i %% 50000,
       CASE WHEN g.i %% 1000 = 999 THEN 'failed' ELSE 'paid' END,
       CASE WHEN g.i %% 1000 = 999 THEN '账户已销户' ELSE '' END
FROM (SELECT i,
             CASE WHEN i %% 20 = 0 THEN 'extreme_hardship' ELSE 'minimum_living' END AS programme,
             (%(counties)s::text[])[1 + i %% %(county_count)s] AS county,
             (%(counties)s::text[])[1 + i %% %(county_count)s]
               || lpad((901 + (i / 10) %% {TOWNSHIPS})::text, 3, '0')
               || lpad((1 + (i / 100) %% {VILLAGES})::text, 3, '0') AS village
      FROM generate_series(1, %(lines)s) AS g(i)) g
JOIN payroll_payroll p ON p.region_id = g.county || '000000' AND p.programme = g.programme
     AND p.month = %(month)s
"""

FLOOR_DASHBOARD = """
SELECT pay_month, programme, substr(region_id, 1, 9),
       SUM(CASE WHEN status = 'paid' AND kind <> 'top_up' THEN 1 ELSE 0 END),
       COUNT(DISTINCT CASE WHEN status = 'paid' AND kind <> 'top_up' THEN household_id END),
       SUM(CASE WHEN status = 'paid' THEN amount_fen ELSE 0 END),
       SUM(CASE WHEN status = 'failed' THEN amount_fen ELSE 0 END)
FROM payroll_payrollline
WHERE region_id LIKE %s AND pay_month BETWEEN %s AND %s
GROUP BY 1, 2, 3
"""

FLOOR_REFRESH = """
SELECT pay_month, programme, region_id,
       SUM(CASE WHEN status = 'paid' AND kind <> 'top_up' THEN 1 ELSE 0 END),
       COUNT(DISTINCT CASE WHEN status = 'paid' AND kind <> 'top_up' THEN household_id END),
       COUNT(*), SUM(CASE WHEN status = 'paid' THEN amount_fen ELSE 0 END),
       SUM(CASE WHEN status = 'failed' THEN amount_fen ELSE 0 END),
       SUM(CASE WHEN status = 'pending' THEN amount_fen ELSE 0 END)
FROM payroll_payrollline WHERE payroll_id = %s
GROUP BY 1, 2, 3
"""


def main() -> None:
    options = _arguments()
    _create(options.database)
    setup_django(options.database)
    _seed(options.lines)
    _run(options)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="doudi_bench_dashboards")
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    return parser.parse_args()


def _create(database: str) -> None:
    host = SERVER.rsplit("@", 1)[1].split(":")[0]
    subprocess.run(
        ["createdb", "-h", host, "-U", "postgres", database], capture_output=True, check=False
    )


def _codes_csv() -> bytes:
    from doudi.demo.loader import demo_regions_csv

    text = demo_regions_csv().decode()
    known = {line.split(",")[0] for line in text.splitlines()[1:]}
    counties = sorted(c for c in known if c.endswith("000000") and c[4:6] != "00")
    rows = []
    for county in counties:
        for t in range(TOWNSHIPS):
            township = county[:6] + f"{901 + t:03d}000"
            if township not in known:
                rows.append(f"{township},第{t + 1}镇,rural")
            for v in range(VILLAGES):
                village = township[:9] + f"{v + 1:03d}"
                if village not in known:
                    rows.append(f"{village},第{t + 1}镇第{v + 1}村,220")
    return (text.rstrip("\n") + "\n" + "\n".join(rows) + "\n").encode()


def _seed(lines: int) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    from doudi.accounts.models import User
    from doudi.accounts.roles import Role
    from doudi.payroll.models import Payroll, PayrollLine
    from doudi.regions.models import Region
    from doudi.regions.services import import_regions

    call_command("migrate", verbosity=0)
    if not Region.objects.exists():
        import_regions(None, _codes_csv(), "bench_regions.csv")
    User.objects.get_or_create(
        username="county",
        defaults={"role": Role.COUNTY_APPROVER, "region_id": COUNTY, "full_name": "县民政局"},
    )
    if PayrollLine.objects.exists():
        return
    started = time.perf_counter()
    actor = User.objects.get(username="county")
    counties = sorted(
        Region.objects.filter(level="county", code__startswith="4108").values_list(
            "code", flat=True
        )
    )
    with transaction.atomic():
        for county in counties:
            for programme in ("minimum_living", "extreme_hardship"):
                Payroll.objects.create(
                    programme=programme,
                    month=MONTH,
                    region_id=county,
                    generated_by=actor,
                    line_count=0,
                    total_fen=0,
                    state="reconciled",
                )
        with connection.cursor() as cursor:
            cursor.execute(
                LINES_SQL,
                {
                    "month": MONTH,
                    "counties": [c[:6] for c in counties],
                    "county_count": len(counties),
                    "lines": lines,
                },
            )
            cursor.execute(
                """UPDATE payroll_payroll p SET line_count = s.n, total_fen = s.total,
                       paid_fen = s.paid, failed_fen = s.total - s.paid
                   FROM (SELECT payroll_id, COUNT(*) n, SUM(amount_fen) total,
                                SUM(CASE WHEN status = 'paid' THEN amount_fen ELSE 0 END) paid
                         FROM payroll_payrollline GROUP BY payroll_id) s
                   WHERE s.payroll_id = p.id"""
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE payroll_payrollline")
    print(f"seeded {lines:,} lines in {time.perf_counter() - started:.1f} s", flush=True)


def _refresh_all() -> None:
    from django.db import transaction

    from doudi.payroll.models import Payroll
    from doudi.statistics import refresh

    for payroll in Payroll.objects.filter(month=MONTH).order_by("id"):
        with transaction.atomic():
            refresh.refresh_payroll(payroll.pk, payroll.region_id)


def _history() -> None:
    """The eleven months before, as figures only: this month's copied back, then rolled up."""
    from django.db import connection, transaction

    from doudi.dates import add_months
    from doudi.statistics import refresh

    months = [add_months(MONTH, -n) for n in range(1, 12)]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM statistics_payrollfigure WHERE month < %s", [MONTH])
        for back, month in enumerate(months, start=1):
            cursor.execute(
                """INSERT INTO statistics_payrollfigure (payroll_id, month, programme,
                       region_code, recipients, households, lines, paid_fen, failed_fen,
                       pending_fen)
                   SELECT -payroll_id * 100 - %s, %s, programme, region_code, recipients,
                          households, lines, paid_fen, failed_fen, pending_fen
                   FROM statistics_payrollfigure WHERE month = %s""",
                [back, month, MONTH],
            )
        refresh._roll_up("4108", months)
        cursor.execute("ANALYZE statistics_figure")


def _run(options: argparse.Namespace) -> None:
    from django.db import connection
    from django.test import Client

    from doudi.accounts.models import User
    from doudi.dates import add_months
    from doudi.payroll.models import Payroll, PayrollLine
    from doudi.statistics import queries
    from doudi.statistics.models import Figure

    lines = PayrollLine.objects.count()
    payrolls = Payroll.objects.filter(month=MONTH).count()
    print(f"{lines:,} lines in {payrolls} payrolls of {MONTH:%Y-%m}", flush=True)

    refresh_times, _ = timed(_refresh_all, 3)
    _history()
    ids = list(Payroll.objects.filter(month=MONTH).order_by("id").values_list("id", flat=True))

    def floor_refresh() -> None:
        with connection.cursor() as cursor:
            for payroll_id in ids:
                cursor.execute(FLOOR_REFRESH, [payroll_id])
                cursor.fetchall()

    floor_refresh_times, _ = timed(floor_refresh, 3)
    ratio = statistics.median(refresh_times) / statistics.median(floor_refresh_times)
    report(
        "refresh",
        refresh_times,
        f"all {payrolls} payrolls, {statistics.median(refresh_times) / payrolls * 1000:.0f} ms a "
        f"payroll; floor (each payroll's lines summed) {statistics.median(floor_refresh_times):.2f}"
        f" s, ratio {ratio:.2f}",
    )

    user = User.objects.get(username="county")
    board = queries.dashboard(user, COUNTY)
    print(
        f"figures: {Figure.objects.count():,}; county paid {board.own.total.paid_fen:,} fen, "
        f"{len(board.children)} townships, {len(board.months)} months",
        flush=True,
    )
    dashboard_times, _ = timed(lambda: queries.dashboard(user, COUNTY), options.repeat)
    client = Client()
    client.force_login(user)
    page_times, response = timed(lambda: client.get(f"/statistics/{COUNTY}/"), options.repeat)
    assert response.status_code == 200, response.status_code

    def floor() -> None:
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_DASHBOARD, [COUNTY[:6] + "%", add_months(MONTH, -11), MONTH])
            cursor.fetchall()

    floor_times, _ = timed(floor, 5)
    floor_median = statistics.median(floor_times)
    for name, times in (("dashboard", dashboard_times), ("page", page_times)):
        print(
            f"{name:<10} median {statistics.median(times) * 1000:7.1f} ms  "
            f"p95 {percentile(times, 0.95) * 1000:7.1f} ms  "
            f"spread {min(times) * 1000:.1f}–{max(times) * 1000:.1f} ms  peak {peak_mb():6.0f} MB"
            f"  floor {floor_median * 1000:.0f} ms  ratio "
            f"{statistics.median(times) / floor_median:.3f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
