"""Whole-place runs see what households receive now: 低保 in force, its amount, the months of
gradual exit (渐退期) already granted, and who is supported as 特困."""

from __future__ import annotations

import datetime

import pytest

from doudi.accounts.roles import Role
from doudi.benefits.models import Benefit
from doudi.cases import bulk
from doudi.cases.assessment import assess
from doudi.cases.models import Case, Decision, Outcome
from doudi.cases.procedures import Channel, State
from doudi.conftest import deliver_certificates, household_form, member_form
from doudi.errors import ValidationFailed
from doudi.policy import batch, services
from doudi.policy.agreement import batch_answers, single_answers
from doudi.policy.columns import read_registry, with_received
from doudi.policy.evaluation import evaluate_form
from doudi.policy.models import EvaluationResult
from doudi.policy.standards import rules_in_force
from doudi.policy.whatif import what_if
from doudi.registry import services as registry

pytestmark = pytest.mark.django_db

URBAN_COMMUNITY = "410821901001"  # urban: the 低保 standard is 600 yuan in 2022
JULY = datetime.date(2022, 7, 1)
MARCH = datetime.date(2022, 3, 1)
APRIL = datetime.date(2022, 4, 1)


def _single(handler, first17: str, income_fen: int):
    form = household_form(
        region=URBAN_COMMUNITY,
        members=[member_form(first17, "甲", hukou_type="urban")],
        incomes=[{"member": first17, "month": "2022-06", "type": "wage", "amount_fen": income_fen}],
    )
    return registry.create_household(handler, form)[0]


def _receives(
    household,
    by,
    amount_fen: int,
    start: datetime.date,
    end: datetime.date | None = None,
    *,
    gradual: bool = False,
    programme: str = "minimum_living",
    alone=None,
) -> Benefit:
    """A decided benefit as the case procedure leaves it; ``gradual``: the decision's engine
    answer found the household in the gradual exit; ``alone``: the member receiving 低保 alone
    (单人保)."""
    member = alone or household.members.get()
    case = Case.objects.create(
        household=household,
        region_id=household.region_id,
        member=member if programme != "minimum_living" or alone else None,
        programme=programme,
        kind="change" if gradual else "application",
        channel=Channel.WINDOW,
        submitted_by=by,
        submitted_on=start - datetime.timedelta(days=20),
        state=State.APPROVED,
    )
    answer = {"programme": programme, "reasons": []}
    if programme == "minimum_living":
        answer["reasons"] = [
            {"test": "test_minimum_living_income", "passed": not gradual},
            {"test": "minimum_living_gradual_exit", "passed": gradual},
        ]
    decision = Decision.objects.create(
        case=case,
        outcome=Outcome.APPROVED,
        decided_on=start - datetime.timedelta(days=5),
        decided_by=by,
        reasons="审核确认",
        monthly_amount_fen=amount_fen,
        start_month=start,
        end_month=end,
        engine_result={"month": start.strftime("%Y-%m"), "programmes": [answer]},
        notify_due_on=start,
    )
    return Benefit.objects.create(
        decision=decision,
        programme=programme,
        household=household,
        region_id=household.region_id,
        member=case.member,
        payee=member,
        monthly_amount_fen=amount_fen,
        start_month=start,
        end_month=end,
    )


@pytest.fixture
def recipients(make_user):
    """Three households whose income (700 yuan) rose above the line (600) but stays below the
    edge (900): one receiving 低保 and just out of the tests, one already granted 4 months of
    gradual exit, one granted all 6, and one that receives nothing."""
    handler = make_user(Role.TOWNSHIP_HANDLER, "410821901000", username="street_handler")
    county = make_user(Role.COUNTY_APPROVER)
    fresh = _single(handler, "41082119800101001", 70000)
    _receives(fresh, county, 12000, datetime.date(2021, 9, 1))
    four = _single(handler, "41082119810101001", 70000)
    _receives(four, county, 15000, datetime.date(2021, 1, 1), datetime.date(2022, 2, 1))
    _receives(four, county, 9000, datetime.date(2022, 3, 1), gradual=True)
    spent = _single(handler, "41082119820101001", 70000)
    _receives(spent, county, 8000, datetime.date(2022, 1, 1), gradual=True)
    never = _single(handler, "41082119830101001", 70000)
    return fresh, four, spent, never


