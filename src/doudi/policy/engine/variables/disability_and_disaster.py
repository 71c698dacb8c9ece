"""残疾人两项补贴 and disaster transitional aid (受灾人员过渡期生活救助)."""

from __future__ import annotations

import numpy
from openfisca_core.periods import MONTH

from doudi.policy.engine.base import FenVariable
from doudi.policy.engine.entities import Household, Person
from doudi.policy.engine.variables.common import regional


class disability_living_subsidy(FenVariable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = (
        "困难残疾人生活补贴: a disabled member of a 低保 household or on 单人保, as recorded, "
        "while the certificate is valid (fen)"
    )
    reference = "焦作市民政局《焦作市2018年民政行业脱贫攻坚工作方案》（2018-05-17）：每人每月60元"

    def formula(person, period, parameters):
        household = person.household
        grade = person("disability_grade", period)
        disabled = (grade >= 1) & (grade <= 4) & person("disability_certificate_valid", period)
        guessed = disabled & ~household("minimum_living_recorded", period)
        # The engine's 低保 result is asked for only where a disabled person has no record.
        poor = person(
            "in_minimum_living" if guessed.any() else "recorded_in_minimum_living", period
        )
        amount = regional(household, period, parameters, "disability.living_subsidy")
        return numpy.where(disabled & poor, amount, 0)


class disability_care_subsidy(FenVariable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "重度残疾人护理补贴: disability grade 1 or 2, while the certificate is valid (fen)"
    reference = "焦作市民政局《焦作市2018年民政行业脱贫攻坚工作方案》（2018-05-17）：每人每月60元"

    def formula(person, period, parameters):
        household = person.household
        amount = regional(household, period, parameters, "disability.care_subsidy")
        paid = person("severely_disabled", period) & person("disability_certificate_valid", period)
        return numpy.where(paid, amount, 0)


class disaster_transitional_aid(FenVariable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "受灾人员过渡期生活救助: an amount per person of a disaster-hit household (fen)"
    reference = (
        "焦作日报·民政专刊（创刊号，2016-06）《编密织牢民生保障“兜底网”》：按照人均230元的标准补助"
    )

    def formula(household, period, parameters):
        per_person = regional(household, period, parameters, "disaster.transitional_per_person")
        return numpy.where(
            household("disaster_affected", period), per_person * household.nb_persons(), 0
        )
