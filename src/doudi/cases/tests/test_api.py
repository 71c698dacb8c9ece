"""The case API: open, step, read; a refused step is a 400 naming the field, and changes
nothing; jurisdiction and roles as on the pages; ID numbers masked."""

from __future__ import annotations

import json

import pytest

from doudi.accounts.roles import Role
from doudi.cases.models import Case
from doudi.conftest import OUTSIDE_TOWNSHIP, api_as, valid_id_number

pytestmark = pytest.mark.django_db

HEAD_ID = valid_id_number("41082119700101001")


def opened(client, household, **fields) -> dict:
    response = client.post(
        "/api/v1/cases/",
        {"household": household.pk, "programme": "minimum_living", "channel": "window", **fields},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_open_and_walk_a_case_through_the_api(staff, household, clock):
    clock.at("2026-03-02")
    handler = api_as(staff.handler)
    case_id = opened(
        handler, household, authorisation_signed_on="2026-03-01", requested_amount_fen=50000
    )["id"]
    assert (
        handler.post(f"/api/v1/cases/{case_id}/actions/accept/", {}, format="json").json()["state"]
        == "accepted"
    )
    refused = handler.post(
        f"/api/v1/cases/{case_id}/actions/investigate/",
        {
            "visited_on": "2026-03-02",
            "investigator_ids": [staff.handler.pk],
            "home_visit": True,
            "findings": "入户",
        },
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["field"] == "investigator_ids"
    assert "two" in refused.json()["error"]["message_en"]
    walked = handler.post(
        f"/api/v1/cases/{case_id}/actions/investigate/",
        {
            "visited_on": "2026-03-02",
            "investigator_ids": [staff.handler.pk, staff.village.pk],
            "home_visit": True,
            "findings": "入户核实",
        },
        format="json",
    ).json()
    assert walked["state"] == "investigated" and walked["requested_amount_fen"] == 50000
    assert [t["action"] for t in walked["transitions"]] == ["submit", "accept", "investigate"]
    assert len(walked["investigations"][0]["investigators"]) == 2
    handler.post(f"/api/v1/cases/{case_id}/actions/request_check/", {}, format="json")
    checked = (
        api_as(staff.county)
        .post(
            f"/api/v1/cases/{case_id}/actions/record_check/",
            {"result": "consistent"},
            format="json",
        )
        .json()
    )
    assert checked["state"] == "checked" and checked["data_checks"][0]["result"] == "consistent"
    listed = handler.get("/api/v1/cases/?state=checked").json()
    assert listed["count"] == 1 and listed["results"][0]["head_name"] == "张三"
    assert handler.get("/api/v1/cases/?programme=extreme_hardship").json()["count"] == 0


@pytest.mark.parametrize(
    ("step", "body", "field"),
    [
        ("request_check", {"hurry": True}, "hurry"),  # not a field of the step
        # the page's names, or a service's old names, are refused by name, not ignored
        (
            "investigate",
            {
                "visited_on": "2026-03-02",
                "investigators": [1, 2],
                "home_visit": True,
                "findings": "x",
            },
            "investigators",
        ),
        ("withdraw", {"reason": "撤回", "reasons": "撤回"}, "reasons"),
        ("extend", {"why": "跨地区"}, "why"),
        ("withdraw", {}, "reason"),  # missing
        ("withdraw", {"reason": 5}, "reason"),  # not a text
        ("list_missing", {"items": "户口簿"}, "items"),  # not a list
        ("list_missing", [], None),  # not an object
        ("investigate", {"visited_on": "2026-03-02"}, "investigator_ids"),  # missing
        (
            "investigate",
            {"visited_on": "2 March", "investigator_ids": [1], "home_visit": True, "findings": "x"},
            "visited_on",
        ),
        (
            "investigate",
            {
                "visited_on": "2026-03-02",
                "investigator_ids": ["1"],
                "home_visit": True,
                "findings": "x",
            },
            "investigator_ids",
        ),
        (
            "investigate",
            {
                "visited_on": "2026-03-02",
                "investigator_ids": [1],
                "home_visit": "yes",
                "findings": "x",
            },
            "home_visit",
        ),
        ("request_check", {}, "state"),  # not from this state
        ("hurry_up", {}, "action"),  # no such step
    ],
)
def test_a_bad_step_is_a_400_naming_the_field(staff, household, clock, step, body, field):
    clock.at("2026-03-02")
    handler = api_as(staff.handler)
    case_id = opened(handler, household)["id"]
    handler.post(f"/api/v1/cases/{case_id}/actions/accept/", {}, format="json")
    response = handler.post(f"/api/v1/cases/{case_id}/actions/{step}/", body, format="json")
    assert response.status_code == 400, response.json()
    error = response.json()["error"]
    assert error["field"] == field and error["message"] and error["message_en"]
    assert set(error) >= {"code", "message", "message_en", "field"}
    assert Case.objects.get().state == "accepted"
    assert Case.objects.get().transitions.count() == 2


def test_opening_refuses_mistyped_fields(staff, household, clock):
    clock.at("2026-03-02")
    handler = api_as(staff.handler)
    for body, field in (
        (
            {
                "household": household.pk,
                "programme": "minimum_living",
                "channel": "window",
                "requested_amount_fen": "500",
            },
            "requested_amount_fen",
        ),
        ({"programme": "minimum_living", "channel": "window"}, "household"),
        ({"household": household.pk, "programme": "minimum_living"}, "channel"),
        (
            {
                "household": household.pk,
                "programme": "minimum_living",
                "channel": "window",
                "kind": "change",
            },
            "kind",
        ),
    ):
        response = handler.post("/api/v1/cases/", body, format="json")
        assert response.status_code == 400 and response.json()["error"]["field"] == field
    assert not Case.objects.exists()


def test_roles_places_and_masked_id_numbers(staff, household, clock, make_user):
    clock.at("2026-03-02")
    case = opened(api_as(staff.handler), household, relative_of_staff="村主任之子")
    auditor = api_as(make_user(Role.AUDITOR))
    detail = auditor.get(f"/api/v1/cases/{case['id']}/")
    assert detail.status_code == 200
    assert detail.json()["head_id_number"] == household.members.get(name="张三").id_number_masked
    assert (
        auditor.post(f"/api/v1/cases/{case['id']}/actions/accept/", {}, format="json").status_code
        == 403
    )
    deadlines = auditor.get("/api/v1/cases/deadlines/").json()
    assert [row["id"] for row in deadlines["relatives"]] == [case["id"]]
    outputs = [
        detail.content,
        auditor.get("/api/v1/cases/").content,
        auditor.get("/api/v1/cases/deadlines/").content,
    ]
    assert all(HEAD_ID not in output.decode() for output in outputs)
    elsewhere = api_as(make_user(Role.TOWNSHIP_HANDLER, OUTSIDE_TOWNSHIP, "elsewhere"))
    assert elsewhere.get(f"/api/v1/cases/{case['id']}/").status_code == 404
    assert (
        elsewhere.post(f"/api/v1/cases/{case['id']}/actions/accept/", {}, format="json").status_code
        == 404
    )
    assert elsewhere.get("/api/v1/cases/").json()["count"] == 0
    assert Case.objects.get().state == "submitted"


def test_the_deadline_lists(staff, household, clock):
    clock.at("2026-03-02")
    handler = api_as(staff.handler)
    case_id = opened(handler, household)["id"]
    handler.post(f"/api/v1/cases/{case_id}/actions/accept/", {}, format="json")
    assert [r["id"] for r in handler.get("/api/v1/cases/deadlines/").json()["due_soon"]] == [
        case_id
    ]
    clock.at("2026-03-09")
    lists = handler.get("/api/v1/cases/deadlines/?place=410821902000").json()
    assert [row["id"] for row in lists["overdue"]] == [case_id] and lists["due_soon"] == []
    assert handler.get("/api/v1/cases/deadlines/?place=410825000000").json()["overdue"] == []
    bad = handler.get("/api/v1/cases/deadlines/?place=41")
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "place"


def test_the_openapi_document_describes_the_case_endpoints(api_client):
    paths = json.loads(api_client.get("/api/v1/openapi.json").content)["paths"]
    for path in (
        "/api/v1/cases/",
        "/api/v1/cases/{id}/",
        "/api/v1/cases/deadlines/",
        "/api/v1/cases/hukou-checks/",
        "/api/v1/cases/{id}/actions/investigate/",
        "/api/v1/cases/{id}/actions/answer_hukou_check/",
    ):
        assert path in paths, path


def test_amounts_are_integer_fen_and_stages_objects(staff, household, clock):
    clock.at("2026-03-02")
    handler = api_as(staff.handler)
    for amount in (500.5, "500", True):
        refused = handler.post(
            "/api/v1/cases/",
            {
                "household": household.pk,
                "programme": "temporary_expenditure",
                "channel": "window",
                "requested_amount_fen": amount,
            },
            format="json",
        )
        assert refused.json()["error"]["field"] == "requested_amount_fen", amount
        assert "fen" in refused.json()["error"]["message_en"]
    case_id = opened(
        handler, household, programme="temporary_expenditure", requested_amount_fen=50_000
    )["id"]
    county = api_as(staff.county)
    pairs = county.post(
        f"/api/v1/cases/{case_id}/actions/approve/",
        {"reasons": "x", "amount_fen": 100, "stages": [["2026-03-02", 100]]},
        format="json",
    )
    assert pairs.status_code == 400 and pairs.json()["error"]["field"] == "stages[0]"


def test_the_hukou_township_answers_through_the_api(staff, household, clock, make_user):
    hukou = api_as(make_user(Role.TOWNSHIP_HANDLER, "410821901000", "hukou_handler"))
    clock.at("2026-03-02")
    handler = api_as(staff.handler)
    case_id = opened(
        handler, household, authorisation_signed_on="2026-03-01", hukou_region_code="410821901001"
    )["id"]
    handler.post(f"/api/v1/cases/{case_id}/actions/accept/", {}, format="json")
    handler.post(
        f"/api/v1/cases/{case_id}/actions/investigate/",
        {
            "visited_on": "2026-03-02",
            "investigator_ids": [staff.handler.pk, staff.village.pk],
            "home_visit": True,
            "findings": "入户核实",
        },
        format="json",
    )
    handler.post(f"/api/v1/cases/{case_id}/actions/request_check/", {}, format="json")
    county = api_as(staff.county)
    county.post(
        f"/api/v1/cases/{case_id}/actions/record_check/", {"result": "consistent"}, format="json"
    )
    handler.post(
        f"/api/v1/cases/{case_id}/actions/give_opinion/",
        {"recommends_approval": False, "text": "拟不予"},
        format="json",
    )
    detail = county.get(f"/api/v1/cases/{case_id}/").json()
    assert "refuse" not in detail["steps"]
    assert any("help verify" in w["message_en"] for w in detail["waiting"])
    assert hukou.get(f"/api/v1/cases/{case_id}/").status_code == 404
    [row] = hukou.get("/api/v1/cases/hukou-checks/").json()
    assert row["case"] == case_id and row["can_answer"] and row["head_name"] == "张三"
    assert HEAD_ID not in json.dumps(row, ensure_ascii=False)
    assert not set(row) & {"facts", "transitions", "investigations", "need"}
    assert handler.get("/api/v1/cases/hukou-checks/").json() == []
    url = f"/api/v1/cases/{case_id}/actions/answer_hukou_check/"
    assert handler.post(url, {"answer": "代答"}, format="json").status_code == 404
    assert (
        hukou.post(url, {"answer": "x", "answr": "y"}, format="json").json()["error"]["field"]
        == "answr"
    )
    answered = hukou.post(url, {"answer": "户籍地核实：无房产。"}, format="json")
    assert answered.status_code == 200, answered.json()
    assert answered.json()["answered_on"] == "2026-03-02" and not answered.json()["can_answer"]
    assert hukou.get("/api/v1/cases/hukou-checks/").json() == []
    refused = county.post(
        f"/api/v1/cases/{case_id}/actions/refuse/", {"reasons": "不符合"}, format="json"
    )
    assert refused.status_code == 200 and refused.json()["state"] == "refused"


def test_the_openapi_document_declares_each_steps_fields(api_client):
    document = json.loads(api_client.get("/api/v1/openapi.json").content)
    schemas = document["components"]["schemas"]
    investigate = document["paths"]["/api/v1/cases/{id}/actions/investigate/"]["post"]
    body = investigate["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    fields = schemas[body.rsplit("/", 1)[1]]
    assert set(fields["required"]) == {"visited_on", "investigator_ids", "home_visit", "findings"}
    assert "fen" in schemas["PayFirstInput"]["properties"]["amount_fen"]["description"]
    assert set(schemas["StageInput"]["properties"]) == {"due_on", "amount_fen"}
