"""Changes between re-checks, walked through the monthly payroll (issue 15, point 2): income
reported above the line opens a change case whose decision is the gradual exit (渐退期) — paid
for exactly the parameter's months, then stopped by that same decision, told to the household —
and a death stops the benefit from the next month, listing what was paid after it for recovery.
"""

from __future__ import annotations

import datetime

import pytest

from doudi.benefits.models import Benefit
from doudi.cases import services
from doudi.cases.documents import render
from doudi.cases.models import Case
from doudi.cases.procedures import ReviewOutcome
from doudi.cases.tests.helpers import investigate, open_case
from doudi.cases.tests.test_documents import text_of
from doudi.conftest import household_form, member_form
from doudi.dates import add_months
from doudi.errors import DoudiError
from doudi.payroll import queries as payroll_queries
from doudi.payroll import services as payroll
from doudi.payroll.models import PayrollLine
from doudi.payroll.tests.conftest import COUNTY, household_with_card
from doudi.payroll.tests.test_payroll import result_csv, sent
from doudi.rechecks.queries import recheck_lists
from doudi.rechecks.services import start_rechecks
from doudi.rechecks.tests.test_rechecks import earning, receiving, reviewed
from doudi.registry.services import add_money_fact, create_household, end_membership

pytestmark = pytest.mark.django_db
D = datetime.date.fromisoformat
APRIL, MAY, JUNE = D("2026-04-01"), D("2026-05-01"), D("2026-06-01")
EXIT_MONTHS = 6  # minimum_living.gradual_exit_months (民政部, 2021)


def decided(staff, case: Case, day: str, clock) -> Case:
    """The case through its procedure to the county's approval (an application waits out its
    public notice first)."""
    services.accept(staff.handler, case.pk)
    investigate(staff, case, day)
    services.request_check(staff.handler, case.pk)
    services.record_check(staff.county, case.pk, result="consistent")
    services.give_opinion(staff.handler, case.pk, recommends_approval=True, text="拟同意")
    case.refresh_from_db()
    if case.notice_ends_on:
        clock.at((case.notice_ends_on + datetime.timedelta(days=1)).isoformat())
    return services.approve(staff.county, case.pk, reasons="符合条件")


def on_minimum_living(staff, household, clock) -> Benefit:
    clock.at("2026-03-02")
    case = decided(staff, open_case(staff, household), "2026-03-02", clock)
    return case.decision.benefit


def paid(parties, month: datetime.date, clock) -> list[PayrollLine]:
    """The month's payroll, made on the 25th before it and paid in full by the bank: its
    lines (none: nobody was left to pay)."""
    clock.at(add_months(month, -1).replace(day=25).isoformat())
    try:
        made = sent(parties, month)
    except DoudiError as nobody:
        assert "Nobody is left to pay" in nobody.render("en")
        return []
    payroll.reconcile(parties.bank, made.pk, result_csv(made), "csv")
    return list(made.lines.all())


@pytest.fixture
def working_household(staff, clock):
    """A rural household of two, the head with a social-security card, no income on file."""
    clock.at("2026-01-05")
    members = [
        member_form("41082119700101001", "张三", social_security_card="6217000000000099"),
        member_form("41082119720202002", "李四", relation="spouse"),
    ]
    household, _ = create_household(
        staff.handler, household_form(members=members, incomes=[]), reason="登记"
    )
    return household


def test_income_above_the_line_gives_the_gradual_exit_for_its_months_then_the_stop(
    staff,
    working_household,
    parties,
    clock,
):
    household = working_household
    first = on_minimum_living(staff, household, clock)
    assert first.start_month == APRIL and first.end_month is None
    amount = first.monthly_amount_fen
    assert [line.amount_fen for line in paid(parties, APRIL, clock)] == [amount]
    assert [line.amount_fen for line in paid(parties, MAY, clock)] == [amount]

    # In May the head reports a job: a wage above the line, below the edge (1.5 × the line).
    clock.at("2026-05-06")
    head = household.members.get(relation="head")
    for month in ("2026-02", "2026-03", "2026-04"):
        add_money_fact(
            staff.handler,
            household.pk,
            "income",
            {"member": str(head.pk), "month": month, "type": "wage", "amount_fen": 100_000},
            reason="本人报告新就业",
        )
    change = decided(staff, open_case(staff, household, kind="change"), "2026-05-06", clock)
    decision = change.decision
    months = EXIT_MONTHS
    last = add_months(JUNE, months - 1)
    assert (decision.start_month, decision.end_month) == (JUNE, last)
    assert decision.monthly_amount_fen == amount  # the same amount while exiting
    first.refresh_from_db()
    assert (first.end_month, first.ended_by) == (MAY, decision)
    exiting = decision.benefit
    assert (exiting.start_month, exiting.end_month, exiting.ended_by) == (JUNE, last, None)

    # The household is told, with the last month paid.
    text = text_of(render("approval", change))
    assert f"{last:%Y年%m月}" in text

    # The payroll pays the exit for exactly its months, then nothing.
    for number in range(months):
        month = add_months(JUNE, number)
        (line,) = paid(parties, month, clock)
        assert (line.benefit_id, line.amount_fen) == (exiting.pk, amount)
    after = add_months(last, 1)
    assert paid(parties, after, clock) == []
    assert paid(parties, add_months(after, 1), clock) == []
    clock.at(after.replace(day=3).isoformat())
    assert services.receiving(household, "minimum_living") is None  # it may apply anew
    assert household.pk not in [
        row.benefit.household_id for row in recheck_lists(staff.handler).all
    ]
    assert not payroll_queries.recoveries(parties.civil_affairs, COUNTY).exists()


