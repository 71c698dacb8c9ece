"""The synthetic population: deterministic, valid, realistic enough, and loaded exactly as the
registry's own services would have stored it."""

from __future__ import annotations

import datetime
import io

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from stdnum.cn import ric

from doudi.accounts.models import User
from doudi.accounts.roles import Role
from doudi.audit.models import AuditEvent
from doudi.audit.verification import verify_chain
from doudi.demo import population as pop
from doudi.demo.bulk_load import load_population
from doudi.errors import DoudiError
from doudi.identity import protection
from doudi.identity.numbers import is_known_county_code, mask, parse_id_number
from doudi.registry import queries, rules
from doudi.registry.choices import COUNTED_INCOME_TYPES
from doudi.registry.form_input import parse_household
from doudi.registry.form_output import render_form, stored_form
from doudi.registry.models import (
    Asset,
    Expense,
    Household,
    HouseholdVersion,
    Income,
    Member,
)

AS_OF = datetime.date(2026, 11, 22)


@pytest.fixture(scope="module")
def population() -> pop.Population:
    return pop.generate(2000, 11, as_of=AS_OF)


def _columns(population: pop.Population) -> dict[str, np.ndarray]:
    return {
        f"{table}.{name}": values
        for table, columns in population.tables().items()
        for name, values in columns.items()
    }


# ----------------------------------------------------------------------------- the arrays


def test_the_same_seed_gives_byte_identical_arrays_and_another_seed_does_not(population):
    again = _columns(pop.generate(2000, 11, as_of=AS_OF))
    first = _columns(population)
    assert first.keys() == again.keys()
    assert all(
        first[name].dtype == again[name].dtype and first[name].tobytes() == again[name].tobytes()
        for name in first
    )
    other = _columns(pop.generate(2000, 12, as_of=AS_OF))
    assert other["members.id_number"].tobytes() != first["members.id_number"].tobytes()
    assert other["incomes.amount"].tobytes() != first["incomes.amount"].tobytes()


def test_every_id_number_is_valid_unique_and_agrees_with_the_member(population):
    m, hh = population.members, population.households
    numbers = m["id_number"].tolist()
    assert len(set(numbers)) == len(numbers)
    assert 0 < (hh["origin"] >= 0).sum() < len(hh["origin"]) / 10  # some hukou elsewhere
    counties = np.array([place.county for place in population.places])[hh["place"]]
    for i, number in enumerate(numbers):
        assert ric.calc_check_digit(number) == number[-1]
        parsed = parse_id_number(number, today=AS_OF)
        assert parsed.birthplace_known
        assert parsed.birth_date == m["birth"][i].astype(datetime.date)
        assert parsed.sex == ("male" if m["male"][i] else "female")
        household = m["household"][i]
        if hh["origin"][household] < 0:
            assert number[:6] == counties[household]
        else:
            assert number[:6] in pop.ORIGIN_COUNTIES
            assert m["hukou_region"][i] == number[:6] + "000000"


def test_sequence_digits_stay_unique_even_in_crowded_birth_dates():
    # 400 people per place, birth date and sex: far more than a million households give
    # (about 20), close to the 499 that the three digits allow for one sex.
    rng = np.random.default_rng(1)
    size = 2 * 400 * 50
    place = np.full(size, 410821)
    birth = np.datetime64("1980-01-01") + np.arange(size) % 50
    male = np.arange(size) // (size // 2) == 1
    numbers = pop.id_numbers(rng, place, birth, male)
    assert len(np.unique(numbers)) == size
    assert all(int(n[16]) % 2 == int(is_male) for n, is_male in zip(numbers, male, strict=True))
    with pytest.raises(ValueError, match="499"):
        pop.id_numbers(rng, np.full(500, 410821), np.full(500, birth[0]), np.ones(500, bool))


def test_members_fit_their_age(population):
    m = population.members
    age = np.array([rules.age_on(born, AS_OF) for born in m["birth"].astype(datetime.date)])
    assert (age == m["age"]).all()
    heads = m["relation"] == pop.RELATIONS.index("head")
    assert np.bincount(m["household"][heads]).max() == 1 and age[heads].min() >= 18
    married = m["marital"] == pop.MARITAL.index("married")
    assert age[married].min() >= 20
    working = np.isin(
        np.array(pop.EMPLOYMENT)[m["employment"]],
        ["employed", "flexible", "self_employed", "unemployed", "student"],
    )
    assert age[working].min() >= 16
    assert (age[m["in_school"]] < 30).all()
    assert (m["joined"] >= m["birth"]).all()
    dead = ~np.isnat(m["death"])
    assert dead.any() and (m["left"][dead] == m["death"][dead]).all()


def test_sizes_health_and_incomes_are_spread_as_intended(population):
    m, hh, incomes = population.members, population.households, population.incomes
    present = np.isnat(m["left"])
    sizes = np.bincount(m["household"][present], minlength=2000)
    assert sizes.min() >= 1 and sizes.max() <= 8
    assert 0.15 < (sizes == 1).mean() < 0.40
    assert 0.03 <= (m["disability"] > 0).mean() <= 0.10
    assert 0.005 <= (m["illness"] > 0).mean() <= 0.04
    assert set(np.unique(m["grade"][m["disability"] > 0])) == {1, 2, 3, 4}
    assert {"urban", "rural"} == {"urban" if u else "rural" for u in hh["urban"]}
    counted = np.isin(np.array(pop.INCOME_TYPES)[incomes["kind"]], list(COUNTED_INCOME_TYPES))
    total = np.bincount(
        incomes["household"][counted], weights=incomes["amount"][counted], minlength=2000
    )
    per_person = total / pop.INCOME_MONTHS / hh["counted"]
    line = pop.standard_fen(hh["urban"])
    shares = {
        "below": ((per_person > 0) & (per_person < line)).mean(),
        "at": (per_person == line).mean(),
        "just above": ((per_person > line) & (per_person <= 1.15 * line)).mean(),
        "edge": ((per_person > 1.15 * line) & (per_person < 1.5 * line)).mean(),
        "above edge": (per_person > 1.5 * line).mean(),
    }
    assert shares["below"] > 0.15 and shares["just above"] > 0.05 and shares["edge"] > 0.05
    assert shares["at"] > 0.005 and shares["above edge"] > 0.2
    assert (incomes["amount"] > 0).all() and (~counted).any()
    assert len(population.expenses["household"]) and len(population.assets["household"])


