"""The registry through /api/v1: the JSON form in and out, errors by field, privacy."""

from __future__ import annotations

import io

import jsonschema
import pytest

from doudi.accounts.roles import Role
from doudi.audit.models import AuditEvent
from doudi.conftest import api_as, household_form, member_form, valid_id_number
from doudi.registry import choices
from doudi.registry.api import household_schema
from doudi.registry.models import Household

pytestmark = pytest.mark.django_db


@pytest.fixture
def handler(make_user):
    return make_user(Role.TOWNSHIP_HANDLER)


def _create(client, form=None):
    response = client.post("/api/v1/households/", form or household_form(), format="json")
    assert response.status_code == 201, response.json()
    return response.json()["household"]


def test_create_then_read_the_form_which_matches_the_schema(handler):
    client = api_as(handler)
    created = _create(client)
    jsonschema.validate(created, household_schema())
    read = client.get(f"/api/v1/households/{created['id']}/").json()
    assert read == created
    assert [m["name"] for m in read["members"]] == ["张三", "李四"]
    assert read["members"][0]["id_number"].count("*") == 13
    assert read["incomes"][0] == {**read["incomes"][0], "amount_fen": 80000, "counted": True}


def test_the_input_fixture_matches_the_schema_and_the_schema_matches_the_code():
    schema = household_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(household_form(), schema)
    member = schema["$defs"]["member"]["properties"]
    assert member["relation"]["enum"] == choices.Relation.values
    assert set(member["self_care_failed"]["items"]["enum"]) == set(choices.SelfCareItem.values)
    income = schema["properties"]["incomes"]["items"]["properties"]
    assert income["type"]["enum"] == choices.IncomeType.values
    asset = schema["properties"]["assets"]["items"]["properties"]
    assert asset["type"]["enum"] == choices.AssetType.values
    assert member["orphan_status"]["enum"] == choices.OrphanStatus.values
    assert member["care_setting"]["enum"] == choices.CareSetting.values
    claim = member["medical_claim"]["properties"]
    assert set(claim) == {*choices.MEDICAL_CLAIM_CHOICES, *choices.MEDICAL_CLAIM_AMOUNTS}
    for name, vocabulary in choices.MEDICAL_CLAIM_CHOICES.items():
        assert claim[name]["enum"] == vocabulary.values
    assert schema["properties"]["disaster_affected"]["type"] == "boolean"


