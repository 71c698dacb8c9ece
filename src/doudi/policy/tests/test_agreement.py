"""Whole-place runs on awkward real data: the same answers as one household at a time."""

from __future__ import annotations

import datetime

import numpy
import pytest
from django.utils import timezone

from doudi.accounts.roles import Role
from doudi.conftest import household_form, member_form
from doudi.demo import population as pop
from doudi.demo.bulk_load import load_population
from doudi.policy import agreement, batch
from doudi.policy.columns import read_registry
from doudi.policy.evaluation import evaluate_form
from doudi.policy.models import EvaluationRun
from doudi.policy.standards import rules_in_force
from doudi.policy.tables import engine_heads
from doudi.registry import services as registry
from doudi.registry.choices import LeaveReason
from doudi.registry.models import Member
from doudi.registry.queries import household_form as registry_form

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2022, 3, 1)
AS_OF = datetime.date(2026, 10, 20)
MONTH = datetime.date(2026, 10, 1)


def _one_member(handler, first17: str, income: int) -> int:
    form = household_form(
        members=[member_form(first17, "户主")],
        incomes=[{"member": first17, "month": "2022-02", "type": "wage", "amount_fen": income}],
    )
    return registry.create_household(handler, form)[0].pk


def test_a_chunk_ending_with_a_household_whose_only_member_died(make_user, monkeypatch):
    handler = make_user(Role.TOWNSHIP_HANDLER)
    first = _one_member(handler, "41082119800101001", 10000)
    second = _one_member(handler, "41082119500101001", 0)
    third = _one_member(handler, "41082119600101001", 0)
    died = Member.objects.get(household_id=second)
    registry.end_membership(
        handler,
        died.pk,
        left_on=datetime.date(2022, 1, 5),
        leave_reason=LeaveReason.DEATH,
        death_date=datetime.date(2022, 1, 5),
        reason="死亡",
    )
    monkeypatch.setattr(batch, "CHUNK_HOUSEHOLDS", 2)
    run = batch.evaluate_all(make_user(Role.COUNTY_APPROVER), MARCH)
    answers = agreement.batch_answers(run)
    assert run.households == 3 and run.persons == 2
    assert second not in answers
    assert ("minimum_living", -1) in answers[first] and ("minimum_living", -1) in answers[third]


def test_a_member_added_later_to_an_older_household_keeps_their_income(make_user):
    """Member ids ordered by household are not sorted when a member joins an older household
    after younger households were registered: their income must still be theirs."""
    handler = make_user(Role.TOWNSHIP_HANDLER)
    older = _one_member(handler, "41082119800101001", 0)
    _one_member(handler, "41082119500101001", 0)
    _one_member(handler, "41082119600101001", 0)
    joined, _warnings = registry.add_member(
        handler,
        older,
        member_form("41082119820101002", "王五", relation="spouse", joined_on="2021-01-01"),
        reason="结婚迁入",
    )
    registry.add_money_fact(
        handler,
        older,
        "income",
        {"member": str(joined.pk), "month": "2022-02", "type": "wage", "amount_fen": 500000},
    )
    columns = read_registry(MARCH, "41", rules_in_force().county_keys)
    person = list(columns.member_ids).index(joined.pk)
    assert columns.population.persons["person_income"][person] == 500000
    assert columns.population.person_household[person] == list(columns.household_ids).index(older)


@pytest.fixture
def changed_population(make_user):
    """A generated population changed by casework (moves, deaths, empty households, members
    added to older households), and a city user to evaluate it."""
    load_population(pop.generate(120, 7, as_of=AS_OF), batch=32)
    changes = agreement.change_population(numpy.random.default_rng(7), MONTH, share=0.08)
    assert changes.departed and changes.died and changes.emptied and changes.added
    assert changes.heads_died and changes.heads_left and changes.headless
    assert changes.certificates
    expired = Member.objects.filter(
        disability_grade__lte=2, disability_certificate_valid_until__lt=MONTH, left_on=None
    )
    assert expired.exists()  # a care subsidy the certificate stops
    return make_user(Role.CITY_SUPERVISOR), changes


@pytest.mark.parametrize("chunk", [1, 2, 7, 250_000])
def test_batch_and_single_answers_agree_for_every_household(changed_population, chunk):
    actor, changes = changed_population
    batch.CHUNK_HOUSEHOLDS, saved = chunk, batch.CHUNK_HOUSEHOLDS
    try:
        result = agreement.compare(actor, MONTH, 10_000, numpy.random.default_rng(chunk))
    finally:
        batch.CHUNK_HOUSEHOLDS = saved
    run = EvaluationRun.objects.get()
    assert result.sampled == result.households == run.households
    assert result.differences == []
    assert result.agreeing == result.sampled
    assert run.heads_assumed == changes.headless


