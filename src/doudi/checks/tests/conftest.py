"""The household in need of the case tests, for the registry exports; the demo population
and its departments' deliveries for the check report."""

from __future__ import annotations

import pytest

from doudi.accounts.roles import Role
from doudi.cases.tests.conftest import household  # noqa: F401
from doudi.checks.tests.demo import AS_OF, HOUSEHOLDS, SEED, TODAY
from doudi.demo import departments as dep
from doudi.demo import population as pop
from doudi.demo.bulk_load import load_population
from doudi.sources.services import deliver
from doudi.sources.tests.conftest import SAMPLES, sample


@pytest.fixture
def snapshots_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.DOUDI_SNAPSHOT_URI = ""


@pytest.fixture
def demo(places, clock, snapshots_dir):
    """The demo population in the registry; returns the departments' files and manifest."""
    clock.at(TODAY)
    population = pop.generate(HOUSEHOLDS, SEED, as_of=AS_OF)
    load_population(population)
    return dep.generate_departments(population, SEED, AS_OF)


@pytest.fixture
def delivered(demo, make_user):
    """Every source delivered to the city's platform, as the demo departments have it."""
    files, manifest = demo
    city = make_user(Role.CITY_SUPERVISOR)
    for key, name in SAMPLES.items():
        # A source the demo departments write no file for (education) delivers its sample.
        deliver(city, key, files[name] if name in files else sample(key), name)
    return manifest
