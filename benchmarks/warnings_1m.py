"""The daily warning run over a million monitored households, beside its floor.

    .venv/bin/python benchmarks/warnings_1m.py [--database doudi_bench] [--repeat 3] [--share 0.01]

Uses the registry ``benchmarks/registry_1m.py`` leaves in PostgreSQL (run that first; this
script migrates it). Once, it puts every household under monitoring (straight into the table:
the refresh is tested elsewhere) and delivers, as the city's user, a day of each department's
signals for ``--share`` of the members, through the check platform's ``deliver`` like any
delivery: deaths, unemployment registrations and new grade 1–2 disability certificates within
the windows, medical settlements (half of them above the warning share of income; each an
inpatient stay, so a main earner's is also a serious illness) and students certified in
hardship (特别困难). Then,
``--repeat`` times, each in a transaction rolled back afterwards:

  run    — early_warning.services.run_daily for the city: the parameters in force, the
           monitored households, the place's members, every signal, the warnings, audit
  floor  — every department's signal by hand: two SQL reads (the monitored households'
           members; their incomes on record in the twelve months by member) and two DuckDB
           statements over the deliveries' snapshots — the person-level signals, the main
           earner's illness and the medical costs against income in one, the fall in income
           (the run's own statement, signals.REPORTED_INCOME) in the other — with the windows
           and shares in force; the disaster signal reads the system's own reports, the run's
           alone

Prints each median and spread, the peak memory and the ratio. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import time

from common import report, setup_django

SEED_ENTRIES = """
    INSERT INTO monitoring_monitoredentry (household_id, region_id, category, source, run_id,
        delivery_id, entered_by_id, entered_on, entry_reason, left_on, exit_reason, exit_note)
    SELECT h.id, h.region_id, 'return_risk', 'reported', NULL, NULL, NULL, %s, 'benchmark',
        NULL, '', ''
    FROM registry_household h
    -- NOT IN: the subquery is hashed once. NOT EXISTS, planned over the empty table's missing
    -- statistics, rescans the table it is filling for every household.
    WHERE h.id NOT IN (SELECT household_id FROM monitoring_monitoredentry)
"""
FLOOR = """
    WITH earners AS (
        SELECT household_id, arg_max(member_id, income) AS member_id FROM (
            SELECT household_id, member_id, income FROM earnings
            WHERE member_id IS NOT NULL AND income > 0 ORDER BY member_id DESC)
        GROUP BY household_id
    ),
    person AS (
        SELECT 'death' AS kind, p.household_id FROM deaths s JOIN people p USING (person_hash)
        WHERE s.cancellation = 'death' AND s.cancelled_on BETWEEN $death AND $day
        UNION ALL SELECT 'unemployment', p.household_id FROM employment s
        JOIN people p USING (person_hash)
        WHERE s.registration = 'unemployed' AND s.registered_on BETWEEN $unemployment AND $day
        UNION ALL SELECT 'severe_disability', p.household_id FROM disability s
        JOIN people p USING (person_hash)
        WHERE s.state = 'valid' AND s.grade IN ('1', '2')
            AND s.issued_on BETWEEN $severe_disability AND $day
        UNION ALL SELECT 'student_hardship', p.household_id FROM education s
        JOIN people p USING (person_hash)
        WHERE s.hardship_level IN ('especially', 'hardship')
            AND s.certified_on BETWEEN $student_hardship AND $day
        UNION ALL SELECT 'main_earner_illness', p.household_id FROM medical s
        JOIN people p USING (person_hash) JOIN earners e USING (household_id, member_id)
        WHERE (s.visit_kind = '住院' OR s.critical_illness_fen > 0)
            AND s.settled_on BETWEEN $main_earner_illness AND $day
    ),
    incomes AS (SELECT household_id, sum(income) AS income FROM earnings GROUP BY household_id),
    paid AS (
        SELECT p.household_id, sum(s.out_of_pocket_fen) AS paid FROM medical s
        JOIN people p USING (person_hash) WHERE s.settled_on BETWEEN $year AND $day
        GROUP BY p.household_id
    )
    SELECT count(*) FROM (
        SELECT DISTINCT kind, household_id FROM person
        UNION ALL SELECT 'medical_costs', household_id FROM paid
        LEFT JOIN incomes USING (household_id)
        WHERE paid > 0 AND paid * 100 >= $medical_share * coalesce(income, 0)
    )
