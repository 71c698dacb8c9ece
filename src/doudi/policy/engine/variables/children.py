"""孤儿 and 事实无人抚养儿童: the basic living allowance for children without parents' care."""

from __future__ import annotations

import numpy
from openfisca_core.periods import MONTH

from doudi.policy.engine.base import FenVariable
from doudi.policy.engine.entities import Person
from doudi.policy.engine.variables.common import regional
from doudi.policy.engine.variables.inputs import CareSetting, OrphanStatus


def _standard(person, period, parameters) -> numpy.ndarray:
    household = person.household
    institution = regional(
        household, period, parameters, "child_support.orphan_standard.institution"
    )
    family = regional(household, period, parameters, "child_support.orphan_standard.family")
    in_institution = person("care_setting", period) == CareSetting.institution
    return numpy.where(in_institution, institution, family)


def _child(person, period, parameters) -> numpy.ndarray:
    return person("age", period) < parameters(period).minimum_living.minor_until


class orphan_allowance(FenVariable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "孤儿基本生活费: the institutional or family standard (fen per month)"
    reference = (
        "焦作市民政局《焦作市2018年民政行业脱贫攻坚工作方案》（2018-05-17）：机构养育孤儿"
        "每人每月不低于1100元、社会散居孤儿每人每月不低于700元"
    )

    def formula(person, period, parameters):
        orphan = (
            _child(person, period, parameters)
            & (person("orphan_status", period) == OrphanStatus.orphan)
            & ~person("chose_extreme_hardship_over_child_guarantee", period)
        )
        return numpy.where(orphan, _standard(person, period, parameters), 0)


class de_facto_unsupported_allowance(FenVariable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "事实无人抚养儿童: up to the orphan standard, less the child's other support (fen)"
    reference = "民政部等《关于进一步加强事实无人抚养儿童保障工作的意见》（民发〔2019〕62号）"

    def formula(person, period, parameters):
        household = person.household
        unsupported = (
            _child(person, period, parameters)
            & (person("orphan_status", period) == OrphanStatus.de_facto_unsupported)
            & ~person("chose_extreme_hardship_over_child_guarantee", period)
        )
        members = numpy.maximum(household("minimum_living_members", period), 1)
        share = household("minimum_living_amount", period) // members
        in_programme = person("counted_in_household", period) & ~person(
            "extreme_hardship_eligible", period
        )
        other = numpy.where(in_programme, share, 0) + person("extreme_hardship_amount", period)
        top_up = numpy.maximum(_standard(person, period, parameters) - other, 0)
        return numpy.where(unsupported, top_up, 0)
