"""No plan of payroll generation depends on the planner's statistics (issue 14, point 3).

On PostgreSQL with autovacuum off, a line table just emptied has no statistics; a statement that
reads the lines already written to find who is paid was then planned as a nested loop over them,
and a run grew with the square of its lines. Every statement generation runs is explained here,
just before it runs, on a freshly truncated line table without statistics: the monthly payment
and the arrears read it only by one probe of the unique guard per line (whoever is paid is
skipped), and no table is read whole once per row of another, whatever the planner believes it
holds."""

from __future__ import annotations

import pytest
from django.db import connection

from doudi.benefits.models import Benefit
from doudi.payroll import services
from doudi.payroll.models import PayrollLine
from doudi.payroll.tests.conftest import APRIL, COUNTY, MAY
from doudi.payroll.tests.test_payroll import result_csv, sent

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the planner and its statistics are PostgreSQL's"
    ),
]

LINES = "payroll_payrollline"
OTHER_COUNTY = "410825000000"
OTHER_VILLAGE = "410825902001"


def _explained(plans: list[tuple[str, dict]], start: str = f"INSERT INTO {LINES}"):
    """Runs each statement that starts with ``start`` (an INSERT of payroll lines) after
    explaining it with the same parameters."""

    def wrapper(execute, sql, params, many, context):
        if sql.lstrip().startswith(start):
            raw = context["cursor"].cursor
            raw.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plans.append((sql, raw.fetchone()[0][0]["Plan"]))
        return execute(sql, params, many, context)

    return wrapper


def _scans(node: dict, inner: bool = False) -> list[tuple[str, str, bool]]:
    """(table, scan type, whether it is repeated) of every scan below ``node``: repeated when it
    lies on the inner side of a nested loop or in a subplan (run once per outer row)."""
    found = []
    if "Relation Name" in node and node["Node Type"] != "ModifyTable":
        found.append((node["Relation Name"], node["Node Type"], inner))
    children = node.get("Plans", [])
    for index, child in enumerate(children):
        repeated = (node["Node Type"] == "Nested Loop" and index == 1) or (
            child.get("Parent Relationship") == "SubPlan"
        )
        found += _scans(child, inner or repeated)
    return found


def _truncate_without_statistics() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {LINES}, payroll_payroll")
        cursor.execute(f"DELETE FROM pg_statistic WHERE starelid = '{LINES}'::regclass")
        cursor.execute(
            "SELECT reltuples, (SELECT count(*) FROM pg_stats WHERE tablename = %s) "
            "FROM pg_class WHERE relname = %s",
            [LINES, LINES],
        )
        reltuples, statistics = cursor.fetchone()
    assert reltuples < 1 and statistics == 0  # never analysed since it was emptied


def test_two_counties_on_a_table_without_statistics(parties, on_benefit, make_user, clock):
    from doudi.accounts.roles import Role

    moved = on_benefit[2]
    Benefit.objects.filter(pk=moved.pk).update(region_id=OTHER_VILLAGE)
    other = make_user(Role.COUNTY_APPROVER, OTHER_COUNTY)
    _truncate_without_statistics()
    clock.at("2026-03-25")
    plans: list[tuple[str, dict]] = []
    with connection.execute_wrapper(_explained(plans)):
        first = services.generate(parties.civil_affairs, "minimum_living", APRIL, COUNTY)
        second = services.generate(other, "minimum_living", APRIL, OTHER_COUNTY)
        clock.at("2026-04-25")
        may = services.generate(parties.civil_affairs, "minimum_living", MAY, COUNTY)
    assert (first.line_count, second.line_count, may.line_count) == (2, 1, 2)
    assert PayrollLine.objects.count() == 5
    assert len(plans) == 12  # re-issues, monthly, arrears, top-ups: three payrolls
    for sql, plan in plans:
        scans = _scans(plan)
        # Nothing is read whole once per row: a repeated scan probes an index.
        assert not [scan for scan in scans if scan[1:] == ("Seq Scan", True)], (sql, plan)
        # The lines are only ever probed for one payroll, person or stage, never read as the
        # statement's driver (which grows with every payroll made before).
        assert all(repeated for table, _, repeated in scans if table == LINES), (sql, plan)
        if "'regular'" in sql or "'arrears'" in sql:
            # Whoever is paid is asked of the unique guard, one probe per line written.
            assert _indexes_read(plan, LINES) <= {GUARD}, (sql, plan)


GUARD = "one_payment_per_person_programme_month"


def _indexes_read(node: dict, table: str) -> set[str | None]:
    """The index through which each scan of ``table`` below ``node`` reads (None: no index)."""
    found = {node.get("Index Name")} if node.get("Relation Name") == table else set()
    if node["Node Type"] == "ModifyTable":
        found = set()
    for child in node.get("Plans", []):
        found |= _indexes_read(child, table)
    return found


def test_the_result_is_planned_as_probes_on_tables_without_statistics(parties, on_benefit, clock):
    """The bank's rows, copied into a table never analysed, and the lines, their statistics
    deleted: however they are joined, each side only probes the other's index (a planner that
    believed the payroll held one line scanned every row once per line)."""
    clock.at("2026-03-25")
    payroll = sent(parties)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM pg_statistic WHERE starelid = '{LINES}'::regclass")
    plans: list[tuple[str, dict]] = []
    with connection.execute_wrapper(_explained(plans, "WITH recorded AS (")):
        services.reconcile(parties.bank, payroll.pk, result_csv(payroll), "csv")
    assert set(payroll.lines.values_list("status", flat=True)) == {"paid"}
    [(_sql, plan)] = plans
    scans = _scans(plan)
    assert not [scan for scan in scans if scan[1:] == ("Seq Scan", True)], plan
    assert {table for table, _, _ in scans} == {LINES, "bank_result_rows"}, plan
    assert _indexes_read(plan, LINES) <= {f"{LINES}_pkey", PAYROLL_INDEX}, plan


PAYROLL_INDEX = "payroll_payrollline_payroll_id_51a02b5a"
