"""Building the model: entities, variables, national parameters, and the regional ones."""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

from openfisca_core.indexed_enums import Enum
from openfisca_core.parameters import ParameterNode
from openfisca_core.periods import MONTH
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

from doudi.policy.engine import regional
from doudi.policy.engine.entities import ENTITIES, Household
from doudi.policy.engine.variables import (
    children,
    common,
    disability_and_disaster,
    extreme_hardship,
    inputs,
    medical_assistance,
    minimum_living,
    temporary_assistance,
)

PARAMETERS_DIR = Path(__file__).parent / "parameters"
VARIABLE_MODULES: tuple[ModuleType, ...] = (
    inputs,
    common,
    minimum_living,
    extreme_hardship,
    children,
    disability_and_disaster,
    temporary_assistance,
    medical_assistance,
)


def _variables_of(module: ModuleType) -> list[type[Variable]]:
    return [
        member
        for _name, member in inspect.getmembers(module, inspect.isclass)
        if issubclass(member, Variable) and member.__module__ == module.__name__
    ]


def _county_variable(keys: tuple[str, ...]) -> type[Variable]:
    """The household's county, as an Enum whose members are the county keys."""
    county_enum = Enum("County", [(key, key) for key in keys])
    return type(
        "county",
        (Variable,),
        {
            "value_type": Enum,
            "possible_values": county_enum,
            "default_value": county_enum[keys[0]],
            "entity": Household,
            "definition_period": MONTH,
            "label": "The county whose parameters apply (c + 6-digit code; default: none set)",
            "__module__": __name__,
        },
    )


class DoudiSystem(TaxBenefitSystem):
    """The rules for a set of counties, with the regional values bureaus have added."""

    def __init__(
        self, counties: Iterable[str], added_values: Iterable[regional.DatedValue] = ()
    ) -> None:
        self.counties = sorted({code[:6].ljust(12, "0") for code in counties})
        self.county_keys = ("default", *(regional.county_key(c) for c in self.counties))
        shipped, self.regional_headers = regional.read_regional_files()
        self.regional_values = [*shipped, *added_values]
        super().__init__(ENTITIES)
        for module in VARIABLE_MODULES:
            self.add_variables(*_variables_of(module))
        self.add_variable(_county_variable(self.county_keys))
        self.load_parameters(str(PARAMETERS_DIR))

    def preprocess_parameters(self, parameters: ParameterNode) -> ParameterNode:
        regional.attach_regional(
            parameters, self.regional_values, self.regional_headers, self.counties
        )
        return parameters

    def get_package_metadata(self) -> dict[str, str]:
        return {
            "name": "doudi-policy",
            "version": "1",
            "repository_url": "",
            "location": str(Path(__file__).parent),
        }
