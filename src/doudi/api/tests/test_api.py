"""The API's contract: OpenAPI document, one error shape, bilingual messages, nothing half-done."""

from __future__ import annotations

import pytest

from doudi.accounts.models import User
from doudi.audit.models import AuditEvent
from doudi.conftest import PASSWORD, api_as, valid_id_number

pytestmark = pytest.mark.django_db


def test_the_openapi_document_describes_the_api(api_client):
    response = api_client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    for path in (
        "/api/v1/regions/",
        "/api/v1/regions/{code}/",
        "/api/v1/users/",
        "/api/v1/audit-events/",
        "/api/v1/auth/login/",
        "/api/v1/me/",
    ):
        assert path in document["paths"], path


def test_no_token_is_a_bilingual_401(api_client):
    response = api_client.get("/api/v1/regions/")
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "not_authenticated"
    assert "登录" in error["message"] and "Log in" in error["message_en"]


def test_english_is_available_by_header(api_client, admin_user):
    client = api_as(admin_user)
    response = client.get("/api/v1/regions/999999999999/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["error"]["message"] == "Not found, or outside your jurisdiction."


def test_malformed_json_is_refused_clearly(admin_user):
    response = api_as(admin_user).generic(
        "PATCH", "/api/v1/regions/410821000000/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_missing_fields_are_named(admin_user):
    response = api_as(admin_user).patch(
        "/api/v1/regions/410821000000/", {"name": "x"}, format="json"
    )
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]


def test_a_bad_id_number_creates_nothing_and_names_the_field(admin_user):
    events = AuditEvent.objects.count()
    body = {
        "username": "new1",
        "password": PASSWORD,
        "role": "village_worker",
        "region": "410821902001",
        "id_number": "410821198501010010",
    }
    response = api_as(admin_user).post("/api/v1/users/", body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == "id_number" and "校验码" in error["message"]
    assert not User.objects.filter(username="new1").exists()
    assert AuditEvent.objects.count() == events


def test_an_account_created_through_the_api_keeps_the_id_number_protected(admin_user):
    number = valid_id_number("41082119900202002")
    body = {
        "username": "new2",
        "password": PASSWORD,
        "role": "village_worker",
        "region": "410821902001",
        "id_number": number,
        "reason": "新入职",
    }
    response = api_as(admin_user).post("/api/v1/users/", body, format="json")
    assert response.status_code == 201
    assert response.json()["id_number"] == "4108*************" + number[-1]
    user = User.objects.get(username="new2")
    assert number not in user.id_number_ciphertext and user.reveal_id_number() == number
    assert User.objects.filter(User.id_number_filter(number)).get() == user
    event = AuditEvent.objects.get(action="user.create", object_id="new2")
    assert number not in str(event.after) and event.reason == "新入职"
