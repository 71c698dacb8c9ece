"""Registering and changing households: integrity, history, refusals that change nothing."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from doudi.accounts.roles import Role
from doudi.audit.models import AuditEvent
from doudi.conftest import (
    OUTSIDE_VILLAGE,
    household_form,
    member_form,
    valid_id_number,
    with_wrong_check_digit,
)
from doudi.errors import DoudiError, NotPermitted, OutsideJurisdiction, ValidationFailed
from doudi.registry import queries, services
from doudi.registry.models import Household, HouseholdVersion, Member

pytestmark = pytest.mark.django_db


@pytest.fixture
def handler(make_user):
    return make_user(Role.TOWNSHIP_HANDLER)


def test_a_household_is_registered_with_its_members_money_and_first_version(handler):
    household, warnings = services.create_household(handler, household_form(), reason="申请")
    assert warnings == []
    members = list(household.members.order_by("id"))
    assert [m.name for m in members] == ["张三", "李四"]
    assert members[0].sex == "male" and members[1].sex == "female"
    assert members[0].birth_date == datetime.date(1970, 1, 1)
    assert (
        members[0].id_number_masked
        == "4108*************" + valid_id_number("41082119700101001")[-1]
    )
    assert household.incomes.get().amount_fen == 80000
    assert household.versions.get().version == 1
    event = AuditEvent.objects.get(action="household.create")
    assert event.object_id == str(household.pk) and valid_id_number("41082119700101001") not in str(
        event.after
    )


def test_every_fault_of_a_form_is_named_and_nothing_is_saved(handler):
    form = household_form()
    form["members"][0]["id_number"] = with_wrong_check_digit(form["members"][0]["id_number"])
    form["members"][1]["relation"] = "cousin"
    form["incomes"][0]["amount_fen"] = -5
    with pytest.raises(ValidationFailed) as caught:
        services.create_household(handler, form)
    fields = {p.field for p in caught.value.problems}
    assert {"members[0].id_number", "members[1].relation", "incomes[0].amount_fen"} <= fields
    assert (
        not Household.objects.exists()
        and not AuditEvent.objects.filter(action="household.create").exists()
    )


def test_an_active_member_cannot_join_a_second_household(handler, make_user):
    services.create_household(handler, household_form())
    other = household_form(members=[member_form("41082119700101001", "张三")], incomes=[])
    with pytest.raises(DoudiError) as caught:
        services.create_household(handler, other)
    message = caught.value.render()
    assert "修武县示例镇示例一村" in message and "张三" not in message
    assert Household.objects.count() == 1


def test_outside_the_callers_jurisdiction_no_place_is_named(handler, make_user):
    """Until issue 11.3 the other household's place was named here, for anyone's number."""
    services.create_household(handler, household_form())
    outsider = make_user(Role.TOWNSHIP_HANDLER, "410825902000", username="wen_handler")
    form = household_form(
        region=OUTSIDE_VILLAGE, members=[member_form("41082119700101001", "张三")], incomes=[]
    )
    with pytest.raises(DoudiError, match="管辖范围外") as caught:
        services.create_household(outsider, form)
    assert "修武县" not in caught.value.render() and "示例" not in caught.value.render()


def test_a_death_ends_membership_from_the_death_date(handler):
    household, _ = services.create_household(handler, household_form())
    spouse = household.members.get(name="李四")
    services.end_membership(
        handler,
        spouse.pk,
        left_on=datetime.date(2026, 3, 1),
        leave_reason="death",
        death_date=datetime.date(2026, 2, 10),
        reason="村委会报告死亡",
    )
    spouse.refresh_from_db()
    assert spouse.left_on == datetime.date(2026, 2, 10) and spouse.death_date == spouse.left_on
    today = timezone.localdate()
    before = queries.household_form(
        handler, household.pk, on=datetime.date(2026, 2, 9), known_on=today
    )
    after = queries.household_form(
        handler, household.pk, on=datetime.date(2026, 2, 10), known_on=today
    )
    assert [m["name"] for m in before["members"]] == ["张三", "李四"]
    assert [m["name"] for m in after["members"]] == ["张三"]
    assert [m["name"] for m in after["former_members"]] == ["李四"]
    # Once the membership has ended, the person may be registered elsewhere.
    services.create_household(
        handler, household_form(members=[member_form("41082119720202002", "李四")], incomes=[])
    )


def test_the_household_as_of_a_past_date_shows_what_was_known_then(handler):
    household, _ = services.create_household(handler, household_form())
    services.add_money_fact(
        handler,
        household.pk,
        "income",
        {"month": "2026-10", "type": "business", "amount_fen": 5000},
        reason="新增经营收入",
    )
    child = member_form(
        "41082120150505003",
        "张小",
        relation="child",
        marital_status="unmarried",
        education="primary",
        in_school=True,
        employment="student",
    )
    services.add_member(handler, household.pk, child, reason="户籍迁入")
    # Move the first two versions into the past, as if recorded months ago.
    first_day = timezone.make_aware(datetime.datetime(2026, 9, 15, 10, 0))
    HouseholdVersion.objects.filter(household=household, version=1).update(recorded_at=first_day)
    HouseholdVersion.objects.filter(household=household, version=2).update(
        recorded_at=first_day + datetime.timedelta(days=30)
    )
    september = queries.household_form(handler, household.pk, on=datetime.date(2026, 9, 30))
    assert september["version"] == 1
    assert [m["name"] for m in september["members"]] == ["张三", "李四"]
    assert [(i["month"], i["amount_fen"]) for i in september["incomes"]] == [("2026-09", 80000)]
    now = queries.household_form(handler, household.pk)
    assert now["version"] == 3 and len(now["members"]) == 3
    assert {i["type"] for i in now["incomes"]} == {"wage", "business"}
    with pytest.raises(DoudiError):
        queries.household_form(handler, household.pk, on=datetime.date(2026, 9, 1))


def test_derived_facts_follow_the_date(handler):
    household, _ = services.create_household(
        handler,
        household_form(
            members=[
                member_form(
                    "41082119660601001",
                    "王五",
                    disability_category="physical",
                    disability_grade=2,
                    self_care_failed=["bathing", "walking"],
                ),
            ],
            incomes=[],
        ),
    )
    form = queries.household_form(
        handler, household.pk, on=datetime.date(2026, 5, 31), known_on=timezone.localdate()
    )
    derived = form["members"][0]["derived"]
    assert derived["age"] == 59
    assert derived["unable_to_work_reason"] == "disability_physical_2"
    assert derived["self_care_level"] == "partly_lost"
    assert form["members"][0]["id_number"].count("*") == 13
    assert "birth_date" not in form["members"][0]  # the mask hides it: the age stands for it


def test_only_field_roles_change_households_and_only_inside(make_user, handler):
    household, _ = services.create_household(handler, household_form())
    reviewer = make_user(Role.TOWNSHIP_REVIEWER)
    with pytest.raises(NotPermitted):
        services.update_household(
            reviewer, household.pk, address="x", region_code=household.region_id, reason="x"
        )
    outsider = make_user(Role.TOWNSHIP_HANDLER, "410825902000", username="wen_handler")
    with pytest.raises(OutsideJurisdiction):
        services.update_household(
            outsider, household.pk, address="x", region_code=household.region_id, reason="x"
        )
    with pytest.raises(NotPermitted):
        services.create_household(make_user(Role.FINANCE_OFFICER), household_form())
    household.refresh_from_db()
    assert household.version == 1


def test_revealing_an_id_number_is_audited(handler):
    household, _ = services.create_household(handler, household_form())
    member = household.members.get(name="张三")
    with pytest.raises(DoudiError):
        services.reveal_id_number(handler, member.pk, reason=" ")
    number = services.reveal_id_number(handler, member.pk, reason="核对身份")
    assert number == valid_id_number("41082119700101001")
    event = AuditEvent.objects.get(action="household.reveal_id_number")
    assert event.reason == "核对身份" and number not in str(event.after)


def test_an_unknown_birthplace_is_only_a_warning(handler):
    form = household_form(members=[member_form("99082119700101001", "赵六")], incomes=[])
    household, warnings = services.create_household(handler, form)
    assert household.pk and len(warnings) == 1
    assert warnings[0].field == "members[0].id_number"


def test_members_are_unique_by_database_constraint_too(handler):
    household, _ = services.create_household(handler, household_form())
    with pytest.raises(DoudiError):
        services.add_member(
            handler,
            household.pk,
            member_form("41082119700101001", "张三", relation="other"),
            reason="重复",
        )
    assert Member.objects.count() == 2
