"""The time limits are dated parameters: a case keeps the limits in force on its acceptance day.

A county adopts a shorter investigation limit and a shorter whole-procedure limit for 低保 from
1 March 2026 (the law sets the longest; a place may shorten them): cases accepted from that day
count with the new numbers, a case accepted the day before keeps the national ones.
"""

from __future__ import annotations

import datetime

import pytest

from doudi.accounts.roles import Role
from doudi.cases import services
from doudi.cases.deadlines import limits_in_force, procedure_of
from doudi.cases.procedures import PROCEDURES, CaseProgramme
from doudi.cases.tests.helpers import open_case, refused
from doudi.conftest import INSIDE_COUNTY, INSIDE_VILLAGE, household_form, member_form
from doudi.policy import services as policy
from doudi.registry.services import create_household

pytestmark = pytest.mark.django_db
D = datetime.date.fromisoformat


def _adopt(city, parameter: str, start: str, value: str):
    proposal = policy.propose_value(
        city,
        parameter=parameter,
        region_code=INSIDE_COUNTY,
        start=D(start),
        value=value,
        document_number="修民〔2026〕3号",
        reference="修武县民政局关于压缩低保办理时限的通知",
    )
    return policy.adopt_value(city, proposal.pk, reason="压缩办理时限")


def _second_household(staff, clock):
    clock.at("2026-01-05")
    form = household_form(
        members=[
            member_form("41082119600101003", "王五"),
            member_form("41082119620202004", "赵六", relation="spouse"),
        ],
        incomes=[],
    )
    return create_household(staff.handler, form, reason="登记")[0]


def test_a_shorter_limit_applies_to_cases_accepted_from_its_date_not_before(
    staff, household, clock, make_user
):
    city = make_user(Role.CITY_SUPERVISOR)
    _adopt(city, "procedure.minimum_living.investigation_limit", "2026-03-02", "2")
    _adopt(city, "procedure.minimum_living.total_limit", "2026-03-02", "25")
    before = open_case(staff, household)
    later = open_case(staff, _second_household(staff, clock))
    clock.at("2026-02-27")  # Friday, the last working day before the new limits
    before = services.accept(staff.handler, before.pk)
    clock.at("2026-03-02")  # Monday, the first day of the new limits
    later = services.accept(staff.handler, later.pk)
    assert before.step_due_on == D("2026-03-03")  # 3 working days: 28 Feb (worked), 2, 3 March
    assert later.step_due_on == D("2026-03-04")  # 2 working days: 3, 4 March
    assert procedure_of(before).investigation_limit == 3
    assert procedure_of(later).investigation_limit == 2
    assert (procedure_of(before).total_limit, procedure_of(later).total_limit) == (30, 25)
    # The earlier case keeps its limits even when asked about them after the change.
    assert before.due_on == D("2026-04-10") and later.due_on == D("2026-04-07")  # 30 / 25


def test_the_limits_come_from_the_parameters_with_their_national_numbers(places):
    day = D("2026-03-02")
    minimum = limits_in_force(PROCEDURES[CaseProgramme.MINIMUM_LIVING], INSIDE_VILLAGE, day)
    assert (
        minimum.investigation_limit,
        minimum.data_check_limit,
        minimum.confirmation_limit,
        minimum.total_limit,
        minimum.delegated_total_limit,
        minimum.extended_total_limit,
        minimum.notice_days,
        minimum.refusal_notice_limit,
        minimum.hukou_check_limit,
    ) == (3, 3, 10, 30, 20, 45, 7, 3, 10)
    hardship = limits_in_force(PROCEDURES[CaseProgramme.EXTREME_HARDSHIP], INSIDE_VILLAGE, day)
    assert (hardship.investigation_limit, hardship.confirmation_limit) == (15, 15)
    assert hardship.total_limit is None and hardship.papers_limit is None
    emergency = limits_in_force(PROCEDURES[CaseProgramme.TEMPORARY_EMERGENCY], INSIDE_VILLAGE, day)
    assert emergency.papers_limit == 5 and emergency.notice_days is None


def test_a_day_before_any_limit_is_refused_naming_the_limit_and_its_start(places):
    with refused("applies only from 2021-06-11") as caught:
        limits_in_force(PROCEDURES[CaseProgramme.MINIMUM_LIVING], INSIDE_VILLAGE, D("2021-03-01"))
    assert caught.value.field == "accepted_on"
    assert "低保" in caught.value.render()


def test_a_bureau_cannot_adopt_a_time_limit_longer_than_the_national_one(make_user, places):
    """The 低保 review time limits are the longest the national rule allows (民发〔2021〕57号):
    a county may shorten them, and a longer one is refused at the value, saving nothing."""
    from doudi.errors import DoudiError
    from doudi.policy.models import RegionalValue

    city = make_user(Role.CITY_SUPERVISOR)
    with pytest.raises(DoudiError) as too_long:
        _adopt(city, "procedure.minimum_living.total_limit", "2026-03-02", "31")
    assert too_long.value.field == "value"
    chinese, english = too_long.value.render("zh-hans"), too_long.value.render("en")
    assert "30" in chinese and "31" in chinese and "民发〔2021〕57号" in chinese
    assert "at most 30" in english
    assert not RegionalValue.objects.exists()
    # The national number itself, and anything shorter, may be adopted.
    assert _adopt(city, "procedure.minimum_living.total_limit", "2026-03-02", "30").value == 30
    assert _adopt(city, "procedure.minimum_living.confirmation_limit", "2026-03-02", "8")
    with pytest.raises(DoudiError, match="10"):
        _adopt(city, "procedure.minimum_living.confirmation_limit", "2026-04-01", "11")


def test_a_proposal_above_the_maximum_made_before_it_was_known_is_not_adopted(make_user, places):
    from doudi.errors import DoudiError
    from doudi.policy.models import RegionalValue, ValueStatus

    city = make_user(Role.CITY_SUPERVISOR)
    stored = RegionalValue.objects.create(
        parameter="procedure.minimum_living.refusal_notice_limit",
        region_id=INSIDE_COUNTY,
        start=D("2026-03-02"),
        value=5,
        document_number="修民〔2026〕1号",
        proposed_by=city,
    )
    with pytest.raises(DoudiError) as refused_value:
        policy.adopt_value(city, stored.pk, reason="采纳")
    assert refused_value.value.field == "value"
    stored.refresh_from_db()
    assert stored.status == ValueStatus.PROPOSED


def test_every_maximum_names_its_rule_and_no_shipped_value_exceeds_it():
    from doudi.policy.engine.regional import read_regional_files

    values, headers = read_regional_files()
    bounded = {
        name: header["metadata"]["maximum"]
        for name, header in headers.items()
        if "maximum" in header.get("metadata", {})
    }
    assert "procedure.minimum_living.total_limit" in bounded
    for name, maximum in bounded.items():
        assert maximum["reference"] and isinstance(maximum["value"], int), name
    above = [
        (v.parameter, v.region_code, v.value)
        for v in values
        if v.parameter in bounded and (v.value or 0) > bounded[v.parameter]["value"]
    ]
    assert above == []