@pytest.mark.slow
def test_two_thousand_households_agree(make_user):
    load_population(pop.generate(2000, 21, as_of=AS_OF))
    changes = agreement.change_population(numpy.random.default_rng(21), MONTH, share=0.02)
    assert changes.emptied and changes.added
    result = agreement.compare(
        make_user(Role.CITY_SUPERVISOR), MONTH, 300, numpy.random.default_rng(5)
    )
    assert result.households == 2000 and result.sampled == 300
    assert result.differences == []


def test_a_household_whose_head_died_unnamed_gets_the_same_answer_both_ways(make_user):
    """Data from before the registry kept one head per household: the head died and nobody
    was named. The whole-place run and the single household both evaluate it, the eldest
    remaining member taken as head, and the single answer says so."""
    handler = make_user(Role.TOWNSHIP_HANDLER)
    form = household_form(
        members=[
            member_form("41082119500101001", "户主"),
            member_form("41082119520101002", "配偶", relation="spouse"),
            member_form("41082119800101003", "儿子", relation="child"),
        ],
        incomes=[
            {"member": "41082119800101003", "month": "2022-02", "type": "wage", "amount_fen": 9000}
        ],
    )
    household = registry.create_household(handler, form)[0]
    head = household.members.get(name="户主")
    died = datetime.date(2022, 1, 5)
    Member.objects.filter(pk=head.pk).update(left_on=died, death_date=died, leave_reason="death")
    registry.update_household(
        handler, household.pk, address="旧地址", region_code=household.region_id, reason="旧数据"
    )
    county = make_user(Role.COUNTY_APPROVER)
    run = batch.evaluate_all(county, MARCH)
    assert run.heads_assumed == 1
    whole = agreement.batch_answers(run)[household.pk]
    assert ("minimum_living", -1) in whole
    assert agreement.single_answers(county, household.pk, MARCH) == whole
    form = registry_form(
        county, household.pk, on=MARCH, known_on=timezone.localdate(), reveal_id_numbers=True
    )
    warnings = evaluate_form(form, "2022-03")["warnings"]
    assert [w["field"] for w in warnings] == ["members"]
    assert "配偶" in warnings[0]["message"] and "户主" in warnings[0]["message"]


def test_the_engine_takes_one_head_per_household():
    """The recorded head where there is one; none: the eldest; several current: the eldest of
    them; a head who left later and the successor named then: the one who left."""
    household = numpy.array([0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3])
    relation = numpy.array(
        [
            "head",
            "spouse",
            "spouse",
            "child",
            "parent",
            "child",
            "head",
            "head",
            "head",
            "head",
            "child",
        ],
        dtype=object,
    )
    born = numpy.array(
        [
            "1970-01-01",
            "1960-01-01",
            "1960-01-01",
            "1990-01-01",
            "1940-01-01",
            "1930-01-01",
            "1975-01-01",
            "1965-01-01",
            "1980-01-01",
            "1950-01-01",
            "1940-01-01",
        ],
        dtype="datetime64[D]",
    )
    left = numpy.array([None] * 8 + ["2022-05-01", None, "2022-06-01"], dtype="datetime64[D]")
    is_head, assumed = engine_heads(household, relation, born, left, 5)
    heads = [0, 4, 7, 8]  # the recorded head; eldest; eldest current head; the one who left
    assert numpy.flatnonzero(is_head).tolist() == heads
    assert assumed.tolist() == [False, True, True, False, False]  # the fifth has nobody in it


def test_the_month_before_a_succession_has_one_head_without_a_warning(make_user):
    """Relations are today's: in March the head (who died in April) and the successor named
    then are both recorded as head. The one who died was head then: nothing is assumed, and
    batch and single agree."""
    handler = make_user(Role.TOWNSHIP_HANDLER)
    household = registry.create_household(
        handler,
        household_form(
            members=[
                member_form("41082119800101001", "户主"),
                member_form("41082119500101002", "母亲", relation="parent"),
            ],
            incomes=[],
        ),
    )[0]
    mother = household.members.get(name="母亲")
    registry.end_membership(
        handler,
        household.members.get(name="户主").pk,
        left_on=datetime.date(2022, 4, 2),
        leave_reason=LeaveReason.DEATH,
        death_date=datetime.date(2022, 4, 2),
        reason="死亡",
        new_head=mother.pk,
    )
    county = make_user(Role.COUNTY_APPROVER)
    run = batch.evaluate_all(county, MARCH)
    assert run.heads_assumed == 0
    assert (
        agreement.single_answers(county, household.pk, MARCH)
        == (agreement.batch_answers(run)[household.pk])
    )
    form = registry_form(
        county, household.pk, on=MARCH, known_on=timezone.localdate(), reveal_id_numbers=True
    )
    assert [m["relation"] for m in form["members"]] == ["head", "head"]
    assert "warnings" not in evaluate_form(form, "2022-03")
