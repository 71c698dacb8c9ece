"""The demo's temporary assistance (临时救助) in full, in the demo township, walked through the
real services on past working days (``recipients.as_if``): a 支出型 grant approved today in
three monthly stages paid through the payroll (一次审批、分阶段救助); a second one granted in
one payment whose household, its need remaining, is referred to charity assistance (慈善救助);
and the township's request to the county to replenish its reserve fund by the emergency
payments it made (the demo's other emergency cases), waiting for the county's decision."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from doudi.accounts.models import User
from doudi.cases import services
from doudi.cases.assessment import assess
from doudi.cases.models import Case
from doudi.dates import next_month
from doudi.demo.cases import demo_case_households
from doudi.demo.history import Days, Staff
from doudi.demo.recipients import as_if
from doudi.registry.models import Household
from doudi.reserve_fund.models import ReplenishmentRequest
from doudi.reserve_fund.services import request_replenishment, unlisted_payments
from doudi.workdays.calendar import WorkingCalendar

TOWNSHIP = "410821902000"
STAGED_NEED = "家庭成员患重病住院，自付医疗费用高，申请临时救助"
CHARITY_NEED = "子女上学费用支出大，申请临时救助"
EXPENSE_FEN = {STAGED_NEED: 2_000_000, CHARITY_NEED: 600_000}
FINDINGS = "入户调查：两名工作人员入户，核实医疗、教育支出票据，家庭确因刚性支出陷入困境。"
OPINION = "经调查核实，家庭刚性支出超出承受能力，拟给予临时救助。"
APPROVAL = "经审核，符合临时救助条件，公示无异议，一次审批、分三个月救助。"
ONE_PAYMENT = "经审核，符合临时救助条件，公示无异议，一次性救助。"


@transaction.atomic
def load_demo_temporary(today: datetime.date | None = None) -> int:
    """Once: the two grants, the referral and the replenishment request; how many records."""
    if Case.objects.filter(need__in=(STAGED_NEED, CHARITY_NEED)).exists():
        return 0
    today = today or timezone.localdate()
    days = Days(today, WorkingCalendar.current())
    names = ("handler", "reviewer", "village", "county")
    handler, reviewer, village, county = (User.objects.get(username=n) for n in names)
    staff = Staff(TOWNSHIP, handler, reviewer, village, county)
    households = list(
        Household.objects.filter(region__code__startswith=TOWNSHIP[:9])
        .exclude(pk__in=Case.objects.values("household"))
        .exclude(pk__in=[h.pk for h in demo_case_households()])
        .order_by("id")[:2]
    )
    made = 0
    if len(households) == 2:
        staged = _grant(staff, households[0], days, STAGED_NEED)
        _approve_in_stages(staff, staged, today)
        referred = _grant(staff, households[1], days, CHARITY_NEED)
        _approve_once_and_refer(staff, referred, today)
        made += 2
    if (
        unlisted_payments(TOWNSHIP).exists()
        and not ReplenishmentRequest.objects.filter(fund__township_id=TOWNSHIP).exists()
    ):
        request_replenishment(
            handler, TOWNSHIP, note="本镇急难型临时救助先行支付，申请县级补充备用金"
        )
        made += 1
    return made


def _grant(staff: Staff, household: Household, days: Days, need: str) -> Case:
    """A 支出型 application walked to its notice, the notice over before today."""
    submitted, investigated, requested, checked, opinion = days.notice_over()
    handler = staff.handler
    with as_if(submitted):
        case = services.submit(
            handler,
            household.pk,
            "temporary_expenditure",
            channel="window",
            requested_amount_fen=EXPENSE_FEN[need] // 2,
            authorisation_signed_on=submitted,
            need=need,
        )
        services.accept(handler, case.pk)
    with as_if(investigated):
        facts = {"type": "expenditure", "expense_fen": EXPENSE_FEN[need]}
        services.investigate(
            handler,
            case.pk,
            visited_on=investigated,
            home_visit=True,
            investigator_ids=staff.investigators(household),
            findings=FINDINGS,
            facts={"household": {"temporary_need": facts}},
        )
    with as_if(requested):
        services.request_check(handler, case.pk)
    with as_if(checked):
        services.record_check(staff.county, case.pk, result="consistent")
    with as_if(opinion):
        services.give_opinion(handler, case.pk, recommends_approval=True, text=OPINION)
    return case


def _amount(staff: Staff, case: Case, today: datetime.date) -> int:
    case.refresh_from_db()
    return assess(staff.county, case, next_month(today), today).monthly_amount_fen


def _approve_in_stages(staff: Staff, case: Case, today: datetime.date) -> None:
    """Three stages: today, and the 10th of each of the next two months."""
    with as_if(today):
        total = _amount(staff, case, today)
        share = total // 3
        later = next_month(today).replace(day=10)
        stages = [(today, share), (later, share), (next_month(later).replace(day=10), 0)]
        stages[-1] = (stages[-1][0], total - 2 * share)
        services.approve(staff.county, case.pk, reasons=APPROVAL, amount_fen=total, stages=stages)


def _approve_once_and_refer(staff: Staff, case: Case, today: datetime.date) -> None:
    with as_if(today):
        total = _amount(staff, case, today)
        services.approve(staff.county, case.pk, reasons=ONE_PAYMENT, amount_fen=total)
        services.notify(staff.handler, case.pk, told_on=today, how="书面送达决定书")
        services.refer_to_charity(
            staff.handler,
            case.pk,
            organisation="修武县慈善总会",
            need="临时救助后学费仍有缺口，转介慈善助学项目",
        )
