"""Refreshing the figures, set-based (docs/statistics.md).

``refresh_payroll`` runs inside the transaction of the payroll step that changed its lines
(generation, the bank's result): one statement sums that payroll's lines — read through its
foreign-key index, never the lines of other payrolls — into ``PayrollFigure`` rows, and one
statement over those small rows rolls every level up for the months the payroll touches, within
the places its own place lies in or contains. ``refresh_place`` does the same for every payroll
of a place at once (the command line, after a restore or a change of this code).
"""

from __future__ import annotations

import datetime

from django.db import connection

from doudi.regions.codes import CODE_LENGTH, LEVELS, SEGMENT_ENDS, Level, prefix_of
from doudi.regions.models import Region

MEASURES = "recipients, households, lines, paid_fen, failed_fen, pending_fen"

# The one statement over the payroll lines. A difference paid for a month paid before a raise
# (top_up) adds money, never a recipient or a household (the month's own payment counted them).
SUM_LINES = f"""
INSERT INTO statistics_payrollfigure (payroll_id, month, programme, region_code, {MEASURES})
SELECT l.payroll_id, l.pay_month, l.programme, l.region_id,
       SUM(CASE WHEN l.status = 'paid' AND l.kind <> 'top_up' THEN 1 ELSE 0 END),
       COUNT(DISTINCT CASE WHEN l.status = 'paid' AND l.kind <> 'top_up'
                           THEN l.household_id END),
       COUNT(*),
       SUM(CASE WHEN l.status = 'paid' THEN l.amount_fen ELSE 0 END),
       SUM(CASE WHEN l.status = 'failed' THEN l.amount_fen ELSE 0 END),
       SUM(CASE WHEN l.status = 'pending' THEN l.amount_fen ELSE 0 END)
FROM payroll_payrollline l
WHERE {{where}}
GROUP BY l.payroll_id, l.pay_month, l.programme, l.region_id
"""

ROLL_UP_LEVEL = """
SELECT '{level}', {code}, {parent}, month, programme,
       SUM(recipients), SUM(households), SUM(lines), SUM(paid_fen), SUM(failed_fen),
       SUM(pending_fen)
FROM statistics_payrollfigure
WHERE month IN ({months}) AND region_code LIKE %s
GROUP BY {group}month, programme
"""


def _padded(end: int) -> str:
    """SQL for the code of the place at the level ending at ``end``, from a village's code."""
    if end >= CODE_LENGTH:
        return "region_code"
    return f"substr(region_code, 1, {end}) || '{'0' * (CODE_LENGTH - end)}'"


def _level_prefixes(prefix: str) -> list[tuple[Level, str]]:
    """Per level, the code prefix of the places whose figures the scope ``prefix`` touches: at
    and above the scope, the one place containing it; below, every place inside it."""
    return [(level, prefix[: min(SEGMENT_ENDS[level], len(prefix))]) for level in LEVELS]


def _roll_up(prefix: str, months: list[datetime.date]) -> None:
    if not months:
        return
    # Two payrolls of one province refreshed at once would both rewrite the city's and the
    # province's rows: the second waits here, on the province's row, for the first to commit,
    # and then sums what the first wrote (a no-op on SQLite, which writes one at a time).
    list(
        Region.objects.select_for_update()
        .filter(code=prefix[:2].ljust(CODE_LENGTH, "0"))
        .values_list("code", flat=True)
    )
    marks = ", ".join(["%s"] * len(months))
    levels = _level_prefixes(prefix)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM statistics_figure WHERE month IN ({marks}) AND ("
            + " OR ".join("(level = %s AND region_code LIKE %s)" for _ in levels)
            + ")",
            [*months, *[value for level, p in levels for value in (level.value, p + "%")]],
        )
        selects, params = [], []
        for index, (level, level_prefix) in enumerate(levels):
            parent = _padded(SEGMENT_ENDS[LEVELS[index - 1]]) if index else "''"
            selects.append(
                ROLL_UP_LEVEL.format(
                    level=level.value,
                    code=_padded(SEGMENT_ENDS[level]),
                    parent=parent,
                    # PostgreSQL groups by the place above as well (no constant, though).
                    group=f"{_padded(SEGMENT_ENDS[level])}, " + (f"{parent}, " if index else ""),
                    months=marks,
                )
            )
            params += [*months, level_prefix + "%"]
        cursor.execute(
            "INSERT INTO statistics_figure (level, region_code, parent_code, month, programme, "
            f"{MEASURES}) " + " UNION ALL ".join(selects),
            params,
        )


def _months(where: str, params: list) -> list[datetime.date]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT month FROM statistics_payrollfigure WHERE {where}", params)
        return sorted(_as_date(row[0]) for row in cursor.fetchall())


def _as_date(value: object) -> datetime.date:
    # SQLite hands back text.
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def refresh_payroll(payroll_id: int, region_code: str) -> None:
    """Sum one payroll's lines anew and roll up the months they are for (call it in the
    transaction that changed the lines)."""
    before = _months("payroll_id = %s", [payroll_id])
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM statistics_payrollfigure WHERE payroll_id = %s", [payroll_id])
        cursor.execute(SUM_LINES.format(where="l.payroll_id = %s"), [payroll_id])
    months = sorted(set(before) | set(_months("payroll_id = %s", [payroll_id])))
    _roll_up(prefix_of(region_code), months)


def refresh_place(region_code: str) -> int:
    """Sum anew every line of a place (one statement over the lines) and roll up every month;
    the number of figures the place now holds."""
    prefix = prefix_of(region_code)
    like = prefix + "%"
    before = _months("region_code LIKE %s", [like])
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM statistics_payrollfigure WHERE region_code LIKE %s", [like])
        cursor.execute(SUM_LINES.format(where="l.region_id LIKE %s"), [like])
    months = sorted(set(before) | set(_months("region_code LIKE %s", [like])))
    _roll_up(prefix, months)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM statistics_figure WHERE region_code LIKE %s", [like])
        return cursor.fetchone()[0]
