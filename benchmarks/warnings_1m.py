"""The daily warning run over a million monitored households, beside its floor.

    .venv/bin/python benchmarks/warnings_1m.py [--database doudi_bench] [--repeat 3] [--share 0.01]

Uses the registry ``benchmarks/registry_1m.py`` leaves in PostgreSQL (run that first; this
script migrates it). Once, it puts every household under monitoring (straight into the table:
the refresh is tested elsewhere) and delivers, as the city's user, a day of each department's
signals for ``--share`` of the members, through the check platform's ``deliver`` like any
delivery: deaths, unemployment registrations and new grade 1–2 disability certificates within
the windows, medical settlements (half of them above the warning share of income; each an
inpatient stay, so a main earner's is also a serious illness) and students certified in
hardship (特别困难). It then brings the registry's columnar snapshot (``doudi.columnar``) up
to date — on a fresh database, its first build — and prints how long that took. Then,
``--repeat`` times, each in a transaction rolled back afterwards:

  run    — early_warning.services.run_daily for the city: the parameters in force, the
           monitored households, the members and their incomes from the columnar snapshot
           (after its refresh, here finding nothing changed), every signal, the warnings, audit
  floor  — every department's signal by hand: one SQL read (the monitored households) and one
           DuckDB statement over the same snapshot (after the same refresh) and the
           deliveries' snapshots — the members on the day, their incomes of the twelve months,
           the main earner, the person-level signals, the medical costs against income and the
           fall in income (the run's own statement, signals.REPORTED_INCOME) — with the windows
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
# Every signal of the day over the monitored households, in one statement over the registry's
# columnar snapshot (views members, households, incomes) and the deliveries' snapshots: the
# members on the day, their incomes of the twelve months by member, the main earner, the
# person-level signals, the medical costs against income and the fall in income (the run's own
# statement, signals.REPORTED_INCOME, over the people and earnings written here).
FLOOR = """
    WITH people AS MATERIALIZED (
        SELECT NULLIF(m.id_number_hash, '') AS person_hash, m.household_id, m.id AS member_id
        FROM members m JOIN households h ON h.id = m.household_id
        WHERE m.household_id IN (SELECT household_id FROM monitored)
            AND starts_with(h.region_id, $prefix) AND m.joined_on <= $day
            AND (m.left_on IS NULL OR m.left_on > $day)
            AND (m.death_date IS NULL OR m.death_date > $day)
    ),
    recorded AS MATERIALIZED (
        SELECT household_id, member_id, kind, month, amount_fen FROM incomes
        WHERE month BETWEEN $first_month AND $day
            AND household_id IN (SELECT household_id FROM monitored)
    ),
    earnings AS MATERIALIZED (
        SELECT household_id, member_id, sum(amount_fen) AS income,
            sum(amount_fen) FILTER (kind = 'wage') AS wages,
            sum(amount_fen) FILTER (kind = 'central_basic_pension') AS pensions,
            any_value(n.months) AS months
        FROM recorded JOIN (SELECT household_id, count(DISTINCT month) AS months FROM recorded
            GROUP BY household_id) n USING (household_id)
        GROUP BY household_id, member_id
    ),
    earners AS (
        SELECT household_id, member_id FROM earnings WHERE member_id IS NOT NULL AND income > 0
        QUALIFY row_number() OVER (PARTITION BY household_id ORDER BY income DESC, member_id) = 1
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
    household_incomes AS (
        SELECT household_id, sum(income) AS income FROM earnings GROUP BY household_id
    ),
    paid AS (
        SELECT p.household_id, sum(s.out_of_pocket_fen) AS paid FROM medical s
        JOIN (SELECT DISTINCT person_hash, household_id FROM people) p USING (person_hash)
        WHERE s.settled_on BETWEEN $since AND $day GROUP BY p.household_id
    )
    SELECT count(*) FROM (
        SELECT DISTINCT kind, household_id FROM person
        UNION ALL SELECT 'medical_costs', household_id FROM paid
        LEFT JOIN household_incomes USING (household_id)
        WHERE paid > 0 AND paid * 100 >= $medical_share * coalesce(income, 0)
        UNION ALL SELECT 'income_fall', household_id FROM ({reported_income})
    )
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


def floor(place_code: str, today: datetime.date, values: dict[str, int]) -> int:
    import pyarrow
    from django.db import connection

    from doudi.columnar import snapshot
    from doudi.early_warning.signals import REPORTED_INCOME
    from doudi.regions.codes import prefix_of
    from doudi.sources.contracts import SOURCES
    from doudi.sources.reading import snapshot_schema
    from doudi.sources.storage import latest_delivery, read_snapshot

    prefix = prefix_of(place_code)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT household_id FROM monitoring_monitoredentry"
            " WHERE left_on IS NULL AND region_id LIKE %s",
            [prefix + "%"],
        )
        monitored = pyarrow.table(
            {"household_id": pyarrow.array([row[0] for row in cursor.fetchall()], pyarrow.int64())}
        )
    kinds = ("death", "unemployment", "severe_disability", "student_hardship")
    windows = {
        kind: today - datetime.timedelta(days=values[f"{kind}.window"])
        for kind in (*kinds, "main_earner_illness")
    }
    year = today - datetime.timedelta(days=365)
    with snapshot.reading() as con:
        con.register("monitored", monitored)
        for source in (*SIGNAL_SOURCES, "pensions", "tax"):
            delivery = latest_delivery(source)
            table = (
                read_snapshot(delivery)
                if delivery
                else snapshot_schema(SOURCES[source].latest).empty_table()
            )
            con.register(source, table)
        return con.execute(
            FLOOR.format(reported_income=REPORTED_INCOME),
            {
                **windows,
                "prefix": prefix,
                "day": today,
                "since": year,
                "first_month": year.replace(day=1),
                "medical_share": values["medical_costs.share_percent"],
                "share": values["income_fall.share_percent"],
            },
        ).fetchone()[0]


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
    from doudi.columnar import snapshot
    from doudi.early_warning.services import run_daily, warning_values

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    seed(options.share, today)
    started = time.perf_counter()
    refreshed = snapshot.refresh()
    print(
        f"columnar snapshot brought up to date in {time.perf_counter() - started:.1f} s"
        f" ({refreshed['changed']:,} households read)",
        flush=True,
    )
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
        found = floor(city.region_id, today, values)
        floor_times.append(time.perf_counter() - started)
    report("run", run_times, f"{raised:,} warnings raised")
    report("floor", floor_times, f"{found:,} signals (one SQL read + one DuckDB statement)")
    ratio = statistics.median(run_times) / statistics.median(floor_times)
    print(f"ratio      {ratio:.2f}× the floor (aim: the run ≤ 30 s)")


if __name__ == "__main__":
    main()