"""
# Members' incomes on record in the twelve months, by member (NULL: the household's own), and
# the months recorded: what the main earner, the medical share and the fall in income read.
EARNINGS = """
    SELECT i.household_id, i.member_id, SUM(i.amount_fen), SUM(CASE WHEN i.income_type = 'wage'
        THEN i.amount_fen ELSE 0 END), SUM(CASE WHEN i.income_type = 'central_basic_pension'
        THEN i.amount_fen ELSE 0 END), MAX(n.months)
    FROM registry_income i JOIN (
        SELECT household_id, COUNT(DISTINCT month) AS months FROM registry_income
        WHERE month >= %(since)s AND month <= %(day)s GROUP BY household_id) n USING (household_id)
    WHERE i.month >= %(since)s AND i.month <= %(day)s AND i.household_id IN
        (SELECT household_id FROM monitoring_monitoredentry WHERE left_on IS NULL)
    GROUP BY i.household_id, i.member_id
"""

SIGNAL_SOURCES = ("deaths", "employment", "disability", "medical", "education")


def _csv(header: str, rows: list[str]) -> bytes:
    return "\n".join([header, *rows]).encode("utf-8")


def seed(share: float, today: datetime.date) -> None:
    from django.db import connection

    from doudi.accounts.models import User
    from doudi.registry.models import Member
    from doudi.sources.models import Delivery
    from doudi.sources.services import deliver

    with connection.cursor() as cursor:
        cursor.execute(SEED_ENTRIES, [today])
        print(f"monitored households added: {cursor.rowcount:,}", flush=True)
    delivered = set(
        Delivery.objects.filter(filename__startswith="bench_").values_list("source", flat=True)
    )
    if delivered >= set(SIGNAL_SOURCES):
        return
    members = Member.objects.filter(left_on__isnull=True).order_by("?")
    chosen = list(members[: int(Member.objects.count() * share)])
    numbers = [member.reveal_id_number() for member in chosen]
    quarter = len(numbers) // 5
    recent = today - datetime.timedelta(days=3)
    files = {
        "deaths": _csv(
            "公民身份号码,姓名,性别,出生日期,户籍地行政区划代码,注销类别,注销日期,数据日期",
            [f"{n},某,男,,410800000000,死亡,{recent},{today}" for n in numbers[:quarter]],
        ),
        "employment": _csv(
            "身份证号,姓名,登记类型,单位名称,登记日期,月工资(元),失业保险金(元/月)",
            [f"{n},某,失业,,{recent},,1500.00" for n in numbers[quarter : 2 * quarter]],
        ),
        "disability": _csv(
            "身份证号,姓名,残疾类别,残疾等级,发证日期,有效期至,证件状态",
            [f"{n},某,肢体,一级,{recent},,有效" for n in numbers[2 * quarter : 3 * quarter]],
        ),
        "medical": _csv(
            "身份证号,姓名,就诊类型,医疗机构,入院日期,出院日期,医疗总费用(元),基本医保支付(元),"
            "大病保险支付(元),医疗救助支付(元),个人自付(元),结算日期",
            [
                f"{n},某,住院,焦作市人民医院,,,{paid},0.00,0.00,0.00,{paid},{recent}"
                for i, n in enumerate(numbers[3 * quarter : 4 * quarter])
                for paid in [("90000.00" if i % 2 else "10.00")]
            ],
        ),
        "education": _csv(
            "身份证号,姓名,学校,学段,认定等级,认定日期,资助项目",
            [f"{n},某,某中学,高中,特别困难,{recent},国家助学金" for n in numbers[4 * quarter :]],
        ),
    }
    city = User.objects.get(username="city")
    for source, data in files.items():
        if source in delivered:  # a database seeded before this source was added
            continue
        started = time.perf_counter()
        deliver(city, source, data, f"bench_{source}.csv")
        lines = data.count(b"\n")
        print(
            f"delivered {source}: {lines:,} rows in {time.perf_counter() - started:.1f} s",
            flush=True,
        )


def floor(today: datetime.date, values: dict[str, int]) -> int:
    import duckdb
    from django.db import connection

    from doudi.early_warning.signals import REPORTED_INCOME
    from doudi.sources.contracts import SOURCES
    from doudi.sources.reading import snapshot_schema
    from doudi.sources.storage import latest_delivery, read_snapshot

    since = (today - datetime.timedelta(days=365)).replace(day=1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT m.id_number_hash, m.household_id, m.id FROM registry_member m"
            " WHERE m.left_on IS NULL AND m.household_id IN"
            " (SELECT household_id FROM monitoring_monitoredentry WHERE left_on IS NULL)"
        )
        people = _columns(cursor.fetchall(), ["person_hash", "household_id", "member_id"])
        cursor.execute(EARNINGS, {"since": since, "day": today})
        earnings = _columns(
            cursor.fetchall(),
            ["household_id", "member_id", "income", "wages", "pensions", "months"],
        )
    with duckdb.connect() as con:
        con.register("people", people)
        con.register("earnings", earnings)
        con.register("monitored", people.select(["household_id"]))
        for source in (*SIGNAL_SOURCES, "pensions", "tax"):
            delivery = latest_delivery(source)
            table = (
                read_snapshot(delivery)
                if delivery
                else snapshot_schema(SOURCES[source].latest).empty_table()
            )
            con.register(source, table)
        kinds = ("death", "unemployment", "severe_disability", "student_hardship")
        windows = {
            kind: today - datetime.timedelta(days=values[f"{kind}.window"])
            for kind in (*kinds, "main_earner_illness")
        }
        year = today - datetime.timedelta(days=365)
        signals = con.execute(
            FLOOR,
            {
                **windows,
                "day": today,
                "year": year,
                "medical_share": values["medical_costs.share_percent"],
            },
        ).fetchone()[0]
        falls = con.execute(
            f"SELECT count(*) FROM ({REPORTED_INCOME})",
            {"since": year, "day": today, "share": values["income_fall.share_percent"]},
        ).fetchone()[0]
        return signals + falls


def _columns(rows: list[tuple], names: list[str]):
    import pyarrow

    return pyarrow.table(
        {
            name: pyarrow.array(
                [row[index] for row in rows],
                pyarrow.string() if name == "person_hash" else pyarrow.int64(),
            )
            for index, name in enumerate(names)
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="doudi_bench")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--share", type=float, default=0.01)
    options = parser.parse_args()
    setup_django(options.database)

    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from doudi.accounts.models import User
    from doudi.early_warning.services import run_daily, warning_values

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    seed(options.share, today)
    city = User.objects.get(username="city")
    values = warning_values(city.region_id, today)
    run_times, floor_times, raised = [], [], 0
    for _ in range(options.repeat):
        with transaction.atomic():
            started = time.perf_counter()
            ran = run_daily(city, city.region_id, today)
            run_times.append(time.perf_counter() - started)
            transaction.set_rollback(True)
        raised = sum(ran.raised.values())
        started = time.perf_counter()
        found = floor(today, values)
        floor_times.append(time.perf_counter() - started)
    report("run", run_times, f"{raised:,} warnings raised")
    report("floor", floor_times, f"{found:,} signals (two SQL reads + two DuckDB statements)")
    ratio = statistics.median(run_times) / statistics.median(floor_times)
    print(f"ratio      {ratio:.2f}× the floor (aim: the run ≤ 30 s)")


if __name__ == "__main__":
    main()
