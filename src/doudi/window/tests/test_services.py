"""Recording an intake with every need of a household, and the answers to its referrals."""

from __future__ import annotations

import datetime

import pytest

from doudi.accounts.roles import Role
from doudi.audit.models import AuditEvent
from doudi.cases.models import Case
from doudi.cases.procedures import State
from doudi.conftest import OUTSIDE_TOWNSHIP
from doudi.errors import DoudiError, NotPermitted, OutsideJurisdiction, ValidationFailed
from doudi.window import queries, services
from doudi.window.models import Intake, Need, Route

pytestmark = pytest.mark.django_db
D = datetime.date.fromisoformat

APPLICATION = {
    "route": "application",
    "description": "家庭收入低，申请低保",
    "programme": "minimum_living",
}
REFERRAL = {"route": "referral", "description": "孩子上学需要资助", "department": "education"}
ON_THE_SPOT = {
    "route": "on_the_spot",
    "description": "咨询医疗救助政策",
    "result": "当场讲解医疗救助政策并发放明白卡",
}


def record(actor, household, needs, **fields):
    fields.setdefault("channel", "window")
    fields.setdefault("authorisation_signed_on", D("2026-03-02"))
    return services.record_intake(actor, household.pk, needs=needs, **fields)


def test_one_intake_routes_three_needs(staff, household, clock):
    before = AuditEvent.objects.count()
    intake = record(
        staff.handler, household, [APPLICATION, REFERRAL, ON_THE_SPOT], note="户主到窗口"
    )
    application, referral, on_the_spot = intake.needs.order_by("position")

    case = Case.objects.get()
    assert application.route == Route.APPLICATION and application.case == case
    assert case.state == State.SUBMITTED and case.need == "家庭收入低，申请低保"
    assert case.authorisation_signed_on == D("2026-03-02")
    assert referral.department == "education" and referral.sent_on == D("2026-03-02")
    assert referral.due_on == D("2026-03-16")  # 10 working days: 3–6, 9–13, 16 March
    assert referral.completed_on is None
    assert on_the_spot.completed_on == D("2026-03-02")
    assert on_the_spot.answer == "当场讲解医疗救助政策并发放明白卡"
    assert intake.region_id == household.region_id and intake.received_by == staff.handler

    events = list(AuditEvent.objects.order_by("seq")[before:].values_list("action", flat=True))
    assert events == ["case.submit", "window.intake"]
    after = AuditEvent.objects.get(action="window.intake").after
    assert [need["route"] for need in after["needs"]] == ["application", "referral", "on_the_spot"]
    assert after["needs"][0]["case"] == case.pk


def test_a_bad_need_refuses_the_whole_intake(staff, household):
    bad_referral = {**REFERRAL, "department": "police"}
    no_result = {**ON_THE_SPOT, "result": ""}
    with pytest.raises(ValidationFailed) as caught:
        record(staff.handler, household, [APPLICATION, bad_referral, no_result])
    assert [p.field for p in caught.value.problems] == ["needs[1].department", "needs[2].result"]
    assert not Intake.objects.exists() and not Need.objects.exists()
    assert not Case.objects.exists()


def test_a_refused_application_undoes_the_needs_before_it(staff, household):
    """The referral and the first case are written before cases.submit refuses the second."""
    temporary = {
        "route": "application",
        "description": "医疗支出大",
        "programme": "temporary_expenditure",
    }  # no amount asked for
    events = AuditEvent.objects.count()
    with pytest.raises(DoudiError) as caught:
        record(staff.handler, household, [REFERRAL, APPLICATION, temporary])
    assert caught.value.field == "needs[2].requested_amount"
    assert not Intake.objects.exists() and not Need.objects.exists()
    assert not Case.objects.exists()
    assert AuditEvent.objects.count() == events


def test_intake_level_faults_are_named(staff, household):
    with pytest.raises(ValidationFailed) as caught:
        record(staff.handler, household, [], channel="proxy")
    assert {p.field for p in caught.value.problems} == {"proxy_name", "needs"}
    with pytest.raises(ValidationFailed) as caught:
        record(staff.handler, household, [{"route": "letter", "description": ""}])
    assert [p.field for p in caught.value.problems] == ["needs[0].description", "needs[0].route"]


