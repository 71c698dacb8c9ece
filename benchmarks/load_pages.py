"""Fifty staff at once on the real server: latency of the main pages under load.

    .venv/bin/python benchmarks/load_pages.py [--database doudi_bench] [--users 50]
        [--duration 150] [--ramp 30] [--workers 2] [--port 18471]

Uses a registry that ``benchmarks/registry_1m.py`` left in PostgreSQL (run that first; run this
from the same directory, so that the server reads the same ``var/secrets.json`` key the ID
numbers were encrypted with). It changes that database: once, it adds the casework the pages
show — 50 staff accounts ``load_*`` (20 township handlers, 10 county approvers, 10 finance
officers, 5 city supervisors, 5 auditors, created with ``accounts.services.create_user``), six
cases in each township walked through ``cases.services`` to six different steps, an approved
低保 case, decision and benefit for every tenth household (INSERT … SELECT, as
``payroll_1m.py`` seeds them), and this month's payroll of every county
(``payroll.services.generate``).

Then it starts the real server, ``doudi serve`` (gunicorn, sync workers, the number the README's
``make run`` uses: 2), on 127.0.0.1 only, and runs locust headless twice with the same
concurrency, ramp-up, think time and duration:

  pages  — the 50 users log in (one account each) and walk, over and over, the pages their
           role uses (``load_locustfile.py``): home, household list, name search, place
           filter, the ID-number search by POST, household pages, case list, case pages,
           payroll list and payroll pages, audit trail …
  floor  — 50 anonymous users asking for the log-in page: the same server, middleware and
           template engine, no query but the session's, the cheapest page there is.

It prints, per page and role, the requests, failures, median, p95 and max in milliseconds
(after the ramp-up), the totals, the floor and each page's ratio to it, the machine's load
averages at the start and the end (the machine may be shared), and exits with status 1 on any
failed request. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

from common import percentile, setup_django

HERE = Path(__file__).resolve().parent
PASSWORD = "Doudi-Load-2026"
MARK = "load test"  # the need of every case this script makes, to find them again
CITY = "410800000000"
SAMPLE = 200  # households drawn per account, for the household pages
SEARCH_NUMBERS = 20  # heads' ID numbers per account, for the POST search
CASE_DEPTHS = (1, 2, 3, 4, 5, 6)  # one case in each township stopped after each step
BENEFIT_EVERY = 10  # every tenth household gets an approved 低保 benefit
LOG_IN = "log-in (POST)"


def main() -> None:
    options = _arguments()
    load_at_start = os.getloadavg()
    setup_django(options.database)
    started = time.perf_counter()
    _prepare()
    print(f"casework ready in {time.perf_counter() - started:.0f} s", flush=True)
    with tempfile.TemporaryDirectory(prefix="doudi-load-") as folder:
        plan = Path(folder) / "plan.json"
        # The plan holds clear ID numbers of synthetic people for the POST search: it lives
        # in a private temporary folder and goes with it.
        plan.write_text(json.dumps(_plan(options)))
        plan.chmod(0o600)
        server = _start_server(options, Path(folder) / "access.log")
        try:
            pages = _locust(options, plan, Path(folder) / "pages.json", "Staff")
            floor = _locust(options, plan, Path(folder) / "floor.json", "Anonymous")
        finally:
            server.send_signal(signal.SIGTERM)
        # gunicorn's master waits for its workers, so its usage includes theirs.
        server_cpu = _cpu_seconds(server)
        requests = _count_lines(Path(folder) / "access.log")
    load_at_end = os.getloadavg()
    conditions = {
        "load_at_start": load_at_start,
        "load_at_end": load_at_end,
        "served": requests,
        "server_cpu": server_cpu,
    }
    failures = _report(options, pages, floor, conditions)
    sys.exit(1 if failures else 0)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="doudi_bench")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=150, help="seconds after the ramp-up")
    parser.add_argument("--ramp", type=int, default=30, help="seconds to start every user")
    parser.add_argument(
        "--wait", default="3-10", help="think time between pages, seconds (low-high)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=18471)
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


# ----------------------------------------------------------------------------- the casework


def _accounts() -> list[tuple[str, str, str]]:
    """(username, role, place) of the 50 accounts: every township, county and the city."""
    from doudi.accounts.roles import Role
    from doudi.regions.models import Region

    counties = sorted(
        Region.objects.filter(level="county", code__startswith=CITY[:4]).values_list(
            "code", flat=True
        )
    )
    townships = sorted(
        Region.objects.filter(level="township", code__startswith=CITY[:4]).values_list(
            "code", flat=True
        )
    )
    accounts = [(f"load_h{i:02d}", Role.TOWNSHIP_HANDLER, code) for i, code in enumerate(townships)]
    accounts += [(f"load_c{i:02d}", Role.COUNTY_APPROVER, code) for i, code in enumerate(counties)]
    accounts += [(f"load_f{i:02d}", Role.FINANCE_OFFICER, code) for i, code in enumerate(counties)]
    accounts += [(f"load_s{i:02d}", Role.CITY_SUPERVISOR, CITY) for i in range(5)]
    accounts += [(f"load_a{i:02d}", Role.AUDITOR, CITY) for i in range(5)]
    return accounts


def _prepare() -> None:
    """The accounts and the casework, once (each part is skipped when it is already there)."""
    from django.db import connection

    from doudi.accounts import services as account_services
    from doudi.accounts.models import User
    from doudi.benefits.models import Benefit
    from doudi.cases.models import Case
    from doudi.payroll.models import Payroll

    admin = User.objects.get(username="admin")
    for username, role, place in _accounts():
        if not User.objects.filter(username=username).exists():
            account_services.create_user(
                admin,
                username=username,
                password=PASSWORD,
                role=role,
                region_code=place,
                full_name=f"压测{username[-3:]}",
                reason=MARK,
            )
    if not Case.objects.filter(need=MARK).exists():
        _walk_cases()
    month = datetime.date.today().replace(day=1)
    if not Benefit.objects.exists():
        _seed_benefits(month)
    if not Payroll.objects.exists():
        _payrolls(month)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def _walk_cases() -> None:
    """Six cases a township, each stopped after a different step, through the services."""
    from doudi.accounts.models import User
    from doudi.demo.cases import _walk
    from doudi.registry.models import Household

    users = {user.username: user for user in User.objects.filter(username__startswith="load_")}
    by_place = {(user.role, user.region_id): user for user in users.values()}
    for username, role, township in _accounts():
        if role != "township_handler":
            continue
        county = by_place[("county_approver", township[:6] + "000000")]
        # The county approver is the second investigator and answers the data check.
        staff = {"handler": users[username], "village": county, "county": county}
        households = Household.objects.filter(region__code__startswith=township[:9]).order_by("id")[
            : len(CASE_DEPTHS)
        ]
        for household, depth in zip(households, CASE_DEPTHS, strict=True):
            _walk(staff, household, "minimum_living", depth)
    from doudi.cases.models import Case

    Case.objects.filter(submitted_by__username__startswith="load_").update(need=MARK)


def _seed_benefits(month: datetime.date) -> None:
    """An approved 低保 case, decision and benefit for every tenth household, straight into the
    tables as payroll_1m.py does (the procedure that makes a decision is not measured here)."""
    from django.db import connection, transaction

    from doudi.accounts.models import User

    start = (month - datetime.timedelta(days=1)).replace(day=1)
    params = {
        "actor": User.objects.get(username="county").pk,
        "decided": start - datetime.timedelta(days=10),
        "start": start,
        "every": BENEFIT_EVERY,
        "mark": MARK,
    }
    statements = [
        """UPDATE registry_member SET social_security_card = '6217' || lpad(id::text, 15, '0')
           WHERE relation = 'head' AND social_security_card = ''
             AND household_id %% %(every)s = 0""",
        """INSERT INTO cases_case (household_id, region_id, member_id, programme, kind, channel,
               proxy_name, submitted_by_id, submitted_on, need, missing_materials,
               relative_of_staff, state, accepted_on, delegated, extension_reason,
               spot_check_selected, facts, closed_on, created_at)
           SELECT h.id, h.region_id, NULL, 'minimum_living', 'application', 'window', '',
                  %(actor)s, %(decided)s, %(mark)s, '[]', '', 'approved', %(decided)s, false,
                  '', false, '{}', %(decided)s, now()
           FROM registry_household h WHERE h.id %% %(every)s = 0""",
        """INSERT INTO cases_decision (case_id, outcome, decided_on, decided_by_id, reasons,
               monthly_amount_fen, start_month, engine_result, notify_due_on)
           SELECT c.id, 'approved', %(decided)s, %(actor)s, 'benchmark',
                  30000 + (c.household_id %% 50000), %(start)s, '{}', %(decided)s
           FROM cases_case c WHERE c.state = 'approved' AND c.need = %(mark)s""",
        """INSERT INTO benefits_benefit (decision_id, programme, household_id, region_id,
               member_id, payee_id, monthly_amount_fen, start_month)
           SELECT d.id, 'minimum_living', c.household_id, c.region_id, NULL, head.id,
                  d.monthly_amount_fen, d.start_month
           FROM cases_decision d JOIN cases_case c ON c.id = d.case_id
           JOIN LATERAL (SELECT m.id FROM registry_member m
                         WHERE m.household_id = c.household_id AND m.relation = 'head'
                           AND m.left_on IS NULL ORDER BY m.id LIMIT 1) head ON true
           WHERE c.need = %(mark)s""",
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, params)


def _payrolls(month: datetime.date) -> None:
    """This month's 低保 payroll of every county, generated by its county approver."""
    from doudi.accounts.models import User
    from doudi.payroll import services

    for user in User.objects.filter(username__startswith="load_c").order_by("username"):
        services.generate(user, "minimum_living", month, user.region_id)