def test_a_death_stops_the_benefit_from_the_next_month_and_lists_the_recovery(
    staff,
    parties,
    clock,
):
    clock.at("2026-01-05")
    household = household_with_card(staff, 1)  # an old man living alone
    benefit = on_minimum_living(staff, household, clock)
    paid(parties, APRIL, clock)
    (may,) = paid(parties, MAY, clock)  # made on 25 April, paid by the bank

    # He died on 20 April; the village reports it on 6 May and the township records it.
    clock.at("2026-05-06")
    (person,) = household.members.all()
    end_membership(
        staff.handler,
        person.pk,
        left_on=D("2026-04-20"),
        leave_reason="death",
        death_date=D("2026-04-20"),
        reason="村委会报告死亡",
    )
    stop = decided(staff, open_case(staff, household, kind="termination"), "2026-05-06", clock)
    benefit.refresh_from_db()
    assert stop.decision.end_month == APRIL  # paid for April, the month he died in; no more
    assert (benefit.end_month, benefit.ended_by) == (APRIL, stop.decision)
    assert paid(parties, JUNE, clock) == []  # the payroll after has no line for him

    owed = list(payroll_queries.recoveries(parties.civil_affairs, COUNTY))
    assert [(line.pk, line.pay_month, line.amount_fen) for line in owed] == [
        (may.pk, MAY, benefit.monthly_amount_fen)
    ]


def test_a_members_death_lowers_the_amount_and_lists_what_was_paid_for_them_since(
    staff, parties, working_household, clock
):
    """A household of two: the wife dies in April; the May payment already made still counts
    her. The change case sets the amount for one from June, and the part of May paid for her is
    listed for recovery — not the whole line, nor April, the month she died in."""
    household = working_household
    before = on_minimum_living(staff, household, clock)
    paid(parties, APRIL, clock)
    (may,) = paid(parties, MAY, clock)

    clock.at("2026-05-06")
    wife = household.members.get(relation="spouse")
    end_membership(
        staff.handler,
        wife.pk,
        left_on=D("2026-04-20"),
        leave_reason="death",
        death_date=D("2026-04-20"),
        reason="村委会报告死亡",
    )
    change = decided(staff, open_case(staff, household, kind="change"), "2026-05-06", clock)
    after = change.decision.benefit
    assert after.start_month == JUNE
    assert 0 < after.monthly_amount_fen < before.monthly_amount_fen
    (june,) = paid(parties, JUNE, clock)
    assert june.amount_fen == after.monthly_amount_fen

    owed = list(payroll_queries.recoveries(parties.civil_affairs, COUNTY))
    assert [(line.pk, line.to_recover_fen) for line in owed] == [
        (may.pk, before.monthly_amount_fen - after.monthly_amount_fen)
    ]


def test_a_stop_for_a_death_in_this_month_pays_this_month(staff, parties, clock):
    clock.at("2026-01-05")
    household = household_with_card(staff, 2)
    benefit = on_minimum_living(staff, household, clock)
    paid(parties, APRIL, clock)
    clock.at("2026-04-08")
    (person,) = household.members.all()
    end_membership(
        staff.handler,
        person.pk,
        left_on=D("2026-04-06"),
        leave_reason="death",
        death_date=D("2026-04-06"),
        reason="死亡",
    )
    stop = decided(staff, open_case(staff, household, kind="termination"), "2026-04-08", clock)
    assert stop.decision.end_month == APRIL
    assert paid(parties, MAY, clock) == []
    assert not payroll_queries.recoveries(parties.civil_affairs, COUNTY).exists()
    benefit.refresh_from_db()
    assert benefit.end_month == APRIL


def test_a_recheck_finding_the_gradual_exit_keeps_the_amount_up_to_its_last_month(
    staff,
    household,
    clock,
):
    benefit = receiving(staff, household, clock)  # decided in March 2026, from April
    clock.at("2026-09-14")
    (case_id,) = start_rechecks(staff.handler)
    earning(staff, household, 100_000)  # above the line, below its edge
    case = reviewed(staff, case_id, "2026-09-14", ReviewOutcome.KEEP)
    last = add_months(D("2026-10-01"), EXIT_MONTHS - 1)
    decision = case.decision
    assert (decision.start_month, decision.end_month) == (D("2026-10-01"), last)
    exiting = decision.benefit
    assert exiting.monthly_amount_fen == benefit.monthly_amount_fen
    assert (exiting.start_month, exiting.end_month) == (D("2026-10-01"), last)
    benefit.refresh_from_db()
    assert (benefit.end_month, benefit.ended_by) == (D("2026-09-01"), decision)
    assert f"{last:%Y年%m月}" in text_of(render("approval", case))
