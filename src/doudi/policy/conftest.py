"""Collects the engine's YAML scenario tests (OpenFisca's own format) into the normal run."""

from __future__ import annotations

from functools import cache

from openfisca_core.tools import test_runner

from doudi.policy.engine.system import DoudiSystem

# The ten county-level units of 焦作 (DOMAIN.md §1): the scenarios may place households in any.
TEST_COUNTIES = [
    f"{code}000000"
    for code in (
        "410802",
        "410803",
        "410804",
        "410811",
        "410821",
        "410822",
        "410823",
        "410825",
        "410882",
        "410883",
    )
]


@cache
def scenario_system() -> DoudiSystem:
    return DoudiSystem(TEST_COUNTIES)


class ScenarioFile(test_runner.YamlFile):
    """OpenFisca's YAML file, with each scenario named after its ``name`` in the report."""

    def collect(self):
        with open(self.path, encoding="utf-8") as file:
            scenarios = test_runner.yaml.load(file, Loader=test_runner.Loader)
        for index, scenario in enumerate(scenarios):
            yield test_runner.YamlItem.from_parent(
                self,
                name=scenario.get("name") or f"scenario {index}",
                baseline_tax_benefit_system=scenario_system(),
                test=scenario,
                options={},
            )


def pytest_collect_file(parent, file_path):
    if (
        file_path.suffix == ".yaml"
        and file_path.parent.name == "tests"
        and (file_path.parent.parent.name == "engine")
    ):
        return ScenarioFile.from_parent(parent, path=file_path, tax_benefit_system=None, options={})
    return None
