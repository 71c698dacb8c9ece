"""Running the model on columns: one household or a million, the same code path.

The persons and households arrive as numpy arrays (``Population``); the simulation is assembled
directly from them (OpenFisca's SimulationBuilder would loop over every person in Python).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy
from openfisca_core import projectors
from openfisca_core.indexed_enums import Enum, EnumArray
from openfisca_core.periods import ETERNITY
from openfisca_core.populations import GroupPopulation
from openfisca_core.simulations import Simulation

from doudi.policy.engine.system import DoudiSystem


@dataclass
class Population:
    """Input columns for one run. Each person row names its household by position."""

    person_household: numpy.ndarray  # int: index of the person's household
    person_is_head: numpy.ndarray  # bool
    persons: dict[str, numpy.ndarray] = field(default_factory=dict)
    households: dict[str, numpy.ndarray] = field(default_factory=dict)

    @property
    def household_count(self) -> int:
        """Counted from the household columns: the last households may have no one in them
        this month (their only member died or left), so the persons cannot tell."""
        if self.households:
            return len(next(iter(self.households.values())))
        return int(self.person_household.max()) + 1 if len(self.person_household) else 0


class _Households(GroupPopulation):
    """OpenFisca's sums and counts over members use ``bincount`` without ``minlength``: a run
    whose last households have no one in them this month would get too short an answer."""

    @projectors.projectable
    def sum(self, array, role=None):
        if role is not None:
            return super().sum(array, role)
        self.members.check_array_compatible_with_entity(array)
        return numpy.bincount(self.members_entity_id, weights=array, minlength=self.count)

    @projectors.projectable
    def nb_persons(self, role=None):
        if role is not None:
            return super().nb_persons(role)
        return numpy.bincount(self.members_entity_id, minlength=self.count)


def encode(enum: type[Enum], values: numpy.ndarray) -> EnumArray:
    """Text as the enumeration's indices, one comparison per member: OpenFisca's own encoding
    (``numpy.isin`` and a sort per call) took half the run over a million households."""
    values = numpy.asarray(values)
    if values.dtype.kind not in "US":
        return enum.encode(values)
    codes = numpy.zeros(len(values), dtype=numpy.int16)
    known = numpy.zeros(len(values), dtype=bool)
    for item in enum:
        matches = values == item.name
        codes[matches] = item.index
        known |= matches
    if not known.all():
        raise ValueError(f"{values[~known][0]!r} is not a value of {enum.__name__}")
    return EnumArray(codes, enum)


def simulate(system: DoudiSystem, population: Population, month: str) -> Simulation:
    """A simulation of ``population`` for ``month`` (YYYY-MM), ready for ``calculate``."""
    entities = system.instantiate_entities()
    persons, households = entities["person"], entities["household"]
    households.__class__ = _Households
    persons.count = len(population.person_household)
    persons.ids = numpy.arange(persons.count)
    households.count = population.household_count
    households.ids = numpy.arange(households.count)
    households.members_entity_id = population.person_household
    head, member = households.entity.flattened_roles
    roles = numpy.array([member, head], dtype=object)
    # Set directly: the setter copies through a list of a million Python objects.
    households._members_role = roles[population.person_is_head.astype(int)]
    simulation = Simulation(system, entities)
    for columns in (population.persons, population.households):
        for name, values in columns.items():
            variable = system.get_variable(name, check_existence=True)
            period = ETERNITY if variable.definition_period == ETERNITY else month
            if variable.value_type.__name__ == "Enum":
                values = encode(variable.possible_values, values)
            simulation.set_input(name, period, values)
    return simulation
