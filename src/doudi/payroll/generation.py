"""Filling a payroll's lines in the database, set-based (INSERT … SELECT): a million benefits
never pass through Python one by one.

Four statements. None of them plans its reading of the lines already written from statistics:
whoever is paid is found by one probe of the unique index that guards the payment per line
written — a subquery of its own (``PROBED``) for the monthly payment and the arrears, the
index's own arbitration (``ON CONFLICT … DO NOTHING``) for the rest — so no plan depends on what
the planner believes the line table holds. An anti-join (``NOT EXISTS``) over the lines did: on
a database whose statistics were stale (the table emptied, autovacuum off), the second county's
payroll was planned as a nested loop over every line inserted before it, and the run grew with
the square of the lines (docs/performance.md). The guard's first column is the payee, so each
probe reads one person's entries. The guard stays the last word: a line the probe could not see
breaks it, and the statement is run again arbitrated by it (``_write``). (The stages of a
temporary-assistance payroll keep their ``NOT EXISTS``, shared with the follow-up list, probed
through the stage's own unique index.)

1. one re-issue of each line that failed in an earlier payroll of the same place and programme;
2. this month's payment of every benefit in force, to a payee alive, still a member, with a card;
3. arrears (补发): months an earlier payroll of this place paid, that a benefit approved late was
   entitled to and missed;
4. top-ups (补发差额): months an earlier payroll of this place paid at the old amount, raised
   afterwards from that month (a standard change dated in a paid month) — the difference, once.

None of the four pays a benefit a campaign holds (``NOT_HELD``: a death found, pending the
decision).

A temporary-assistance payroll holds, after the re-issues, the stages of approved decisions
(一次审批、分阶段救助) due in its month — and any earlier stage still unpaid, decided after its
month's payroll was made — each once (a partial unique index on the stage), to the person
concerned or else the household's head. A stage of an emergency case is not paid again: the
emergency payment (先行救助) from the township's reserve fund already paid it. A stage stopped
(``stopped_on``: the grant was stopped) is neither paid nor re-issued.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, connection, transaction

from doudi.benefits.queries import in_force_sql
from doudi.dates import month_before, next_month
from doudi.payroll.models import Payroll, PayrollProgramme

LINE_COLUMNS = """payroll_id, kind, programme, pay_month, benefit_id, grant_share_id, household_id,
    region_id, payee_id, payee_name, card, amount_fen, status, bank_reason, reissue_of_id,
    stage_id"""

# The payee can be paid for month :m — alive on its first day, still a member, with a card;
# each part also names, in LEFT_OUT, why someone is not paid.
HAS_CARD = "m.social_security_card <> ''"
ALIVE = "(m.death_date IS NULL OR m.death_date >= {m})"
STILL_MEMBER = "(m.left_on IS NULL OR m.left_on > {m})"
PAYABLE = "\n    AND ".join((HAS_CARD, ALIVE, STILL_MEMBER))

# A line ``done`` that is the first payment of that person, programme and month (read through
# the partial unique index, whose conditions these are).
FIRST_PAYMENT = """done.programme = b.programme AND done.payee_id = b.payee_id
      AND done.pay_month = {m} AND done.benefit_id IS NOT NULL
      AND done.reissue_of_id IS NULL AND done.kind <> 'top_up'"""

# No first payment yet for that person, programme and month: a failed one is re-issued by
# REISSUES, never paid again as a new line. Read by the list of who is left out; generation
# leaves the same test to the unique index (UNLESS_PAID).
NOT_YET_PAID = f"""NOT EXISTS (
    SELECT 1 FROM payroll_payrollline done
    WHERE {FIRST_PAYMENT})"""

# Skip a line whose person, programme and month already has a first payment, through the partial
# unique index one_payment_per_person_programme_month (its columns and condition, so that both
# databases infer it as the arbiter): a probe of that index per line, whatever the statistics.
# Any other unique index a line breaks still fails the statement. Two benefits of one payee in
# force for the same month (which the cases never make) pay once, where the anti-join this
# replaced failed the whole payroll on the index.
UNLESS_PAID = """ON CONFLICT (payee_id, programme, pay_month)
    WHERE benefit_id IS NOT NULL AND reissue_of_id IS NULL AND NOT (kind = 'top_up')
