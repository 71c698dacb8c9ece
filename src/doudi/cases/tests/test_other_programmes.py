"""特困 with the county's spot check, 事实无人抚养儿童 without a notice, temporary assistance
paid first (急难型) or in stages (支出型), and the termination and change of a benefit."""

from __future__ import annotations

import datetime

import pytest

from doudi.cases import services
from doudi.cases.assessment import assess
from doudi.cases.models import Case, EmergencyPayment
from doudi.cases.procedures import State
from doudi.cases.queries import deadline_lists
from doudi.cases.tests.helpers import investigate, open_case, refused
from doudi.conftest import household_form, member_form
from doudi.errors import DoudiError
from doudi.regions.models import Region
from doudi.registry.services import create_household
from doudi.reserve_fund.models import ReserveFund, ReserveMovement
from doudi.reserve_fund.services import move, township_limit_fen

pytestmark = pytest.mark.django_db
D = datetime.date.fromisoformat
TOWNSHIP = "410821902000"


def checked(staff, case: Case, day: str, facts=None) -> Case:
    services.accept(staff.handler, case.pk)
    investigate(staff, case, day, facts=facts)
    services.request_check(staff.handler, case.pk)
    return services.record_check(staff.county, case.pk, result="consistent")


@pytest.fixture
def elder(staff, clock):
    """A man of 76 living alone, without income."""
    clock.at("2026-01-05")
    form = household_form(
        members=[member_form("41082119500101003", "王老汉", marital_status="widowed")], incomes=[]
    )
    household, _warnings = create_household(staff.handler, form, reason="登记")
    return household


def test_extreme_hardship_is_spot_checked_before_the_county_confirms(staff, elder, clock):
    clock.at("2026-03-02")
    person = elder.members.get()
    case = open_case(staff, elder, "extreme_hardship", member_id=person.pk)
    case = checked(
        staff,
        case,
        "2026-03-02",
        facts={"members": {str(person.pk): {"has_capable_supporter": False}}},
    )
    assert case.step_due_on == D("2026-03-23")  # the township's 15 working days
    case = services.give_opinion(
        staff.handler,
        case.pk,
        recommends_approval=True,
        text="无劳动能力、无生活来源、无赡养人，拟认定特困。",
    )
    assert case.spot_check_selected  # the county's first case this year is always checked
    clock.at("2026-03-09")
    with refused("spot check"):
        services.approve(staff.county, case.pk, reasons="认定特困")
    with refused("county"):
        services.spot_check(staff.reviewer, case.pk, agrees=True, findings="x")
    services.spot_check(staff.county_colleague, case.pk, agrees=True, findings="入户抽查属实")
    case = services.approve(staff.county, case.pk, reasons="认定特困，分散供养")
    assert case.decision.monthly_amount_fen > 0
    assert case.decision.start_month == D("2026-04-01")


def test_a_child_without_support_has_no_public_notice(staff, household, clock):
    clock.at("2026-03-02")
    child = household.members.first()
    case = open_case(staff, household, "de_facto_unsupported", member_id=child.pk)
    checked(staff, case, "2026-03-02")
    case = services.give_opinion(staff.handler, case.pk, recommends_approval=True, text="拟认定")
    assert case.state == State.AWAITING_CONFIRMATION and case.notice_ends_on is None
    with pytest.raises(DoudiError):
        services.object_to(staff.handler, case.pk, content="no notice, no objection")


def test_emergency_paid_the_same_day_and_overdue_when_papers_are_late(staff, household, clock):
    clock.at("2026-03-02")
    move(staff.county, TOWNSHIP, "allocation", 300_000, reason="2026 年备用金")
    case = open_case(
        staff,
        household,
        "temporary_emergency",
        requested_amount_fen=80_000,
        need="房屋失火，生活用品全部烧毁",
    )
    services.accept(staff.handler, case.pk)
    with refused("1,000.00"):
        services.pay_first(staff.handler, case.pk, amount_fen=100_001, reason="火灾")
    case = services.pay_first(staff.handler, case.pk, amount_fen=80_000, reason="火灾急难救助")
    payment = case.emergency_payment
    assert payment.paid_on == D("2026-03-02") == payment.movement.recorded_at.date()
    assert ReserveFund.objects.get().balance_fen == 220_000
    assert payment.papers_due_on == D("2026-03-09")  # 5 working days (a local example)

    clock.at("2026-03-09")
    assert case.pk not in {c.pk for c in deadline_lists(staff.handler).overdue}
    assert case.pk in {c.pk for c in deadline_lists(staff.handler).due_soon}
    clock.at("2026-03-10")
    assert case.pk in {c.pk for c in deadline_lists(staff.handler).overdue}

    case = services.complete_papers(
        staff.handler,
        case.pk,
        visited_on=D("2026-03-10"),
        investigator_ids=[staff.handler.pk, staff.village.pk],
        home_visit=True,
        findings="火灾属实，有消防证明。",
    )
    assert case.transitions.last().details["late"] is True
    with refused("township"):
        services.approve(staff.county, case.pk, reasons="x")
    case = services.approve(staff.reviewer, case.pk, reasons="急难救助属实")
    assert case.decision.total_amount_fen == 80_000
    assert list(case.decision.stages.values_list("amount_fen", flat=True)) == [80_000]


