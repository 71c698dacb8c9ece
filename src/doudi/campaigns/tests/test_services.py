"""A campaign from start to the townships' closing: every planted truth found and routed, a
death's payment held, confirmed and cleared findings, re-runs merged, failures leaving nothing."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from doudi.accounts.roles import Role
from doudi.audit.models import AuditEvent
from doudi.campaigns import queries
from doudi.campaigns.deadlines import finding_due
from doudi.campaigns.models import CampaignState, Finding, FindingState, PaymentHold
from doudi.campaigns.services import close_finding, start_campaign
from doudi.campaigns.tests.conftest import CITY, FOUND_AS, HOUSEHOLD_RULES, run_job
from doudi.cases.procedures import CaseKind
from doudi.dates import next_month
from doudi.errors import DoudiError, NotPermitted, OutsideJurisdiction
from doudi.exchange.models import DeathNotice, DeathNotification, PartnerSystem
from doudi.jobs.models import JobState
from doudi.payroll.models import LineStatus
from doudi.payroll.services import generate
from doudi.regions.codes import Level, ancestor_at
from doudi.sources.tests.conftest import SAMPLES

pytestmark = pytest.mark.django_db


def _campaign(world):
    campaign = start_campaign(world.city, CITY)
    run_job(campaign)
    assert campaign.state == CampaignState.DONE
    return campaign


def _finding(kind: str, member) -> Finding:
    found = Finding.objects.filter(kind=kind, household=member.household)
    if kind not in HOUSEHOLD_RULES:
        found = found.filter(member=member)
    return found.get()


def _township_user(make_user, member, role=Role.TOWNSHIP_HANDLER):
    township = ancestor_at(member.household.region_id, Level.TOWNSHIP)
    return make_user(role, township, f"{role.value}_{township}")


def test_every_planted_truth_is_found_and_routed_with_its_deadline(world):
    campaign = _campaign(world)
    due = finding_due(timezone.localdate())
    for truth, kind in FOUND_AS.items():
        members = world.planted(truth)
        assert members, truth
        for member in members:
            finding = _finding(kind, member)
            assert finding.region_id == ancestor_at(member.household.region_id, Level.TOWNSHIP)
            assert finding.due_on == due and finding.state == FindingState.OPEN
            assert campaign in finding.seen_in.all()
    assert campaign.counts["found"] == Finding.objects.count() == campaign.counts["new"]
    # Every delivered source's latest delivery (the demo departments write no education file).
    assert set(campaign.deliveries) == set(SAMPLES) - {"education"}
    event = AuditEvent.objects.get(action="campaign.run")
    assert event.after["found"] == campaign.counts["found"]


def test_a_death_holds_the_payment_from_the_next_payroll(world, make_user):
    campaign = _campaign(world)
    dead = world.planted("death")[0]
    benefit = world.benefits[dead.household_id]
    hold = PaymentHold.objects.get(benefit=benefit)
    assert hold.from_month == campaign.as_of.replace(day=1)  # no payroll of this month yet
    county = make_user(Role.COUNTY_APPROVER, ancestor_at(benefit.region_id, Level.COUNTY))
    payroll = generate(county, "minimum_living", hold.from_month, county.region_id)
    paid = set(payroll.lines.values_list("benefit_id", flat=True))
    others = {b.pk for b in world.benefits.values() if b.region_id.startswith(county.region_id[:6])}
    assert benefit.pk not in paid
    assert paid == others - {h.benefit_id for h in PaymentHold.objects.all()}


def test_confirming_a_death_opens_the_case_and_lists_the_recovery(world, make_user):
    dead = next(m for m in world.planted("death") if world.benefits[m.household_id].payee == m)
    benefit = world.benefits[dead.household_id]
    county = make_user(Role.COUNTY_APPROVER, ancestor_at(benefit.region_id, Level.COUNTY))
    month = timezone.localdate().replace(day=1)
    payroll = generate(county, "minimum_living", month, county.region_id)
    payroll.lines.update(status=LineStatus.PAID)  # the bank paid this month's lines
    _campaign(world)
    finding = _finding("death_still_paid", dead)
    township = _township_user(make_user, dead)
    closed = close_finding(township, finding.pk, outcome="confirmed", note="入户核实，已死亡")
    assert closed.state == FindingState.CONFIRMED and closed.closed_by == township
    assert closed.case.kind in (CaseKind.TERMINATION, CaseKind.CHANGE)
    assert closed.case.household_id == dead.household_id
    assert closed.holds.get().released_on is None  # until the case's decision ends it
    # The township records the death in the registry: what was paid after it is recovered.
    type(dead).objects.filter(pk=dead.pk).update(death_date=month - datetime.timedelta(days=3))
    lines = list(queries.recoveries_of(closed))
    assert [line.benefit_id for line in lines] == [benefit.pk]
    event = AuditEvent.objects.get(action="campaign.finding_closed")
    assert event.after["case"] == closed.case_id


def test_a_hold_names_the_month_after_one_already_in_a_payroll(world, make_user):
    dead = world.planted("death")[0]
    benefit = world.benefits[dead.household_id]
    county = make_user(Role.COUNTY_APPROVER, ancestor_at(benefit.region_id, Level.COUNTY))
    month = timezone.localdate().replace(day=1)
    generate(county, "minimum_living", month, county.region_id)
    _campaign(world)
    assert PaymentHold.objects.get(benefit=benefit).from_month == next_month(month)


def test_clearing_needs_evidence_and_releases_the_hold(world, make_user):
    _campaign(world)
    dead = world.planted("death")[0]
    finding = _finding("death_still_paid", dead)
    township = _township_user(make_user, dead, Role.TOWNSHIP_REVIEWER)
    with pytest.raises(DoudiError) as refused:
        close_finding(township, finding.pk, outcome="cleared", note="本人健在", evidence=" ")
    assert refused.value.field == "evidence"
    finding.refresh_from_db()
    assert finding.state == FindingState.OPEN
    assert not AuditEvent.objects.filter(action="campaign.finding_closed").exists()
    close_finding(
        township, finding.pk, outcome="cleared", note="本人健在", evidence="村委会证明，见面核实"
    )
    assert finding.holds.get().released_on == timezone.localdate()
    with pytest.raises(DoudiError) as again:
        close_finding(township, finding.pk, outcome="confirmed", note="再次")
    assert again.value.field == "state"


@pytest.mark.parametrize("outcome", ["", "maybe"])
def test_an_unknown_outcome_is_refused_naming_the_field(world, make_user, outcome):
    _campaign(world)
    dead = world.planted("death")[0]
    finding = _finding("death_still_paid", dead)
    with pytest.raises(DoudiError) as refused:
        close_finding(_township_user(make_user, dead), finding.pk, outcome=outcome, note="x")
    assert refused.value.field == "outcome"


def test_another_township_neither_sees_nor_closes(world, make_user):
    _campaign(world)
    dead = world.planted("death")[0]
    finding = _finding("death_still_paid", dead)
    own = ancestor_at(dead.household.region_id, Level.TOWNSHIP)
    other = next(
        f.region_id for f in Finding.objects.exclude(region_id=own).select_related("region")
    )
    stranger = make_user(Role.TOWNSHIP_HANDLER, other, "stranger")
    assert finding not in queries.township_tasks(stranger)
    assert all(f.region_id == other for f in queries.township_tasks(stranger))
    with pytest.raises(OutsideJurisdiction):
        queries.finding_for(stranger, finding.pk)
    with pytest.raises(OutsideJurisdiction):
        close_finding(stranger, finding.pk, outcome="confirmed", note="x")
    auditor = make_user(Role.AUDITOR, CITY, "inspector")
    assert queries.finding_for(auditor, finding.pk) == finding
    with pytest.raises(NotPermitted):
        close_finding(auditor, finding.pk, outcome="confirmed", note="x")


def test_a_re_run_merges_into_the_open_findings(world):
    first = _campaign(world)
    count = Finding.objects.count()
    second = _campaign(world)
    assert Finding.objects.count() == count
    assert second.counts["new"] == 0 and second.counts["merged"] == count
    assert queries.findings_of(world.city, second).count() == count
    assert PaymentHold.objects.count() == first.counts["holds"]


def test_a_failing_run_leaves_the_campaign_failed_and_no_finding(world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("doudi.campaigns.services._hold", broken)
    campaign = start_campaign(world.city, CITY)
    run_job(campaign)
    assert campaign.state == CampaignState.FAILED
    campaign.job.refresh_from_db()
    assert campaign.job.state == JobState.FAILED
    assert not Finding.objects.exists() and not PaymentHold.objects.exists()
    assert not AuditEvent.objects.filter(action="campaign.run").exists()


def test_who_may_start_and_where(world, make_user):
    township = make_user(Role.TOWNSHIP_HANDLER)
    with pytest.raises(NotPermitted):
        start_campaign(township, CITY)
    county = make_user(Role.COUNTY_APPROVER)
    with pytest.raises(DoudiError) as outside:
        start_campaign(county, CITY)
    assert outside.value.field == "place"
    with pytest.raises(DoudiError) as township_level:
        start_campaign(world.city, township.region_id)
    assert township_level.value.field == "place"
    start_campaign(county, county.region_id)
    with pytest.raises(DoudiError) as twice:
        start_campaign(county, county.region_id)
    assert twice.value.field == "place"
    assert AuditEvent.objects.filter(action="campaign.started").count() == 1


def test_a_pending_death_notice_becomes_a_finding_that_holds_payment(world):
    member = world.planted("car")[0]
    partner = PartnerSystem.objects.create(
        name="公安", department="公安局", token_hash="0" * 64, created_by=world.city
    )
    notification = DeathNotification.objects.create(
        partner=partner,
        message_id="m-1",
        reference_id="r-1",
        id_number_hash=member.id_number_hash,
        death_date=timezone.localdate() - datetime.timedelta(days=2),
    )
    notice = DeathNotice.objects.create(
        notification=notification,
        household=member.household,
        member=member,
        death_date=notification.death_date,
    )
    campaign = _campaign(world)
    finding = Finding.objects.get(kind="death_notice")
    assert finding.death_notice == notice and finding.member == member
    assert finding.region_id == ancestor_at(member.household.region_id, Level.TOWNSHIP)
    assert campaign.counts["death_notices"] == 1
    assert PaymentHold.objects.filter(
        finding=finding, benefit=world.benefits[member.household_id]
    ).exists()


def test_a_member_of_staff_in_a_receiving_household_is_found(world, make_user):
    """优亲厚友: an account whose ID number is a member's of a household receiving assistance."""
    household_id, benefit = next(iter(world.benefits.items()))
    relative = benefit.household.members.exclude(id_number_hash="").order_by("id").first()
    cadre = make_user(Role.VILLAGE_WORKER, benefit.household.region_id, "cadre")
    cadre.id_number_hash = relative.id_number_hash
    cadre.save(update_fields=["id_number_hash"])
    make_user(Role.VILLAGE_WORKER, benefit.household.region_id, "stranger")  # no ID number
    _campaign(world)
    found = Finding.objects.get(kind="staff_in_household")
    assert (found.household_id, found.member_id) == (household_id, relative.pk)
    assert found.detail == "cadre" and found.delivery_id is None
    assert found.region_id == ancestor_at(benefit.household.region_id, Level.TOWNSHIP)
