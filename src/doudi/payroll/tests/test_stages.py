"""Temporary assistance decided in stages (一次审批、分阶段救助) is paid through the payroll:
each stage once, in the county's payroll for its month, under the same three-party control;
a failed stage is re-issued like any line; an emergency case paid first is not paid again."""

from __future__ import annotations

import datetime

import pytest

from doudi.cases import services as cases
from doudi.cases.assessment import assess
from doudi.cases.models import Case, PaymentStage
from doudi.cases.tests.helpers import investigate, open_case
from doudi.errors import DoudiError
from doudi.payroll import services
from doudi.payroll.models import LineStatus, Payroll, PayrollLine
from doudi.payroll.tests.conftest import APRIL, COUNTY, household_with_card
from doudi.payroll.tests.test_payroll import result_csv
from doudi.reserve_fund.services import move

pytestmark = pytest.mark.django_db
D = datetime.date.fromisoformat
MARCH = D("2026-03-01")
TEMPORARY = "temporary_assistance"


def staged(staff, household, clock, stages: list[str]) -> Case:
    """A 支出型 case approved on 2026-03-10 with its grant split over ``stages`` (pay-on days)."""
    clock.at("2026-03-02")
    case = open_case(
        staff, household, "temporary_expenditure", requested_amount_fen=500_000, need="住院"
    )
    cases.accept(staff.handler, case.pk)
    need = {"type": "expenditure", "expense_fen": 2_000_000}
    investigate(staff, case, "2026-03-02", facts={"household": {"temporary_need": need}})
    cases.request_check(staff.handler, case.pk)
    cases.record_check(staff.county, case.pk, result="consistent")
    cases.give_opinion(staff.handler, case.pk, recommends_approval=True, text="拟救助")
    clock.at("2026-03-10")
    cap = assess(
        staff.county, Case.objects.get(pk=case.pk), APRIL, D("2026-03-10")
    ).monthly_amount_fen
    share = cap // len(stages)
    amounts = [share] * (len(stages) - 1) + [cap - share * (len(stages) - 1)]
    return cases.approve(
        staff.county,
        case.pk,
        reasons="分阶段救助",
        amount_fen=cap,
        stages=[(D(day), fen) for day, fen in zip(stages, amounts, strict=True)],
    )


def registered(staff, clock, number: int):
    clock.at("2026-01-05")
    return household_with_card(staff, number)


def paid_through(parties, payroll: Payroll, failed: dict[int, str] | None = None) -> Payroll:
    services.submit(parties.civil_affairs, payroll.pk)
    services.approve(parties.finance, payroll.pk)
    services.bank_file(parties.bank, payroll.pk, "csv")
    payroll.refresh_from_db()
    return services.reconcile(parties.bank, payroll.pk, result_csv(payroll, failed=failed), "csv")


def test_each_stage_is_paid_once_in_the_payroll_of_its_month(staff, parties, clock):
    household = registered(staff, clock, 7)
    case = staged(staff, household, clock, ["2026-03-10", "2026-04-10"])
    first, second = case.decision.stages.all()
    head = household.members.get()

    march = services.generate(parties.civil_affairs, TEMPORARY, MARCH, COUNTY)
    line = march.lines.get()
    assert (line.stage, line.amount_fen, line.pay_month, line.kind) == (
        first,
        first.amount_fen,
        MARCH,
        "stage",
    )
    assert (line.payee, line.card) == (head, head.social_security_card)
    assert (march.line_count, march.total_fen) == (1, first.amount_fen)
    with pytest.raises(DoudiError) as caught:  # generated again: nobody left to pay
        services.generate(parties.civil_affairs, TEMPORARY, MARCH, COUNTY)
    assert "Nobody is left to pay" in caught.value.render("en")
    paid_through(parties, march)

    april = services.generate(parties.civil_affairs, TEMPORARY, APRIL, COUNTY)
    assert list(april.lines.values_list("stage", "pay_month")) == [(second.pk, APRIL)]
    assert PayrollLine.objects.filter(stage__isnull=False).count() == 2
    assert sum(PayrollLine.objects.values_list("amount_fen", flat=True)) == (
        case.decision.total_amount_fen
    )