def test_a_bad_form_gets_every_problem_by_field_in_both_languages(handler):
    form = household_form()
    form["members"][1]["id_number"] = "123"
    form["members"][0]["marital_status"] = "complicated"
    response = api_as(handler).post("/api/v1/households/", form, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    fields = {p["field"] for p in error["problems"]}
    assert fields == {"members[1].id_number", "members[0].marital_status"}
    assert all(p["message"] and p["message_en"] for p in error["problems"])
    assert not Household.objects.exists()


def test_search_by_id_number_goes_in_the_body(handler):
    client = api_as(handler)
    created = _create(client)
    response = client.post(
        "/api/v1/households/search/",
        {"id_number": valid_id_number("41082119720202002")},
        format="json",
    )
    assert [row["id"] for row in response.json()["results"]] == [created["id"]]
    assert response.json()["results"][0]["head_name"] == "张三"
    by_name = client.get("/api/v1/households/?name=李").json()["results"]
    assert [row["id"] for row in by_name] == [created["id"]]
    assert client.get("/api/v1/households/?name=王").json()["results"] == []


def test_member_changes_and_as_of(handler):
    client = api_as(handler)
    created = _create(client)
    child = member_form(
        "41082120150505003",
        "张小",
        relation="child",
        marital_status="unmarried",
        education="primary",
        in_school=True,
        employment="student",
    )
    response = client.post(
        f"/api/v1/households/{created['id']}/members/",
        {**child, "reason": "出生登记"},
        format="json",
    )
    assert response.status_code == 201
    assert len(response.json()["household"]["members"]) == 3
    versions = client.get(f"/api/v1/households/{created['id']}/versions/").json()
    assert [v["version"] for v in versions] == [2, 1]
    assert versions[1]["action"] == "household.create"
    assert versions[1]["action_label"] == "登记家庭"
    spouse = next(m for m in created["members"] if m["name"] == "李四")
    ended = client.post(
        f"/api/v1/members/{spouse['key']}/end/",
        {"leave_reason": "moved_out", "reason": "迁出"},
        format="json",
    )
    assert ended.status_code == 200
    assert [m["name"] for m in ended.json()["former_members"]] == ["李四"]
    bad_date = client.get(f"/api/v1/households/{created['id']}/?as_of=2026-13-01")
    assert bad_date.status_code == 400 and bad_date.json()["error"]["field"] == "as_of"


def test_money_facts_are_added_in_fen_and_removed_with_a_reason(handler):
    client = api_as(handler)
    created = _create(client)
    response = client.post(
        f"/api/v1/households/{created['id']}/assets/",
        {
            "type": "vehicle",
            "value_fen": 3_000_000,
            "vehicle_type": "car",
            "reason": "入户核查发现",
        },
        format="json",
    )
    asset = response.json()["assets"][0]
    assert asset["value_fen"] == 3_000_000 and asset["vehicle_type"] == "car"
    refused = client.post(
        f"/api/v1/households/{created['id']}/assets/",
        {"type": "home", "value_fen": 1},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["problems"][0]["field"] == "floor_area_m2"
    assert (
        client.post(
            f"/api/v1/facts/asset/{asset['key']}/remove/", {"reason": "误录"}, format="json"
        ).status_code
        == 204
    )
    assert client.get(f"/api/v1/households/{created['id']}/").json()["assets"] == []


def test_reveal_is_audited_and_outsiders_see_nothing(handler, make_user):
    client = api_as(handler)
    created = _create(client)
    key = created["members"][0]["key"]
    revealed = client.post(f"/api/v1/members/{key}/reveal/", {"reason": "核对"}, format="json")
    assert revealed.json()["id_number"] == valid_id_number("41082119700101001")
    assert AuditEvent.objects.filter(action="household.reveal_id_number").count() == 1
    outsider = api_as(make_user(Role.TOWNSHIP_HANDLER, "410825902000", username="wen"))
    assert outsider.get(f"/api/v1/households/{created['id']}/").status_code == 404
    assert (
        outsider.post(f"/api/v1/members/{key}/reveal/", {"reason": "x"}, format="json").status_code
        == 404
    )
    assert outsider.get("/api/v1/households/").json()["results"] == []
    finance = api_as(make_user(Role.FINANCE_OFFICER))
    assert finance.get(f"/api/v1/households/{created['id']}/").status_code == 403


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_attachments_are_checked_stored_and_scoped(handler, make_user):
    client = api_as(handler)
    created = _create(client)
    url = f"/api/v1/households/{created['id']}/attachments/"
    upload = io.BytesIO(PDF)
    upload.name = "张三身份证.pdf"
    listed = client.post(url, {"file": upload, "category": "id_card"}, format="multipart")
    assert listed.status_code == 200
    (attachment,) = listed.json()
    assert attachment["content_type"] == "application/pdf"
    assert attachment["uploaded_by"] == handler.username
    download = client.get(f"/api/v1/attachments/{attachment['id']}/")
    assert b"".join(download.streaming_content) == PDF
    fake = io.BytesIO(b"MZ\x90\x00 not a pdf")
    fake.name = "x.pdf"
    refused = client.post(url, {"file": fake, "category": "id_card"}, format="multipart")
    assert refused.status_code == 400 and refused.json()["error"]["field"] == "file"
    outsider = api_as(make_user(Role.TOWNSHIP_HANDLER, "410825902000", username="wen"))
    assert outsider.get(f"/api/v1/attachments/{attachment['id']}/").status_code == 404
