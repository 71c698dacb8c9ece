"""Registry search: answered as far as the partner's agreement allows, never more."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from doudi.audit.actions import AuditAction
from doudi.audit.models import AuditEvent
from doudi.conftest import valid_id_number, with_wrong_check_digit
from doudi.exchange.models import PartnerSystem
from doudi.exchange.tests import messages
from doudi.exchange.tests.conftest import HEAD

URL = "/api/dci/v1/registry/search"
BOTH = ("receives_assistance", "programmes")
pytestmark = pytest.mark.django_db


def records(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["message"]["search_response"][0]["data"]["reg_records"]


def test_a_recipient_is_found_with_the_programmes(recipient, partner):
    _system, client = partner(*BOTH)
    response = client.post(URL, messages.search(HEAD), format="json")
    assert records(response) == [
        {
            "receives_assistance": True,
            "programmes": [{"code": "minimum_living", "name": "最低生活保障（低保）"}],
        }
    ]
    assert response.json()["header"]["action"] == "on-search"
    assert HEAD not in response.content.decode()


def test_somebody_unknown_is_not_found(recipient, partner):
    _system, client = partner(*BOTH)
    response = client.post(
        URL, messages.search(valid_id_number("41082119800101005")), format="json"
    )
    assert records(response) == []


def test_an_invalid_number_is_refused_naming_the_field(recipient, partner):
    _system, client = partner(*BOTH)
    response = client.post(URL, messages.search(with_wrong_check_digit(HEAD)), format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == "message.search_request[0].search_criteria.query.value"
    assert error["message"] and error["message_en"]
    assert not AuditEvent.objects.filter(action=AuditAction.PARTNER_SEARCH).exists()


def test_an_old_15_digit_number_is_read_as_its_18_digit_form(recipient, partner):
    _system, client = partner(*BOTH)
    old = HEAD[:6] + HEAD[8:17]
    assert records(client.post(URL, messages.search(old), format="json"))[0]["receives_assistance"]


@pytest.mark.parametrize(
    ("scope", "keys"),
    [("receives_assistance", {"receives_assistance"}), ("programmes", {"programmes"})],
)
def test_the_scope_limits_the_answer(recipient, partner, scope, keys):
    _system, client = partner(scope)
    assert set(records(client.post(URL, messages.search(HEAD), format="json"))[0]) == keys


def test_a_partner_without_a_search_scope_is_refused(recipient, partner):
    _system, client = partner("notify_deaths")
    assert client.post(URL, messages.search(HEAD), format="json").status_code == 403


def test_outside_the_partners_region_nobody_is_found(recipient, partner):
    _system, client = partner(*BOTH, region="410825")
    assert records(client.post(URL, messages.search(HEAD), format="json")) == []
    _system, inside = partner(*BOTH, region="410821", name="修武县公安局")
    assert len(records(inside.post(URL, messages.search(HEAD), format="json"))) == 1


def test_a_wrong_token_an_inactive_partner_or_a_staff_token_are_refused(
    recipient, partner, cli_as, admin_user
):
    system, client = partner(*BOTH)
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION="Bearer dci_not-a-token")
    staff = APIClient()
    staff.credentials(HTTP_AUTHORIZATION=f"Token {cli_as(admin_user)}")
    for caller in (wrong, staff, APIClient()):
        response = caller.post(URL, messages.search(HEAD), format="json")
        assert response.status_code == 401
        assert "reg_records" not in response.content.decode()
    PartnerSystem.objects.filter(pk=system.pk).update(active=False)
    assert client.post(URL, messages.search(HEAD), format="json").status_code == 401
    assert not AuditEvent.objects.filter(action=AuditAction.PARTNER_SEARCH).exists()


def test_the_search_is_audited_without_the_number(recipient, partner):
    _system, client = partner(*BOTH)
    client.post(URL, messages.search(HEAD), format="json")
    event = AuditEvent.objects.get(action=AuditAction.PARTNER_SEARCH)
    assert event.after["found"] == ["ref-0"]
    assert event.region_code == "" and event.actor_username == "system"
    assert HEAD not in str([event.before, event.after, event.reason])


def test_the_wrong_action_in_the_header_is_refused(recipient, partner):
    _system, client = partner(*BOTH)
    body = messages.search(HEAD)
    body["header"]["action"] = "notify"
    response = client.post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "header.action"