def test_a_stage_decided_after_its_months_payroll_goes_into_the_next(staff, parties, clock):
    earlier = registered(staff, clock, 8)
    later = registered(staff, clock, 9)
    staged(staff, earlier, clock, ["2026-03-10"])
    clock.at("2026-03-11")
    services.generate(parties.civil_affairs, TEMPORARY, MARCH, COUNTY)
    late = staged(staff, later, clock, ["2026-03-10"])  # approved after March's payroll
    april = services.generate(parties.civil_affairs, TEMPORARY, APRIL, COUNTY)
    line = april.lines.get()
    assert (line.stage, line.pay_month) == (late.decision.stages.get(), MARCH)


def test_a_failed_stage_is_reissued_once(staff, parties, clock):
    household = registered(staff, clock, 7)
    case = staged(staff, household, clock, ["2026-03-10"])
    march = services.generate(parties.civil_affairs, TEMPORARY, MARCH, COUNTY)
    failed = march.lines.get()
    paid_through(parties, march, failed={failed.pk: "账户已冻结"})
    assert PayrollLine.objects.get(pk=failed.pk).status == LineStatus.FAILED

    april = services.generate(parties.civil_affairs, TEMPORARY, APRIL, COUNTY)
    reissue = april.lines.get()
    assert (reissue.kind, reissue.reissue_of_id, reissue.stage) == (
        "reissue",
        failed.pk,
        case.decision.stages.get(),
    )
    with pytest.raises(DoudiError):
        services.generate(parties.civil_affairs, TEMPORARY, APRIL, COUNTY)


def test_an_emergency_case_paid_first_is_not_paid_again(staff, parties, clock):
    household = registered(staff, clock, 7)
    clock.at("2026-03-02")
    move(staff.county, "410821902000", "allocation", 300_000, reason="备用金")
    case = open_case(staff, household, "temporary_emergency", requested_amount_fen=80_000)
    cases.accept(staff.handler, case.pk)
    cases.pay_first(staff.handler, case.pk, amount_fen=80_000, reason="火灾")
    cases.complete_papers(
        staff.handler,
        case.pk,
        visited_on=D("2026-03-02"),
        investigator_ids=[staff.handler.pk, staff.village.pk],
        home_visit=True,
        findings="火灾属实",
    )
    cases.approve(staff.reviewer, case.pk, reasons="急难救助属实")
    assert PaymentStage.objects.count() == 1
    with pytest.raises(DoudiError):
        services.generate(parties.civil_affairs, TEMPORARY, MARCH, COUNTY)
    assert not PayrollLine.objects.exists()


def test_another_countys_payroll_pays_nothing(staff, parties, clock):
    household = registered(staff, clock, 7)
    staged(staff, household, clock, ["2026-03-10"])
    with pytest.raises(DoudiError):  # a stage of 修武县 is not in 温县's payroll
        services.generate(parties.civil_affairs, TEMPORARY, MARCH, "410825000000")
    assert not PayrollLine.objects.exists()


def test_a_stage_whose_payee_has_no_card_is_listed_with_why_and_paid_once_a_card_is_recorded(
    staff, parties, clock
):
    from django.test import Client

    from doudi.conftest import household_form, member_form
    from doudi.payroll import queries
    from doudi.registry.services import create_household, update_member

    clock.at("2026-01-05")
    head = member_form("41082119700115015", "无卡户主")  # no social-security card
    household, _warnings = create_household(
        staff.handler, household_form(members=[head], incomes=[]), reason="登记"
    )
    case = staged(staff, household, clock, ["2026-03-10"])
    stage = case.decision.stages.get()
    with pytest.raises(DoudiError):  # nobody else to pay: no payroll, nothing paid
        services.generate(parties.civil_affairs, TEMPORARY, MARCH, COUNTY)
    assert not PayrollLine.objects.exists()

    left_out = queries.left_out(parties.civil_affairs, TEMPORARY, MARCH, COUNTY)
    assert [(row.household_id, row.payee_name, row.amount_fen) for row in left_out] == [
        (household.pk, "无卡户主", stage.amount_fen)
    ]
    assert left_out[0].reason == "未登记社会保障卡"
    client = Client()
    client.force_login(parties.civil_affairs)
    page = client.get("/payroll/follow-up/", {"programme": TEMPORARY, "month": "2026-03"})
    assert '<td data-testid="reason">未登记社会保障卡</td>' in page.content.decode()
    # Still owed in April, still listed.
    assert len(queries.left_out(parties.civil_affairs, TEMPORARY, APRIL, COUNTY)) == 1

    clock.at("2026-04-02")
    member = household.members.get()
    update_member(
        staff.handler,
        member.pk,
        {**head, "social_security_card": "6217000000000000999"},
        reason="补录社保卡",
    )
    april = services.generate(parties.civil_affairs, TEMPORARY, APRIL, COUNTY)
    line = april.lines.get()
    assert (line.stage, line.pay_month, line.card) == (stage, MARCH, "6217000000000000999")
    assert queries.left_out(parties.civil_affairs, TEMPORARY, APRIL, COUNTY) == []
    with pytest.raises(DoudiError):  # paid once
        services.generate(parties.civil_affairs, TEMPORARY, APRIL, COUNTY)