def test_the_reader_takes_what_is_received_from_the_benefits(recipients):
    columns = read_registry(JULY, "41", rules_in_force().county_keys)
    at = {int(h): i for i, h in enumerate(columns.household_ids)}
    households = columns.population.households
    assert [households["receiving_minimum_living"][at[h.pk]] for h in recipients] == [
        True,
        True,
        True,
        False,
    ]
    assert [households["current_minimum_living_amount"][at[h.pk]] for h in recipients] == [
        12000,
        9000,
        8000,
        0,
    ]
    # March–June granted in the exit for one, January–June for the other.
    assert [households["gradual_exit_months_used"][at[h.pk]] for h in recipients] == [0, 4, 6, 0]


def test_a_whole_place_run_keeps_the_gradual_exit(recipients, make_user):
    fresh, four, _spent, _never = recipients
    run = batch.evaluate_all(make_user(Role.COUNTY_APPROVER, username="county2"), JULY)
    paid = dict(
        EvaluationResult.objects.filter(run=run, programme="minimum_living").values_list(
            "household_id", "amount_fen"
        )
    )
    assert paid == {fresh.pk: 12000, four.pk: 9000}


def test_the_what_if_keeps_a_recipient_in_the_gradual_exit(recipients, make_user):
    fresh, four, spent, never = recipients
    supervisor = make_user(Role.CITY_SUPERVISOR)
    proposal = services.propose_value(
        supervisor,
        parameter="minimum_living.standard.urban",
        region_code="410821000000",
        start=JULY,
        value="720",
        document_number="修民〔2022〕8号",
        reference="提高城市低保标准",
    )
    report = what_if(supervisor, proposal.pk)
    changes = {c.household_id: c for c in report.changes if c.programme == "minimum_living"}
    # In the exit today at the current amount; under 720 yuan eligible again by the tests.
    assert (changes[fresh.pk].before_fen, changes[fresh.pk].after_fen) == (12000, 2000)
    assert changes[fresh.pk].kind == "down"
    assert (changes[four.pk].before_fen, changes[four.pk].kind) == (9000, "down")
    # Out of exit months, and never receiving: new to 低保 under the proposal.
    assert (changes[spent.pk].before_fen, changes[spent.pk].kind) == (0, "in")
    assert (changes[never.pk].before_fen, changes[never.pk].kind) == (0, "in")


def test_a_person_supported_as_extreme_hardship_is_read_as_such(recipients, make_user):
    fresh, *_others = recipients
    _receives(
        fresh,
        make_user(Role.COUNTY_APPROVER, username="county3"),
        90000,
        datetime.date(2022, 1, 1),
        programme="extreme_hardship",
    )
    columns = read_registry(JULY, "41", rules_in_force().county_keys)
    member = fresh.members.get()
    person = list(columns.member_ids).index(member.pk)
    assert columns.population.persons["was_extreme_hardship"].tolist()[person] is True
    assert sum(columns.population.persons["was_extreme_hardship"]) == 1


def test_the_reader_takes_the_investigation_facts_from_the_registry(make_user):
    """The facts an investigation recorded in the household form reach the whole-place run
    exactly as they reach the form's own evaluation."""
    handler = make_user(Role.TOWNSHIP_HANDLER, "410821901000", username="street_handler")
    form = household_form(
        region=URBAN_COMMUNITY,
        disaster_affected=True,
        members=[
            member_form("41082119400101001", "甲", hukou_type="urban", has_capable_supporter=False),
            member_form(
                "41082120150101002",
                "乙",
                relation="grandchild",
                hukou_type="urban",
                orphan_status="orphan",
                care_setting="institution",
                medical_claim={"type": "inpatient", "total_cost_fen": 800000},
            ),
        ],
        incomes=[],
    )
    household = registry.create_household(handler, form)[0]
    columns = read_registry(JULY, "41", rules_in_force().county_keys)
    persons = columns.population.persons
    assert persons["has_capable_supporter"].tolist() == [False, True]
    assert persons["orphan_status"].tolist() == ["none", "orphan"]
    assert persons["care_setting"].tolist() == ["home", "institution"]
    assert persons["medical_claim_type"].tolist() == ["none", "inpatient"]
    assert persons["medical_total_cost"].tolist() == [0, 800000]
    assert columns.population.households["disaster_affected"].tolist() == [True]
    run = batch.evaluate_all(make_user(Role.COUNTY_APPROVER), JULY)
    single = single_answers(make_user(Role.CITY_SUPERVISOR), household.pk, JULY)
    assert batch_answers(run)[household.pk] == single
    child = household.members.get(name="乙")
    assert single[("orphan", child.pk)] > 0


