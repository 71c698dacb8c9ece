"""Deaths notified by public security: stored once, as a hash, left pending for the township
where the person receives assistance and routed to it at once as a finding whose hold keeps
the next payroll from paying the dead."""

from __future__ import annotations

import pytest
from django.core import serializers

from doudi.audit.actions import AuditAction
from doudi.audit.models import AuditEvent
from doudi.campaigns.models import Finding, PaymentHold
from doudi.conftest import valid_id_number
from doudi.errors import DoudiError
from doudi.exchange.models import DeathNotice, DeathNotification, NoticeState, Subscription
from doudi.exchange.tests import messages
from doudi.exchange.tests.conftest import HEAD
from doudi.payroll.services import generate

NOTIFY = "/api/dci/v1/registry/notify"
SUBSCRIBE = "/api/dci/v1/registry/subscribe"
UNSUBSCRIBE = "/api/dci/v1/registry/unsubscribe"
pytestmark = pytest.mark.django_db


@pytest.fixture
def police(partner):
    _system, client = partner("notify_deaths", name="公安人口系统")
    response = client.post(SUBSCRIBE, messages.subscribe(), format="json")
    assert response.status_code == 200, response.content
    return client


def test_subscribing_answers_a_code(police):
    subscription = Subscription.objects.get()
    assert subscription.event_type == "DEATH_REGISTERED" and subscription.active
    assert AuditEvent.objects.filter(action=AuditAction.PARTNER_SUBSCRIBE).count() == 1


def test_a_death_is_stored_once_and_left_pending_for_the_township(recipient, police):
    response = police.post(NOTIFY, messages.notify(HEAD), format="json")
    assert response.status_code == 200, response.content
    assert response.json()["message"]["ack_status"] == "ACK"
    assert response.json()["message"]["stored"] == ["death-1"]
    notice = DeathNotice.objects.get()
    assert notice.state == NoticeState.PENDING
    assert notice.household == recipient.household
    assert notice.member.name == "户主1"
    assert list(notice.benefits.all()) == [recipient]
    assert str(notice.death_date) == "2026-04-05"

    again = police.post(NOTIFY, messages.notify(HEAD), format="json")
    assert again.status_code == 200 and again.json()["message"]["stored"] == []
    assert DeathNotification.objects.count() == 1 and DeathNotice.objects.count() == 1


def test_a_notified_death_is_a_finding_at_once_and_the_next_payroll_does_not_pay(
    recipient, police, staff
):
    police.post(NOTIFY, messages.notify(HEAD), format="json")
    finding = Finding.objects.get()
    assert finding.kind == "death_notice" and finding.campaign is None
    assert finding.region_id == recipient.household.region_id[:9] + "000"
    hold = PaymentHold.objects.get(finding=finding)
    assert hold.benefit == recipient and str(hold.from_month) == "2026-04-01"  # no payroll yet
    event = AuditEvent.objects.get(action=AuditAction.PARTNER_NOTIFY)
    assert event.after["findings"] == [finding.pk]
    with pytest.raises(DoudiError) as refused:  # the only recipient is held
        generate(staff.county, "minimum_living", hold.from_month, staff.county.region_id)
    assert "Nobody is left to pay" in refused.value.render("en")


def test_a_death_of_somebody_not_on_assistance_is_stored_without_a_notice(recipient, police):
    other = valid_id_number("41082119800101005")
    police.post(NOTIFY, messages.notify(other), format="json")
    assert DeathNotification.objects.count() == 1
    assert not DeathNotice.objects.exists()


def test_no_number_in_clear_in_rows_events_or_answers(recipient, police):
    response = police.post(NOTIFY, messages.notify(HEAD), format="json")
    assert HEAD not in response.content.decode()
    rows = serializers.serialize(
        "json",
        [*DeathNotification.objects.all(), *DeathNotice.objects.all(), *AuditEvent.objects.all()],
    )
    assert HEAD not in rows and HEAD.lower() not in rows


def test_notifying_without_a_subscription_is_refused(recipient, partner):
    _system, client = partner("notify_deaths", name="公安人口系统")
    response = client.post(NOTIFY, messages.notify(HEAD), format="json")
    assert response.status_code == 403
    assert not DeathNotification.objects.exists()


def test_subscribing_needs_the_agreement(partner):
    _system, client = partner("receives_assistance")
    assert client.post(SUBSCRIBE, messages.subscribe(), format="json").status_code == 403
    assert not Subscription.objects.exists()


def test_after_unsubscribing_deaths_are_refused(recipient, police):
    code = Subscription.objects.get().code
    body = messages.envelope(
        "unsubscribe",
        {"transaction_id": "t-4", "timestamp": messages.TS, "subscription_codes": [code]},
    )
    response = police.post(UNSUBSCRIBE, body, format="json")
    assert response.json()["message"]["subscription_codes"] == [code]
    assert police.post(NOTIFY, messages.notify(HEAD), format="json").status_code == 403


def test_a_death_in_the_future_is_refused_naming_the_field(recipient, police):
    response = police.post(NOTIFY, messages.notify(HEAD, death_date="2026-05-01"), format="json")
    assert response.status_code == 400
    assert (
        response.json()["error"]["field"]
        == "message.notify_event[0].data.reg_records[0].death_date"
    )
    assert not DeathNotification.objects.exists()