# ----------------------------------------------------------------------------- the plan


def _plan(options: argparse.Namespace) -> dict:
    """What each simulated user works on: its account, and ids inside its jurisdiction."""
    from doudi.audit.models import AuditEvent
    from doudi.cases.models import Case
    from doudi.payroll.models import Payroll
    from doudi.regions.codes import prefix_of
    from doudi.registry.models import Household, Member

    rng = random.Random(options.seed)
    accounts = []
    low, high = (float(part) for part in options.wait.split("-"))
    for username, role, place in _accounts():
        prefix = prefix_of(place)
        ids = list(
            Household.objects.filter(region__code__startswith=prefix)
            .order_by("?")
            .values_list("id", flat=True)[:SAMPLE]
        )
        heads = Member.objects.filter(household_id__in=ids[:SEARCH_NUMBERS], relation="head")
        cases = list(
            Case.objects.filter(region__code__startswith=prefix, need=MARK)
            .exclude(state="approved")
            .values_list("id", flat=True)
        )
        approved = list(
            Case.objects.filter(region__code__startswith=prefix, state="approved")
            .order_by("?")
            .values_list("id", flat=True)[:20]
        )
        villages = sorted(
            {code for code in Household.objects.filter(id__in=ids).values_list("region", flat=True)}
        )
        accounts.append(
            {
                "username": username,
                "role": role,
                "place": place,
                "villages": villages,
                "households": ids,
                "id_numbers": [[m.household_id, m.reveal_id_number()] for m in heads],
                "cases": cases + approved,
                "payrolls": list(
                    Payroll.objects.filter(region__code__startswith=prefix).values_list(
                        "id", flat=True
                    )
                ),
            }
        )
    rng.shuffle(accounts)  # the ramp-up starts the roles mixed, not all handlers first
    events = list(AuditEvent.objects.order_by("-seq").values_list("seq", flat=True)[:200])
    return {
        "password": PASSWORD,
        "wait": [low, high],
        "accounts": accounts,
        "audit_events": events,
    }