def test_outside_the_jurisdiction_the_household_does_not_exist(staff, make_user, household):
    outsider = make_user(Role.TOWNSHIP_HANDLER, OUTSIDE_TOWNSHIP, "wen_handler")
    with pytest.raises(OutsideJurisdiction):
        record(outsider, household, [ON_THE_SPOT])
    intake = record(staff.handler, household, [REFERRAL])
    with pytest.raises(OutsideJurisdiction):
        queries.intake_for(outsider, intake.pk)
    with pytest.raises(OutsideJurisdiction):
        services.answer_referral(
            outsider, intake.needs.get().pk, answer="已办", answered_on=D("2026-03-02")
        )
    assert list(queries.intakes_visible_to(outsider)) == []


@pytest.mark.parametrize("role", [Role.TOWNSHIP_REVIEWER, Role.AUDITOR, Role.SYSTEM_ADMIN])
def test_roles_without_the_permission_are_refused(make_user, household, role):
    with pytest.raises(NotPermitted):
        record(make_user(role, username=f"no_{role.value}"), household, [ON_THE_SPOT])
    assert not Intake.objects.exists()


def test_only_handlers_record_answers(staff, household, make_user):
    need = record(
        staff.village, household, [REFERRAL], channel="proxy", proxy_name="村委会 王五"
    ).needs.get()
    with pytest.raises(NotPermitted):
        services.answer_referral(staff.village, need.pk, answer="已办", answered_on=D("2026-03-02"))
    with pytest.raises(NotPermitted):
        services.answer_referral(
            make_user(Role.AUDITOR), need.pk, answer="已办", answered_on=D("2026-03-02")
        )


def test_a_referral_is_overdue_after_ten_working_days(staff, clock, household):
    """Referred on 11 February 2026: the Spring Festival (15–23 February) does not count, and
    the worked Saturdays 14 and 28 February do."""
    clock.at("2026-02-11")
    need = record(staff.handler, household, [REFERRAL], authorisation_signed_on=None).needs.get()
    assert need.due_on == D("2026-03-03")
    clock.at("2026-03-03")
    assert [n.overdue for n in queries.open_referrals(staff.handler)] == [False]
    clock.at("2026-03-04")
    assert [n.overdue for n in queries.open_referrals(staff.handler)] == [True]
    assert Need.objects.get().is_overdue(D("2026-03-04"))

    services.answer_referral(
        staff.handler, need.pk, answer="教育局已落实助学金", answered_on=D("2026-03-04")
    )
    assert list(queries.open_referrals(staff.handler)) == []
    event = AuditEvent.objects.get(action="window.referral_answered")
    assert event.after["late"] is True and event.object_id == str(need.pk)


def test_an_answer_is_recorded_once_and_dated_between_sending_and_today(staff, clock, household):
    intake = record(staff.handler, household, [REFERRAL, ON_THE_SPOT])
    referral, on_the_spot = intake.needs.order_by("position")
    clock.at("2026-03-05")
    with pytest.raises(DoudiError) as caught:
        services.answer_referral(
            staff.handler, referral.pk, answer="已办", answered_on=D("2026-03-06")
        )
    assert caught.value.field == "answered_on"
    with pytest.raises(DoudiError) as caught:
        services.answer_referral(
            staff.handler, referral.pk, answer="已办", answered_on=D("2026-03-01")
        )
    assert caught.value.field == "answered_on"
    with pytest.raises(DoudiError) as caught:
        services.answer_referral(
            staff.handler, referral.pk, answer=" ", answered_on=D("2026-03-04")
        )
    assert caught.value.field == "answer"
    with pytest.raises(DoudiError) as caught:
        services.answer_referral(
            staff.handler, on_the_spot.pk, answer="已办", answered_on=D("2026-03-04")
        )
    assert caught.value.field == "need"

    services.answer_referral(
        staff.handler, referral.pk, answer="住建局已受理危房改造", answered_on=D("2026-03-04")
    )
    with pytest.raises(DoudiError) as caught:
        services.answer_referral(
            staff.handler, referral.pk, answer="再次答复", answered_on=D("2026-03-05")
        )
    assert "already recorded" in caught.value.render("en")
    referral.refresh_from_db()
    assert referral.answer == "住建局已受理危房改造" and referral.completed_on == D("2026-03-04")
    assert AuditEvent.objects.filter(action="window.referral_answered").count() == 1


def test_a_proxys_name_hiding_a_direction_override_is_refused(staff, household, clock):
    with pytest.raises(ValidationFailed) as caught:
        record(staff.handler, household, [ON_THE_SPOT], channel="proxy", proxy_name="王\u202e五")
    (problem,) = caught.value.problems
    assert problem.field == "proxy_name" and "U+202E" in problem.render("en")
