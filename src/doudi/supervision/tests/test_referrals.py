"""A hotline ticket referred to supervision (待立项的热线转办) becomes a finding the inspecting
level raises from it, or is declined with a reason: once, by who may inspect, inside their
places; the ticket and the finding then name each other."""

from __future__ import annotations

import pytest
from django.test import Client

from doudi.accounts.roles import Role
from doudi.audit.models import AuditEvent
from doudi.cases.tests.helpers import refused
from doudi.conftest import INSIDE_TOWNSHIP, OUTSIDE_COUNTY, api_as
from doudi.errors import NotPermitted, OutsideJurisdiction
from doudi.hotline import services as hotline
from doudi.hotline.models import Ticket
from doudi.supervision import queries, services

pytestmark = pytest.mark.django_db


def referred(staff, household: int | None = None, content: str = "举报村干部亲属违规享受低保"):
    ticket = hotline.receive(
        staff.handler,
        source="call",
        category="report",
        content=content,
        caller_name="王小明",
        caller_phone="13812345678",
        household=household,
    )
    return hotline.refer_to_supervision(staff.handler, ticket.pk, note="反映优亲厚友")


def test_a_referred_ticket_becomes_a_finding_named_on_both_pages(scene, staff):
    household = scene.recipients[0].household_id
    ticket = referred(staff, household)
    unreferred = hotline.receive(
        staff.handler, source="call", category="enquiry", content="咨询政策"
    )
    assert list(queries.pending_referrals(staff.county)) == [ticket]
    inspector = Client()
    inspector.force_login(staff.county)  # on the inspector's to-do list and the referrals page
    assert f'href="/supervision/referrals/{ticket.pk}/"' in inspector.get("/").content.decode()
    listed = inspector.get("/supervision/referrals/").content.decode()
    assert f'href="/supervision/referrals/{ticket.pk}/"' in listed
    assert "13812345678" not in listed and "王小明" not in listed
    events = AuditEvent.objects.count()
    finding = services.raise_ticket_finding(
        staff.county, ticket.pk, description="核实属实：亲属未备案", task="补办备案并复核"
    )
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.latest("seq")
    assert event.action == "supervision.finding_raise" and event.after["origin"] == "hotline"
    assert finding.origin == "hotline" and finding.household_id == household
    assert finding.region_id == INSIDE_TOWNSHIP and str(ticket.pk) in finding.origin_reference
    assert Ticket.objects.get(pk=ticket.pk).finding == finding
    assert finding.rectifications.count() == 1
    assert not queries.pending_referrals(staff.county).exists()

    client = Client()
    client.force_login(staff.handler)  # the township reads its ticket and the finding
    page = client.get(f"/hotline/{ticket.pk}/").content.decode()
    assert f'href="/supervision/findings/{finding.pk}/"' in page
    page = client.get(f"/supervision/findings/{finding.pk}/").content.decode()
    assert f'href="/hotline/{ticket.pk}/"' in page
    answer = api_as(staff.county).get(f"/api/v1/supervision/findings/{finding.pk}/").json()
    assert answer["finding"]["hotline_ticket"] == ticket.pk
    assert (
        api_as(staff.handler).get(f"/api/v1/hotline/tickets/{ticket.pk}/").json()["finding"]
        == finding.pk
    )
    with pytest.raises(OutsideJurisdiction):  # never referred: not supervision's
        services.raise_ticket_finding(staff.county, unreferred.pk, description="x", task="y")


def test_a_referral_is_taken_once_either_way(scene, staff):
    ticket = referred(staff)
    services.raise_ticket_finding(staff.county, ticket.pk, description="属实", task="整改")
    with refused("already raised from this ticket") as error:
        services.raise_ticket_finding(staff.county, ticket.pk, description="再次", task="再次")
    assert error.value.field == "state"
    with refused("already raised"):
        services.decline_referral(staff.county, ticket.pk, reason="无")
    other = referred(staff, content="反映评议不公")
    with refused("reason"):
        services.decline_referral(staff.county, other.pk, reason="  ")
    declined = services.decline_referral(staff.county, other.pk, reason="经核查，评议程序合规")
    assert declined.supervision_declined_on is not None and declined.finding_id is None
    assert (
        AuditEvent.objects.filter(
            action="supervision.referral_decline", object_id=str(other.pk)
        ).count()
        == 1
    )
    with refused("was declined on"):
        services.raise_ticket_finding(staff.county, other.pk, description="x", task="y")
    with refused("was declined on"):
        services.decline_referral(staff.county, other.pk, reason="再次")
    client = Client()
    client.force_login(staff.county)
    page = client.get(f"/supervision/referrals/{other.pk}/").content.decode()
    assert "经核查，评议程序合规" in page and 'data-step="' not in page  # not offered again
    hotline_page = client.get(f"/hotline/{other.pk}/").content.decode()
    assert "经核查，评议程序合规" in hotline_page
    response = api_as(staff.county).post(
        f"/api/v1/supervision/steps/decline_referral/{other.pk}/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 400


def test_who_may_not_inspect_is_neither_offered_nor_allowed(scene, staff):
    ticket = referred(staff)
    changes = AuditEvent.objects.filter(action__startswith="supervision.")
    events = changes.count()
    for user in (staff.handler, scene.auditor, scene.discipline):
        with pytest.raises(NotPermitted):
            services.raise_ticket_finding(user, ticket.pk, description="x", task="y")
        with pytest.raises(NotPermitted):
            services.decline_referral(user, ticket.pk, reason="x")
        answer = api_as(user).post(
            f"/api/v1/supervision/steps/raise_ticket_finding/{ticket.pk}/",
            {"description": "x", "task": "y"},
            format="json",
        )
        assert answer.status_code == 403, user.role
    for reader in (scene.auditor, scene.discipline):  # they read the referrals, change nothing
        client = Client()
        client.force_login(reader)
        page = client.get(f"/supervision/referrals/{ticket.pk}/")
        assert page.status_code == 200 and 'data-step="' not in page.content.decode()
        listed = api_as(reader).get("/api/v1/supervision/referrals/").json()
        assert [row["id"] for row in listed["results"]] == [ticket.pk]
        assert listed["results"][0]["caller_phone"] != "13812345678"  # masked
    client = Client()
    client.force_login(staff.handler)  # the inspected township does not read the referrals
    assert client.get(f"/supervision/referrals/{ticket.pk}/").status_code == 403
    assert changes.count() == events
    assert Ticket.objects.filter(pk=ticket.pk, finding__isnull=True).exists()


def test_another_jurisdiction_finds_no_referral(scene, staff, make_user):
    ticket = referred(staff)
    elsewhere = make_user(Role.COUNTY_APPROVER, OUTSIDE_COUNTY, "elsewhere")
    with pytest.raises(OutsideJurisdiction):
        services.raise_ticket_finding(elsewhere, ticket.pk, description="x", task="y")
    assert not queries.pending_referrals(elsewhere).exists()
    api = api_as(elsewhere)
    assert api.get(f"/api/v1/supervision/referrals/{ticket.pk}/").status_code == 404
    answer = api.post(
        f"/api/v1/supervision/steps/decline_referral/{ticket.pk}/", {"reason": "x"}, format="json"
    )
    assert answer.status_code == 404
    client = Client()
    client.force_login(elsewhere)
    assert client.get(f"/supervision/referrals/{ticket.pk}/").status_code == 404
    assert (
        client.post(
            f"/supervision/steps/decline_referral/{ticket.pk}/", {"reason": "x"}
        ).status_code
        == 404
    )
    assert Ticket.objects.get(pk=ticket.pk).supervision_declined_on is None
