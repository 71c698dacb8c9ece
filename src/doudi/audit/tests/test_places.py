"""Every event is filed where its readers are: under its actor's place and its objects' places,
never under a place typed into a filter."""

from __future__ import annotations

import pytest
from django.db import transaction

from doudi.accounts.roles import Role
from doudi.audit.actions import AuditAction
from doudi.audit.models import AuditEvent
from doudi.audit.queries import event_for, events_visible_to
from doudi.audit.services import record
from doudi.audit.verification import verify_chain
from doudi.conftest import (
    INSIDE_COUNTY,
    INSIDE_TOWNSHIP,
    INSIDE_VILLAGE,
    OUTSIDE_COUNTY,
    OUTSIDE_TOWNSHIP,
    OUTSIDE_VILLAGE,
    api_as,
    household_form,
    member_form,
)
from doudi.errors import OutsideJurisdiction
from doudi.registry import services
from doudi.registry.imports import export_households
from doudi.registry.queries import HouseholdFilter

pytestmark = pytest.mark.django_db

ANOTHER_COUNTY = "410822000000"  # 博爱县: nothing of these tests happens there


@pytest.fixture
def auditors(make_user) -> dict[str, object]:
    return {
        "inside_county": make_user(Role.AUDITOR, INSIDE_COUNTY, "audit_xiuwu"),
        "inside_township": make_user(Role.AUDITOR, INSIDE_TOWNSHIP, "audit_town"),
        "outside_county": make_user(Role.AUDITOR, OUTSIDE_COUNTY, "audit_wen"),
        "another_county": make_user(Role.AUDITOR, ANOTHER_COUNTY, "audit_boai"),
    }


def _who_sees(event: AuditEvent, auditors: dict) -> set[str]:
    return {
        name
        for name, auditor in auditors.items()
        if events_visible_to(auditor).filter(seq=event.seq).exists()
    }


def test_an_export_with_a_filter_that_is_no_place_is_filed_under_the_exported_townships(
    make_user, auditors
):
    inside = make_user(Role.TOWNSHIP_HANDLER, INSIDE_TOWNSHIP, "xiuwu_handler")
    outside = make_user(Role.TOWNSHIP_HANDLER, OUTSIDE_TOWNSHIP, "wen_handler")
    services.create_household(inside, household_form())
    services.create_household(
        outside,
        household_form(
            region=OUTSIDE_VILLAGE, incomes=[], members=[member_form("41082519800101001", "孙七")]
        ),
    )
    city = make_user(Role.CITY_SUPERVISOR)
    # ?place=4 used to file the event under 400000000000, a place no auditor reads.
    export_households(city, HouseholdFilter(place="4"))
    event = AuditEvent.objects.get(action=AuditAction.HOUSEHOLD_EXPORT)
    assert event.region_code != "400000000000"
    assert event.place_codes == sorted([city.region_id, INSIDE_TOWNSHIP, OUTSIDE_TOWNSHIP])
    assert _who_sees(event, auditors) == {"inside_county", "inside_township", "outside_county"}
    assert verify_chain().intact


def test_an_export_of_nothing_is_filed_under_the_actor_only(make_user, auditors):
    handler = make_user(Role.TOWNSHIP_HANDLER, INSIDE_TOWNSHIP, "xiuwu_handler")
    export_households(handler, HouseholdFilter(place="4108259"))
    event = AuditEvent.objects.get(action=AuditAction.HOUSEHOLD_EXPORT)
    assert event.place_codes == [INSIDE_TOWNSHIP]
    assert _who_sees(event, auditors) == {"inside_county", "inside_township"}


def test_an_event_is_filed_under_its_actors_place_as_well_as_its_objects(make_user, auditors):
    handler = make_user(Role.TOWNSHIP_HANDLER, INSIDE_TOWNSHIP, "xiuwu_handler")
    with transaction.atomic():
        event = record(
            actor=handler,
            action=AuditAction.HOUSEHOLD_UPDATE,
            object_type="household",
            object_id="1",
            region_code=OUTSIDE_VILLAGE,
            places=[INSIDE_VILLAGE],
        )
    assert event.place_codes == [INSIDE_TOWNSHIP, INSIDE_VILLAGE, OUTSIDE_VILLAGE]
    assert _who_sees(event, auditors) == {"inside_county", "inside_township", "outside_county"}
    assert event_for(auditors["outside_county"], event.seq) == event
    with pytest.raises(OutsideJurisdiction):
        event_for(auditors["another_county"], event.seq)


def test_the_api_lists_an_event_to_every_auditor_of_its_places(make_user, auditors):
    handler = make_user(Role.TOWNSHIP_HANDLER, INSIDE_TOWNSHIP, "xiuwu_handler")
    with transaction.atomic():
        event = record(
            actor=handler,
            action=AuditAction.HOUSEHOLD_UPDATE,
            object_type="household",
            object_id="1",
            region_code=OUTSIDE_VILLAGE,
        )
    listed = api_as(auditors["outside_county"]).get("/api/v1/audit-events/").json()["results"]
    assert [(e["seq"], e["places"]) for e in listed] == [
        (event.seq, [INSIDE_TOWNSHIP, OUTSIDE_VILLAGE])
    ]
    assert api_as(auditors["another_county"]).get("/api/v1/audit-events/").json()["results"] == []
