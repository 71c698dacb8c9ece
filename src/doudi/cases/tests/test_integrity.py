"""Rules of integrity: the investigator does not confirm; a relative's case is registered
separately and needs a home visit; only the right roles, only inside their places."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command

from doudi.accounts.roles import Role
from doudi.cases import services
from doudi.cases.models import Case
from doudi.cases.procedures import State
from doudi.cases.queries import deadline_lists, hukou_checks_for
from doudi.cases.tests.helpers import investigate, open_case, refused
from doudi.conftest import OUTSIDE_TOWNSHIP, valid_id_number
from doudi.errors import DoudiError, NotPermitted, OutsideJurisdiction

pytestmark = pytest.mark.django_db
D = datetime.date.fromisoformat


def checked(staff, case: Case, *, investigators=None, home_visit=True) -> Case:
    services.accept(staff.handler, case.pk)
    investigate(
        staff,
        case,
        "2026-03-02",
        home_visit=home_visit,
        investigator_ids=investigators or [staff.handler.pk, staff.village.pk],
    )
    services.request_check(staff.handler, case.pk)
    services.record_check(staff.county, case.pk, result="consistent")
    return services.give_opinion(
        staff.handler, case.pk, recommends_approval=False, text="拟不予批准"
    )


def test_an_investigator_cannot_confirm_the_case(staff, household, clock):
    clock.at("2026-03-02")
    case = checked(
        staff, open_case(staff, household), investigators=[staff.village.pk, staff.county.pk]
    )
    with pytest.raises(DoudiError) as caught:
        services.refuse(staff.county, case.pk, reasons="不符合")
    assert "separation of duties" in caught.value.render("en")
    assert Case.objects.get(pk=case.pk).state == State.AWAITING_CONFIRMATION
    assert services.refuse(staff.county_colleague, case.pk, reasons="不符合").state == "refused"


def test_a_relatives_case_needs_a_home_visit_before_it_can_be_confirmed(staff, household, clock):
    clock.at("2026-03-02")
    case = open_case(staff, household, relative_of_staff="申请人系村委会委员王某的兄弟")
    services.accept(staff.handler, case.pk)
    with refused("home visit is mandatory"):
        investigate(staff, case, "2026-03-02", home_visit=False)
    investigate(staff, case, "2026-03-02", home_visit=True)
    assert case.pk in {c.pk for c in deadline_lists(staff.county).relatives}


def test_a_case_flagged_late_without_a_home_visit_cannot_be_confirmed(staff, household, clock):
    clock.at("2026-03-02")
    case = checked(staff, open_case(staff, household), home_visit=False)
    services.flag_relative(staff.handler, case.pk, relation="申请人系乡镇经办人的配偶之兄")
    with pytest.raises(DoudiError) as caught:
        services.refuse(staff.county, case.pk, reasons="不符合")
    assert "单独登记备案" in caught.value.render()
    assert Case.objects.get(pk=case.pk).state == State.AWAITING_CONFIRMATION


def test_staff_who_belong_to_the_household_flag_it_themselves(staff, household, clock, make_user):
    cadre = make_user(Role.VILLAGE_WORKER, username="cadre")
    cadre.set_id_number(valid_id_number("41082119700101001"))  # 张三, the household's head
    cadre.save()
    clock.at("2026-03-02")
    case = open_case(staff, household)
    assert cadre.full_name in case.relative_of_staff


def test_roles_and_places(staff, household, clock, make_user):
    clock.at("2026-03-02")
    case = open_case(staff, household)
    with pytest.raises(NotPermitted):
        services.accept(staff.village, case.pk)  # a village worker relays, the township accepts
    with pytest.raises(NotPermitted):
        services.accept(make_user(Role.AUDITOR), case.pk)
    elsewhere = make_user(Role.TOWNSHIP_HANDLER, OUTSIDE_TOWNSHIP, "elsewhere")
    with pytest.raises(OutsideJurisdiction):
        services.accept(elsewhere, case.pk)
    with pytest.raises(OutsideJurisdiction):
        services.submit(elsewhere, household.pk, "minimum_living", channel="window")
    with refused("proxy"):
        services.submit(staff.village, household.pk, "minimum_living", channel="window")
    services.accept(staff.handler, case.pk)
    investigate(staff, case, "2026-03-02")
    services.request_check(staff.handler, case.pk)
    with pytest.raises(NotPermitted):
        services.record_check(staff.handler, case.pk, result="consistent")  # the county checks


def test_an_investigator_from_elsewhere_is_refused(staff, household, clock, make_user):
    clock.at("2026-03-02")
    case = open_case(staff, household)
    services.accept(staff.handler, case.pk)
    stranger = make_user(Role.VILLAGE_WORKER, "410825902001", "stranger")
    with refused("does not work for this place"):
        investigate(staff, case, "2026-03-02", investigator_ids=[staff.handler.pk, stranger.pk])


def test_the_deadlines_command_lists_overdue_cases(staff, household, clock, cli_as):
    clock.at("2026-03-02")
    case = open_case(staff, household)
    services.accept(staff.handler, case.pk)
    clock.at("2026-03-06")  # the investigation was due on the 5th
    out = io.StringIO()
    cli_as(staff.handler)
    call_command("deadlines", "--user", staff.handler.username, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].endswith("1") and case.file_number in lines[1]  # under "overdue"


def test_applying_where_one_lives_waits_for_the_hukou_place(staff, household, clock, make_user):
    """居住地申办: the hukou township (示范街道, 901) is asked to help verify; the case is not
    confirmed before it answers, and only that township may answer."""
    hukou_handler = make_user(Role.TOWNSHIP_HANDLER, "410821901000", "hukou_handler")
    clock.at("2026-03-02")
    case = open_case(staff, household, hukou_region_code="410821901001")
    services.accept(staff.handler, case.pk)
    assert case.pk in {c.case_id for c in hukou_checks_for(hukou_handler)}
    assert not hukou_checks_for(staff.handler).exists()
    investigate(staff, case, "2026-03-02")
    services.request_check(staff.handler, case.pk)
    services.record_check(staff.county, case.pk, result="consistent")
    services.give_opinion(staff.handler, case.pk, recommends_approval=False, text="拟不予")
    with refused("help verify"):
        services.refuse(staff.county, case.pk, reasons="不符合")
    with pytest.raises(OutsideJurisdiction):
        services.answer_hukou_check(staff.handler, case.pk, answer="本乡镇代答")
    services.answer_hukou_check(hukou_handler, case.pk, answer="户籍地核实：无房产、无车辆。")
    assert services.refuse(staff.county, case.pk, reasons="不符合").state == State.REFUSED
    with refused("not a township or village"):
        open_case(staff, household, hukou_region_code="410825000000")


def test_a_proxys_name_hiding_a_direction_override_is_refused(staff, household, clock):
    clock.at("2026-03-02")
    with pytest.raises(DoudiError) as caught:
        services.submit(
            staff.village, household.pk, "minimum_living", channel="proxy", proxy_name="王\u202e五"
        )
    assert caught.value.field == "proxy_name" and "U+202E" in caught.value.render("en")
    assert not Case.objects.exists()