def test_a_case_assessment_reads_what_is_received_like_a_whole_place_run(recipients, make_user):
    """A 低保 re-check of a household in its gradual exit: the case's assessment (no facts
    typed) keeps the exit at the current amount, as the whole-place run does."""
    fresh, four, spent, never = recipients
    county = make_user(Role.COUNTY_APPROVER, username="county2")
    run = batch.evaluate_all(county, JULY)
    by_batch = batch_answers(run)
    for household in (fresh, four, spent, never):
        case = Case.objects.create(
            household=household,
            region_id=household.region_id,
            programme="minimum_living",
            kind="change",
            channel=Channel.WINDOW,
            submitted_by=county,
            submitted_on=JULY,
            state=State.SUBMITTED,
        )
        answer = assess(county, case, JULY, datetime.date.today())
        batch_amount = by_batch[household.pk].get(("minimum_living", -1), 0)
        assert (answer.eligible, answer.monthly_amount_fen) == (batch_amount > 0, batch_amount)
        # And the sample comparison of single households with the run agrees with it.
        assert single_answers(county, household.pk, JULY) == by_batch[household.pk]
    assert by_batch[four.pk][("minimum_living", -1)] == 9000


def test_facts_typed_in_the_case_prevail_over_the_benefits(recipients, make_user):
    _fresh, four, *_others = recipients
    county = make_user(Role.COUNTY_APPROVER, username="county2")
    case = Case.objects.create(
        household=four,
        region_id=four.region_id,
        programme="minimum_living",
        kind="change",
        channel=Channel.WINDOW,
        submitted_by=county,
        submitted_on=JULY,
        state=State.SUBMITTED,
        facts={"household": {"minimum_living": {"receiving": False}}},
    )
    assert assess(county, case, JULY, datetime.date.today()).eligible is False


def test_the_form_states_what_is_received_where_the_benefits_say_nothing(recipients):
    _fresh, four, _spent, never = recipients
    form = {"members": [{"key": "1"}], "minimum_living": {"receiving": False}}
    assert with_received(form, four.pk, JULY)["minimum_living"] == {"receiving": False}
    assert "minimum_living" not in with_received({"members": []}, never.pk, JULY)
    assert with_received({"members": []}, four.pk, JULY)["minimum_living"] == {
        "receiving": True,
        "current_amount_fen": 9000,
        "gradual_exit_months_used": 4,
    }


EDGE_WAGE = {
    "member": "41082119800101001",
    "month": "2022-06",
    "type": "wage",
    "amount_fen": 130_000,
}


def _edge_family_with_one_on_single_person_minimum_living(handler, county):
    """Two people in 低保边缘 (1,300 yuan a month: above the line of 1,200, below 1,800); the
    spouse, disabled at grade 1, receives 低保 alone (单人保, 600 yuan)."""
    form = household_form(
        region=URBAN_COMMUNITY,
        members=[
            member_form("41082119800101001", "甲", hukou_type="urban"),
            member_form(
                "41082119820101002",
                "乙",
                relation="spouse",
                hukou_type="urban",
                disability_category="physical",
                disability_grade=1,
            ),
        ],
        incomes=[EDGE_WAGE],
    )
    household = registry.create_household(handler, form)[0]
    spouse = household.members.get(name="乙")
    _receives(household, county, 60000, datetime.date(2022, 1, 1), alone=spouse)
    return household, spouse


