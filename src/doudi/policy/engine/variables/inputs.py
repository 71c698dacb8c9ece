"""What the model is told: facts from the household form (see policy/inputs.py)."""

from __future__ import annotations

from datetime import date

from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import ETERNITY, MONTH
from openfisca_core.variables import Variable

from doudi.policy.engine.base import FenVariable
from doudi.policy.engine.entities import Household, Person


class DisabilityCategory(Enum):
    none = "none"
    visual = "visual"
    hearing = "hearing"
    speech = "speech"
    physical = "physical"
    intellectual = "intellectual"
    mental = "mental"
    multiple = "multiple"


class OrphanStatus(Enum):
    """Established by investigation: 孤儿 or 事实无人抚养儿童 (民发〔2019〕62号)."""

    none = "none"
    orphan = "orphan"  # both parents dead or declared missing
    de_facto_unsupported = "de_facto_unsupported"


class CareSetting(Enum):
    """Where a supported person lives: at home / with family (分散) or in an institution (集中)."""

    home = "home"
    institution = "institution"


class SchoolStage(Enum):
    """The schooling the registry records (registry.choices.Education): with ``in_school``, the
    stage a student is at now."""

    none = "none"
    preschool = "preschool"
    primary = "primary"
    junior = "junior"
    senior = "senior"
    vocational = "vocational"
    college = "college"
    bachelor = "bachelor"
    postgraduate = "postgraduate"


class ChildGuaranteeChoice(Enum):
    """What a child who meets both the orphan (or de facto unsupported child) conditions and
    the 特困 conditions chose: they receive one, never both (特困人员认定办法 2021)."""

    not_recorded = "not_recorded"  # no choice on file: the child guarantee applies
    child_guarantee = "child_guarantee"  # 孤儿 / 事实无人抚养儿童基本生活保障
    extreme_hardship = "extreme_hardship"  # 特困人员救助供养


# ------------------------------------------------------------------------------- persons


class birth_date(Variable):
    value_type = date
    default_value = date(1970, 1, 1)
    entity = Person
    definition_period = ETERNITY
    label = "Birth date (from the ID number)"


class disability_category(Variable):
    value_type = Enum
    possible_values = DisabilityCategory
    default_value = DisabilityCategory.none
    entity = Person
    definition_period = MONTH
    label = "Disability category on the certificate"


class disability_grade(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Disability grade 1–4 (0: none)"


NO_CERTIFICATE_END = date(9999, 12, 31)


class disability_certificate_valid_until(Variable):
    value_type = date
    default_value = NO_CERTIFICATE_END
    entity = Person
    definition_period = MONTH
    label = (
        "The disability certificate's last valid day, as the disability federation delivered it "
        "(9999-12-31: no end delivered)"
    )


class serious_illness(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Has a recognised serious illness"


class self_care_items_failed(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Daily-living items (of six) the person cannot do alone"


class in_school(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "In school now"


class education(Variable):
    value_type = Enum
    possible_values = SchoolStage
    default_value = SchoolStage.none
    entity = Person
    definition_period = MONTH
    label = "Schooling recorded (the stage now, for a person in school)"


class counted_in_household(Variable):
    value_type = bool
    default_value = True
    entity = Person
    definition_period = MONTH
    label = "Counted as a member of the co-resident family (共同生活家庭成员)"


class person_income(FenVariable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "The person's counted income this month (fen, average over the income window)"


class person_rigid_spending(FenVariable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "The person's rigid spending this month (fen, average over the window)"


class has_capable_supporter(Variable):
    value_type = bool
    default_value = True
    entity = Person
    definition_period = MONTH
    label = "Has a legal supporter (赡养/抚养/扶养义务人) able to support them"


class orphan_status(Variable):
    value_type = Enum
    possible_values = OrphanStatus
    default_value = OrphanStatus.none
    entity = Person
    definition_period = MONTH
    label = "Orphan or de facto unsupported child, as established"


class care_setting(Variable):
    value_type = Enum
    possible_values = CareSetting
    default_value = CareSetting.home
    entity = Person
    definition_period = MONTH
    label = "Supported at home (分散) or in an institution (集中)"


class was_extreme_hardship(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Already supported as 特困 (lets minors stay on to 18, and students to graduation)"


class child_guarantee_choice(Variable):
    value_type = Enum
    possible_values = ChildGuaranteeChoice
    default_value = ChildGuaranteeChoice.not_recorded
    entity = Person
    definition_period = MONTH
    label = "For a child meeting both: the child guarantee or 特困 chosen (default: not recorded)"


class receiving_single_person_minimum_living(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Receives 低保 alone (单人保) now — a fact where minimum_living_recorded is true"


# ---------------------------------------------------------------------------- households


class is_urban(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "Lives in an urban place (city 低保 and 特困 standards apply)"


class household_income(FenVariable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "Counted income not attributed to a member (fen per month)"


class household_rigid_spending(FenVariable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "Rigid spending not attributed to a member (fen per month)"


class financial_assets(FenVariable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "Deposits, securities, insurance, claims and online finance (fen)"


class cars(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "Cars and trucks, not counting vehicles for a disabled person"


class homes(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "Homes owned"


class business_capital(FenVariable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "Registered capital of the household's businesses (fen)"


class receiving_minimum_living(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "Receives 低保 now"


class minimum_living_recorded(Variable):
    value_type = bool
    default_value = False
    entity = Household
    definition_period = MONTH
    label = (
        "The household's 低保 status is on record: receiving_minimum_living and "
        "receiving_single_person_minimum_living are facts (default: not recorded, so a "
        "programme that depends on 低保 uses the engine's own 低保 result)"
    )


class current_minimum_living_amount(FenVariable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "The 低保 amount paid now (fen per month)"


class gradual_exit_months_used(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "Months of gradual exit (渐退期) already granted"


class disaster_affected(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "Hit by a natural disaster and in its transitional period (过渡期)"
