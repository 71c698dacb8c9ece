"""Disaster relief: an event's verified impact reports give the transitional aid exactly, paid
through the payroll once; the two-person rule; one report per household and event; the
winter–spring list pays once per person per wave; a cohort grant tied to the event; the
figures; who may take which step."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from doudi.accounts.roles import Role
from doudi.audit.actions import AuditAction
from doudi.audit.models import AuditEvent
from doudi.conftest import INSIDE_COUNTY, INSIDE_TOWNSHIP, valid_id_number
from doudi.disaster import queries, services
from doudi.disaster.models import ImpactReport, ReportState, WavePerson
from doudi.disaster.tests.conftest import STRUCK, family, report
from doudi.errors import DoudiError, NotPermitted, OutsideJurisdiction
from doudi.grants import services as grant_services
from doudi.grants.models import GrantShare
from doudi.payroll import services as payroll
from doudi.payroll.tests.conftest import approve_minimum_living
from doudi.payroll.tests.test_payroll import result_csv
from doudi.registry.services import add_member

pytestmark = pytest.mark.django_db
AUGUST = datetime.date(2026, 8, 1)
OTHER_COUNTY_VILLAGE = "410822902001"


def pay(parties, grant_id: int) -> int:
    """Generate, approve, send and reconcile the grant's payroll in the county; paid fen."""
    made = payroll.generate(
        parties.civil_affairs, "one_off_grant", AUGUST, INSIDE_COUNTY, grant_id=grant_id
    )
    payroll.submit(parties.civil_affairs, made.pk)
    payroll.approve(parties.finance, made.pk)
    payroll.bank_file(parties.bank, made.pk, "csv")
    made.refresh_from_db()
    payroll.reconcile(parties.bank, made.pk, result_csv(made), "csv")
    return made.total_fen


def test_an_events_reports_give_the_transitional_aid_exactly(staff, parties, flood, clock):
    """230 yuan a person (the dated parameter) for each verified household whose house fell or
    was severely damaged, or which lost its livelihood: 3 + 2 persons = 1,150.00 yuan."""
    collapsed, no_living, injured_only, returned, waiting = (
        family(staff, n, size) for n, size in ((1, 3), (2, 2), (3, 2), (4, 2), (5, 1))
    )
    reports = [
        report(staff, flood, collapsed, house_collapsed=True),
        report(staff, flood, no_living, no_livelihood=True),
        report(staff, flood, injured_only, injured=1),
        report(staff, flood, returned, house_severely_damaged=True),
        report(staff, flood, waiting, house_severely_damaged=True),
    ]
    for r in reports[:3]:
        services.verify(staff.handler, r.pk)
    services.return_report(staff.handler, reports[3].pk, note="人数不符，请核实")
    relief = services.define_transitional_grant(staff.county, flood.pk, reason="过渡期生活救助")
    grant = relief.grant
    assert (grant.households, grant.persons, grant.total_fen) == (2, 5, 3 * 23_000 + 2 * 23_000)
    assert sorted(GrantShare.objects.filter(grant=grant).values_list("amount_fen", flat=True)) == [
        46_000,
        69_000,
    ]
    figures = queries.event_figures(staff.county, flood)
    assert (figures.total.reported, figures.total.verified, figures.total.persons) == (5, 3, 7)
    assert figures.total.previewed_fen == 115_000 and figures.total.paid_fen == 0
    with pytest.raises(DoudiError) as refused:  # each report is listed once
        services.define_transitional_grant(staff.county, flood.pk, reason="再次")
    assert refused.value.field == "shares"
    with pytest.raises(NotPermitted):
        grant_services.approve(staff.county, grant.pk)
    grant_services.approve(parties.finance, grant.pk)
    assert pay(parties, grant.pk) == 115_000
    assert queries.event_figures(staff.county, flood).total.paid_fen == 115_000
    # The waiting report, verified later, is listed on its own.
    services.verify(staff.reviewer, reports[4].pk)
    later = services.define_transitional_grant(staff.county, flood.pk, reason="补报").grant
    assert (later.persons, later.total_fen) == (1, 23_000)