DO NOTHING"""

# The same test asked of the same index before the line is written, a probe per line (LIMIT 1
# OFFSET 0 keeps it a subquery of its own, never an anti-join planned from statistics): a
# plain insert then costs half of one that arbitrates each line against the guard (``ON
# CONFLICT`` writes each line as a speculative insertion and confirms it, docs/performance.md).
# The probe cannot see a line written by this statement or by a transaction not yet
# committed: such a line breaks the unique index, the insert is undone, and UNLESS_PAID
# decides instead (``_write``).
PROBED = "AND NOT EXISTS (SELECT 1 FROM payroll_payrollline done WHERE {first} LIMIT 1 OFFSET 0)"

# A line that failed is re-issued at most once: ``reissue_of`` is unique where set (the partial
# index one_reissue_per_line, named by its column and condition).
UNLESS_REISSUED = "ON CONFLICT (reissue_of_id) WHERE reissue_of_id IS NOT NULL DO NOTHING"

# No hold on the benefit (campaigns.PaymentHold): a death found by a campaign stops every
# payment of it from the next payroll, before the decision that ends it; ``b`` is the benefit id.
# LIMIT 1 OFFSET 0 keeps it a subquery of its own — one index probe per benefit, or the holds
# hashed once — rather than an anti-join that a planner believing the table empty ran as a
# nested loop over every hold for every benefit.
NOT_HELD = """NOT EXISTS (
    SELECT 1 FROM campaigns_paymenthold hold
    WHERE hold.benefit_id = {b} AND hold.released_on IS NULL LIMIT 1 OFFSET 0)"""

# A failed stage of a grant stopped since is not re-issued: nothing is paid after a stop.
NOT_STOPPED = """(f.stage_id IS NULL OR NOT EXISTS (
    SELECT 1 FROM cases_paymentstage st WHERE st.id = f.stage_id AND st.stopped_on IS NOT NULL))"""

REISSUES = f"""
INSERT INTO payroll_payrollline ({LINE_COLUMNS})
SELECT %(payroll)s, 'reissue', f.programme, f.pay_month, f.benefit_id, NULL, f.household_id,
       f.region_id, f.payee_id, m.name, m.social_security_card, f.amount_fen, 'pending', '', f.id,
       f.stage_id
FROM payroll_payrollline f
JOIN payroll_payroll p ON p.id = f.payroll_id
JOIN registry_member m ON m.id = f.payee_id
WHERE p.programme = %(programme)s AND p.region_id = %(region)s
  AND (p.grant_id = %(grant)s OR (p.grant_id IS NULL AND %(grant)s IS NULL))
  AND f.status = 'failed' AND p.id <> %(payroll)s
  AND {PAYABLE.format(m="f.pay_month")}
  AND {NOT_HELD.format(b="f.benefit_id")}
  AND {NOT_STOPPED}
{UNLESS_REISSUED}
"""

REGULAR = f"""
INSERT INTO payroll_payrollline ({LINE_COLUMNS})
SELECT %(payroll)s, 'regular', b.programme, %(month)s, b.id, NULL, b.household_id,
       b.region_id, b.payee_id, m.name, m.social_security_card, b.monthly_amount_fen,
       'pending', '', NULL, NULL
FROM benefits_benefit b
JOIN registry_member m ON m.id = b.payee_id
WHERE b.programme = %(programme)s AND b.region_id LIKE %(prefix)s
  AND {in_force_sql("b", "%(month)s")}
  AND b.monthly_amount_fen > 0
  AND {PAYABLE.format(m="%(month)s")}
  AND {NOT_HELD.format(b="b.id")}
  {{probed}}
{{unless_paid}}
"""

ARREARS = f"""
INSERT INTO payroll_payrollline ({LINE_COLUMNS})
SELECT %(payroll)s, 'arrears', b.programme, earlier.month, b.id, NULL, b.household_id,
       b.region_id, b.payee_id, m.name, m.social_security_card, b.monthly_amount_fen,
       'pending', '', NULL, NULL
FROM benefits_benefit b
JOIN registry_member m ON m.id = b.payee_id
JOIN (SELECT DISTINCT month FROM payroll_payroll
      WHERE programme = %(programme)s AND region_id = %(region)s AND month < %(month)s) earlier
  ON {in_force_sql("b", "earlier.month")}