def test_one_members_single_person_minimum_living_agrees_batch_and_single(make_user):
    """单人保 is the member's, read by both paths from the benefits: the member is on record as
    receiving it, and the household is not thereby receiving 低保 (nor in its gradual exit)."""
    handler = make_user(Role.TOWNSHIP_HANDLER, "410821901000", username="street_handler")
    county = make_user(Role.COUNTY_APPROVER)
    household, spouse = _edge_family_with_one_on_single_person_minimum_living(handler, county)
    run = batch.evaluate_all(county, JULY)
    whole = batch_answers(run)[household.pk]
    assert ("minimum_living", -1) not in whole
    assert ("minimum_living_edge", -1) in whole
    assert whole[("single_person_minimum_living", spouse.pk)] == 60000
    assert ("disability_living_subsidy", spouse.pk) in whole
    assert single_answers(county, household.pk, JULY) == whole
    columns = read_registry(JULY, "41", rules_in_force().county_keys)
    person = list(columns.member_ids).index(spouse.pk)
    assert columns.population.persons["receiving_single_person_minimum_living"].tolist() == [
        index == person for index in range(len(columns.member_ids))
    ]
    assert columns.population.households["receiving_minimum_living"].tolist() == [False]


def test_a_form_states_single_person_minimum_living_per_member(make_user):
    """A typed form says who receives 低保 alone, as the run reads it from the benefits."""
    form = household_form(
        region=URBAN_COMMUNITY,
        members=[
            member_form("41082119800101001", "甲", hukou_type="urban"),
            member_form(
                "41082119820101002",
                "乙",
                relation="spouse",
                hukou_type="urban",
                disability_category="physical",
                disability_grade=1,
            ),
        ],
        incomes=[EDGE_WAGE],
        minimum_living={"receiving": False},
    )

    def living_subsidy(answer) -> list[bool]:
        programme = next(
            p for p in answer["programmes"] if p["programme"] == "disability_living_subsidy"
        )
        return [m["eligible"] for m in programme["members"]]

    assert living_subsidy(evaluate_form(form, "2022-07")) == [False, False]
    form["members"][1]["receiving_single_person_minimum_living"] = True
    assert living_subsidy(evaluate_form(form, "2022-07")) == [False, True]
    form["members"][1]["receiving_single_person_minimum_living"] = "yes"
    with pytest.raises(ValidationFailed) as caught:
        evaluate_form(form, "2022-07")
    assert [p.field for p in caught.value.problems] == [
        "members[1].receiving_single_person_minimum_living"
    ]


def test_a_case_reads_single_person_minimum_living_from_the_benefits(make_user):
    """with_received fills in what the run reads, where the form does not state it."""
    handler = make_user(Role.TOWNSHIP_HANDLER, "410821901000", username="street_handler")
    county = make_user(Role.COUNTY_APPROVER)
    household, spouse = _edge_family_with_one_on_single_person_minimum_living(handler, county)
    form = with_received({"members": [{"key": str(spouse.pk)}]}, household.pk, JULY)
    assert form["members"][0]["receiving_single_person_minimum_living"] is True
    assert form["minimum_living"]["receiving"] is False


