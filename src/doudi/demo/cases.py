"""Demo cases: a few households of the demo township walked through the real services to the
steps one day allows (a notice takes seven days, so nothing is confirmed yet), the township's
opinion following what the rules find, and a reserve fund with one emergency payment. The
cases begun on earlier days are ``demo.history``'s."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from doudi.accounts.models import User
from doudi.cases import services
from doudi.cases.models import Case
from doudi.cases.presentation import current_finding
from doudi.registry.models import Household
from doudi.reserve_fund.services import move

TOWNSHIP = "410821902000"
VILLAGE = "410821902001"  # where the demo village worker works
FINDINGS = "入户调查：两名工作人员入户，走访邻居，核实家庭收入与财产。"
APPROVAL_OPINION = "经调查核实，家庭人均收入低于当地低保标准，拟同意。"
REFUSAL_OPINION = "经调查核实，家庭不符合最低生活保障条件（{unmet}），建议不予纳入。"
NOT_MET = "未满足：{tests}"

# How far each demo case goes today, in order.
STEPS = ("submit", "accept", "investigate", "request_check", "record_check", "give_opinion")
PLAN = [("minimum_living", depth) for depth in (1, 2, 3, 4, 5, 6, 6, 6)]


def demo_case_households() -> list[Household]:
    """The households the demo cases are opened for (the demo recipients are others)."""
    return list(Household.objects.filter(region__code=VILLAGE).order_by("id")[: len(PLAN) + 1])


@transaction.atomic
def load_demo_cases() -> int:
    """Create the demo cases once; return how many were created."""
    households = demo_case_households()
    if Case.objects.filter(household__in=households).exists():
        return 0
    staff = {
        name: User.objects.get(username=name)
        for name in ("handler", "village", "county", "reviewer")
    }
    for household, (programme, depth) in zip(households, PLAN, strict=False):
        _walk(staff, household, programme, depth)
    if len(households) > len(PLAN):
        _emergency(staff, households[len(PLAN)])
    return min(len(households), len(PLAN) + 1)


def _walk(staff: dict[str, User], household: Household, programme: str, depth: int) -> None:
    handler, today = staff["handler"], timezone.localdate()
    case = services.submit(
        handler,
        household.pk,
        programme,
        channel="window",
        authorisation_signed_on=today,
        need="家庭生活困难，申请低保",
    )
    for step in STEPS[1:depth]:
        if step == "accept":
            services.accept(handler, case.pk)
        elif step == "investigate":
            services.investigate(
                handler,
                case.pk,
                visited_on=today,
                home_visit=True,
                investigator_ids=[handler.pk, staff["village"].pk],
                findings=FINDINGS,
            )
        elif step == "request_check":
            services.request_check(handler, case.pk)
        elif step == "record_check":
            services.record_check(staff["county"], case.pk, result="consistent")
        else:
            _give_opinion(handler, case)


def _give_opinion(handler: User, case: Case) -> None:
    """The township's opinion follows what the rules find now, as the county's approval will
    assess it: approval where eligible, else a refusal naming the conditions not met."""
    case.refresh_from_db()  # the steps before moved it on
    finding = current_finding(handler, case)
    eligible = finding is not None and finding.eligible is True
    if eligible:
        text = APPROVAL_OPINION
    else:
        tests = finding.failed_tests if finding else []
        unmet = NOT_MET.format(tests="、".join(tests)) if tests else "规则未认定符合"
        text = REFUSAL_OPINION.format(unmet=unmet)
    services.give_opinion(handler, case.pk, recommends_approval=eligible, text=text)


def _emergency(staff: dict[str, User], household: Household) -> None:
    move(staff["county"], TOWNSHIP, "allocation", 500_000, reason="年度临时救助备用金")
    case = services.submit(
        staff["handler"],
        household.pk,
        "temporary_emergency",
        channel="window",
        requested_amount_fen=80_000,
        need="房屋失火，急需生活救助",
    )
    services.accept(staff["handler"], case.pk)
    services.pay_first(staff["handler"], case.pk, amount_fen=80_000, reason="火灾急难救助")
