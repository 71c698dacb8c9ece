"""特困人员救助供养: the three conditions, basic living and care by self-care level.

The national overlap and age rules (民政部《特困人员认定办法》, 2016 and 2021), as parameters:

* ``extreme_hardship.child_guarantee_excludes``: a minor who meets both the orphan (or de facto
  unsupported child) conditions and the 特困 conditions receives one of them, never both. Where
  no choice is recorded (``child_guarantee_choice``) the child guarantee applies.
* ``extreme_hardship.minors_kept_until``: a supported minor stays on to this age, and past it
  only while in school at a stage ``extreme_hardship.continues_in_school`` names (compulsory
  education, ordinary senior high school, secondary vocational school — not higher education).
"""

from __future__ import annotations

import numpy
from openfisca_core.periods import MONTH
from openfisca_core.variables import Variable

from doudi.policy.engine.base import FenVariable
from doudi.policy.engine.entities import Person
from doudi.policy.engine.variables.children import child_allowance_age
from doudi.policy.engine.variables.common import per_urban_rural, regional
from doudi.policy.engine.variables.inputs import ChildGuaranteeChoice, OrphanStatus, SchoolStage


class continues_in_school(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "In school at a stage during which supported minors stay on past the age limit"
    reference = (
        "民政部《特困人员认定办法》（民发〔2021〕43号，2021-04-26）：年满18周岁仍在接受义务教育"
        "或者在普通高中、中等职业学校就读的，可继续享有救助供养待遇"
    )

    def formula(person, period, parameters):
        stages = parameters(period).extreme_hardship.continues_in_school
        allowed = numpy.array([bool(stages[stage.name]) for stage in SchoolStage])
        stage = numpy.asarray(person("education", period)).astype(int)
        return person("in_school", period) & allowed[stage]


class test_no_ability_to_work(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "No ability to work — or a supported minor under the age limit, or still at school"
    reference = (
        "《特困人员认定办法》：无劳动能力；特困人员中的未成年人保至规定年龄，"
        "其后仍在义务教育、普通高中或中等职业学校就读的继续供养（不含高等教育）"
    )

    def formula(person, period, parameters):
        kept_until = parameters(period).extreme_hardship.minors_kept_until
        continuing = person("was_extreme_hardship", period) & (
            (person("age", period) < kept_until) | person("continues_in_school", period)
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
        standard = per_urban_rural(household, period, parameters, "minimum_living.standard")
        return (person("person_income", period) < standard) & household("assets_compliant", period)


class test_no_capable_supporter(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "No legal supporter, or none able to support"
    reference = "《特困人员认定办法》（2021）：无法定赡养、抚养、扶养义务人或其无履行能力"

    def formula(person, period, parameters):
        return ~person("has_capable_supporter", period)


class extreme_hardship_conditions(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Meets the three 特困 conditions"

    def formula(person, period, parameters):
        return (
            person("test_no_ability_to_work", period)
            & person("test_no_means_of_living", period)
            & person("test_no_capable_supporter", period)
        )


class meets_child_guarantee_conditions(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "An orphan or de facto unsupported child within the child allowance's age"

    def formula(person, period, parameters):
        status = person("orphan_status", period)
        # The child allowance's own age rule: one of them, never both, in its last month too.
        return child_allowance_age(person, period, parameters) & (status != OrphanStatus.none)


class test_not_in_child_guarantee(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Not taking the orphan or child guarantee instead (one of them, never both)"
    reference = (
        "民政部《特困人员认定办法》（民发〔2021〕43号，2021-04-26）：同时符合特困人员救助供养条件"
        "和孤儿、事实无人抚养儿童认定条件的未成年人，选择申请纳入孤儿、事实无人抚养儿童基本生活"
        "保障范围的，不再认定为特困人员"
    )

    def formula(person, period, parameters):
        excludes = parameters(period).extreme_hardship.child_guarantee_excludes
        chose_hardship = (
            person("child_guarantee_choice", period) == ChildGuaranteeChoice.extreme_hardship
        )
        # No choice on file: the child guarantee, the programme made for children, applies.
        return ~(bool(excludes) & person("meets_child_guarantee_conditions", period)) | (
            chose_hardship
        )


class extreme_hardship_eligible(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Eligible for 特困 support: all three conditions, and not in the child guarantee"

    def formula(person, period, parameters):
        return person("extreme_hardship_conditions", period) & person(
            "test_not_in_child_guarantee", period
        )


class chose_extreme_hardship_over_child_guarantee(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "A child meeting both who chose 特困: the child guarantee is not paid as well"
    reference = test_not_in_child_guarantee.reference

    def formula(person, period, parameters):
        chose = person("child_guarantee_choice", period) == ChildGuaranteeChoice.extreme_hardship
        excludes = bool(parameters(period).extreme_hardship.child_guarantee_excludes)
        if not excludes or not chose.any():  # the 特困 rules need not be in force then
            return numpy.zeros(len(chose), dtype=bool)
        return chose & person("extreme_hardship_conditions", period)


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
