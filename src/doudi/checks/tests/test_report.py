"""The check report of a case, over the demo departments' data delivered to the city: the
planted truths are marked on their household's report, a household with nothing to find reads
consistent, nothing delivered means every source by hand, and the county's conclusion and the
household's objection (re-check) go through the case's steps."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from doudi.accounts.roles import Role
from doudi.audit.models import AuditEvent
from doudi.cases import services
from doudi.cases.models import Case
from doudi.cases.procedures import State
from doudi.cases.tests.helpers import investigate, open_case, refused
from doudi.checks.models import CheckObjection, CheckReport
from doudi.checks.presentation import KIND_LABELS, discrepancy_text, view
from doudi.checks.tests.demo import (
    HOUSEHOLDS,
    TODAY,
    checked_case,
    county_of,
    household_of,
    member_of,
    planted,
)
from doudi.conftest import OUTSIDE_COUNTY
from doudi.demo import departments as dep
from doudi.sources.contracts import SOURCES
from doudi.sources.services import deliver
from doudi.sources.tests.conftest import sample

pytestmark = pytest.mark.django_db


def kinds(report: CheckReport) -> list[str]:
    return [finding["kind"] for finding in report.findings]


def marked_rows(report: CheckReport, member_id: int, source: str) -> list[dict]:
    entry = next(m for m in report.members if m["member_id"] == member_id)
    return [row for row in entry["found"].get(source, []) if row["marked"]]


@pytest.mark.parametrize(
    ("kind", "finding", "source"),
    [
        ("car", "vehicles_over_limit", "vehicles"),
        ("second_home", "homes_over_limit", "real_estate"),
        ("death", "death_still_paid", "deaths"),
        ("wages", "income_over_line", "employment"),
    ],
)
def test_a_planted_truth_is_marked_on_its_household_s_report(
    delivered, make_user, kind, finding, source
):
    entry = planted(delivered, kind)
    household = household_of(entry["household"])
    member = member_of(entry["member"])
    assert member.household_id == household.pk
    _case, report = checked_case(make_user, household)
    assert finding in kinds(report)
    rows = marked_rows(report, member.pk, source)
    assert entry["line"] in [row["row"] for row in rows]
    assert all(finding in row["marked"] for row in rows)
    assert {s.source: s.delivery_id is not None for s in report.sources.all()} == dict.fromkeys(
        SOURCES, True
    )


def test_a_household_with_nothing_to_find_reads_consistent(delivered, make_user):
    named = {e["household"] for entries in delivered["planted"].values() for e in entries}
    index = next(i for i in range(HOUSEHOLDS) if i not in named)
    case, report = checked_case(make_user, household_of(index))
    assert report.consistent and report.findings == []
    shown = view(report)
    assert shown.by_hand == [] and len(shown.online) == len(SOURCES)
    assert discrepancy_text(report) == ""
    services.record_check(county_of(case.household), case.pk, result="consistent")
    assert case.data_checks.get().findings == ""


def test_nothing_delivered_means_every_source_checked_by_hand(demo, make_user):
    case, report = checked_case(make_user, household_of(0))
    assert report.consistent
    assert [s.delivery_id for s in report.sources.all()] == [None] * len(SOURCES)
    assert all(not member["found"] for member in report.members)
    assert len(view(report).by_hand) == len(SOURCES)
    # The county records its result as before the platform, typing what it found by hand.
    with refused("Describe the discrepancies"):
        services.record_check(county_of(case.household), case.pk, result="discrepancy")
    services.record_check(
        county_of(case.household), case.pk, result="discrepancy", findings="人工核对：有存款"
    )
    assert case.data_checks.get().findings == "人工核对：有存款"


def test_the_request_s_audit_event_names_the_report(delivered, make_user):
    case, report = checked_case(make_user, household_of(planted(delivered, "car")["household"]))
    event = AuditEvent.objects.get(action="case.request_check", object_id=str(case.pk))
    assert event.after["report"] == report.pk
    assert not AuditEvent.objects.filter(object_type="check_report").exists()


def test_the_county_s_findings_start_from_the_marked_discrepancies(delivered, make_user):
    household = household_of(planted(delivered, "car")["household"])
    case, report = checked_case(make_user, household)
    services.record_check(county_of(household), case.pk, result="discrepancy")
    check = case.data_checks.get()
    assert check.result == "discrepancy"
    with translation.override("zh-hans"):
        label = str(KIND_LABELS["vehicles_over_limit"])
    assert check.findings.startswith(label)
    assert "公安局交通管理部门车辆管理所" in check.findings and "2026-10-31" in check.findings
    event = AuditEvent.objects.get(action="case.record_check", object_id=str(case.pk))
    assert event.after["report"] == report.pk


def test_an_objection_with_evidence_opens_a_re_check_on_the_latest_snapshots(
    delivered, demo, make_user
):
    household = household_of(planted(delivered, "car")["household"])
    case, first = checked_case(make_user, household)
    county = county_of(household)
    services.record_check(county, case.pk, result="discrepancy")
    with refused("evidence"):
        services.object_to_check(county, case.pk, content="车辆已转让", evidence=" ")
    assert Case.objects.get(pk=case.pk).state == State.CHECKED
    # The vehicle office delivers again, later data; the re-check reads it.
    files, _manifest = demo
    newer = deliver(
        county, "vehicles", files[dep.VEHICLES], "v2.csv", delivered_on=datetime.date(2026, 11, 9)
    )
    case = services.object_to_check(
        county, case.pk, content="车辆已于10月转让他人", evidence="车辆转让登记证明复印件"
    )
    assert case.state == State.CHECK_REQUESTED
    first_check, recheck = case.data_checks.order_by("id")
    second = recheck.report
    assert second.pk != first.pk and first_check.report == first
    assert second.sources.get(source="vehicles").delivery == newer
    objection = CheckObjection.objects.get()
    assert objection.report == first and objection.recheck == recheck
    assert objection.evidence == "车辆转让登记证明复印件"
    event = AuditEvent.objects.get(action="case.object_to_check", object_id=str(case.pk))
    assert event.after["report"] == second.pk and event.after["objected_report"] == first.pk
    services.record_check(county, case.pk, result="consistent", findings="已核实转让")
    assert Case.objects.get(pk=case.pk).state == State.CHECKED


def test_an_objection_needs_a_report_concluded_on(demo, make_user):
    case, _report = checked_case(make_user, household_of(0))
    county = county_of(case.household)
    with refused("cannot be done while the case is"):
        services.object_to_check(county, case.pk, content="不服", evidence="证明")


def test_only_deliveries_received_for_the_case_s_place_or_above_are_read(
    staff, household, clock, make_user, snapshots_dir
):
    clock.at("2026-03-02")
    elsewhere = make_user(Role.COUNTY_APPROVER, OUTSIDE_COUNTY)
    deliver(elsewhere, "bank", sample("bank"), "bank.csv")
    mine = deliver(staff.county, "tax", sample("tax"), "tax.csv")
    case = open_case(staff, household)
    services.accept(staff.handler, case.pk)
    investigate(staff, case, "2026-03-02")
    report = services.request_check(staff.handler, case.pk).data_checks.get().report
    read = {row.source: row.delivery for row in report.sources.all()}
    assert read["bank"] is None and read["tax"] == mine


def test_the_county_s_check_centre_may_request_the_check_itself(delivered, make_user):
    """The township asks, or the county's check centre starts it; nobody else, nowhere else."""
    household = household_of(planted(delivered, "car")["household"])
    township, county = household.region_id[:9] + "000", household.region_id[:6] + "000000"
    handler = make_user(Role.TOWNSHIP_HANDLER, township, "asker")
    village = make_user(Role.VILLAGE_WORKER, household.region_id, "walker")
    staff = type("Staff", (), {"handler": handler, "village": village})
    case = open_case(staff, household, authorisation_signed_on=datetime.date(2026, 11, 9))
    services.accept(handler, case.pk)
    investigate(staff, case, TODAY)
    with refused("does not allow"):
        services.request_check(village, case.pk)
    with refused("Not found"):
        services.request_check(make_user(Role.COUNTY_APPROVER, OUTSIDE_COUNTY, "far"), case.pk)
    assert not case.data_checks.exists()
    case = services.request_check(make_user(Role.COUNTY_APPROVER, county, "centre"), case.pk)
    assert "vehicles_over_limit" in kinds(case.data_checks.get().report)
