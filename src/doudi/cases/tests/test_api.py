"""The case API: open, step, read; a refused step is a 400 naming the field, and changes
nothing; jurisdiction and roles as on the pages."""

from __future__ import annotations

import pytest

from doudi.accounts.roles import Role
from doudi.cases.models import Case
from doudi.conftest import OUTSIDE_TOWNSHIP, api_as

pytestmark = pytest.mark.django_db


def test_open_and_walk_a_case_through_the_api(staff, household, clock):
    clock.at("2026-03-02")
    handler = api_as(staff.handler)
    created = handler.post("/api/v1/cases/", {
        "household": household.pk, "programme": "minimum_living", "channel": "window",
        "authorisation_signed_on": "2026-03-01"}, format="json")
    assert created.status_code == 201, created.json()
    case_id = created.json()["id"]
    assert handler.post(f"/api/v1/cases/{case_id}/actions/accept/", {}, format="json"
                        ).json()["state"] == "accepted"
    refused = handler.post(f"/api/v1/cases/{case_id}/actions/investigate/", {
        "visited_on": "2026-03-02", "investigator_ids": [staff.handler.pk], "home_visit": True,
        "findings": "入户"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["field"] == "investigators"
    assert "two" in refused.json()["error"]["message_en"]
    walked = handler.post(f"/api/v1/cases/{case_id}/actions/investigate/", {
        "visited_on": "2026-03-02", "investigator_ids": [staff.handler.pk, staff.village.pk],
        "home_visit": True, "findings": "入户核实"}, format="json")
    assert walked.json()["state"] == "investigated"
    assert [t["action"] for t in walked.json()["transitions"]] == ["submit", "accept",
                                                                   "investigate"]
    unknown = handler.post(f"/api/v1/cases/{case_id}/actions/request_check/",
                           {"hurry": True}, format="json")
    assert unknown.status_code == 400 and unknown.json()["error"]["field"] == "hurry"
    assert Case.objects.get().state == "investigated"
    listed = handler.get("/api/v1/cases/?state=investigated").json()
    assert listed["count"] == 1
    assert "overdue" in handler.get("/api/v1/cases/deadlines/").json()


def test_roles_and_places(staff, household, clock, make_user):
    clock.at("2026-03-02")
    case = api_as(staff.handler).post("/api/v1/cases/", {
        "household": household.pk, "programme": "minimum_living", "channel": "window"},
        format="json").json()
    auditor = api_as(make_user(Role.AUDITOR))
    assert auditor.get(f"/api/v1/cases/{case['id']}/").status_code == 200
    assert auditor.post(f"/api/v1/cases/{case['id']}/actions/accept/", {},
                        format="json").status_code == 403
    elsewhere = api_as(make_user(Role.TOWNSHIP_HANDLER, OUTSIDE_TOWNSHIP, "elsewhere"))
    assert elsewhere.get(f"/api/v1/cases/{case['id']}/").status_code == 404
