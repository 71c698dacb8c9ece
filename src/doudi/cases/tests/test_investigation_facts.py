"""What the investigation establishes is recorded in the registry and kept in its versions."""

from __future__ import annotations

import pytest

from doudi.audit.models import AuditEvent
from doudi.cases import services
from doudi.cases.tests.helpers import investigate, open_case
from doudi.conftest import household_form, member_form
from doudi.errors import ValidationFailed
from doudi.registry.models import HouseholdVersion, Member
from doudi.registry.queries import household_form as registry_form
from doudi.registry.services import create_household, update_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def elder(staff, clock):
    clock.at("2026-01-05")
    form = household_form(
        members=[member_form("41082119500101003", "王老汉", marital_status="widowed")], incomes=[]
    )
    return create_household(staff.handler, form, reason="登记")[0]


def test_the_findings_go_into_the_household_and_a_new_version(staff, elder, clock):
    clock.at("2026-03-02")
    person = elder.members.get()
    case = open_case(staff, elder, "extreme_hardship", member_id=person.pk)
    services.accept(staff.handler, case.pk)
    claim = {"type": "inpatient", "total_cost_fen": 5_000_000, "paid_by_basic_insurance_fen": 0}
    before = HouseholdVersion.objects.filter(household=elder).count()
    events = AuditEvent.objects.count()
    investigate(
        staff,
        case,
        "2026-03-02",
        facts={
            "household": {"disaster_affected": True},
            "members": {
                str(person.pk): {
                    "has_capable_supporter": False,
                    "care_setting": "institution",
                    "medical_claim": claim,
                }
            },
        },
    )
    person.refresh_from_db()
    elder.refresh_from_db()
    assert elder.disaster_affected
    assert (person.has_capable_supporter, person.orphan_status, person.care_setting) == (
        False,
        "none",
        "institution",
    )
    assert person.medical_claim == claim
    versions = HouseholdVersion.objects.filter(household=elder).order_by("version")
    assert versions.count() == before + 1
    latest = versions.last()
    assert latest.action == "household.investigation_facts"
    assert latest.form["disaster_affected"] is True
    assert latest.form["members"][0]["medical_claim"] == claim
    # One audited step: the investigation, naming the version that holds its findings.
    step = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == events + 1
    assert (step.action, step.after["household_version"]) == ("case.investigate", latest.version)
    form = registry_form(staff.handler, elder.pk)
    assert form["members"][0]["care_setting"] == "institution"


def test_findings_the_form_refuses_are_refused_by_field_and_nothing_is_kept(staff, elder, clock):
    clock.at("2026-03-02")
    person = elder.members.get()
    case = open_case(staff, elder, "extreme_hardship", member_id=person.pk)
    services.accept(staff.handler, case.pk)
    before = HouseholdVersion.objects.filter(household=elder).count()
    with pytest.raises(ValidationFailed) as refusal:
        investigate(
            staff,
            case,
            "2026-03-02",
            facts={"members": {str(person.pk): {"orphan_status": "half"}}},
        )
    assert [p.field for p in refusal.value.problems] == ["members[0].orphan_status"]
    person.refresh_from_db()
    assert person.orphan_status == "none"
    assert HouseholdVersion.objects.filter(household=elder).count() == before


def test_the_findings_are_kept_for_a_household_the_registry_left_without_a_head(staff, clock):
    """Data from before the registry kept one head: the head died and nobody was named. The
    investigation writes no relation, so it keeps its findings (and the household stays as it
    was, to be mended on its own page)."""
    clock.at("2026-01-05")
    household = create_household(staff.handler, household_form(), reason="登记")[0]
    clock.at("2026-03-02")
    case = open_case(staff, household)
    services.accept(staff.handler, case.pk)
    head = household.members.get(relation="head")
    Member.objects.filter(pk=head.pk).update(
        left_on="2026-02-01", death_date="2026-02-01", leave_reason="death"
    )
    spouse = household.members.get(relation="spouse")
    # A later change writes the headless household into a version, as the old registry did.
    record = member_form("41082119720202002", "李四", relation="spouse", phone="13800000000")
    update_member(staff.handler, spouse.pk, record, reason="更正电话")
    investigate(
        staff,
        case,
        "2026-03-02",
        facts={"members": {str(spouse.pk): {"has_capable_supporter": False}}},
    )
    spouse.refresh_from_db()
    assert spouse.has_capable_supporter is False
    assert not household.members.filter(relation="head", left_on__isnull=True).exists()
    latest = HouseholdVersion.objects.filter(household=household).order_by("version").last()
    assert latest.action == "household.investigation_facts"