# ----------------------------------------------------------------------------- the database


@pytest.fixture
def loaded(places):
    population = pop.generate(300, 3, as_of=AS_OF)
    return population, load_population(population, batch=128)


@pytest.mark.django_db
def test_loading_writes_every_row_and_one_audit_event(loaded):
    population, summary = loaded
    counts = population.counts()
    assert summary == {**counts, "versions": 300}
    assert (
        Household.objects.count(),
        Member.objects.count(),
        Income.objects.count(),
        Expense.objects.count(),
        Asset.objects.count(),
        HouseholdVersion.objects.count(),
    ) == (300, counts["members"], counts["incomes"], counts["expenses"], counts["assets"], 300)
    event = AuditEvent.objects.get(action="demo.generate")
    assert event.object_type == "population" and event.after["seed"] == 3
    assert event.after["members"] == counts["members"]
    assert verify_chain().intact
    number = population.members["id_number"][7]
    member = Member.objects.get(Member.id_number_filter(number))
    assert member.reveal_id_number() == number and member.id_number_masked == mask(number)


@pytest.mark.django_db
def test_each_version_is_exactly_what_the_registry_would_store(loaded):
    sample = (
        Household.objects.select_related("region")
        .prefetch_related("members", "incomes", "expenses", "assets")
        .order_by("id")[::7]
    )
    for household in sample:
        version = household.versions.get()
        assert (version.version, version.action) == (1, "household.create")
        assert version.form == stored_form(household)
        render_form(version.form, AS_OF, version=1)


@pytest.mark.django_db
def test_the_stored_forms_pass_the_registrys_own_checks(loaded):
    for version in HouseholdVersion.objects.order_by("id")[::5]:
        form = dict(version.form)
        form["members"] = [
            {**member, "id_number": protection.decrypt(member["id_number_ciphertext"])}
            for member in form["members"]
        ]
        parse_household(form, today=AS_OF)  # raises ValidationFailed with every fault


@pytest.mark.django_db
def test_a_county_user_sees_the_households_of_the_county(loaded, make_user):
    county = make_user(Role.COUNTY_APPROVER)
    visible = queries.household_list(county, queries.HouseholdFilter())
    expected = Household.objects.filter(region__code__startswith="410821").count()
    assert visible.count() == expected > 0
    form = queries.household_form(county, visible.first().pk)
    assert form["members"] and form["members"][0]["id_number"].count("*") == 13


@pytest.mark.django_db
def test_generating_again_into_a_filled_registry_is_refused_and_changes_nothing(loaded):
    before = (Household.objects.count(), AuditEvent.objects.count())
    with pytest.raises(DoudiError):
        load_population(pop.generate(10, 4, as_of=AS_OF))
    assert (Household.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.django_db
def test_production_never_gets_a_synthetic_population(places, monkeypatch):
    monkeypatch.setenv("DOUDI_ENV", "production")
    with pytest.raises(DoudiError):
        load_population(pop.generate(10, 4, as_of=AS_OF))
    assert not Household.objects.exists() and not User.objects.exists()


@pytest.mark.django_db
def test_the_commands_generate_and_load(monkeypatch):
    monkeypatch.setattr("doudi.demo.management.commands.demo.DEMO_HOUSEHOLDS", 40)
    out = io.StringIO()
    call_command("demo", "load", stdout=out)
    assert Household.objects.count() == 40 and "40" in out.getvalue()
    call_command("demo", "load", stdout=io.StringIO())  # idempotent: nothing added
    assert Household.objects.count() == 40
    with pytest.raises(Exception, match="empty registry"):
        call_command("demo", "generate", "--households", "5", "--seed", "1", stdout=io.StringIO())
    assert verify_chain().intact


def test_the_demo_places_are_the_villages_of_the_tree():
    places = pop.demo_places()
    assert len(places) == 50 and len({place.county for place in places}) == 10
    assert {place.urban for place in places} == {True, False}
    assert all(is_known_county_code(place.county) for place in places)


@pytest.mark.django_db
def test_generate_prints_what_it_wrote(monkeypatch):
    monkeypatch.setenv("DOUDI_LANG", "en")
    out = io.StringIO()
    call_command(
        "demo", "generate", "--households", "25", "--seed", "2", "--as-of", "2026-11-22", stdout=out
    )
    assert Household.objects.count() == 25
    assert "25" in out.getvalue() and "seed 2" in out.getvalue()


@pytest.mark.django_db
def test_generate_refuses_a_mistyped_date_in_both_languages():
    with pytest.raises(CommandError) as caught:
        call_command("demo", "generate", "--households", "5", "--as-of", "2026-13-01")
    message = str(caught.value)
    assert "2026-13-01" in message and "不是日期" in message and "YYYY-MM-DD" in message
    assert not Household.objects.exists() and not User.objects.exists()