WHERE b.programme = %(programme)s AND b.region_id LIKE %(prefix)s
  AND b.monthly_amount_fen > 0
  AND {PAYABLE.format(m="earlier.month")}
  AND {NOT_HELD.format(b="b.id")}
  {{probed}}
{{unless_paid}}
"""

# The day a timestamp falls on (in the database's time zone, UTC: never later than the bureau's
# own day, so that the pruning below never leaves out a month it should read).
DAY_OF = {
    "postgresql": "CAST({} AS date)",
    "sqlite": "date({})",
}

# The difference (补发差额) for a month an earlier payroll of this place paid, before a raise
# dated from that month was decided: the benefit in force then less what was paid to its payee
# for it (first payments, top-ups included, so that a second raise adds only its own part).
# Only benefits that replaced another, and only months whose first payroll was made no later
# than the day of the benefit's decision, can be owed a difference: every other month was paid
# by this benefit itself, in full. What was paid is read in two parts, each through an index led
# by the payee: the first payment (the unique guard) and the top-ups (their own small index).
# The test that a first payment exists stays a subquery (LIMIT 1 OFFSET 0), probed per benefit:
# as a semi-join, a planner that believed the line table empty read every first payment of the
# programme to find the few benefits that replaced another, each county more than the last.
TOP_UPS = f"""
INSERT INTO payroll_payrollline ({LINE_COLUMNS})
SELECT %(payroll)s, 'top_up', o.programme, o.month, o.id, NULL, o.household_id, o.region_id,
       o.payee_id, o.name, o.card, o.owed_fen, 'pending', '', NULL, NULL
FROM (
    SELECT b.id, b.programme, b.household_id, b.region_id, b.payee_id, earlier.month,
           m.name, m.social_security_card AS card,
           b.monthly_amount_fen - (
               SELECT COALESCE(SUM(l.amount_fen), 0) FROM payroll_payrollline l
               WHERE l.payee_id = b.payee_id AND l.programme = b.programme
                 AND l.pay_month = earlier.month AND l.benefit_id IS NOT NULL
                 AND l.reissue_of_id IS NULL AND l.kind <> 'top_up') - (
               SELECT COALESCE(SUM(l.amount_fen), 0) FROM payroll_payrollline l
               WHERE l.payee_id = b.payee_id AND l.programme = b.programme
                 AND l.pay_month = earlier.month AND l.benefit_id IS NOT NULL
                 AND l.reissue_of_id IS NULL AND l.kind = 'top_up') AS owed_fen
    FROM benefits_benefit b
    JOIN cases_decision d ON d.id = b.decision_id
    JOIN registry_member m ON m.id = b.payee_id
    JOIN (SELECT month, MIN(generated_at) AS first_at FROM payroll_payroll
          WHERE programme = %(programme)s AND region_id = %(region)s AND grant_id IS NULL
            AND month <= %(month)s
          GROUP BY month) earlier
      ON {in_force_sql("b", "earlier.month")} AND {{day_of_first}} <= d.decided_on
    WHERE b.programme = %(programme)s AND b.region_id LIKE %(prefix)s
      AND b.monthly_amount_fen > 0
      AND EXISTS (SELECT 1 FROM benefits_benefit r
                  WHERE r.ended_by_id = b.decision_id AND r.ended_by_id IS NOT NULL)
      AND {PAYABLE.format(m="earlier.month")}
      AND {NOT_HELD.format(b="b.id")}
      AND EXISTS (
          SELECT 1 FROM payroll_payrollline paid
          WHERE paid.payee_id = b.payee_id AND paid.programme = b.programme
            AND paid.pay_month = earlier.month AND paid.benefit_id IS NOT NULL
            AND paid.reissue_of_id IS NULL AND paid.kind <> 'top_up' LIMIT 1 OFFSET 0)
) o
WHERE o.owed_fen > 0
"""

GRANT_SHARES = f"""
INSERT INTO payroll_payrollline ({LINE_COLUMNS})
SELECT %(payroll)s, 'grant', 'one_off_grant', %(month)s, NULL, s.id, s.household_id,
       s.region_id, s.payee_id, m.name, m.social_security_card, s.amount_fen, 'pending', '', NULL,
       NULL
FROM grants_grantshare s
JOIN registry_member m ON m.id = s.payee_id
WHERE s.grant_id = %(grant)s AND s.region_id LIKE %(prefix)s
  AND m.social_security_card <> '' AND m.death_date IS NULL
