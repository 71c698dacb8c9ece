"""A household with any current member has exactly one current head: the head's death or
departure names the successor in the same change, and no change leaves two heads or none."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import translation

from doudi.accounts.roles import Role
from doudi.audit.models import AuditEvent
from doudi.conftest import api_as, household_form, member_form
from doudi.errors import DoudiError
from doudi.registry import queries, services
from doudi.registry.models import Household, HouseholdVersion, Member

pytestmark = pytest.mark.django_db
DIED = datetime.date(2026, 2, 10)


@pytest.fixture
def handler(make_user):
    return make_user(Role.TOWNSHIP_HANDLER)


@pytest.fixture
def household(handler) -> Household:
    return services.create_household(handler, household_form())[0]


def _unchanged(household: Household, events: int) -> None:
    household.refresh_from_db()
    assert household.version == 1 and HouseholdVersion.objects.count() == 1
    assert AuditEvent.objects.count() == events
    head = household.members.get(name="张三")
    assert (head.relation, head.left_on, head.death_date) == ("head", None, None)
    assert household.members.get(name="李四").relation == "spouse"


def _death(handler, member: Member, **more):
    return services.end_membership(
        handler,
        member.pk,
        left_on=DIED,
        leave_reason="death",
        death_date=DIED,
        reason="村委会报告死亡",
        **more,
    )


def test_the_heads_death_without_a_successor_is_refused_naming_the_field(handler, household):
    events = AuditEvent.objects.count()
    with pytest.raises(DoudiError) as caught:
        _death(handler, household.members.get(name="张三"))
    assert caught.value.field == "new_head"
    assert "户主" in caught.value.render()  # Chinese first
    assert "head" in caught.value.render("en")
    _unchanged(household, events)


def test_the_successor_is_named_in_the_same_change_one_version_one_event(handler, household):
    events = AuditEvent.objects.count()
    spouse = household.members.get(name="李四")
    _death(handler, household.members.get(name="张三"), new_head=spouse.pk)
    spouse.refresh_from_db()
    assert spouse.relation == "head"
    household.refresh_from_db()
    assert household.version == 2 and HouseholdVersion.objects.count() == 2
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.get(action="household.member_death")
    assert event.before["new_head"]["relation"] == "spouse"
    assert event.after["new_head"]["relation"] == "head"
    # The version keeps the change: before the death the spouse was not yet the head.
    now = queries.household_form(handler, household.pk)
    assert [(m["name"], m["relation"]) for m in now["members"]] == [("李四", "head")]
    assert [m["name"] for m in now["former_members"]] == ["张三"]


@pytest.mark.parametrize("who", ["the one leaving", "a stranger", "a former member"])
def test_the_successor_must_be_another_current_member(handler, household, make_user, who):
    head = household.members.get(name="张三")
    other, _ = services.create_household(
        handler, household_form(members=[member_form("41082119500101009", "王五")], incomes=[])
    )
    former, _ = services.add_member(
        handler,
        household.pk,
        member_form("41082119900101003", "张小", relation="child", marital_status="unmarried"),
        reason="迁入",
    )
    services.end_membership(
        handler, former.pk, left_on=DIED, leave_reason="moved_out", reason="迁出"
    )
    events = AuditEvent.objects.count()
    named = {
        "the one leaving": head.pk,
        "a stranger": other.members.get().pk,
        "a former member": former.pk,
    }[who]
    with pytest.raises(DoudiError) as caught:
        _death(handler, head, new_head=named)
    assert caught.value.field == "new_head"
    assert AuditEvent.objects.count() == events
    head.refresh_from_db()
    assert head.left_on is None


def test_no_new_head_while_the_head_stays(handler, household):
    services.add_member(
        handler,
        household.pk,
        member_form("41082119900101003", "张小", relation="child", marital_status="unmarried"),
        reason="迁入",
    )
    child = household.members.get(name="张小")
    with pytest.raises(DoudiError) as caught:
        _death(handler, household.members.get(name="李四"), new_head=child.pk)
    assert caught.value.field == "new_head"
    assert household.members.get(name="张小").relation == "child"


def test_the_last_member_leaves_without_a_successor(handler):
    alone, _ = services.create_household(
        handler, household_form(members=[member_form("41082119500101009", "王五")], incomes=[])
    )
    _death(handler, alone.members.get())
    assert alone.members.get().left_on == DIED


def test_no_change_gives_a_household_a_second_head_or_none(handler, household):
    events = AuditEvent.objects.count()
    with pytest.raises(DoudiError) as second:
        services.add_member(
            handler, household.pk, member_form("41082119900101003", "张小"), reason="迁入"
        )
    assert second.value.field == "relation"
    head = household.members.get(name="张三")
    record = member_form("41082119700101001", "张三", relation="spouse")
    with pytest.raises(DoudiError) as demoted:
        services.update_member(handler, head.pk, record, reason="更正")
    assert demoted.value.field == "relation"
    died = member_form("41082119700101001", "张三", death_date=DIED.isoformat())
    with pytest.raises(DoudiError) as ended:
        services.update_member(handler, head.pk, died, reason="更正")
    assert ended.value.field == "death_date"
    assert not household.members.filter(name="张小").exists()
    _unchanged(household, events)


def _without_head(handler, household: Household) -> None:
    """The state the registry once allowed: the head died and nobody was named."""
    head = household.members.get(name="张三")
    Member.objects.filter(pk=head.pk).update(left_on=DIED, death_date=DIED, leave_reason="death")


def test_a_household_left_without_a_head_may_still_be_changed_and_mended(handler, household):
    _without_head(handler, household)
    spouse = household.members.get(name="李四")
    record = member_form("41082119720202002", "李四", relation="spouse", phone="13800000000")
    services.update_member(handler, spouse.pk, record, reason="更正电话")
    services.add_member(
        handler,
        household.pk,
        member_form("41082119900101003", "张小", relation="child", marital_status="unmarried"),
        reason="迁入",
    )
    # The one who leaves such a household may name its head, as may a correction.
    child = household.members.get(name="张小")
    services.end_membership(
        handler,
        spouse.pk,
        left_on=DIED,
        leave_reason="moved_out",
        reason="迁出",
        new_head=child.pk,
    )
    assert household.members.get(name="张小").relation == "head"


def test_a_correction_names_the_head_of_a_household_without_one(handler, household):
    _without_head(handler, household)
    spouse = household.members.get(name="李四")
    services.update_member(
        handler, spouse.pk, member_form("41082119720202002", "李四"), reason="确定户主"
    )
    assert household.members.get(name="李四").relation == "head"


def test_the_api_names_the_successor(handler, household):
    client = api_as(handler)
    head = household.members.get(name="张三")
    spouse = household.members.get(name="李四")
    refused = client.post(
        f"/api/v1/members/{head.pk}/end/",
        {"leave_reason": "moved_out", "reason": "迁出"},
        format="json",
    )
    assert refused.status_code == 400 and refused.json()["error"]["field"] == "new_head"
    ended = client.post(
        f"/api/v1/members/{head.pk}/end/",
        {"leave_reason": "moved_out", "reason": "迁出", "new_head": spouse.pk},
        format="json",
    )
    assert ended.status_code == 200
    assert [(m["name"], m["relation"]) for m in ended.json()["members"]] == [("李四", "head")]


def test_the_page_offers_the_successor_and_names_the_field(handler, household):
    browser = Client()
    browser.force_login(handler)
    head = household.members.get(name="张三")
    spouse = household.members.get(name="李四")
    page = browser.get(f"/households/{household.pk}/").content.decode()
    assert 'name="new_head"' in page and f'value="{spouse.pk}"' in page
    with translation.override("zh-hans"):
        refused = browser.post(
            f"/households/members/{head.pk}/end/",
            {"leave_reason": "death", "death_date": "2026-02-10", "reason": "死亡"},
        )
    assert refused.status_code == 400 and 'data-field="new_head"' in refused.content.decode()
    ended = browser.post(
        f"/households/members/{head.pk}/end/",
        {
            "leave_reason": "death",
            "death_date": "2026-02-10",
            "reason": "死亡",
            "new_head": str(spouse.pk),
        },
    )
    assert ended.status_code == 302
    spouse.refresh_from_db()
    assert spouse.relation == "head"
