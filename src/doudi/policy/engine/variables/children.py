"""孤儿 and 事实无人抚养儿童: the basic living allowance for children without parents' care.

The allowance is paid through the month of the 18th birthday and ends the month after it; one
recorded as still in school keeps it through the month of the birthday that
``child_support.in_school_until`` names (民发〔2019〕62号). Born on 29 February: in a year
without one the birthday is 1 March (as ``age`` counts it), so the last month is March.
The due lists (``doudi.rechecks.allowances``) read the same rule through ``last_month_of``.
"""

from __future__ import annotations

import calendar
import datetime

import numpy
from openfisca_core.errors import ParameterNotFoundError
from openfisca_core.periods import MONTH

from doudi.policy.engine.base import FenVariable
from doudi.policy.engine.entities import Person
from doudi.policy.engine.variables.common import civil_date, regional
from doudi.policy.engine.variables.inputs import CareSetting, OrphanStatus


def _standard(person, period, parameters) -> numpy.ndarray:
    household = person.household
    institution = regional(
        household, period, parameters, "child_support.orphan_standard.institution"
    )
    family = regional(household, period, parameters, "child_support.orphan_standard.family")
    in_institution = person("care_setting", period) == CareSetting.institution
    return numpy.where(in_institution, institution, family)


def last_month_of(birth: datetime.date, years: int) -> datetime.date:
    """The last month (its first day) of an allowance kept until the birthday of ``years``."""
    year = birth.year + years
    if (birth.month, birth.day) == (2, 29) and not calendar.isleap(year):
        return datetime.date(year, 3, 1)
    return datetime.date(year, birth.month, 1)


def child_allowance_age(person, period, parameters) -> numpy.ndarray:
    """Still within the allowance's age: the month is not after the last month."""
    adult_at = parameters(period).minimum_living.minor_until
    years = numpy.where(
        person("in_school", period),
        _in_school_until(person, period, parameters, adult_at),
        adult_at,
    )
    year, month, day = civil_date(person("birth_date", period))
    until = year + years
    no_leap_day = (until % 4 != 0) | ((until % 100 == 0) & (until % 400 != 0))
    last = until * 12 + month - 1 + ((month == 2) & (day == 29) & no_leap_day)
    return period.start.year * 12 + period.start.month - 1 <= last


def _in_school_until(person, period, parameters, adult_at: int) -> numpy.ndarray | int:
    """The age to which a student keeps the allowance; the adult age where no continuation
    is in force (before the 2019 opinion, or a place without a value)."""
    if not numpy.asarray(person("in_school", period)).any():
        return adult_at  # the regional look-up is for students only
    try:
        limit = regional(person.household, period, parameters, "child_support.in_school_until")
    except ParameterNotFoundError:
        return adult_at
    return numpy.maximum(limit, adult_at)


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
            child_allowance_age(person, period, parameters)
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
            child_allowance_age(person, period, parameters)
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