ON CONFLICT (grant_share_id) WHERE grant_share_id IS NOT NULL DO NOTHING
"""


# The person concerned, else the household's head (else its first living member), as a benefit
# is paid (benefits.services._head).
STAGE_PAYEE = """COALESCE(c.member_id, (
    SELECT h.id FROM registry_member h
    WHERE h.household_id = c.household_id AND h.left_on IS NULL AND h.death_date IS NULL
    ORDER BY CASE WHEN h.relation = 'head' THEN 0 ELSE 1 END, h.id
    LIMIT 1))"""

# The first day of a date's month, in each database's own words.
MONTH_OF = {
    "postgresql": "CAST(date_trunc('month', s.due_on) AS date)",
    "sqlite": "date(s.due_on, 'start of month')",
}

# The stages a temporary-assistance payroll of a month owes: due by its end (an earlier one still
# unpaid too), of approved decisions, not paid first from the reserve fund, not yet paid; ``m`` is
# the payee. The payroll pays those whose payee can be paid for the stage's month; the others are
# listed for follow-up (``queries.left_out``) until a card is recorded.
DUE_STAGES = f"""
FROM cases_paymentstage s
JOIN cases_decision d ON d.id = s.decision_id
JOIN cases_case c ON c.id = d.case_id
JOIN registry_member m ON m.id = {STAGE_PAYEE}
WHERE d.outcome = 'approved' AND c.region_id LIKE %(prefix)s
  AND s.due_on < %(next_month)s AND s.stopped_on IS NULL
  AND NOT EXISTS (SELECT 1 FROM cases_emergencypayment e WHERE e.case_id = c.id)
  AND NOT EXISTS (
      SELECT 1 FROM payroll_payrollline done
      WHERE done.stage_id = s.id AND done.reissue_of_id IS NULL)"""

STAGES = f"""
INSERT INTO payroll_payrollline ({LINE_COLUMNS})
SELECT %(payroll)s, 'stage', %(programme)s, {{month_of}}, NULL, NULL, c.household_id,
       c.region_id, m.id, m.name, m.social_security_card, s.amount_fen, 'pending', '', NULL, s.id
{DUE_STAGES}
  AND {PAYABLE.format(m="{month_of}")}
"""

# The stages owed that the payroll cannot pay, with why (the first reason that holds).
UNPAYABLE_STAGES = f"""
SELECT s.id, m.id, CASE WHEN m.social_security_card = '' THEN 'no_card'
                        WHEN m.death_date IS NOT NULL AND m.death_date < {{month_of}} THEN 'died'
                        ELSE 'left' END
{DUE_STAGES}
  AND NOT ({PAYABLE.format(m="{month_of}")})
ORDER BY s.due_on, s.id
"""


# Why a monthly payroll leaves out each benefit in force for its month (or stopped after the
# month before, its payee paid no more), the first that holds, by the very conditions REGULAR
# pays on: died, left the household, benefit stopped, no card, held by a campaign, already paid
# or in another payroll of the month. Whoever is in the payroll ``%(payroll)s`` (none while it
# is being generated) is not left out; the follow-up list leaves out those paid
# (``%(count_paid)s`` false): they are not owed anything.
LEFT_OUT = f"""
SELECT o.benefit_id, o.household_id, o.household_place, o.payee_name, o.id_number_masked,
       o.amount_fen, o.reason
