"""医疗救助 (medical assistance): one claim per person in the evaluation month, and the yearly
premium subsidy (资助参保).

Source: 焦作市民政局《焦作市2018年民政行业脱贫攻坚工作方案》(2018-05-17), with the order of
payment of 焦作日报·民政专刊 (2016-06)《编密织牢民生保障“兜底网”》: basic insurance →
critical-illness insurance → supplementary insurance → medical assistance → temporary
assistance → charity.

The claim, for a person of a covered category (``medical_category``: the category recorded in
``recorded_medical_category`` where there is one — 建档立卡 comes only from its register — and
otherwise the engine's own 特困, 低保, 低保边缘 or 刚性支出 result):

* Residual cost: total cost less what basic, critical-illness and supplementary insurance paid,
  never negative (``medical_residual_cost``).
* Ratio, by claim type and category (``medical_assistance_percent``):

  - outpatient chronic/serious illness (门诊): ``medical.outpatient_chronic.percent`` (10 %) for
    every covered category;
  - inpatient (住院) and catastrophic (重特大疾病): ``medical.inpatient.percent`` /
    ``medical.catastrophic.percent`` (70 %, the work plan's minimum) for 低保 and 建档立卡; for 特困
    the higher of that and ``medical.extreme_hardship_percent`` ("适当提高"; 100 % a local
    example);
  - 低保边缘 and 刚性支出 families: the lower of the claim type's ratio and
    ``medical.edge_and_rigid_percent`` (0 in 2018 — not in the 2018 work plan; 50 % from 2021 a
    local example);
  - no category, or no claim: 0.

* Computed amount: residual × ratio // 100 (integer fen, rounded down).
* Annual cap per claim type (``medical.<type>.annual_cap``: 5,000 / 10,000 / 20,000 元). The
  input ``medical_assistance_received_this_year`` is what the person already received this
  calendar year **for the claim's type** (the caps are per type); the amount is the lower of the
  computed amount and the cap less that, never negative.

Premium subsidy (``medical_premium_subsidy``): a yearly amount per person, shown in any month
of the year — 特困 the full individual premium (``medical.individual_premium``, a local
example); 低保 and 建档立卡 ``medical.premium_subsidy`` (30 元, the work plan's minimum), never more
than the premium; other categories nothing.
"""

from __future__ import annotations

import numpy
from openfisca_core.indexed_enums import Enum, EnumArray
from openfisca_core.periods import MONTH
from openfisca_core.variables import Variable

from doudi.policy.engine.base import FenVariable
from doudi.policy.engine.entities import Person
from doudi.policy.engine.variables.common import regional

SEED_003 = "焦作市民政局《焦作市2018年民政行业脱贫攻坚工作方案》（2018-05-17）"


class MedicalClaimType(Enum):
    none = "none"
    outpatient_chronic = "outpatient_chronic"  # 门诊重症慢性病
    inpatient = "inpatient"  # 住院
    catastrophic = "catastrophic"  # 重特大疾病


class MedicalCategory(Enum):
    none = "none"
    extreme_hardship = "extreme_hardship"  # 特困供养人员
    minimum_living = "minimum_living"  # 低保对象
    poverty_registered = "poverty_registered"  # 建档立卡贫困人口 (扶贫对象)
    edge = "edge"  # 低保边缘家庭成员
    rigid_spending = "rigid_spending"  # 刚性支出困难家庭成员


# ---------------------------------------------------------------------------------- inputs


class medical_claim_type(Variable):
    value_type = Enum
    possible_values = MedicalClaimType
    default_value = MedicalClaimType.none
    entity = Person
    definition_period = MONTH
    label = "The medical-assistance claim this month: none, outpatient chronic, inpatient, major"


class RecordedMedicalCategory(Enum):
    """The category on record for medical assistance, or none recorded."""

    not_recorded = "not_recorded"
    none = "none"
    extreme_hardship = "extreme_hardship"
    minimum_living = "minimum_living"
    poverty_registered = "poverty_registered"
    edge = "edge"
    rigid_spending = "rigid_spending"