def test_an_emergency_payment_beyond_the_balance_changes_nothing(staff, household, clock):
    clock.at("2026-03-02")
    move(staff.county, TOWNSHIP, "allocation", 50_000, reason="备用金")
    case = open_case(staff, household, "temporary_emergency", requested_amount_fen=60_000)
    services.accept(staff.handler, case.pk)
    with pytest.raises(DoudiError) as caught:
        services.pay_first(staff.handler, case.pk, amount_fen=60_000, reason="急难")
    assert "500.00" in caught.value.render() and "600.00" in caught.value.render()
    assert Case.objects.get(pk=case.pk).state == State.ACCEPTED
    assert not EmergencyPayment.objects.exists()
    assert ReserveMovement.objects.count() == 1
    with refused("paid"):
        services.pay_first(staff.handler, case.pk, amount_fen=40_000, reason="急难")
        services.withdraw(staff.handler, case.pk, reason="家属撤回")


def test_expenditure_hardship_one_approval_staged_payments(staff, household, clock):
    clock.at("2026-03-02")
    head = household.members.first()
    case = open_case(
        staff,
        household,
        "temporary_expenditure",
        requested_amount_fen=500_000,
        need="住院自付费用高",
    )
    need = {"type": "expenditure", "expense_fen": 2_000_000}
    checked(staff, case, "2026-03-02", facts={"household": {"temporary_need": need}})
    services.give_opinion(staff.handler, case.pk, recommends_approval=True, text="拟救助")
    clock.at("2026-03-10")
    cap = assess(
        staff.county, Case.objects.get(pk=case.pk), D("2026-04-01"), D("2026-03-10")
    ).monthly_amount_fen
    assert cap > 0
    with refused("more than the rules allow"):
        services.approve(staff.county, case.pk, reasons="x", amount_fen=cap + 1)
    with refused("add up"):
        services.approve(
            staff.county, case.pk, reasons="x", amount_fen=cap, stages=[(D("2026-03-10"), cap - 1)]
        )
    first = cap // 2
    case = services.approve(
        staff.county,
        case.pk,
        reasons="分两次救助",
        amount_fen=cap,
        stages=[(D("2026-03-10"), first), (D("2026-04-10"), cap - first)],
    )
    assert [s.amount_fen for s in case.decision.stages.all()] == [first, cap - first]
    assert head.name


def approved_minimum_living(staff, household, clock) -> Case:
    clock.at("2026-03-02")
    case = checked(staff, open_case(staff, household), "2026-03-02")
    services.give_opinion(staff.handler, case.pk, recommends_approval=True, text="拟同意")
    clock.at("2026-03-10")
    return services.approve(staff.county, case.pk, reasons="符合条件")


def test_termination_goes_through_the_same_machinery(staff, household, clock):
    approved_minimum_living(staff, household, clock)
    clock.at("2026-06-01")
    stop = open_case(staff, household, kind="termination", need="复核发现家庭收入增加")
    checked(staff, stop, "2026-06-01")
    stop = services.give_opinion(
        staff.handler, stop.pk, recommends_approval=True, text="收入超过标准，拟停保"
    )
    assert stop.state == State.AWAITING_CONFIRMATION  # stopping 低保 is not noticed
    stop = services.approve(staff.county, stop.pk, reasons="家庭人均收入超过低保标准")
    assert stop.decision.end_month == D("2026-06-01")  # paid for June, stopped from July
    assert services.receiving(household, "minimum_living") is None
    with refused("receives nothing"):
        open_case(staff, household, kind="change")


def test_a_change_of_amount_is_decided_like_an_application(staff, household, clock):
    first = approved_minimum_living(staff, household, clock)
    clock.at("2026-07-01")
    with refused("already receives"):
        open_case(staff, household)
    change = open_case(staff, household, kind="change", need="年度复核")
    checked(staff, change, "2026-07-01")
    services.give_opinion(staff.handler, change.pk, recommends_approval=True, text="调整")
    change = services.approve(staff.county, change.pk, reasons="复核后调整")
    assert change.decision.start_month == D("2026-08-01")
    assert services.receiving(household, "minimum_living") == change.decision
    assert first.decision.monthly_amount_fen > 0


