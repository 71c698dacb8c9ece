"""特困人员救助供养: the three conditions, basic living and care by self-care level."""

from __future__ import annotations

import numpy
from openfisca_core.periods import MONTH
from openfisca_core.variables import Variable

from doudi.policy.engine.base import FenVariable
from doudi.policy.engine.entities import Person
from doudi.policy.engine.variables.common import per_urban_rural, regional


class test_no_ability_to_work(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "No ability to work — or a supported minor under 18, or a supported student"
    reference = "《特困人员认定办法》（2021）：无劳动能力；未成年人保至18周岁，在校可延至毕业"

    def formula(person, period, parameters):
        minor_until = parameters(period).minimum_living.minor_until
        continuing = person("was_extreme_hardship", period) & (
            (person("age", period) < minor_until) | person("in_school", period)
        )
        return person("unable_to_work", period) | continuing


class test_no_means_of_living(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "No means of living: own income below the 低保 standard, household assets compliant"
    reference = "《特困人员认定办法》（2021）：无生活来源"

    def formula(person, period, parameters):
        household = person.household
        urban = regional(household, period, parameters, "minimum_living.standard.urban")
        rural = regional(household, period, parameters, "minimum_living.standard.rural")
        standard = numpy.where(household("is_urban", period), urban, rural)
        return (person("person_income", period) < standard) & household("assets_compliant", period)


class test_no_capable_supporter(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "No legal supporter, or none able to support"
    reference = "《特困人员认定办法》（2021）：无法定赡养、抚养、扶养义务人或其无履行能力"

    def formula(person, period, parameters):
        return ~person("has_capable_supporter", period)


class extreme_hardship_eligible(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Eligible for 特困 support: all three conditions"

    def formula(person, period, parameters):
        return (
            person("test_no_ability_to_work", period)
            & person("test_no_means_of_living", period)
            & person("test_no_capable_supporter", period)
        )


class extreme_hardship_basic(FenVariable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "特困 basic living: the yearly urban or rural standard, by month (fen)"

    def formula(person, period, parameters):
        household = person.household
        yearly = per_urban_rural(household, period, parameters, "extreme_hardship.basic_per_year")
        return numpy.where(person("extreme_hardship_eligible", period), yearly // 12, 0)


class extreme_hardship_care(FenVariable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "特困 care (照料护理) by self-care level (fen per month)"

    def formula(person, period, parameters):
        household = person.household
        amounts = [
            regional(household, period, parameters, f"extreme_hardship.care.{level}")
            for level in ("fully_able", "partly_lost", "fully_lost")
        ]
        level = person("self_care_level", period)
        care = numpy.choose(level, amounts)
        return numpy.where(person("extreme_hardship_eligible", period), care, 0)


class extreme_hardship_amount(FenVariable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "特困 support: basic living plus care (fen per month)"

    def formula(person, period, parameters):
        return person("extreme_hardship_basic", period) + person("extreme_hardship_care", period)
