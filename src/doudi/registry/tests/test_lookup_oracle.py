"""Issue 11.3: typing or importing other people's ID numbers tells a township worker nothing
about households outside the jurisdiction, is audited, and is limited per hour."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from doudi.accounts.roles import Role
from doudi.audit.models import AuditEvent
from doudi.conftest import (
    OUTSIDE_TOWNSHIP,
    OUTSIDE_VILLAGE,
    api_as,
    household_form,
    member_form,
    valid_id_number,
)
from doudi.errors import DoudiError, ValidationFailed
from doudi.identity.numbers import mask
from doudi.registry import services
from doudi.registry.clashes import LookupsLimited
from doudi.registry.imports import import_households
from doudi.registry.models import Household
from doudi.registry.tests.test_excel import TODAY, fill, member

# People registered in 温县 (outside the township handler's 修武县).
OTHERS = [f"410825196001010{n:02d}" for n in range(1, 6)]
PLACE_WORDS = ("温县", "示例镇", "示例一村", OUTSIDE_VILLAGE)
REFUSED = "household.outside_member_refused"


@pytest.fixture
def handler(make_user):
    return make_user(Role.TOWNSHIP_HANDLER)


@pytest.fixture
def registered_elsewhere(make_user):
    """Five people, each the head of a household of 温县."""
    other = make_user(Role.TOWNSHIP_HANDLER, OUTSIDE_TOWNSHIP, "wenxian")
    for index, first17 in enumerate(OTHERS):
        services.create_household(
            other,
            household_form(OUTSIDE_VILLAGE, [member_form(first17, f"外县{index}")], incomes=[]),
        )


def _says_nothing_of_the_place(text: str) -> None:
    assert "outside your jurisdiction" in text and "transfer" in text
    for word in PLACE_WORDS:
        assert word not in text


@pytest.mark.django_db
def test_importing_other_peoples_numbers_names_no_place_and_is_audited(
    handler, registered_elsewhere
):
    rows = [member(chr(65 + i), first17, f"某{i}") for i, first17 in enumerate(OTHERS[:3])]
    with pytest.raises(ValidationFailed) as caught:
        import_households(handler, fill({"成员": rows}), "probe.xlsx", today=TODAY)
    messages = [problem.render("en") for problem in caught.value.problems]
    assert len(messages) == 3
    for text in messages:
        _says_nothing_of_the_place(text)
    event = AuditEvent.objects.get(action=REFUSED)
    assert event.actor_username == handler.username and event.object_id == "household.import"
    assert event.after["id_numbers"] == [mask(valid_id_number(n)) for n in OTHERS[:3]]
    assert valid_id_number(OTHERS[0]) not in str(event.after)


@pytest.mark.django_db
def test_the_member_form_and_the_api_say_the_same_and_audit_it(handler, registered_elsewhere):
    household, _ = services.create_household(handler, household_form())
    browser = Client()
    browser.force_login(handler)
    page = browser.post(
        f"/households/{household.pk}/members/new/",
        {**member_form(OTHERS[0], "某甲", relation="child"), "reason": "补录"},
    )
    assert page.status_code == 400
    shown = re.search(r'data-field="id_number">([^<]*)<', page.content.decode()).group(1)
    assert "管辖范围外另一户" in shown and "转移" in shown
    assert not any(word in shown for word in PLACE_WORDS)
    api = api_as(handler).post(
        f"/api/v1/households/{household.pk}/members/",
        {**member_form(OTHERS[1], "某乙", relation="child"), "reason": "补录"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert api.status_code == 400
    _says_nothing_of_the_place(api.json()["error"]["message_en"])
    assert AuditEvent.objects.filter(action=REFUSED).count() == 2
    assert household.members.count() == 2  # nothing was added


@pytest.mark.django_db
def test_inside_the_jurisdiction_the_place_is_still_named(handler):
    services.create_household(handler, household_form())
    with pytest.raises(DoudiError) as caught:
        services.create_household(handler, household_form())
    assert "修武县示例镇示例一村" in caught.value.render("en")
    assert not AuditEvent.objects.filter(action=REFUSED).exists()


@pytest.mark.django_db
def test_after_the_hours_allowance_every_look_up_is_refused(
    handler, registered_elsewhere, settings
):
    settings.DOUDI_OUTSIDE_LOOKUPS_PER_HOUR = 2
    for first17 in OTHERS[:2]:
        with pytest.raises(DoudiError):
            services.create_household(
                handler, household_form(members=[member_form(first17, "某")], incomes=[])
            )
    # The third probe, and then even a number nobody has, is refused without a look-up.
    for first17 in (OTHERS[2], "41082119900101001"):
        with pytest.raises(LookupsLimited) as caught:
            services.create_household(
                handler, household_form(members=[member_form(first17, "某")], incomes=[])
            )
        assert caught.value.http_status == 429
        assert "within the hour" in caught.value.render("en")
        assert not any(word in caught.value.render() for word in PLACE_WORDS)
    assert Household.objects.filter(region__code__startswith="410821").count() == 0
    assert AuditEvent.objects.filter(action=REFUSED).count() == 2
    assert AuditEvent.objects.filter(action="household.lookups_limited").count() == 2
    # The import is limited too.
    with pytest.raises(LookupsLimited):
        import_households(
            handler, fill({"成员": [member("A", OTHERS[3], "某")]}), "p.xlsx", today=TODAY
        )


@pytest.mark.django_db
def test_the_allowance_is_counted_from_the_audit_trail_over_the_last_hour(
    handler, registered_elsewhere, settings
):
    settings.DOUDI_OUTSIDE_LOOKUPS_PER_HOUR = 1
    start = timezone.now()
    with time_machine.travel(start, tick=False), pytest.raises(DoudiError):
        services.create_household(
            handler, household_form(members=[member_form(OTHERS[0], "某")], incomes=[])
        )
    # Another worker, a restart, an emptied cache: the count is the trail's, still spent.
    later = start + datetime.timedelta(minutes=59)
    with time_machine.travel(later, tick=False), pytest.raises(LookupsLimited):
        services.create_household(
            handler, household_form(members=[member_form(OTHERS[1], "某")], incomes=[])
        )
    with time_machine.travel(start + datetime.timedelta(minutes=61), tick=False):
        with pytest.raises(DoudiError) as caught:
            services.create_household(
                handler, household_form(members=[member_form(OTHERS[1], "某")], incomes=[])
            )
        assert not isinstance(caught.value, LookupsLimited)
    refused = AuditEvent.objects.filter(action=REFUSED).order_by("seq")
    assert [event.after["used_this_hour"] for event in refused] == [1, 1]