def test_a_staged_grant_pays_each_stage_in_its_month_and_nothing_after_a_stop(
    staff, parties, clock
):
    """Three stages, March to May: March's is paid in March, April's fails at the bank; the
    county stops the grant in April: April's failed stage is not re-issued, May's never paid."""
    household = registered(staff, clock, 7)
    case = staged(staff, household, clock, ["2026-03-10", "2026-04-10", "2026-05-10"])
    march_stage, april_stage, may_stage = case.decision.stages.all()
    march = services.generate(parties.civil_affairs, TEMPORARY, MARCH, COUNTY)
    assert list(march.lines.values_list("stage", "pay_month")) == [(march_stage.pk, MARCH)]
    paid_through(parties, march)
    clock.at("2026-04-01")
    april = services.generate(parties.civil_affairs, TEMPORARY, APRIL, COUNTY)
    line = april.lines.get()
    assert (line.stage_id, line.pay_month) == (april_stage.pk, APRIL)
    paid_through(parties, april, failed={line.pk: "账户已冻结"})

    clock.at("2026-04-20")
    with pytest.raises(DoudiError) as caught:  # a township may not stop what the county decided
        cases.stop_stages(staff.reviewer, case.pk, reason="收入恢复")
    assert caught.value.field == "actor"
    with pytest.raises(DoudiError) as caught:  # a stop needs its reason
        cases.stop_stages(staff.county, case.pk, reason=" ")
    assert PaymentStage.objects.filter(stopped_on__isnull=False).count() == 0
    case = cases.stop_stages(staff.county, case.pk, reason="家庭收入恢复，停止后续救助")
    assert case.transitions.last().details == {
        "stages": [2, 3],
        "stopped_fen": april_stage.amount_fen + may_stage.amount_fen,
    }
    stopped = set(
        PaymentStage.objects.filter(stopped_on=D("2026-04-20")).values_list("pk", flat=True)
    )
    assert stopped == {april_stage.pk, may_stage.pk}
    with pytest.raises(DoudiError) as caught:  # nothing left to stop
        cases.stop_stages(staff.county, case.pk, reason="再次停止")
    assert caught.value.field == "state"

    clock.at("2026-05-02")
    may = D("2026-05-01")
    with pytest.raises(DoudiError):  # neither the failed April stage nor May's: nothing to pay
        services.generate(parties.civil_affairs, TEMPORARY, may, COUNTY)
    paid = PayrollLine.objects.filter(status=LineStatus.PAID)
    assert list(paid.values_list("stage", flat=True)) == [march_stage.pk]
    assert PayrollLine.objects.filter(stage=may_stage).count() == 0


def test_a_stop_leaves_a_stage_with_the_bank_as_it_is(staff, parties, clock):
    household = registered(staff, clock, 7)
    case = staged(staff, household, clock, ["2026-03-10", "2026-04-10"])
    first, second = case.decision.stages.all()
    services.generate(parties.civil_affairs, TEMPORARY, MARCH, COUNTY)  # March's stage pending
    case = cases.stop_stages(staff.county, case.pk, reason="停止")
    assert case.transitions.last().details["stages"] == [2]
    assert PaymentStage.objects.get(pk=first.pk).stopped_on is None
    with pytest.raises(DoudiError):
        services.generate(parties.civil_affairs, TEMPORARY, APRIL, COUNTY)
    assert not PayrollLine.objects.filter(stage=second).exists()