def test_the_county_spot_checks_at_least_thirty_percent(staff, elder, clock):
    """Ten 特困 cases reach the county; the sample never falls below 30%."""
    clock.at("2026-03-02")
    person = elder.members.get()
    shares = []
    for number in range(10):
        case = open_case(staff, elder, "extreme_hardship", member_id=person.pk)
        checked(staff, case, "2026-03-02")
        case = services.give_opinion(
            staff.handler, case.pk, recommends_approval=False, text=f"第 {number + 1} 件"
        )
        shares.append(Case.objects.filter(spot_check_selected=True).count() / (number + 1))
        services.withdraw(staff.handler, case.pk, reason="为下一件腾出")
    assert min(shares) >= 0.3
    assert Case.objects.filter(spot_check_selected=True).count() == 3


def _expenditure_before_confirmation(staff, household, clock, expense_fen: int) -> Case:
    clock.at("2026-03-02")
    case = open_case(
        staff, household, "temporary_expenditure", requested_amount_fen=500_000, need="住院"
    )
    need = {"type": "expenditure", "expense_fen": expense_fen}
    checked(staff, case, "2026-03-02", facts={"household": {"temporary_need": need}})
    services.give_opinion(staff.handler, case.pk, recommends_approval=True, text="拟救助")
    clock.at("2026-03-10")
    return Case.objects.get(pk=case.pk)


def _rule_and_need(staff, case: Case) -> tuple[int, int]:
    found = assess(staff.county, case, D("2026-04-01"), D("2026-03-10"))
    return found.monthly_amount_fen, services._uncapped_need_fen(found)


def test_above_the_rules_only_case_by_case_and_only_by_the_county(staff, household, clock):
    """一事一议: a need above the yearly cap. The rules' amount is the cap; more is granted only
    when the county marks the decision case by case, and never more than the need computed."""
    case = _expenditure_before_confirmation(staff, household, clock, 50_000_000)
    rule, need = _rule_and_need(staff, case)
    assert need > rule > 0
    with refused("case by case"):
        services.approve(staff.county, case.pk, reasons="x", amount_fen=rule + 1)
    with refused("more than the need"):
        services.approve(staff.county, case.pk, reasons="x", amount_fen=need + 1, case_by_case=True)
    case = services.approve(
        staff.county, case.pk, reasons="一事一议：县级审批", amount_fen=need, case_by_case=True
    )
    assert case.decision.total_amount_fen == need


def test_a_township_may_not_approve_above_its_limit(staff, household, clock):
    """Where the township confirms (审核确认权下放), it approves small amounts only: above its
    limit, and case by case, the county decides."""
    Region.objects.filter(code=TOWNSHIP).update(confirms_cases=True)
    case = _expenditure_before_confirmation(staff, household, clock, 50_000_000)
    assert case.delegated
    rule, need = _rule_and_need(staff, case)
    limit = township_limit_fen(TOWNSHIP)
    assert rule > limit
    with refused("the county must approve it"):
        services.approve(staff.reviewer, case.pk, reasons="x", amount_fen=limit + 1)
    with pytest.raises(DoudiError) as caught:
        services.approve(staff.reviewer, case.pk, reasons="x", amount_fen=need, case_by_case=True)
    assert caught.value.field == "case_by_case"
    assert Case.objects.get(pk=case.pk).state == State.ON_NOTICE  # nothing changed
    case = services.approve(
        staff.county, case.pk, reasons="超出乡镇审批额度，县级审批", amount_fen=limit + 1
    )
    assert case.decision.total_amount_fen == limit + 1


def test_a_township_approves_a_small_amount_itself(staff, household, clock):
    Region.objects.filter(code=TOWNSHIP).update(confirms_cases=True)
    case = _expenditure_before_confirmation(staff, household, clock, 2_000_000)
    limit = township_limit_fen(TOWNSHIP)
    case = services.approve(staff.reviewer, case.pk, reasons="小额救助", amount_fen=limit)
    assert case.decision.total_amount_fen == limit