# ----------------------------------------------------------------------------- server, locust


def _start_server(options: argparse.Namespace, log: Path) -> subprocess.Popen:
    """``doudi serve`` on 127.0.0.1 only, its access log into ``log``."""
    bind = f"127.0.0.1:{options.port}"
    command = [sys.executable, "-m", "doudi", "serve", "--bind", bind]
    command += ["--workers", str(options.workers)]
    server = subprocess.Popen(
        command, env=os.environ.copy(), stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{bind}/login/", timeout=5) as response:
                if response.status == 200:
                    print(f"server: doudi serve --bind {bind} --workers {options.workers}")
                    return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    sys.exit(f"the server did not answer on {bind} within 60 s; see {log}")


def _locust(options: argparse.Namespace, plan: Path, samples: Path, user_class: str) -> dict:
    """One headless locust run; its raw samples (the locustfile writes them) are returned."""
    command = [sys.executable, "-m", "locust", "-f", str(HERE / "load_locustfile.py")]
    command += ["--headless", "--only-summary", "--loglevel", "WARNING"]
    command += ["--host", f"http://127.0.0.1:{options.port}"]
    command += ["--users", str(options.users)]
    command += ["--spawn-rate", f"{options.users / max(options.ramp, 1):.3f}"]
    command += ["--run-time", f"{options.ramp + options.duration}s", "--stop-timeout", "30"]
    command += [user_class]
    environment = {**os.environ, "DOUDI_LOAD_PLAN": str(plan), "DOUDI_LOAD_SAMPLES": str(samples)}
    print(
        f"locust: {user_class}, {options.users} users, {options.ramp} s ramp-up, "
        f"{options.duration} s",
        flush=True,
    )
    # locust's own exit status is 1 on any failure; the samples say which, so read them.
    process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL)
    cpu = _cpu_seconds(process)
    run = json.loads(samples.read_text())
    run["cpu"] = cpu
    run["title"] = {
        "Staff": "Pages (each user logged in as its own account)",
        "Anonymous": "Floor: the log-in page, anonymous, same concurrency",
    }[user_class]
    return run


