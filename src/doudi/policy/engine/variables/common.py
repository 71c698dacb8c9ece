"""Facts derived for every program: age, ability to work, who is counted, household totals."""

from __future__ import annotations

import numpy
from openfisca_core.errors import ParameterNotFoundError
from openfisca_core.periods import MONTH
from openfisca_core.variables import Variable

from doudi.policy.engine.base import FenVariable
from doudi.policy.engine.entities import Household, Person
from doudi.policy.engine.regional import by_county
from doudi.policy.engine.variables.inputs import DisabilityCategory


def regional(household, period, parameters, name: str) -> numpy.ndarray:
    """Each household's value of a region-varying parameter in force at the month's start."""
    node = parameters(period)
    for part in name.split("."):
        node = node[part]
    keys = household.simulation.tax_benefit_system.county_keys
    return by_county(node, _county_index(household, period), keys)


def _county_index(household, period) -> numpy.ndarray:
    """The households' county positions as a machine index, converted once per run and month:
    some forty parameters are looked up per household, each converting it again otherwise."""
    # Per household, or per person where a person's formula asks through ``person.household``.
    key = (period, type(household))
    cache = household.simulation.__dict__.setdefault("_county_index", {})
    if key not in cache:
        cache[key] = numpy.asarray(household("county", period)).astype(numpy.intp)
    return cache[key]


def per_urban_rural(household, period, parameters, name: str) -> numpy.ndarray:
    """The urban or the rural value of a regional pair ``name.urban`` / ``name.rural``."""
    is_urban = numpy.asarray(household("is_urban", period))
    # Ask only for the values some household needs: a place may lack one of the two on a date,
    # and a rural household must not be refused for want of the urban standard.
    urban = regional(household, period, parameters, f"{name}.urban") if is_urban.any() else 0
    rural = regional(household, period, parameters, f"{name}.rural") if not is_urban.all() else 0
    return numpy.where(is_urban, urban, rural)


def civil_date(days: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
    """Year, month and day of dates, in integer arithmetic (H. Hinnant's civil_from_days):
    numpy's conversions to months and years cost more than the rest of the age."""
    z = numpy.asarray(days, dtype="datetime64[D]").astype(numpy.int64) + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = numpy.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year, month, day


class age(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Age in completed years on the first day of the month"

    def formula(person, period, parameters):
        year, month, day = civil_date(person("birth_date", period))
        start = period.start
        birthday_to_come = (month > start.month) | ((month == start.month) & (day > start.day))
        return start.year - year - birthday_to_come


class unable_to_work(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Has no ability to work (特困人员认定办法)"
    reference = "民政部《特困人员认定办法》（2021）：无劳动能力的认定"

    def formula(person, period, parameters):
        rules = parameters(period).work_ability
        years = person("age", period)
        category = person("disability_category", period)
        grade = person("disability_grade", period)
        graded = (grade >= 1) & (grade <= 4)
        by_disability = graded & (
            (
                (
                    (category == DisabilityCategory.intellectual)
                    | (category == DisabilityCategory.mental)
                )
                & (grade <= rules.max_grade_intellectual_mental)
            )
            | ((category == DisabilityCategory.physical) & (grade <= rules.max_grade_physical))
            | ((category == DisabilityCategory.visual) & (grade <= rules.max_grade_visual))
        )
        return (years >= rules.age_until) | (years < rules.age_from) | by_disability


class severely_disabled(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Disability grade 1 or 2 (重度残疾)"

    def formula(person, period, parameters):
        grade = person("disability_grade", period)
        return (grade >= 1) & (grade <= 2)


class disability_certificate_valid(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = (
        "The disability certificate is valid in the month: its last valid day is in the month or "
        "later (the subsidies stop from the month after it)"
    )
    reference = (
        "国务院《关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》"
        "（国发〔2015〕52号，2015-09-22）：补贴对象为持有第二代《中华人民共和国残疾人证》者"
    )

    def formula(person, period, parameters):
        until = numpy.asarray(
            person("disability_certificate_valid_until", period), dtype="datetime64[D]"
        )
        return until >= numpy.datetime64(period.start.date, "D")


class self_care_level(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Self-care: 0 fully able, 1 partly lost (1–3 items), 2 fully lost (4 or more)"

    def formula(person, period, parameters):
        failed = person("self_care_items_failed", period)
        return numpy.select([failed >= 4, failed >= 1], [2, 1], 0)


class counted_members(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "Members counted in the household's tests"

    def formula(household, period, parameters):
        return household.sum(household.members("counted_in_household", period))


class total_income(FenVariable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "Counted income of the counted members (fen per month)"

    def formula(household, period, parameters):
        counted = household.members("counted_in_household", period)
        incomes = household.members("person_income", period) * counted
        return household.sum(incomes) + household("household_income", period)


class rigid_spending(FenVariable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "Rigid spending of the counted members (fen per month)"

    def formula(household, period, parameters):
        counted = household.members("counted_in_household", period)
        spending = household.members("person_rigid_spending", period) * counted
        return household.sum(spending) + household("household_rigid_spending", period)


def in_force(parameters, period, name: str):
    """A national parameter's value at the month's start, or None where no rule is in force —
    for a rule that simply does not apply before its date (the gradual exit before 2021)."""
    node = parameters(period)
    try:
        for part in name.split("."):
            node = node[part]
    except ParameterNotFoundError:
        return None
    return node


class recorded_in_minimum_living(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Receives 低保 (the household's, or alone) according to the record"

    def formula(person, period, parameters):
        return person.household("receiving_minimum_living", period) | person(
            "receiving_single_person_minimum_living", period
        )


class in_minimum_living(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "In 低保 (the household's, or alone): the record where there is one, else the engine"
    reference = (
        "A programme for 低保 households follows the 低保 the household actually receives; "
        "the engine's own 低保 result stands in only where no status is recorded"
    )

    def formula(person, period, parameters):
        recorded = person.household("minimum_living_recorded", period)
        fact = person("recorded_in_minimum_living", period)
        if recorded.all():  # nothing to guess: the 低保 rules need not be in force this month
            return fact
        engine = person.household("minimum_living_eligible", period)
        if in_force(parameters, period, "minimum_living.edge_percent") is not None:
            # 单人保 exists only where the 低保边缘 rule does (审核确认办法 2021).
            engine = engine | (person("single_person_minimum_living_amount", period) > 0)
        return numpy.where(recorded, fact, engine)
