"""A world to run campaigns over: a generated registry (the demo's households), the twelve
department files of ``doudi demo departments`` delivered through ``sources.services.deliver``,
and a 低保 benefit for each household whose planted truth a recipient rule finds (the 漏保
households of the poverty monitoring receive nothing)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from doudi.accounts.models import User
from doudi.accounts.roles import Role
from doudi.benefits.models import Benefit
from doudi.benefits.tests.factories import approved_benefit
from doudi.demo import departments as dep
from doudi.demo import population as pop
from doudi.demo.bulk_load import load_population
from doudi.identity.protection import lookup_hash
from doudi.jobs.services import run
from doudi.registry.models import Member
from doudi.sources.services import deliver
from doudi.sources.tests.conftest import SAMPLES, private_snapshots  # noqa: F401

CITY = "410800000000"
HOUSEHOLDS = 300
SEED = 410800
# The rules that find each planted truth in a campaign.
FOUND_AS = {
    "death": "death_still_paid",
    "car": "vehicles_over_limit",
    "second_home": "homes_over_limit",
    "business": "business_over_limit",
    "wages": "income_over_line",
    "monitoring": "not_covered",
}
HOUSEHOLD_RULES = {"vehicles_over_limit", "homes_over_limit", "income_over_line"}


@dataclass
class World:
    city: User
    manifest: dict
    members: dict[int, Member]  # population member index → registry member
    benefits: dict[int, Benefit]  # household id → its benefit

    def planted(self, kind: str) -> list[Member]:
        return [self.members[entry["member"]] for entry in self.manifest["planted"][kind]]


def member_of(population: pop.Population, index: int) -> Member:
    number = str(population.members["id_number"][index])
    return Member.objects.select_related("household").get(id_number_hash=lookup_hash(number))


@pytest.fixture
def world(make_user, private_snapshots) -> World:  # noqa: F811
    today = timezone.localdate()
    population = pop.generate(HOUSEHOLDS, SEED, as_of=today)
    load_population(population)
    files, manifest = dep.generate_departments(population, SEED, today)
    city = make_user(Role.CITY_SUPERVISOR, CITY)
    source_of = {name: source for source, name in SAMPLES.items()}
    for name, data in files.items():
        deliver(city, source_of[name], data, name)
    entries = [entry for kind in FOUND_AS for entry in manifest["planted"][kind]]
    members = {entry["member"]: member_of(population, entry["member"]) for entry in entries}
    start = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    benefits = {}
    for kind in FOUND_AS.keys() - {"monitoring"}:
        for entry in manifest["planted"][kind]:
            member = members[entry["member"]]
            if member.household_id not in benefits:
                benefits[member.household_id] = approved_benefit(city, member, start)
    return World(city, manifest, members, benefits)


def run_job(campaign) -> None:
    """What the worker does with the campaign's queued job."""
    run(campaign.job_id)
    campaign.refresh_from_db()