FROM (
    SELECT b.id AS benefit_id, b.household_id, h.region_id AS household_place,
           m.name AS payee_name, m.id_number_masked,
           b.monthly_amount_fen AS amount_fen,
           CASE WHEN NOT {ALIVE.format(m="%(month)s")}
                     OR (m.death_date IS NOT NULL AND NOT {STILL_MEMBER.format(m="%(month)s")})
                THEN 'died'
                WHEN NOT {STILL_MEMBER.format(m="%(month)s")} THEN 'left'
                WHEN NOT ({in_force_sql("b", "%(month)s")}) THEN 'stopped'
                WHEN NOT ({HAS_CARD}) THEN 'no_card'
                WHEN NOT ({NOT_HELD.format(b="b.id")}) THEN 'held'
                WHEN NOT ({NOT_YET_PAID.format(m="%(month)s")}) THEN 'paid'
           END AS reason
    FROM benefits_benefit b
    JOIN registry_member m ON m.id = b.payee_id
    JOIN registry_household h ON h.id = b.household_id
    WHERE b.programme = %(programme)s AND b.region_id LIKE %(prefix)s
      AND b.monthly_amount_fen > 0
      AND (({in_force_sql("b", "%(month)s")})
           OR ({in_force_sql("b", "%(previous_month)s")}
               AND NOT EXISTS (
                   SELECT 1 FROM benefits_benefit n
                   WHERE n.household_id = b.household_id AND n.programme = b.programme
                     AND n.id <> b.id AND {in_force_sql("n", "%(month)s")})))
      AND NOT EXISTS (
          SELECT 1 FROM payroll_payrollline done
          WHERE {FIRST_PAYMENT.format(m="%(month)s")} AND done.payroll_id = %(payroll)s)
) o
WHERE o.reason IS NOT NULL AND (%(count_paid)s OR o.reason <> 'paid')
ORDER BY o.household_id, o.benefit_id
LIMIT %(most)s
"""


# Read through the index on the payroll, as the statements above are planned.
TOTALS = """SELECT COUNT(*), SUM(amount_fen) FROM payroll_payrollline
WHERE payroll_id = %(payroll)s"""


def left_out(
    programme: str,
    month: datetime.date,
    prefix: str,
    *,
    payroll_id: int | None = None,
    count_paid: bool = True,
    most: int = 500,
) -> list[tuple[int, int, str, str, str, int, str]]:
    """(benefit id, household id, the household's place, payee's name, masked ID number,
    monthly amount, reason code) of every benefit a monthly payroll of the month in the place
    ``prefix…`` leaves out; without those paid elsewhere unless ``count_paid``."""
    params = {
        "programme": programme,
        "month": month,
        "previous_month": month_before(month),
        "prefix": f"{prefix}%",
        "payroll": payroll_id,
        "count_paid": count_paid,
        "most": most,
    }
    with connection.cursor() as cursor:
        cursor.execute(LEFT_OUT, params)
        return [tuple(row) for row in cursor.fetchall()]


def unpayable_stages(month: datetime.date, prefix: str) -> list[tuple[int, int, str]]:
    """(stage id, payee id, reason code) of every stage a temporary-assistance payroll of the
    month in the place ``prefix…`` would owe but cannot pay."""
    params = {"next_month": next_month(month), "prefix": f"{prefix}%"}
    with connection.cursor() as cursor:
        cursor.execute(UNPAYABLE_STAGES.format(month_of=MONTH_OF[connection.vendor]), params)
        return [tuple(row) for row in cursor.fetchall()]


def fill(payroll: Payroll, prefix: str) -> tuple[int, int]:
    """Insert every line the payroll should hold (see the module's docstring); its number of
    lines and total, in fen."""
    params = {
        "payroll": payroll.pk,
        "programme": payroll.programme,
        "month": payroll.month,
        "next_month": next_month(payroll.month),
        "region": payroll.region_id,
        "prefix": f"{prefix}%",
        "grant": payroll.grant_id,
    }
    if payroll.grant_id:
        statements = (REISSUES, GRANT_SHARES)
    elif payroll.programme == PayrollProgramme.TEMPORARY_ASSISTANCE:
        statements = (REISSUES, STAGES.format(month_of=MONTH_OF[connection.vendor]))
    else:
        day_of_first = DAY_OF[connection.vendor].format("earlier.first_at")
        statements = (
            REISSUES,
            _probed(REGULAR, "%(month)s"),
            _probed(ARREARS, "earlier.month"),
            TOP_UPS.format(day_of_first=day_of_first),
        )
    with connection.cursor() as cursor:
        index_plans(cursor, "off")
        for statement in statements:
            _write(cursor, statement, params)
        cursor.execute(TOTALS, params)
        count, total = cursor.fetchone()
        index_plans(cursor, "DEFAULT")
    return int(count), int(total or 0)  # PostgreSQL sums a bigint as a numeric


def _probed(statement: str, month: str) -> tuple[str, str]:
    """The statement that skips whoever is paid by probing the unique guard, and the one
    arbitrated by it; ``month`` is the month paid, as the statement names it."""
    probed = PROBED.format(first=FIRST_PAYMENT.format(m=month))
    return (
        statement.format(probed=probed, unless_paid=""),
        statement.format(probed="", unless_paid=UNLESS_PAID),
    )


def _write(cursor, statement: str | tuple[str, str], params: dict) -> None:
    """Run one statement; of a probed pair, the probing one first. If a line it writes breaks
    the unique guard — a second benefit of one payee for the same month in this very
    statement, or a generation of the same place that had not committed when it probed — it
    is undone (a savepoint) and the arbitrated one runs instead: it waits for that
    generation, then skips whoever it paid. Nobody is paid twice either way."""
    if isinstance(statement, str):
        cursor.execute(statement, params)
        return
    probed, arbitrated = statement
    try:
        with transaction.atomic():
            cursor.execute(probed, params)
    except IntegrityError:
        cursor.execute(arbitrated, params)


# On PostgreSQL, while the lines are written, every join probes an index and nothing is
# compiled: the planner then has no plan to choose whose cost grows with what it wrongly
# believes a table holds (a hash join over all 2.8 million members for a county's 100,000
# payees, or a nested loop over a table it thinks empty), so each statement costs what it
# writes, with statistics or without (docs/performance.md). Local to the transaction. The bank's
# result is recorded the same way (``bank_copy.record_result``).
INDEX_PLANS = ("enable_seqscan", "enable_hashjoin", "enable_mergejoin", "jit")


def index_plans(cursor, value: str) -> None:
    if connection.vendor == "postgresql":
        for setting in INDEX_PLANS:
            cursor.execute(f"SET LOCAL {setting} TO {value}")
