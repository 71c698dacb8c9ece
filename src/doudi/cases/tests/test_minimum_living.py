"""低保 walks every path: approval, refusal, objection with appraisal, extension, confirmed by
the county or by the township where delegated — with its time limits counted across the 2026
Spring Festival (holiday 15–23 February; Saturdays 14 and 28 February worked)."""

from __future__ import annotations

import datetime

import pytest

from doudi.audit.models import AuditEvent
from doudi.cases import services
from doudi.cases.models import Case, Transition
from doudi.cases.procedures import State
from doudi.cases.tests.helpers import investigate, open_case, refused
from doudi.errors import DoudiError
from doudi.regions.services import set_confirms_cases

pytestmark = pytest.mark.django_db
D = datetime.date.fromisoformat


def to_notice(staff, household, clock, accepted: str = "2026-02-11") -> Case:
    """Accepted on Wednesday 11 February; investigated, checked and on notice on the 24th."""
    case = open_case(staff, household)
    clock.at(accepted)
    services.accept(staff.handler, case.pk)
    clock.at("2026-02-13")
    investigate(staff, case, "2026-02-13")
    services.request_check(staff.handler, case.pk)
    clock.at("2026-02-24")
    services.record_check(staff.county, case.pk, result="consistent")
    services.give_opinion(
        staff.handler,
        case.pk,
        recommends_approval=True,
        text="经调查，家庭人均收入低于低保标准，拟同意。",
    )
    return Case.objects.get(pk=case.pk)


def test_approved_by_the_county_with_limits_across_the_spring_festival(staff, household, clock):
    case = open_case(staff, household)
    clock.at("2026-02-11")
    case = services.accept(staff.handler, case.pk)
    # 30 working days: 12, 13, 14 (worked Saturday) February, then none until the 24th.
    assert case.due_on == D("2026-03-31")
    assert case.step_due_on == D("2026-02-14")  # investigation: 3 working days

    clock.at("2026-02-13")
    investigate(staff, case, "2026-02-13")
    case = services.request_check(staff.handler, case.pk)
    assert case.data_checks.get().due_on == D("2026-02-25")  # 14, 24, 25 February

    clock.at("2026-02-24")
    services.record_check(staff.county, case.pk, result="consistent")
    case = services.give_opinion(
        staff.handler, case.pk, recommends_approval=True, text="拟同意纳入低保。"
    )
    assert case.state == State.ON_NOTICE
    assert (case.notice_starts_on, case.notice_ends_on) == (D("2026-02-24"), D("2026-03-02"))
    assert case.step_due_on == D("2026-03-16")  # confirmation: 10 working days after the notice

    clock.at("2026-03-03")
    case = services.approve(staff.county, case.pk, reasons="符合条件，准予保障。")
    decision = case.decision
    assert case.state == State.APPROVED
    assert decision.start_month == D("2026-04-01")  # paid from the next month
    assert decision.monthly_amount_fen > 0
    programme = next(
        p for p in decision.engine_result["programmes"] if p["programme"] == "minimum_living"
    )
    assert programme["eligible"] is True
    assert decision.notify_due_on == D("2026-03-06")
    assert case.deadline_at_closing == D("2026-03-31")  # decided well within the 30 days

    steps = list(case.transitions.values_list("action", "from_state", "to_state"))
    assert steps == [
        ("submit", "submitted", "submitted"),
        ("accept", "submitted", "accepted"),
        ("investigate", "accepted", "investigated"),
        ("request_check", "investigated", "check_requested"),
        ("record_check", "check_requested", "checked"),
        ("give_opinion", "checked", "on_notice"),
        ("approve", "on_notice", "approved"),
    ]
    audited = AuditEvent.objects.filter(object_type="case", object_id=str(case.pk))
    assert list(audited.order_by("seq").values_list("action", flat=True)) == [
        f"case.{action}" for action, _from, _to in steps
    ]

    clock.at("2026-03-04")
    services.notify(staff.handler, case.pk, told_on=D("2026-03-04"), how="送达批准通知书")
    assert Case.objects.get(pk=case.pk).step_due_on is None


def test_delegated_to_the_township_20_working_days(staff, household, clock):
    set_confirms_cases(staff.county, "410821902000", confirms=True, reason="审核确认权下放")
    case = to_notice(staff, household, clock)
    assert case.delegated is True
    assert case.due_on == D("2026-03-17")
    clock.at("2026-03-03")
    with refused("township"):
        services.approve(staff.county, case.pk, reasons="准予")
    case = services.approve(staff.reviewer, case.pk, reasons="准予")
    assert case.state == State.APPROVED


def test_not_delegated_the_township_reviewer_cannot_confirm(staff, household, clock):
    case = to_notice(staff, household, clock)
    clock.at("2026-03-03")
    with refused("county"):
        services.approve(staff.reviewer, case.pk, reasons="准予")


def test_refused_with_written_reasons(staff, household, clock):
    case = open_case(staff, household)
    clock.at("2026-02-11")
    services.accept(staff.handler, case.pk)
    investigate(staff, case, "2026-02-11")
    services.request_check(staff.handler, case.pk)
    services.record_check(
        staff.county, case.pk, result="discrepancy", findings="不动产登记显示家庭另有住房两套。"
    )
    case = services.give_opinion(
        staff.handler, case.pk, recommends_approval=False, text="家庭财产超过规定，拟不予批准。"
    )
    assert case.state == State.AWAITING_CONFIRMATION  # a proposed refusal is not noticed
    with pytest.raises(DoudiError):
        services.refuse(staff.county, case.pk, reasons="  ")
    case = services.refuse(staff.county, case.pk, reasons="家庭拥有住房三套，超过规定。")
    assert case.state == State.REFUSED
    assert case.decision.notify_due_on == D("2026-02-14")  # 12, 13, 14 February
    assert case.decision.engine_result["programmes"]