def _cpu_seconds(process: subprocess.Popen) -> float:
    """Wait for the process to end; the processor time it and its children used."""
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_utime + usage.ru_stime


def _count_lines(path: Path) -> int:
    with path.open(errors="replace") as log:
        return sum(1 for line in log if '"GET ' in line or '"POST ' in line)


# ----------------------------------------------------------------------------- the report


def _report(options: argparse.Namespace, pages: dict, floor: dict, conditions: dict) -> int:
    """Print the conditions and both tables in Markdown; return the number of failures."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version(), count(*) FROM registry_household")
        version, households = cursor.fetchone()
    print(
        f"\n## {datetime.date.today()} — {os.cpu_count()} cores, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{version.split(' on ')[0]}; {households:,} households"
    )
    print(
        f"\n{options.users} users, {options.ramp} s ramp-up then {options.duration} s "
        f"(figures from the steady state, once every user has logged in; failures "
        f"over the whole run), think time {options.wait} s, gunicorn {options.workers} sync "
        f"workers; load averages (1, 5, 15 min) at the start "
        f"{_load(conditions['load_at_start'])}, at the end {_load(conditions['load_at_end'])}; "
        f"{conditions['served']:,} requests in the server's access log; processor time "
        f"used by the server (both runs) {conditions['server_cpu']:.0f} s, by locust "
        f"{pages['cpu']:.0f} s (pages) and {floor['cpu']:.0f} s (floor)\n"
    )
    floor_rows, floor_all = _summary(floor)
    _print_table(floor_rows, floor_all, floor, None)
    print()
    rows, everything = _summary(pages)
    _print_table(rows, everything, pages, floor_all["p95"])
    for run in (pages, floor):
        for name, _elapsed, _at, error in run["samples"]:
            if error:
                print(f"first failure: {name}: {error}")
                break
    return floor_all["failures"] + everything["failures"]


def _summary(run: dict) -> tuple[dict[str, dict], dict]:
    """Per page: requests, median, p95 and max in the steady state (every user started and
    logged in); failures over the whole run. Each user logs in once, at its start: the log-ins
    are timed over the whole run, and left out of the total."""
    steady = max(run["spawned_at"], run["logged_in_at"])
    times: dict[str, list[float]] = defaultdict(list)
    failed: dict[str, int] = defaultdict(int)
    for name, elapsed, at, error in run["samples"]:
        if at >= steady or name.startswith(LOG_IN):
            times[name].append(elapsed)
        if error:
            failed[name] += 1
    every = [t for name, values in times.items() if not name.startswith(LOG_IN) for t in values]
    rows = {name: _figures(times[name], failed[name]) for name in sorted({*times, *failed})}
    everything = _figures(every, sum(failed.values()))
    everything["seconds"] = run["stopped_at"] - steady
    everything["rate"] = len(every) / everything["seconds"]
    return rows, everything


def _figures(values: list[float], failures: int) -> dict:
    return {
        "requests": len(values),
        "failures": failures,
        "median": statistics.median(values) if values else 0.0,
        "p95": percentile(values, 0.95) if values else 0.0,
        "max": max(values, default=0.0),
    }


def _print_table(rows: dict, everything: dict, run: dict, floor_p95: float | None) -> None:
    header = "| page · role | requests | failures | median ms | p95 ms | max ms |"
    rule = "|---|---:|---:|---:|---:|---:|"
    if floor_p95:
        header, rule = header + " p95 ÷ floor p95 |", rule + "---:|"
    print(f"{run['title']}\n\n{header}\n{rule}")

    def line(name: str, figures: dict, bold: str = "") -> str:
        cells = [
            f"{figures['requests']:,}",
            str(figures["failures"]),
            f"{figures['median']:.0f}",
            f"{figures['p95']:.0f}",
            f"{figures['max']:.0f}",
        ]
        if floor_p95:
            cells.append(f"{figures['p95'] / floor_p95:.1f}")
        return f"| {name} | " + " | ".join(f"{bold}{cell}{bold}" for cell in cells) + " |"

    for name, figures in rows.items():
        print(line(name, figures))
    print(line(f"**all but the log-ins** ({everything['rate']:.1f} requests/s)", everything, "**"))
    print(f"\nsteady state: the last {everything['seconds']:.0f} s of the run")


def _load(averages: tuple[float, float, float]) -> str:
    return " / ".join(f"{value:.2f}" for value in averages)


if __name__ == "__main__":
    main()