def test_a_referral_to_charity_is_tracked_until_its_outcome(staff, household, clock):
    from doudi.window import queries as window_queries
    from doudi.window.services import answer_referral

    case = _expenditure_before_confirmation(staff, household, clock, 2_000_000)
    rule, _need = _rule_and_need(staff, case)
    case = services.approve(staff.county, case.pk, reasons="救助", amount_fen=rule)
    with refused("Name the charity"):
        services.refer_to_charity(staff.handler, case.pk, organisation=" ", need="缺口")
    with refused("cannot be done"):  # an open case is not referred: the assistance goes on
        other = open_case(staff, household, "temporary_emergency", requested_amount_fen=1)
        services.refer_to_charity(staff.handler, other.pk, organisation="慈善总会", need="x")
    case = services.refer_to_charity(
        staff.handler, case.pk, organisation="县慈善总会", need="医疗费仍有缺口 3 万元"
    )
    referral = case.window_needs.get()
    assert (referral.department, referral.department_name, referral.sent_on) == (
        "charity",
        "县慈善总会",
        D("2026-03-10"),
    )
    assert referral.due_on == D("2026-03-24")  # 10 working days
    assert case.transitions.last().details["need"] == referral.pk
    with refused("already referred"):
        services.refer_to_charity(staff.handler, case.pk, organisation="另一家", need="x")
    assert referral in window_queries.open_referrals(staff.handler)
    answer_referral(
        staff.handler, referral.pk, answer="慈善总会资助 2 万元", answered_on=D("2026-03-10")
    )
    assert referral not in window_queries.open_referrals(staff.handler)


def test_the_staged_payments_page_and_export_show_each_stage_and_the_stop(
    staff, household, clock, make_user
):
    import io

    import openpyxl
    from django.test import Client

    from doudi.accounts.roles import Role

    case = _expenditure_before_confirmation(staff, household, clock, 2_000_000)
    rule, _need = _rule_and_need(staff, case)
    first = rule // 2
    services.approve(
        staff.county,
        case.pk,
        reasons="分两次",
        amount_fen=rule,
        stages=[(D("2026-03-10"), first), (D("2026-04-10"), rule - first)],
    )
    services.stop_stages(staff.county, case.pk, reason="收入恢复")
    client = Client()
    client.force_login(staff.handler)
    march = client.get("/cases/stages/", {"month": "2026-03"}).content.decode()
    assert march.count('data-testid="stage-status"') == 1
    april = client.get("/cases/stages/", {"month": "2026-04"}).content.decode()
    assert '<td data-testid="stage-status">已终止</td>' in april
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="stage-stopped"' in detail
    assert client.get("/cases/stages/", {"month": "2026-13"}).status_code == 400
    export = client.get("/cases/stages.xlsx", {"month": "2026-04"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert [(r[4], r[6]) for r in rows] == [(2, (rule - first) / 100)]
    assert rows[0][8] is not None  # the day it was stopped
    outsider = Client()
    outsider.force_login(make_user(Role.COUNTY_APPROVER, "410825000000", "wenxian"))
    elsewhere = outsider.get("/cases/stages/", {"month": "2026-04"}).content.decode()
    assert 'data-testid="stage-status"' not in elsewhere  # another county's stages unseen


def test_a_charity_referral_through_the_api_its_outcome_recorded_by_the_township(
    staff, household, clock, make_user
):
    from doudi.accounts.roles import Role
    from doudi.conftest import api_as

    case = _expenditure_before_confirmation(staff, household, clock, 2_000_000)
    services.refuse(staff.county, case.pk, reasons="已获其他救助")
    handler = api_as(staff.handler)
    body = {"organisation": "县慈善总会", "need": "仍有医疗费缺口"}
    url = f"/api/v1/cases/{case.pk}/actions/refer_to_charity/"
    assert "refer_to_charity" in handler.get(f"/api/v1/cases/{case.pk}/").json()["steps"]
    assert api_as(staff.county).post(url, body, format="json").status_code == 403
    assert handler.post(url, {"organisation": ""}, format="json").status_code == 400
    assert handler.post(url, body, format="json").status_code == 200
    assert "refer_to_charity" not in handler.get(f"/api/v1/cases/{case.pk}/").json()["steps"]
    listed = handler.get("/api/v1/window/referrals/").json()["results"]
    assert [(r["case"], r["department"]) for r in listed] == [(case.pk, "charity")]
    referral = listed[0]["id"]
    answer = f"/api/v1/window/referrals/{referral}/answer/"
    elsewhere = make_user(Role.TOWNSHIP_HANDLER, "410821901000", "neighbour")
    assert api_as(elsewhere).get("/api/v1/window/referrals/").json()["results"] == []
    assert api_as(elsewhere).post(answer, {"answer": "x"}, format="json").status_code == 404
    assert (
        api_as(make_user(Role.AUDITOR)).post(answer, {"answer": "x"}, format="json").status_code
        == 403
    )
    assert handler.post(answer, {"answer": ""}, format="json").status_code == 400
    done = handler.post(answer, {"answer": "资助 1 万元"}, format="json")
    assert done.status_code == 200 and done.json()["answer"] == "资助 1 万元"
    assert handler.get("/api/v1/window/referrals/").json()["results"] == []
    page = client_for(staff.handler).get(f"/cases/{case.pk}/").content.decode()
    assert "资助 1 万元" in page.split('data-testid="charity-outcome"')[1][:200]


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client
