"""最低生活保障 (低保): the named tests, the gap amount (补差) with 分类施保 add-ons, the gradual
exit (渐退期), 低保边缘 status, single-person 低保 (单人保) and rigid-spending hardship.

Money is compared in whole households, never per head, so no division rounds anything away:
"per-capita income below the standard" is ``income < standard × members``, and the gap
amount is ``standard × members − income``.
"""

from __future__ import annotations

import numpy
from openfisca_core.periods import MONTH
from openfisca_core.variables import Variable

from doudi.policy.engine.base import FenVariable
from doudi.policy.engine.entities import Household, Person
from doudi.policy.engine.variables.common import in_force, per_urban_rural, regional
from doudi.policy.engine.variables.inputs import DisabilityCategory

# ----------------------------------------------------------------------------- the line


class minimum_living_standard(FenVariable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "低保 standard for the household's place, urban or rural (fen per person per month)"

    def formula(household, period, parameters):
        return per_urban_rural(household, period, parameters, "minimum_living.standard")


class minimum_living_members(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "Counted members not supported as 特困 (they are supported on their own)"

    def formula(household, period, parameters):
        counted = household.members("counted_in_household", period)
        hardship = household.members("extreme_hardship_eligible", period)
        return household.sum(counted & ~hardship)


class minimum_living_tested_income(FenVariable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "Income tested against the 低保 line: counted income less rigid spending (fen)"
    reference = (
        "中国社会报（2020-10-10）铁岭市民政局 赵达《扎实做好“六稳”工作 全面落实“六保”任务》："
        "刚性支出在核算家庭收入时扣减"
    )

    def formula(household, period, parameters):
        counted = household.members("counted_in_household", period)
        hardship = household.members("extreme_hardship_eligible", period)
        members = counted & ~hardship
        income = household.sum(household.members("person_income", period) * members)
        spending = household.sum(household.members("person_rigid_spending", period) * members)
        income = income + household("household_income", period)
        spending = spending + household("household_rigid_spending", period)
        deduct = regional(
            household, period, parameters, "minimum_living.deduct_rigid_spending"
        ).astype(bool)
        return numpy.maximum(income - numpy.where(deduct, spending, 0), 0)


class minimum_living_line(FenVariable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "The household's 低保 line: standard × members (fen per month)"

    def formula(household, period, parameters):
        return household("minimum_living_standard", period) * household(
            "minimum_living_members", period
        )


# ------------------------------------------------------------------------ the named tests


class test_minimum_living_income(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "Per-capita income below the 低保 standard"
    reference = "民政部《最低生活保障审核确认办法》（2021）第十三条"

    def formula(household, period, parameters):
        return household("minimum_living_tested_income", period) < household(
            "minimum_living_line", period
        )


class financial_assets_limit(FenVariable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "Financial assets allowed: months of the standard per counted member (fen)"

    def formula(household, period, parameters):
        months = regional(household, period, parameters, "assets.financial_months")
        return (
            months
            * household("minimum_living_standard", period)
            * household("counted_members", period)
        )


class test_financial_assets(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "Financial assets within the limit"
    reference = "《最低生活保障审核确认办法》第十四条；限额为地方设定"

    def formula(household, period, parameters):
        return household("financial_assets", period) <= household("financial_assets_limit", period)


class test_cars(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "No more cars than allowed (vehicles for a disabled person not counted)"

    def formula(household, period, parameters):
        return household("cars", period) <= regional(
            household, period, parameters, "assets.max_cars"
        )


class test_homes(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "No more homes than allowed"

    def formula(household, period, parameters):
        return household("homes", period) <= regional(
            household, period, parameters, "assets.max_homes"
        )


class test_business_capital(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "Registered business capital within the limit"

    def formula(household, period, parameters):
        return household("business_capital", period) <= regional(
            household, period, parameters, "assets.max_business_capital"
        )


class assets_compliant(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "Every asset test passed"

    def formula(household, period, parameters):
        return (
            household("test_financial_assets", period)
            & household("test_cars", period)
            & household("test_homes", period)
            & household("test_business_capital", period)
        )


# --------------------------------------------------------------------- status and amount


class minimum_living_by_tests(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "Eligible for 低保 by the income and asset tests"

    def formula(household, period, parameters):
        return (
            household("test_minimum_living_income", period)
            & household("assets_compliant", period)
            & (household("minimum_living_members", period) > 0)
        )


class minimum_living_gradual_exit(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "In the gradual exit (渐退期): income has risen above the line"
    reference = "《最低生活保障审核确认办法》（2021）：渐退期最长不超过6个月"

    def formula(household, period, parameters):
        months = in_force(parameters, period, "minimum_living.gradual_exit_months")
        if months is None:  # no gradual exit where no rule provides one (before 2021)
            return numpy.zeros(household.count, dtype=bool)
        rules = parameters(period).minimum_living
        below_edge = (
            household("minimum_living_tested_income", period) * 100
            < household("minimum_living_line", period) * rules.edge_percent
        )
        return (
            household("receiving_minimum_living", period)
            & ~household("test_minimum_living_income", period)
            & household("assets_compliant", period)
            & below_edge
            & (household("gradual_exit_months_used", period) < months)
        )


class minimum_living_addon(FenVariable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "分类施保 add-on: the highest share of the standard the member qualifies for (fen)"

    def formula(person, period, parameters):
        household = person.household

        def share(name: str) -> numpy.ndarray:
            return regional(household, period, parameters, f"minimum_living.addon_percent.{name}")

        elderly_age = regional(household, period, parameters, "minimum_living.elderly_age")
        years = person("age", period)
        percent = numpy.maximum.reduce(
            [
                numpy.where(years >= elderly_age, share("elderly"), 0),
                numpy.where(
                    years < parameters(period).minimum_living.minor_until, share("minor"), 0
                ),
                numpy.where(person("serious_illness", period), share("serious_illness"), 0),
                numpy.where(person("severely_disabled", period), share("severe_disability"), 0),
            ]
        )
        in_programme = (
            household("minimum_living_by_tests", period)
            & person("counted_in_household", period)
            & ~person("extreme_hardship_eligible", period)
        )
        standard = household("minimum_living_standard", period)
        return numpy.where(in_programme, standard * percent // 100, 0)


class minimum_living_eligible(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "Eligible for 低保 (by the tests, or in the gradual exit)"

    def formula(household, period, parameters):
        return household("minimum_living_by_tests", period) | household(
            "minimum_living_gradual_exit", period
        )


class minimum_living_amount(FenVariable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "低保 benefit: the gap to the line plus add-ons, or the current amount while exiting"

    def formula(household, period, parameters):
        gap = household("minimum_living_line", period) - household(
            "minimum_living_tested_income", period
        )
        addons = household.sum(household.members("minimum_living_addon", period))
        return numpy.select(
            [
                household("minimum_living_by_tests", period),
                household("minimum_living_gradual_exit", period),
            ],
            [gap + addons, household("current_minimum_living_amount", period)],
            0,
        )


# ---------------------------------------------------- 低保边缘, 单人保, rigid-spending hardship


class minimum_living_edge(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "低保边缘: not 低保, income below 1.5 × the line, assets compliant"
    reference = "民政部低保边缘家庭认定：家庭月人均收入低于当地低保标准1.5倍"

    def formula(household, period, parameters):
        percent = parameters(period).minimum_living.edge_percent
        below = (
            household("minimum_living_tested_income", period) * 100
            < household("minimum_living_line", period) * percent
        )
        return (
            ~household("minimum_living_eligible", period)
            & household("assets_compliant", period)
            & below
        )


class single_person_minimum_living_qualifies(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = (
        "Qualifies for 单人保: grade 1–2 disability, grade 3 intellectual/mental, serious illness"
    )
    reference = "《最低生活保障审核确认办法》第八条"

    def formula(person, period, parameters):
        category = person("disability_category", period)
        grade = person("disability_grade", period)
        grade_three_mind = (grade == 3) & (
            (category == DisabilityCategory.intellectual) | (category == DisabilityCategory.mental)
        )
        return (
            person("severely_disabled", period)
            | grade_three_mind
            | person("serious_illness", period)
        )


class single_person_minimum_living_amount(FenVariable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "单人保 amount: the standard less the person's own income, in a 低保边缘 family (fen)"

    def formula(person, period, parameters):
        household = person.household
        standard = household("minimum_living_standard", period)
        eligible = (
            household("minimum_living_edge", period)
            & person("single_person_minimum_living_qualifies", period)
            & person("counted_in_household", period)
            & ~person("extreme_hardship_eligible", period)
        )
        return numpy.where(
            eligible, numpy.maximum(standard - person("person_income", period), 0), 0
        )


class rigid_spending_hardship(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "支出型困难: income below last year's disposable income, rigid spending a large share"
    reference = (
        "中国社会报（2020-10-10）铁岭市民政局 赵达《扎实做好“六稳”工作 全面落实“六保”任务》；"
        "可支配收入与占比为地方设定"
    )

    def formula(household, period, parameters):
        income = household("total_income", period)
        yearly = per_urban_rural(
            household, period, parameters, "rigid_spending.disposable_income_per_year"
        )
        share = regional(household, period, parameters, "rigid_spending.min_share_percent")
        low_income = income * 12 < yearly * household("counted_members", period)
        heavy = household("rigid_spending", period) * 100 >= income * share
        return (
            ~household("minimum_living_eligible", period)
            & low_income
            & heavy
            & (household("rigid_spending", period) > 0)
        )
