"""The investigation's findings are fields of the household form: checked, stored, versioned."""

from __future__ import annotations

import pytest

from doudi.accounts.roles import Role
from doudi.conftest import household_form, member_form
from doudi.errors import ValidationFailed
from doudi.registry.form_input import parse_household
from doudi.registry.models import HouseholdVersion
from doudi.registry.queries import household_form as registry_form
from doudi.registry.services import create_household

pytestmark = pytest.mark.django_db


def test_absent_findings_take_the_defaults():
    data = parse_household(household_form())
    assert not data.disaster_affected
    assert [
        (m.has_capable_supporter, m.orphan_status, m.care_setting, m.medical_claim)
        for m in data.members
    ] == [(True, "none", "home", None)] * 2


def test_bad_findings_are_refused_each_by_its_field():
    form = household_form(disaster_affected="yes")
    form["members"][0].update(
        has_capable_supporter="no",
        orphan_status="half",
        care_setting="hotel",
        medical_claim={"type": "dental", "total_cost_fen": -5, "cost": 1},
    )
    form["members"][1]["medical_claim"] = "inpatient"
    with pytest.raises(ValidationFailed) as refusal:
        parse_household(form)
    assert {p.field for p in refusal.value.problems} == {
        "disaster_affected",
        "members[0].has_capable_supporter",
        "members[0].orphan_status",
        "members[0].care_setting",
        "members[0].medical_claim.type",
        "members[0].medical_claim.total_cost_fen",
        "members[0].medical_claim.cost",
        "members[1].medical_claim",
    }


def test_findings_are_stored_and_kept_in_the_version(make_user):
    handler = make_user(Role.TOWNSHIP_HANDLER)
    claim = {"type": "catastrophic", "category": "edge", "total_cost_fen": 9_000_000}
    form = household_form(
        disaster_affected=True,
        members=[
            member_form("41082119700101001", "张三", has_capable_supporter=False),
            member_form(
                "41082120160202002",
                "小明",
                relation="child",
                orphan_status="orphan",
                care_setting="institution",
                medical_claim=claim,
            ),
        ],
    )
    household = create_household(handler, form)[0]
    stored = HouseholdVersion.objects.get(household=household).form
    assert stored["disaster_affected"] is True
    assert [m["medical_claim"] for m in stored["members"]] == [None, claim]
    shown = registry_form(handler, household.pk)
    assert [
        (m["has_capable_supporter"], m["orphan_status"], m["care_setting"])
        for m in shown["members"]
    ] == [(False, "none", "home"), (True, "orphan", "institution")]