def test_a_standard_change_during_the_exit_neither_restarts_nor_stops_its_count(make_user):
    """A household in month 2 of its gradual exit (March, April 2022) is raised by the April
    提标 (the urban standard 600 → 720 yuan). The standard change is a bulk amount change, not a
    re-assessment: its months continue the exit, which goes on at month 3 in May and ends when
    the parameter's 6 months have been paid (March–August)."""
    handler = make_user(Role.TOWNSHIP_HANDLER, "410821901000", username="street_handler")
    county = make_user(Role.COUNTY_APPROVER)
    city = make_user(Role.CITY_SUPERVISOR)
    first17 = "41082119800101001"
    form = household_form(
        region=URBAN_COMMUNITY,
        members=[member_form(first17, "甲", hukou_type="urban")],
        incomes=[{"member": first17, "month": "2022-03", "type": "wage", "amount_fen": 70000}],
    )
    household = registry.create_household(handler, form)[0]
    _receives(household, county, 1000, datetime.date(2021, 1, 1), datetime.date(2022, 2, 1))
    _receives(household, county, 1000, MARCH, gradual=True)
    value = services.propose_value(
        city,
        parameter="minimum_living.standard.urban",
        region_code="410821000000",
        start=APRIL,
        value="720",
        document_number="修民〔2022〕4号",
        reference="提高城市低保标准",
    )
    services.adopt_value(city, value.pk, reason="县政府批准")
    change = bulk.propose_standard_change(
        city, batch.evaluate_all(city, APRIL).pk, reason="2022 年 4 月提标"
    )
    assert change.households == 1  # 700 yuan is under the new line: the gap, 20 yuan, is more
    bulk.approve_standard_change(city, change.pk, reason="依修民〔2022〕4号调整")
    raised = Benefit.objects.get(household=household, start_month=APRIL)
    assert raised.monthly_amount_fen == 2000
    # April's wage, learnt afterwards, puts the household above the new line again.
    registry.add_money_fact(
        handler,
        household.pk,
        "income",
        {
            "member": str(household.members.get().pk),
            "month": "2022-04",
            "type": "wage",
            "amount_fen": 80000,
        },
        reason="工资",
    )

    def used(month: datetime.date) -> int:
        columns = read_registry(month, "41", rules_in_force().county_keys)
        return int(columns.population.households["gradual_exit_months_used"][0])

    def paid(month: datetime.date) -> int | None:
        run = batch.evaluate_all(county, month)
        return batch_answers(run).get(household.pk, {}).get(("minimum_living", -1))

    assert used(datetime.date(2022, 5, 1)) == 2
    assert paid(datetime.date(2022, 5, 1)) == 2000  # month 3 of the exit, at the current amount
    assert used(datetime.date(2022, 8, 1)) == 5
    assert paid(datetime.date(2022, 8, 1)) == 2000  # month 6, the last
    assert used(datetime.date(2022, 9, 1)) == 6
    assert paid(datetime.date(2022, 9, 1)) is None  # the exit's months have run out
    # A case assessed for September reads the same count through the same queries.
    assert (
        with_received({"members": []}, household.pk, datetime.date(2022, 9, 1))["minimum_living"][
            "gradual_exit_months_used"
        ]
        == 6
    )


LIVING = "disability_living_subsidy"
DISABLED_ALONE = "41082119820101002"


def test_the_living_subsidy_stops_the_month_after_the_certificate_alone_and_in_the_run(make_user):
    """困难残疾人生活补贴 needs 低保 on record: a certificate valid through 31 July pays July and
    not August, in the typed form's evaluation, the household evaluated alone and the whole-place
    run alike; a certificate whose last day is 1 August still pays August."""
    handler = make_user(Role.TOWNSHIP_HANDLER, "410821901000", username="street_handler")
    county = make_user(Role.COUNTY_APPROVER)
    member = member_form(
        DISABLED_ALONE, "乙", hukou_type="urban", disability_category="physical", disability_grade=1
    )
    form = household_form(region=URBAN_COMMUNITY, members=[member], incomes=[])
    household = registry.create_household(handler, form)[0]
    person = household.members.get()
    _receives(household, county, 60000, datetime.date(2022, 1, 1))
    august = datetime.date(2022, 8, 1)

    def paid(month: datetime.date) -> tuple[int, int]:
        single = single_answers(county, household.pk, month).get((LIVING, person.pk), 0)
        whole = batch_answers(batch.evaluate_all(county, month))[household.pk]
        return single, whole.get((LIVING, person.pk), 0)

    subsidy = paid(august)
    assert subsidy[0] > 0 and subsidy == (subsidy[0], subsidy[0])  # no delivery: the grade stands
    deliver_certificates(county, [(DISABLED_ALONE, "2022-07-31", "expired")], "2022-08-02")
    assert paid(JULY) == subsidy
    assert paid(august) == (0, 0)

    typed = {**form, "minimum_living": {"receiving": True, "current_amount_fen": 60000}}

    def typed_pays(until: str, month: str) -> list[bool]:
        typed["members"] = [{**member, "disability_certificate_valid_until": until}]
        programme = next(
            p for p in evaluate_form(typed, month)["programmes"] if p["programme"] == LIVING
        )
        return [m["eligible"] for m in programme["members"]]

    assert typed_pays("2022-07-31", "2022-07") == [True]
    assert typed_pays("2022-07-31", "2022-08") == [False]
    assert typed_pays("2022-08-01", "2022-08") == [True]