class recorded_medical_category(Variable):
    value_type = Enum
    possible_values = RecordedMedicalCategory
    default_value = RecordedMedicalCategory.not_recorded
    entity = Person
    definition_period = MONTH
    label = "The person's recognised category for medical assistance, as recorded (default: none)"


class medical_category(Variable):
    value_type = Enum
    possible_values = MedicalCategory
    default_value = MedicalCategory.none
    entity = Person
    definition_period = MONTH
    label = "The category medical assistance uses: the recorded one, else the engine's result"
    reference = (
        "建档立卡 comes only from its register; 特困, 低保, 边缘 and 刚性支出 from the record "
        "where there is one, and from the engine's own results where none is"
    )

    def formula(person, period, parameters):
        recorded = person("recorded_medical_category", period)
        on_record = recorded != RecordedMedicalCategory.not_recorded
        # Indices, not names: decoding and encoding text cost more than the rest of the rule.
        as_category = numpy.array(
            [
                MedicalCategory[item.name].index if item.name in MedicalCategory.__members__ else 0
                for item in RecordedMedicalCategory
            ],
            dtype=numpy.int16,
        )
        codes = as_category[numpy.asarray(recorded).astype(numpy.intp)]
        if not on_record.all():  # only then do the other programmes' rules need to be in force
            household = person.household
            derived = numpy.select(
                [
                    person("extreme_hardship_eligible", period),
                    person("in_minimum_living", period),
                    household("minimum_living_edge", period),
                    household("rigid_spending_hardship", period),
                ],
                [
                    MedicalCategory.extreme_hardship.index,
                    MedicalCategory.minimum_living.index,
                    MedicalCategory.edge.index,
                    MedicalCategory.rigid_spending.index,
                ],
                MedicalCategory.none.index,
            )
            codes = numpy.where(on_record, codes, derived).astype(numpy.int16)
        return EnumArray(codes, MedicalCategory)


