"""The coded values of the registry, with the Chinese term each stands for."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Relation(models.TextChoices):
    """Relation to the head of household (与户主关系)."""

    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    CHILD_IN_LAW = "child_in_law", _("Son- or daughter-in-law")
    GRANDCHILD = "grandchild", _("Grandchild")
    PARENT = "parent", _("Parent")
    PARENT_IN_LAW = "parent_in_law", _("Parent-in-law")
    GRANDPARENT = "grandparent", _("Grandparent")
    SIBLING = "sibling", _("Brother or sister")
    OTHER = "other", _("Other relative")


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class HukouType(models.TextChoices):
    """Urban or rural household registration (户籍性质)."""

    URBAN = "urban", _("Urban hukou")
    RURAL = "rural", _("Rural hukou")


class MaritalStatus(models.TextChoices):
    UNMARRIED = "unmarried", _("Unmarried")
    MARRIED = "married", _("Married")
    DIVORCED = "divorced", _("Divorced")
    WIDOWED = "widowed", _("Widowed")


class DisabilityCategory(models.TextChoices):
    """The categories of the disability certificate (残疾人证)."""

    VISUAL = "visual", _("Visual")
    HEARING = "hearing", _("Hearing")
    SPEECH = "speech", _("Speech")
    PHYSICAL = "physical", _("Physical")
    INTELLECTUAL = "intellectual", _("Intellectual")
    MENTAL = "mental", _("Mental")
    MULTIPLE = "multiple", _("Multiple")


class SelfCareItem(models.TextChoices):
    """The six activities of daily living of the self-care assessment (生活自理能力评估)."""

    EATING = "eating", _("Eating")
    DRESSING = "dressing", _("Dressing")
    TRANSFER = "transfer", _("Getting in and out of bed")
    TOILETING = "toileting", _("Using the toilet")
    WALKING = "walking", _("Walking indoors")
    BATHING = "bathing", _("Bathing")


class SelfCareLevel(models.TextChoices):
    FULLY_ABLE = "fully_able", _("Fully able to care for self")
    PARTLY_LOST = "partly_lost", _("Partly lost self-care")
    FULLY_LOST = "fully_lost", _("Fully lost self-care")


class Education(models.TextChoices):
    NONE = "none", _("No schooling")
    PRESCHOOL = "preschool", _("Preschool")
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior secondary")
    SENIOR = "senior", _("Senior secondary")
    VOCATIONAL = "vocational", _("Vocational school")
    COLLEGE = "college", _("College (专科)")
    BACHELOR = "bachelor", _("Bachelor's degree")
    POSTGRADUATE = "postgraduate", _("Postgraduate")


class Employment(models.TextChoices):
    EMPLOYED = "employed", _("Employed")
    FLEXIBLE = "flexible", _("Flexible employment")
    FARMING = "farming", _("Farming")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    UNEMPLOYED = "unemployed", _("Unemployed")
    RETIRED = "retired", _("Retired")
    STUDENT = "student", _("Student")
    NOT_WORKING_AGE = "not_working_age", _("Below or above working age")


class LeaveReason(models.TextChoices):
    DEATH = "death", _("Death")
    MOVED_OUT = "moved_out", _("Moved out")
    HOUSEHOLD_SPLIT = "split", _("Household split")
    MARRIED_OUT = "married_out", _("Married out")
    CORRECTION = "correction", _("Entered by mistake")


class ExclusionReason(models.TextChoices):
    """People recorded but not counted in the household (审核确认办法 Art 7)."""

    CLERGY = "clergy", _("Clergy away for 3 years or more")
    PRISONER = "prisoner", _("Serving a prison sentence")
    COMPULSORY_REHAB = "compulsory_rehab", _("In compulsory drug rehabilitation")
    MISSING = "missing", _("Declared missing")


# --- what an investigation establishes beyond the registry's own columns (facts the rules use)


class OrphanStatus(models.TextChoices):
    """孤儿 or 事实无人抚养儿童, as established (民发〔2019〕62号)."""

    NONE = "none", _("Neither orphan nor de facto unsupported")
    ORPHAN = "orphan", _("Orphan (both parents dead or declared missing)")
    DE_FACTO_UNSUPPORTED = "de_facto_unsupported", _("De facto unsupported child")


class CareSetting(models.TextChoices):
    """Where a supported person lives: at home (分散供养) or in an institution (集中供养)."""

    HOME = "home", _("At home, with family")
    INSTITUTION = "institution", _("In a care institution")


class MedicalClaimType(models.TextChoices):
    NONE = "none", _("No medical claim")
    OUTPATIENT_CHRONIC = "outpatient_chronic", _("Outpatient care of a chronic illness")
    INPATIENT = "inpatient", _("Inpatient care")
    CATASTROPHIC = "catastrophic", _("Catastrophic medical costs")


class MedicalCategory(models.TextChoices):
    """The medical-assistance category the person is recorded in."""

    NONE = "none", _("Not recorded")
    EXTREME_HARDSHIP = "extreme_hardship", _("Extreme-hardship person")
    MINIMUM_LIVING = "minimum_living", _("Minimum-living household member")
    POVERTY_REGISTERED = "poverty_registered", _("Registered as at risk of poverty")
    EDGE = "edge", _("Low-income household at the edge of minimum living")
    RIGID_SPENDING = "rigid_spending", _("Hardship from rigid spending")


# A medical claim: its two choices, then its amounts in fen (member field ``medical_claim``).
MEDICAL_CLAIM_CHOICES = {"type": MedicalClaimType, "category": MedicalCategory}
MEDICAL_CLAIM_AMOUNTS = (
    "total_cost_fen",
    "paid_by_basic_insurance_fen",
    "paid_by_critical_illness_insurance_fen",
    "paid_by_supplementary_insurance_fen",
    "received_this_year_fen",
)
# What a refusal calls each field of a medical claim (web/refusals.field_label).
MEDICAL_CLAIM_LABELS = {
    "type": _("kind of claim"),
    "category": _("medical-assistance category"),
    "total_cost_fen": _("total medical cost"),
    "paid_by_basic_insurance_fen": _("paid by basic medical insurance"),
    "paid_by_critical_illness_insurance_fen": _("paid by critical-illness insurance"),
    "paid_by_supplementary_insurance_fen": _("paid by supplementary critical-illness insurance"),
    "received_this_year_fen": _("medical assistance already received this year"),
}


class IncomeType(models.TextChoices):
    """Income types (审核确认办法 Art 13); the last group is kept but not counted."""

    WAGE = "wage", _("Wages (net of necessary job costs)")
    BUSINESS = "business", _("Net business income")
    PROPERTY = "property", _("Net property income")
    TRANSFER = "transfer", _("Net transfer income")
    SPECIAL_CARE = "special_care", _("Special care payments (优抚), not counted")
    FAMILY_PLANNING = "family_planning", _("Family-planning awards, not counted")
    SCHOLARSHIP = "scholarship", _("Scholarships, not counted")
    BRAVERY_AWARD = "bravery_award", _("Awards for bravery (见义勇为), not counted")
    SOCIAL_ASSISTANCE = "social_assistance", _("Social-assistance payments, not counted")
    CENTRAL_BASIC_PENSION = "central_basic_pension", _("Central basic pension, not counted")
    SUPPORT_FROM_SIBLINGS_OR_ELDERLY = (
        "support_siblings_elderly",
        _("Support from siblings or people over 60, not counted"),
    )


COUNTED_INCOME_TYPES = frozenset(
    {IncomeType.WAGE, IncomeType.BUSINESS, IncomeType.PROPERTY, IncomeType.TRANSFER}
)


class ExpenseType(models.TextChoices):
    """Rigid spending (刚性支出), deducted from income when testing."""

    MEDICAL = "medical", _("Medical costs after insurance")
    EDUCATION = "education", _("Education costs")
    REHABILITATION = "rehabilitation", _("Rehabilitation costs")
    FLEXIBLE_EMPLOYMENT = "flexible_employment", _("Costs of flexible employment")


class AssetType(models.TextChoices):
    """Assets (审核确认办法 Art 14)."""

    DEPOSIT = "deposit", _("Bank deposits")
    SECURITIES = "securities", _("Securities and funds")
    INSURANCE = "insurance", _("Commercial insurance")
    CLAIM = "claim", _("Claims owed to the household")
    ONLINE_FINANCE = "online_finance", _("Online finance")
    VEHICLE = "vehicle", _("Vehicle")
    HOME = "home", _("Dwelling")
    BUSINESS = "business", _("Business registration")
    OTHER = "other", _("Other")


FINANCIAL_ASSET_TYPES = frozenset(
    {
        AssetType.DEPOSIT,
        AssetType.SECURITIES,
        AssetType.INSURANCE,
        AssetType.CLAIM,
        AssetType.ONLINE_FINANCE,
    }
)


class VehicleType(models.TextChoices):
    CAR = "car", _("Car")
    TRUCK = "truck", _("Truck or van")
    MOTORCYCLE = "motorcycle", _("Motorcycle")
    AGRICULTURAL = "agricultural", _("Farm vehicle")
    DISABILITY = "disability", _("Vehicle for a disabled person")


class AttachmentCategory(models.TextChoices):
    ID_CARD = "id_card", _("ID card")
    HUKOU = "hukou", _("Household register (户口簿)")
    AUTHORISATION = "authorisation", _("Authorisation for economic checks")
    INCOME = "income", _("Proof of income")
    DISABILITY = "disability", _("Disability certificate")
    MEDICAL = "medical", _("Medical records")
    OTHER = "other", _("Other")