def test_a_report_is_verified_by_another_person_of_the_township(staff, flood):
    household = family(staff, 1, 2)
    by_handler = services.report_impact(
        staff.handler, flood.pk, household=household.pk, house_collapsed=True, persons_affected=2
    )
    with pytest.raises(DoudiError) as refused:
        services.verify(staff.handler, by_handler.pk)
    assert refused.value.field == "state"
    with pytest.raises(NotPermitted):
        services.verify(staff.village, by_handler.pk)
    with pytest.raises(NotPermitted):
        services.verify(staff.county, by_handler.pk)
    services.verify(staff.reviewer, by_handler.pk)
    with pytest.raises(DoudiError):  # verified once
        services.verify(staff.reviewer, by_handler.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        ImpactReport.objects.filter(pk=by_handler.pk).update(verified_by=staff.handler)
    assert AuditEvent.objects.filter(action=AuditAction.DISASTER_VERIFY).count() == 1


def test_one_report_per_household_and_event_a_returned_one_corrected(staff, flood, clock):
    household = family(staff, 1, 3)
    first = report(staff, flood, household, house_collapsed=True, persons_affected=3)
    with pytest.raises(DoudiError) as refused:
        report(staff, flood, household, no_livelihood=True)
    assert refused.value.field == "household"
    services.return_report(staff.handler, first.pk, note="核实人数")
    again = report(staff, flood, household, house_collapsed=True, persons_affected=2)
    assert again.pk == first.pk and again.state == ReportState.REPORTED
    assert ImpactReport.objects.count() == 1 and again.persons_affected == 2


def test_awkward_households_and_bad_counts_are_refused_naming_the_field(staff, flood, clock):
    household = family(staff, 1, 2)
    add_member(  # born after the flood: not among those it hit
        staff.handler,
        household.pk,
        {
            "name": "新生儿",
            "id_number": valid_id_number("41082120260801001"),
            "relation": "child",
            "hukou_type": "rural",
            "marital_status": "unmarried",
            "education": "primary",
            "employment": "student",
            "joined_on": "2026-08-01",
        },
        reason="出生登记",
    )
    for impact, field in (
        ({"persons_affected": 3}, "persons_affected"),
        ({"persons_affected": 0}, "persons_affected"),
        ({"persons_affected": 2, "dead": 3}, "dead"),
        ({"persons_affected": 2, "injured": -1}, "injured"),
        ({"persons_affected": "2"}, "persons_affected"),
    ):
        with pytest.raises(DoudiError) as refused:
            report(staff, flood, household, **impact)
        assert refused.value.field == field
    outside = family(staff, 2, 1, region="410821902002")
    with pytest.raises(DoudiError) as refused:
        services.report_impact(staff.handler, flood.pk, household=outside.pk, persons_affected=1)
    assert refused.value.field == "household"
    with pytest.raises(OutsideJurisdiction):  # the village worker's is another village
        services.report_impact(staff.village, flood.pk, household=outside.pk, persons_affected=1)
    assert not ImpactReport.objects.exists()
    assert report(staff, flood, household, dead=1, persons_affected=2).dead == 1


def test_only_the_county_or_city_records_an_event_in_its_own_places(staff, clock, make_user):
    clock.at("2026-08-03")
    given = {
        "kind": "flood",
        "name": "洪涝",
        "started_on": STRUCK,
        "ended_on": None,
        "response_level": 4,
        "places": [INSIDE_TOWNSHIP],
    }
    for user in (staff.village, staff.handler, staff.reviewer, make_user(Role.FINANCE_OFFICER)):
        with pytest.raises(NotPermitted):
            services.create_event(user, **given)
    for changes, field in (
        ({"places": [OTHER_COUNTY_VILLAGE]}, "places"),
        ({"places": [INSIDE_COUNTY]}, "places"),
        ({"places": []}, "places"),
        ({"kind": "meteor"}, "kind"),
        ({"name": "  "}, "name"),
        ({"ended_on": datetime.date(2026, 7, 1)}, "ended_on"),
        ({"started_on": datetime.date(2026, 9, 1)}, "started_on"),
        ({"response_level": 7}, "response_level"),
    ):
        with pytest.raises(DoudiError) as refused:
            services.create_event(staff.county, **{**given, **changes})
        assert refused.value.field == field
    event = services.create_event(make_user(Role.CITY_SUPERVISOR), **given)
    assert list(queries.events_visible_to(staff.village)) == [event]
    other = make_user(Role.VILLAGE_WORKER, OTHER_COUNTY_VILLAGE, "elsewhere")
    assert not queries.events_visible_to(other).exists()


def test_the_winter_spring_list_pays_once_per_person_per_wave(staff, parties, flood, clock):
    hit, poor, other = family(staff, 1, 3), family(staff, 2, 2), family(staff, 3, 1)
    services.verify(staff.handler, report(staff, flood, hit, house_collapsed=True).pk)
    wave = services.create_wave(staff.county, winter_of=2026)
    assert "2026" in wave.title and "2027" in wave.title
    with pytest.raises(DoudiError):
        services.create_wave(staff.county, winter_of=2026)
    added = services.assess_from_reports(
        staff.handler, wave.pk, event=flood.pk, per_person_fen=30_000
    )
    assert added == 1
    assert (
        services.assess_from_reports(staff.handler, wave.pk, event=flood.pk, per_person_fen=30_000)
        == 0
    )  # already listed
    services.assess(staff.handler, wave.pk, household=poor.pk, per_person_fen=25_050)
    with pytest.raises(DoudiError) as refused:
        services.assess(staff.handler, wave.pk, household=poor.pk, per_person_fen=100)
    assert refused.value.field == "household"
    with pytest.raises(DoudiError) as refused:
        services.assess(staff.handler, wave.pk, household=other.pk, per_person_fen=0)
    assert refused.value.field == "per_person"
    with pytest.raises(DoudiError) as refused:  # a member of another household
        services.assess(
            staff.handler,
            wave.pk,
            household=other.pk,
            per_person_fen=100,
            persons=[hit.members.first().pk],
        )
    assert refused.value.field == "persons"
    with pytest.raises(IntegrityError), transaction.atomic():  # the database's own guard
        entry = WavePerson.objects.filter(wave=wave).first()
        WavePerson.objects.create(wave=wave, entry_id=entry.entry_id, member_id=entry.member_id)
    figures = queries.wave_figures(staff.county, wave)
    assert (figures.total.households, figures.total.persons) == (2, 5)
    assert figures.total.previewed_fen == 3 * 30_000 + 2 * 25_050
    grant = services.define_wave_grant(staff.county, wave.pk, reason="冬春救助").grant
    assert (grant.persons, grant.total_fen) == (5, 140_100)
    with pytest.raises(DoudiError):  # nothing left to list
        services.define_wave_grant(staff.county, wave.pk, reason="再次")
    with pytest.raises(DoudiError):  # on a grant: no longer taken off
        services.unlist(staff.handler, grant.shares.first().pk, note="误录")
    grant_services.approve(parties.finance, grant.pk)
    assert pay(parties, grant.pk) == 140_100
    with pytest.raises(DoudiError):  # each share is paid once
        payroll.generate(
            parties.civil_affairs, "one_off_grant", AUGUST, INSIDE_COUNTY, grant_id=grant.pk
        )
    assert queries.wave_figures(staff.county, wave).total.paid_fen == 140_100


def test_a_wave_entry_is_taken_off_before_it_is_listed(staff, flood):
    household = family(staff, 1, 2)
    wave = services.create_wave(staff.county, winter_of=2026)
    entry = services.assess(staff.handler, wave.pk, household=household.pk, per_person_fen=100)
    with pytest.raises(DoudiError) as refused:
        services.unlist(staff.handler, entry.pk, note=" ")
    assert refused.value.field == "note"
    services.unlist(staff.handler, entry.pk, note="误录")
    assert not WavePerson.objects.exists()
    again = services.assess(staff.handler, wave.pk, household=household.pk, per_person_fen=200)
    assert again.persons.count() == 2


def test_a_cohort_grant_pays_every_minimum_living_person_of_the_places(
    staff, parties, flood, clock
):
    clock.at("2026-03-02")
    on_benefit = [family(staff, n, size) for n, size in ((1, 2), (2, 1))]
    for household in on_benefit:
        approve_minimum_living(staff, household, "2026-03-02")
    family(staff, 3, 4)  # no benefit: not in the cohort
    clock.at("2026-08-03")
    relief = services.define_cohort_grant(
        staff.county,
        flood.pk,
        amount_fen=15_584,
        in_force_on=datetime.date(2026, 8, 1),
        reason="市政府专题会议纪要",
    )
    assert (relief.grant.persons, relief.grant.total_fen) == (3, 3 * 15_584)
    assert relief.grant.programmes == ["extreme_hardship", "minimum_living"]
    grant_services.approve(parties.finance, relief.grant.pk)
    assert pay(parties, relief.grant.pk) == 3 * 15_584
    assert queries.event_figures(staff.county, flood).total.paid_fen == 3 * 15_584
