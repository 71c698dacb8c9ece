"""临时救助 (temporary assistance) for one request in the evaluation month.

DOMAIN.md §3 and §4: the amount is linked to the 低保 standard and tiered; above a threshold a
case is decided one by one (一事一议); the cap is a local setting (examples elsewhere: at most 10
times the monthly standard); the township may approve small amounts ("small amount first").
No source fixes any number, so every parameter is a labelled local example (``temporary.*``).

The rule, per household and request, with S the household's monthly 低保 standard per person
(urban or rural, ``minimum_living_standard``) — per household, not multiplied by members:

* 急难型 (emergency): ``temporary.emergency_multiple.tier_<n>`` × S for the severity tier n = 1–3;
  any other tier gives nothing (the request is incomplete).
* 支出型 (expenditure): ``temporary.expenditure_share_percent`` % of the out-of-pocket cost left
  after other assistance (``temporary_expense``), rounded down to the fen.
* Yearly cap: ``temporary.cap_months`` × S per household per year; the room left is the cap less
  what was already granted this calendar year, never negative. The amount is the lower of the
  computed amount and the room left.
* 一事一议 (``temporary_case_by_case``): the computed amount exceeds the room left — the rule
  cannot meet the need and the rest goes to the county's case-by-case coordination.
* The township may approve (``temporary_township_may_approve``) an amount above zero and at most
  ``temporary.township_limit``.

The engine does not test income or assets here: 急难型 help may be given before checks, and
支出型 follows the full investigation, whose result is the expense entered.
"""

from __future__ import annotations

import numpy
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import MONTH
from openfisca_core.variables import Variable

from doudi.policy.engine.base import FenVariable
from doudi.policy.engine.entities import Household
from doudi.policy.engine.variables.common import regional

REFERENCE = (
    "临时救助金额与低保标准挂钩、分档（焦作日报·民政专刊（2021-04）"
    "《我市出台〈实施意见〉 部署改革完善社会救助制度》）；"
    "金额、分档、上限与乡镇审批额度均为地方设定示例值"
)


class TemporaryNeedType(Enum):
    none = "none"
    emergency = "emergency"  # 急难型: fire, traffic accident, sudden serious illness
    expenditure = "expenditure"  # 支出型: education or medical costs beyond the family's means


# ---------------------------------------------------------------------------------- inputs


class temporary_need_type(Variable):
    value_type = Enum
    possible_values = TemporaryNeedType
    default_value = TemporaryNeedType.none
    entity = Household
    definition_period = MONTH
    label = "The temporary-assistance request this month: none, 急难型 or 支出型"


class temporary_need_severity(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "急难型 severity tier, 1 (least grave) to 3 (gravest); 0: not assessed"


class temporary_expense(FenVariable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "支出型: the out-of-pocket cost left after insurance and other assistance (fen)"


class temporary_already_granted_this_year(FenVariable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "Temporary assistance already granted to the household this calendar year (fen)"


# ------------------------------------------------------------------------------- amounts


class temporary_emergency_amount(FenVariable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "急难型 amount before the cap: the tier's multiple of the monthly 低保 standard (fen)"
    reference = REFERENCE

    def formula(household, period, parameters):
        tier = household("temporary_need_severity", period)
        multiples = [
            regional(household, period, parameters, f"temporary.emergency_multiple.tier_{n}")
            for n in (1, 2, 3)
        ]
        multiple = numpy.select([tier == 1, tier == 2, tier == 3], multiples, 0)
        emergency = household("temporary_need_type", period) == TemporaryNeedType.emergency
        standard = household("minimum_living_standard", period)
        return numpy.where(emergency, multiple * standard, 0)


class temporary_expenditure_amount(FenVariable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "支出型 amount before the cap: a share of the out-of-pocket cost (fen, rounded down)"
    reference = REFERENCE

    def formula(household, period, parameters):
        share = regional(household, period, parameters, "temporary.expenditure_share_percent")
        expense = numpy.maximum(household("temporary_expense", period), 0)
        expenditure = household("temporary_need_type", period) == TemporaryNeedType.expenditure
        return numpy.where(expenditure, expense * share // 100, 0)


class temporary_assistance_uncapped(FenVariable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "Temporary assistance computed by the rule, before the yearly cap (fen)"

    def formula(household, period, parameters):
        return household("temporary_emergency_amount", period) + household(
            "temporary_expenditure_amount", period
        )


class temporary_assistance_annual_cap(FenVariable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "Yearly cap on temporary assistance: months of the monthly 低保 standard (fen)"
    reference = REFERENCE

    def formula(household, period, parameters):
        months = regional(household, period, parameters, "temporary.cap_months")
        return months * household("minimum_living_standard", period)


class temporary_assistance_cap_remaining(FenVariable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "Room left under the yearly cap: the cap less what was granted this year (fen)"

    def formula(household, period, parameters):
        return numpy.maximum(
            household("temporary_assistance_annual_cap", period)
            - household("temporary_already_granted_this_year", period),
            0,
        )


# ------------------------------------------------------------------------ the named tests


class test_temporary_need(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "A complete request: an emergency of tier 1–3, or an expenditure with a cost left"
    reference = (
        "焦作市民政局《焦作市2018年民政行业脱贫攻坚工作方案》（2018-05-17）与焦作日报·民政专刊（2016-06）《编密织牢民生保障“兜底网”》："
        "急难型（火灾、交通事故、突发重大疾病）与支出型（教育、医疗支出）"
    )

    def formula(household, period, parameters):
        need = household("temporary_need_type", period)
        tier = household("temporary_need_severity", period)
        emergency = (need == TemporaryNeedType.emergency) & (tier >= 1) & (tier <= 3)
        expenditure = (need == TemporaryNeedType.expenditure) & (
            household("temporary_expense", period) > 0
        )
        return emergency | expenditure


class test_temporary_cap_room(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "Room is left under the yearly cap"

    def formula(household, period, parameters):
        return household("temporary_assistance_cap_remaining", period) > 0


class temporary_assistance_amount(FenVariable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "临时救助 for this request: the computed amount, at most the room left (fen)"
    reference = REFERENCE

    def formula(household, period, parameters):
        amount = numpy.minimum(
            household("temporary_assistance_uncapped", period),
            household("temporary_assistance_cap_remaining", period),
        )
        return numpy.where(household("test_temporary_need", period), amount, 0)


class temporary_case_by_case(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "一事一议: the need computed by the rule exceeds the room left under the yearly cap"
    reference = (
        "焦作日报·民政专刊（2021-04）《我市出台〈实施意见〉 部署改革完善社会救助制度》："
        "超过一定额度的一事一议"
    )

    def formula(household, period, parameters):
        return household("test_temporary_need", period) & (
            household("temporary_assistance_uncapped", period)
            > household("temporary_assistance_cap_remaining", period)
        )


class temporary_township_may_approve(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "A small amount the township (street) may approve itself (小金额先行救助)"
    reference = (
        "小金额临时救助审核确认权下放乡镇（街道）（焦作日报·民政专刊（2021-04）"
        "《我市出台〈实施意见〉 部署改革完善社会救助制度》；"
        "焦作日报（2022-02-23）《寒冬里洋溢着暖意》）"
    )

    def formula(household, period, parameters):
        amount = household("temporary_assistance_amount", period)
        limit = regional(household, period, parameters, "temporary.township_limit")
        return (amount > 0) & (amount <= limit)
