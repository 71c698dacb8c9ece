"""A 特困 termination moves the person on to 低保 or temporary assistance where the rules find
the household eligible (特困人员认定办法 2021), instead of leaving them with nothing."""

from __future__ import annotations

import datetime

import pytest

from doudi.audit.models import AuditEvent
from doudi.cases import services
from doudi.cases.models import Case
from doudi.cases.procedures import Action, CaseKind, Channel, State
from doudi.cases.tests.helpers import investigate, open_case
from doudi.conftest import household_form, member_form
from doudi.registry.services import add_money_fact, create_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def elder(staff, clock):
    """A man of 76 living alone, without income."""
    clock.at("2026-01-05")
    form = household_form(
        members=[member_form("41082119500101003", "王老汉", marital_status="widowed")], incomes=[]
    )
    household, _warnings = create_household(staff.handler, form, reason="登记")
    return household


def through_opinion(staff, case: Case, day: str, facts=None) -> Case:
    services.accept(staff.handler, case.pk)
    investigate(staff, case, day, facts=facts)
    services.request_check(staff.handler, case.pk)
    services.record_check(staff.county, case.pk, result="consistent")
    return services.give_opinion(staff.handler, case.pk, recommends_approval=False, text="意见")


def on_extreme_hardship(staff, elder, clock) -> Case:
    clock.at("2026-03-02")
    person = elder.members.get()
    case = open_case(staff, elder, "extreme_hardship", member_id=person.pk)
    facts = {"members": {str(person.pk): {"has_capable_supporter": False}}}
    case = through_opinion(staff, case, "2026-03-02", facts)
    if case.spot_check_selected:
        services.spot_check(staff.county_colleague, case.pk, agrees=True, findings="属实")
    return services.approve(staff.county, case.pk, reasons="认定特困")


def terminated(staff, elder, clock) -> Case:
    clock.at("2026-06-01")
    person = elder.members.get()
    stop = open_case(staff, elder, "extreme_hardship", kind="termination", member_id=person.pk)
    # The investigation finds the supporter able again: a registry fact from now on.
    facts = {"members": {str(person.pk): {"has_capable_supporter": True}}}
    stop = through_opinion(staff, stop, "2026-06-01", facts)
    if stop.spot_check_selected:
        services.spot_check(staff.county_colleague, stop.pk, agrees=True, findings="属实")
    return services.approve(staff.county, stop.pk, reasons="赡养人恢复赡养能力，终止特困供养")


def test_eligible_for_minimum_living_a_case_is_opened_by_active_discovery(staff, elder, clock):
    on_extreme_hardship(staff, elder, clock)
    stop = terminated(staff, elder, clock)

    follow = Case.objects.exclude(programme="extreme_hardship").get()
    assert (follow.programme, follow.kind, follow.channel, follow.state) == (
        "minimum_living",
        CaseKind.APPLICATION,
        Channel.DISCOVERY,
        State.SUBMITTED,
    )
    assert follow.household == elder and follow.member is None
    assert list(follow.transitions.values_list("action", flat=True)) == [Action.SUBMIT]
    decision = stop.decision
    assert decision.engine_result["follow_up"] == {"case": follow.pk, "programme": "minimum_living"}
    assert follow.file_number in decision.reasons  # the household is told in the decision
    # One audit event for the termination's transaction, naming the follow-up.
    event = AuditEvent.objects.filter(object_type="case", object_id=str(stop.pk)).last()
    assert event.after["follow_up"]["case"] == follow.pk
    assert not AuditEvent.objects.filter(object_type="case", object_id=str(follow.pk)).exists()


def test_not_eligible_no_case_and_the_decision_says_so(staff, elder, clock):
    on_extreme_hardship(staff, elder, clock)
    clock.at("2026-05-20")
    person = elder.members.get()
    for month in ("2026-03", "2026-04", "2026-05"):
        add_money_fact(
            staff.handler,
            elder.pk,
            "income",
            {"member": str(person.pk), "month": month, "type": "wage", "amount_fen": 900_000},
            reason="复核发现工资收入",
        )
    stop = terminated(staff, elder, clock)

    assert not Case.objects.exclude(programme="extreme_hardship").exists()
    assert stop.decision.engine_result["follow_up"] is None
    assert stop.decision.reasons.endswith(services._follow_up_sentence(stop, None))
    assert stop.decision.reasons.startswith("赡养人恢复赡养能力")


def test_no_second_case_when_one_is_already_open(staff, elder, clock):
    on_extreme_hardship(staff, elder, clock)
    clock.at("2026-05-25")
    already = open_case(staff, elder, "minimum_living", channel="window")
    terminated(staff, elder, clock)
    assert list(Case.objects.filter(programme="minimum_living")) == [already]


def test_other_terminations_open_nothing(staff, household, clock):
    clock.at("2026-03-02")
    case = through_opinion(staff, open_case(staff, household), "2026-03-02")
    services.approve(staff.county, case.pk, reasons="符合条件")
    clock.at("2026-06-01")
    stop = through_opinion(staff, open_case(staff, household, kind="termination"), "2026-06-01")
    stop = services.approve(staff.county, stop.pk, reasons="收入增加")
    assert Case.objects.count() == 2
    assert "follow_up" not in stop.decision.engine_result
    assert datetime.date(2026, 6, 1) == stop.decision.end_month