class medical_total_cost(FenVariable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Total medical cost of the claim (fen)"


class medical_paid_by_basic_insurance(FenVariable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Paid by basic medical insurance (基本医保/新农合) (fen)"


class medical_paid_by_critical_illness_insurance(FenVariable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Paid by critical-illness insurance (大病保险) (fen)"


class medical_paid_by_supplementary_insurance(FenVariable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Paid by supplementary critical-illness insurance (大病补充保险) (fen)"


class medical_assistance_received_this_year(FenVariable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Medical assistance already received this year for the claim's type (fen)"


# ------------------------------------------------------------------------------ the claim


class medical_residual_cost(FenVariable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Cost left after basic, critical-illness and supplementary insurance (fen, ≥ 0)"
    reference = (
        "焦作日报·民政专刊（创刊号，2016-06）《编密织牢民生保障“兜底网”》："
        "基本医保 → 大病保险 → 大病补充保险 → 医疗救助 → 临时救助 → 慈善"
    )

    def formula(person, period, parameters):
        return numpy.maximum(
            person("medical_total_cost", period)
            - person("medical_paid_by_basic_insurance", period)
            - person("medical_paid_by_critical_illness_insurance", period)
            - person("medical_paid_by_supplementary_insurance", period),
            0,
        )


class medical_assistance_percent(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Share of the residual cost paid, by claim type and category (percent)"
    reference = SEED_003 + "；特困、边缘和刚性支出家庭的比例为地方设定示例值"

    def formula(person, period, parameters):
        household = person.household

        def value(name: str) -> numpy.ndarray:
            return regional(household, period, parameters, f"medical.{name}")

        claim = person("medical_claim_type", period)
        category = person("medical_category", period)
        outpatient = claim == MedicalClaimType.outpatient_chronic
        by_type = numpy.select(
            [
                outpatient,
                claim == MedicalClaimType.inpatient,
                claim == MedicalClaimType.catastrophic,
            ],
            [
                value("outpatient_chronic.percent"),
                value("inpatient.percent"),
                value("catastrophic.percent"),
            ],
            0,
        )
        hardship = numpy.where(
            outpatient, by_type, numpy.maximum(by_type, value("extreme_hardship_percent"))
        )
        lower = numpy.minimum(by_type, value("edge_and_rigid_percent"))
        return numpy.select(
            [
                category == MedicalCategory.extreme_hardship,
                (category == MedicalCategory.minimum_living)
                | (category == MedicalCategory.poverty_registered),
                (category == MedicalCategory.edge) | (category == MedicalCategory.rigid_spending),
            ],
            [hardship, by_type, lower],
            0,
        )


class medical_annual_cap(FenVariable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Annual cap on medical assistance for the claim's type (fen)"
    reference = SEED_003 + "：门诊 5000 元、住院 1 万元、重特大疾病 2 万元"

    def formula(person, period, parameters):
        household = person.household
        claim = person("medical_claim_type", period)
        return numpy.select(
            [
                claim == MedicalClaimType.outpatient_chronic,
                claim == MedicalClaimType.inpatient,
                claim == MedicalClaimType.catastrophic,
            ],
            [
                regional(household, period, parameters, f"medical.{name}.annual_cap")
                for name in ("outpatient_chronic", "inpatient", "catastrophic")
            ],
            0,
        )


class medical_cap_remaining(FenVariable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Room left under the annual cap: the cap less what was received this year (fen)"

    def formula(person, period, parameters):
        return numpy.maximum(
            person("medical_annual_cap", period)
            - person("medical_assistance_received_this_year", period),
            0,
        )


class medical_assistance_uncapped(FenVariable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Medical assistance by the ratio, before the annual cap (fen, rounded down)"

    def formula(person, period, parameters):
        residual = person("medical_residual_cost", period)
        return residual * person("medical_assistance_percent", period) // 100


# ------------------------------------------------------------------------ the named tests


class test_medical_category_covered(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "The person's category is covered for this kind of claim"
    reference = SEED_003 + "；其后扩大到低保边缘家庭和刚性支出困难家庭"

    def formula(person, period, parameters):
        return person("medical_assistance_percent", period) > 0


class test_medical_residual_cost(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Some cost is left after the insurance chain"
    reference = (
        "焦作日报·民政专刊（创刊号，2016-06）《编密织牢民生保障“兜底网”》："
        "医疗救助在基本医保、大病保险和大病补充保险之后"
    )

    def formula(person, period, parameters):
        return person("medical_residual_cost", period) > 0


class test_medical_cap_reached(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "The annual cap for this kind of claim is reached (the payment is limited by it)"
    reference = SEED_003

    def formula(person, period, parameters):
        return person("test_medical_category_covered", period) & (
            person("medical_assistance_uncapped", period) >= person("medical_cap_remaining", period)
        )


class medical_assistance_amount(FenVariable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "医疗救助 for this claim: the ratio of the residual cost, within the annual cap (fen)"
    reference = SEED_003

    def formula(person, period, parameters):
        return numpy.minimum(
            person("medical_assistance_uncapped", period),
            person("medical_cap_remaining", period),
        )


# ------------------------------------------------------------------------ premium subsidy


class medical_premium_subsidy_eligible(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Premium subsidy (资助参保): 特困, 低保 or 建档立卡"
    reference = SEED_003 + "：资助参保"

    def formula(person, period, parameters):
        category = person("medical_category", period)
        return (
            (category == MedicalCategory.extreme_hardship)
            | (category == MedicalCategory.minimum_living)
            | (category == MedicalCategory.poverty_registered)
        )


class medical_premium_subsidy(FenVariable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Premium subsidy for the year (fen per year): 特困 all, 低保 and 建档立卡 a fixed sum"
    reference = (
        SEED_003 + "：特困人员个人缴费部分全额资助，低保和扶贫对象按每人每年不低于30元定额资助"
    )

    def formula(person, period, parameters):
        household = person.household
        premium = regional(household, period, parameters, "medical.individual_premium")
        fixed = regional(household, period, parameters, "medical.premium_subsidy")
        category = person("medical_category", period)
        return numpy.select(
            [
                category == MedicalCategory.extreme_hardship,
                person("medical_premium_subsidy_eligible", period),
            ],
            [premium, numpy.minimum(fixed, premium)],
            0,
        )