def test_objection_settled_by_democratic_appraisal_then_extended(staff, household, clock):
    case = to_notice(staff, household, clock)
    clock.at("2026-02-26")
    case = services.object_to(staff.handler, case.pk, content="邻居反映其子女在外务工收入较高。")
    assert case.state == State.OBJECTED
    case = services.extend(staff.handler, case.pk, reason="公示期有异议，需民主评议")
    assert case.due_on == D("2026-04-22")  # 45 working days, across Qingming (4–6 April)
    with refused("already extended"):
        services.extend(staff.handler, case.pk, reason="again")

    services.appraise(
        staff.handler,
        case.pk,
        participants=9,
        in_favour=8,
        outcome="评议认为子女已另立门户，不影响认定。",
    )
    case = services.give_opinion(
        staff.handler, case.pk, recommends_approval=True, text="经民主评议，维持原意见。"
    )
    assert case.notice_ends_on == D("2026-03-04")
    objection = case.objections.get()
    assert (objection.resolution, objection.in_favour) == ("appraisal", 8)

    clock.at("2026-03-05")
    case = services.approve(staff.county, case.pk, reasons="经评议符合条件")
    assert case.state == State.APPROVED
    actions = list(case.transitions.values_list("action", flat=True))
    assert actions[-5:] == ["object", "extend", "appraise", "give_opinion", "approve"]


def test_objection_settled_by_reinvestigation(staff, household, clock):
    case = to_notice(staff, household, clock)
    clock.at("2026-02-25")
    services.object_to(staff.handler, case.pk, content="反映有车辆。")
    case = services.reinvestigate(
        staff.handler,
        case.pk,
        visited_on=D("2026-02-25"),
        investigator_ids=[staff.handler.pk, staff.village.pk],
        home_visit=True,
        findings="车辆已于去年报废，有注销证明。",
    )
    assert case.state == State.CHECKED
    assert case.objections.get().resolution == "reinvestigation"


def unchanged(case: Case):
    """Snapshot of what a refused step must leave alone."""
    return (
        Case.objects.get(pk=case.pk).state,
        Transition.objects.count(),
        AuditEvent.objects.count(),
    )


def test_approving_without_a_data_check_is_refused_and_changes_nothing(staff, household, clock):
    case = open_case(staff, household)
    clock.at("2026-02-11")
    services.accept(staff.handler, case.pk)
    investigate(staff, case, "2026-02-11")
    before = unchanged(case)
    with pytest.raises(DoudiError) as caught:
        services.approve(staff.county, case.pk, reasons="准予")
    assert "信息核对" in caught.value.render() and "data check" in caught.value.render("en")
    assert unchanged(case) == before


def test_confirming_before_the_notice_ends_is_refused(staff, household, clock):
    case = to_notice(staff, household, clock)
    clock.at("2026-03-02")  # the notice's last day
    before = unchanged(case)
    with pytest.raises(DoudiError) as caught:
        services.approve(staff.county, case.pk, reasons="准予")
    assert "2026-03-02" in caught.value.render()
    with pytest.raises(DoudiError):
        services.refuse(staff.county, case.pk, reasons="不予")
    assert unchanged(case) == before


def test_no_data_check_without_the_signed_authorisation(staff, household, clock):
    case = open_case(staff, household, authorisation_signed_on=None)
    clock.at("2026-02-11")
    services.list_missing(staff.handler, case.pk, items=["核对授权书", "户口簿复印件"])
    with refused("once"):
        services.list_missing(staff.handler, case.pk, items=["收入证明"])
    with refused("户口簿复印件"):
        services.receive_materials(staff.handler, case.pk, items=["核对授权书"])
        services.accept(staff.handler, case.pk)
    services.receive_materials(staff.handler, case.pk, items=["户口簿复印件"])
    services.accept(staff.handler, case.pk)
    investigate(staff, case, "2026-02-11")
    with refused("authorisation"):
        services.request_check(staff.handler, case.pk)
    assert Case.objects.get(pk=case.pk).state == State.INVESTIGATED


def test_steps_out_of_order_are_refused_with_the_states_they_need(staff, household, clock):
    case = open_case(staff, household)
    clock.at("2026-02-11")
    with pytest.raises(DoudiError) as caught:
        investigate(staff, case, "2026-02-11")
    assert "已受理" in caught.value.render() or "Accepted" in caught.value.render("en")
    services.accept(staff.handler, case.pk)
    with refused("two"):
        investigate(staff, case, "2026-02-11", investigator_ids=[staff.handler.pk])
    with pytest.raises(DoudiError):
        services.pay_first(staff.handler, case.pk, amount_fen=100, reason="低保没有先行救助")


def test_one_open_case_per_household_and_programme(staff, household, clock):
    open_case(staff, household)
    with refused("still open"):
        open_case(staff, household)
    with refused("receives nothing"):
        open_case(
            staff,
            household,
            programme="extreme_hardship",
            kind="termination",
            member_id=household.members.first().pk,
        )
