"""The seed's flood grant at scale: after the 2021 floods 94,898 people were paid 14.789
million yuan (焦作日报 2022-02-23). A generated registry of the city (the project's bulk loader)
puts 94,898 特困 persons in the event's places; the cohort grant tied to the event is defined,
approved, paid by every county's payroll and reconciled — paid exactly the previewed total.

The seed gives the total, not an amount per person: 155.84 yuan a person gives 14,788,904.32
yuan, the seed's figure to the nearest ten thousand."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction
from django.utils import timezone

from doudi.accounts.roles import Role
from doudi.conftest import CITY
from doudi.demo import population as pop
from doudi.demo.bulk_load import load_population
from doudi.disaster import queries, services
from doudi.grants import services as grant_services
from doudi.payroll import services as payroll
from doudi.payroll.models import Payroll
from doudi.payroll.tests.test_payroll import result_csv
from doudi.regions.codes import Level, ancestor_at
from doudi.registry.models import Household

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
PERSONS = 94_898
PER_PERSON_FEN = 15_584
DECIDED = datetime.date(2026, 5, 20)
AUGUST = datetime.date(2026, 8, 1)

# Each of the first PERSONS living members an approved 特困 decision and a benefit paid to
# them from June, and a social-security card: straight into the tables (the procedure that
# makes a decision is tested by the cases app), portable between SQLite and PostgreSQL.
SEED_SQL = [
    """UPDATE registry_member SET social_security_card = '6217' || CAST(id AS TEXT)
       WHERE id IN (SELECT id FROM registry_member WHERE left_on IS NULL AND death_date IS NULL
                    ORDER BY id LIMIT %(persons)s)""",
    """INSERT INTO cases_case (household_id, region_id, member_id, programme, kind, channel,
           proxy_name, submitted_by_id, submitted_on, need, missing_materials, relative_of_staff,
           state, accepted_on, delegated, extension_reason, spot_check_selected, facts,
           closed_on, created_at)
       SELECT m.household_id, h.region_id, m.id, 'extreme_hardship', 'application', 'window',
              '', %(actor)s, %(decided)s, 'test', '[]', '', 'approved', %(decided)s, FALSE, '',
              FALSE, '{}', %(decided)s, %(now)s
       FROM registry_member m JOIN registry_household h ON h.id = m.household_id
       WHERE m.social_security_card <> ''""",
    """INSERT INTO cases_decision (case_id, outcome, review_outcome, decided_on, decided_by_id,
           reasons, monthly_amount_fen, start_month, engine_result, notify_due_on)
       SELECT c.id, 'approved', '', %(decided)s, %(actor)s, 'test', 50000, %(start)s, '{}',
              %(decided)s
       FROM cases_case c""",
    """INSERT INTO benefits_benefit (decision_id, programme, household_id, region_id, member_id,
           payee_id, monthly_amount_fen, start_month)
       SELECT d.id, 'extreme_hardship', c.household_id, c.region_id, c.member_id, c.member_id,
              d.monthly_amount_fen, d.start_month
       FROM cases_decision d JOIN cases_case c ON c.id = d.case_id""",
]


@pytest.fixture
def flooded_city(make_user, clock):
    clock.at("2026-07-01")
    load_population(pop.generate(36_000, 2021, as_of=datetime.date(2026, 7, 1)))
    city = make_user(Role.CITY_SUPERVISOR)
    params = {
        "persons": PERSONS,
        "actor": city.pk,
        "decided": DECIDED,
        "start": datetime.date(2026, 6, 1),
        "now": timezone.now(),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in SEED_SQL:
            cursor.execute(statement, params)
    villages = set(Household.objects.values_list("region_id", flat=True).distinct())
    return city, sorted({ancestor_at(code, Level.TOWNSHIP) for code in villages})


def test_a_cohort_of_94898_people_is_paid_exactly_the_previewed_total(
    flooded_city, make_user, clock
):
    city, townships = flooded_city
    clock.at("2026-07-28")
    event = services.create_event(
        city,
        kind="flood",
        name="2021年特大洪涝灾害",
        started_on=datetime.date(2026, 7, 18),
        ended_on=datetime.date(2026, 7, 24),
        response_level=1,
        places=townships,
    )
    relief = services.define_cohort_grant(
        city,
        event.pk,
        amount_fen=PER_PERSON_FEN,
        in_force_on=AUGUST,
        reason="按照“特事特办、急事急办”原则发放临时补贴",
    )
    previewed = relief.grant.total_fen
    assert relief.grant.persons == PERSONS
    assert previewed == PERSONS * PER_PERSON_FEN == 1_478_890_432
    finance = make_user(Role.FINANCE_OFFICER, CITY, "city_finance")
    bank = make_user(Role.BANK_OPERATOR, CITY, "city_bank")
    grant_services.approve(finance, relief.grant.pk)
    counties = sorted({ancestor_at(code, Level.COUNTY) for code in townships})
    for number, county in enumerate(counties):
        civil_affairs = make_user(Role.COUNTY_APPROVER, county, f"county_{number}")
        made = payroll.generate(
            civil_affairs, "one_off_grant", AUGUST, county, grant_id=relief.grant.pk
        )
        payroll.submit(civil_affairs, made.pk)
        payroll.approve(finance, made.pk)
        payroll.bank_file(bank, made.pk, "csv")
        made.refresh_from_db()
        payroll.reconcile(bank, made.pk, result_csv(made), "csv")
    payrolls = Payroll.objects.filter(grant=relief.grant)
    assert sum(p.line_count for p in payrolls) == relief.grant.households
    assert sum(p.total_fen for p in payrolls) == previewed
    assert queries.event_figures(city, event).total.paid_fen == previewed
