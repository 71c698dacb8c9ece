"""The programmes the engine decides, and the named tests that explain each decision."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

URBAN_RURAL = "{urban_rural}"  # replaced by "urban" or "rural" for the household's place


@dataclass(frozen=True)
class NamedTest:
    """One reason a household or person is in or out: the test's result, the values it
    compared (variables of the model) and the parameters behind them."""

    variable: str
    label: object
    compared: tuple[str, ...] = ()
    parameters: tuple[str, ...] = ()
    # False for a test that tells the route or a fact (the gradual exit, case by case, a cap
    # reached) rather than a condition of eligibility: its "no" is never a cause of refusal.
    condition: bool = True


@dataclass(frozen=True)
class Programme:
    key: str
    label: object
    per_person: bool
    eligible: str | None  # a boolean variable; None: eligible when the amount is above zero
    amount: str | None  # a monthly amount
    tests: tuple[NamedTest, ...] = ()
    # A programme paid otherwise than monthly (资助参保's yearly premium): the amount a whole-place
    # evaluation stores for each person, shown with no monthly sum.
    yearly_amount: str | None = None


STANDARD = f"minimum_living.standard.{URBAN_RURAL}"

ASSET_TESTS = (
    NamedTest(
        "test_financial_assets",
        _("Financial assets within the limit"),
        ("financial_assets", "financial_assets_limit"),
        ("assets.financial_months", STANDARD),
    ),
    NamedTest("test_cars", _("No car beyond those allowed"), ("cars",), ("assets.max_cars",)),
    NamedTest("test_homes", _("No more homes than allowed"), ("homes",), ("assets.max_homes",)),
    NamedTest(
        "test_business_capital",
        _("Business capital within the limit"),
        ("business_capital",),
        ("assets.max_business_capital",),
    ),
)

INCOME_TEST = NamedTest(
    "test_minimum_living_income",
    _("Per-capita income below the 低保 standard"),
    ("minimum_living_tested_income", "minimum_living_line", "minimum_living_members"),
    (STANDARD, "minimum_living.deduct_rigid_spending"),
)

PROGRAMMES = (
    Programme(
        "minimum_living",
        _("Minimum living guarantee (低保)"),
        False,
        "minimum_living_eligible",
        "minimum_living_amount",
        (
            INCOME_TEST,
            *ASSET_TESTS,
            NamedTest(
                "minimum_living_gradual_exit",
                _("In the gradual exit (渐退期) after income rose"),
                ("gradual_exit_months_used",),
                ("minimum_living.gradual_exit_months",),
                condition=False,
            ),
        ),
    ),
    Programme(
        "minimum_living_edge",
        _("Low-income family at the edge of 低保 (低保边缘)"),
        False,
        "minimum_living_edge",
        None,
        (
            NamedTest(
                "minimum_living_edge",
                _("Not 低保; income below 1.5 times the 低保 line; assets compliant"),
                ("minimum_living_tested_income", "minimum_living_line"),
                ("minimum_living.edge_percent",),
            ),
        ),
    ),
    Programme(
        "single_person_minimum_living",
        _("低保 for one member alone (单人保)"),
        True,
        None,
        "single_person_minimum_living_amount",
        (
            NamedTest(
                "single_person_minimum_living_qualifies",
                _("Severe disability or recognised serious illness"),
                ("disability_grade", "serious_illness"),
            ),
        ),
    ),
    Programme(
        "rigid_spending_hardship",
        _("Hardship from rigid spending (支出型困难)"),
        False,
        "rigid_spending_hardship",
        None,
        (
            NamedTest(
                "rigid_spending_hardship",
                _("Income below last year's disposable income; heavy rigid spending"),
                ("total_income", "rigid_spending"),
                (
                    f"rigid_spending.disposable_income_per_year.{URBAN_RURAL}",
                    "rigid_spending.min_share_percent",
                ),
            ),
        ),
    ),
    Programme(
        "extreme_hardship",
        _("Extreme-hardship support (特困供养)"),
        True,
        "extreme_hardship_eligible",
        "extreme_hardship_amount",
        (
            NamedTest(
                "test_no_ability_to_work",
                _("No ability to work"),
                ("age", "disability_grade", "continues_in_school"),
                (
                    "work_ability.age_until",
                    "work_ability.age_from",
                    "extreme_hardship.minors_kept_until",
                ),
            ),
            NamedTest(
                "test_no_means_of_living", _("No means of living"), ("person_income",), (STANDARD,)
            ),
            NamedTest(
                "test_no_capable_supporter",
                _("No supporter able to support"),
                ("has_capable_supporter",),
            ),
            NamedTest(
                "test_not_in_child_guarantee",
                _("Not taking the orphan or child guarantee instead (one of them, never both)"),
                ("orphan_status", "child_guarantee_choice"),
                ("extreme_hardship.child_guarantee_excludes",),
            ),
        ),
    ),
    Programme("orphan", _("Orphan allowance (孤儿基本生活费)"), True, None, "orphan_allowance"),
    Programme(
        "de_facto_unsupported",
        _("Allowance for a de facto unsupported child"),
        True,
        None,
        "de_facto_unsupported_allowance",
    ),
    Programme(
        "disability_living_subsidy",
        _("Living subsidy for disabled people in need"),
        True,
        None,
        "disability_living_subsidy",
    ),
    Programme(
        "disability_care_subsidy",
        _("Care subsidy for severely disabled people"),
        True,
        None,
        "disability_care_subsidy",
    ),
    Programme(
        "disaster_transitional_aid",
        _("Disaster transitional living aid"),
        False,
        None,
        "disaster_transitional_aid",
    ),
    Programme(
        "temporary_assistance",
        _("Temporary assistance (临时救助)"),
        False,
        None,
        "temporary_assistance_amount",
        (
            NamedTest(
                "test_temporary_need",
                _("A complete request: an emergency of tier 1 to 3, or a cost left to cover"),
                ("temporary_need_severity", "temporary_expense", "temporary_assistance_uncapped"),
                (
                    "temporary.emergency_multiple.tier_1",
                    "temporary.emergency_multiple.tier_2",
                    "temporary.emergency_multiple.tier_3",
                    "temporary.expenditure_share_percent",
                    STANDARD,
                ),
            ),
            NamedTest(
                "test_temporary_cap_room",
                _("Room is left under the yearly cap"),
                (
                    "temporary_assistance_annual_cap",
                    "temporary_already_granted_this_year",
                    "temporary_assistance_cap_remaining",
                ),
                ("temporary.cap_months", STANDARD),
            ),
            NamedTest(
                "temporary_case_by_case",
                _("Need above the room under the yearly cap: decided case by case (一事一议)"),
                ("temporary_assistance_uncapped", "temporary_assistance_cap_remaining"),
                ("temporary.cap_months",),
                condition=False,
            ),
            NamedTest(
                "temporary_township_may_approve",
                _("A small amount the township may approve itself"),
                ("temporary_assistance_amount",),
                ("temporary.township_limit",),
                condition=False,
            ),
        ),
    ),
    Programme(
        "medical_assistance",
        _("Medical assistance (医疗救助)"),
        True,
        None,
        "medical_assistance_amount",
        (
            NamedTest(
                "test_medical_category_covered",
                _("The person's category is covered for this kind of claim"),
                ("medical_category", "medical_assistance_percent"),
                (
                    "medical.outpatient_chronic.percent",
                    "medical.inpatient.percent",
                    "medical.catastrophic.percent",
                    "medical.extreme_hardship_percent",
                    "medical.edge_and_rigid_percent",
                ),
            ),
            NamedTest(
                "test_medical_residual_cost",
                _("Some cost is left after basic, critical-illness and supplementary insurance"),
                (
                    "medical_total_cost",
                    "medical_paid_by_basic_insurance",
                    "medical_paid_by_critical_illness_insurance",
                    "medical_paid_by_supplementary_insurance",
                    "medical_residual_cost",
                ),
            ),
            NamedTest(
                "test_medical_cap_reached",
                _("The annual cap for this kind of claim is reached"),
                (
                    "medical_assistance_uncapped",
                    "medical_annual_cap",
                    "medical_assistance_received_this_year",
                    "medical_cap_remaining",
                ),
                (
                    "medical.outpatient_chronic.annual_cap",
                    "medical.inpatient.annual_cap",
                    "medical.catastrophic.annual_cap",
                ),
                condition=False,
            ),
        ),
    ),
    Programme(
        "medical_premium_subsidy",
        _("Medical insurance premium subsidy (资助参保), a yearly amount"),
        True,
        "medical_premium_subsidy_eligible",
        None,
        (
            NamedTest(
                "medical_premium_subsidy_eligible",
                _("特困 (full individual premium), 低保 or 建档立卡 (a fixed sum per year)"),
                ("medical_premium_subsidy",),
                ("medical.individual_premium", "medical.premium_subsidy"),
            ),
        ),
        yearly_amount="medical_premium_subsidy",
    ),
)


# The tests whose "no" is not a cause of refusal (NamedTest.condition), by variable.
_NOT_CONDITIONS = frozenset(
    test.variable for programme in PROGRAMMES for test in programme.tests if not test.condition
)


def unmet_conditions(reasons: list[dict]) -> list[str]:
    """The labels of the conditions an evaluation's reasons (``reason(...)`` entries, also as
    kept on a decision) found not met: the causes of a refusal."""
    return [
        str(reason.get("label", ""))
        for reason in reasons
        if not reason.get("passed") and reason.get("test") not in _NOT_CONDITIONS
    ]


def met_conditions(reasons: list[dict]) -> list[str]:
    """The labels of the conditions found met: why a household receives (its 明白卡)."""
    return [
        str(reason.get("label", ""))
        for reason in reasons
        if reason.get("passed") and reason.get("test") not in _NOT_CONDITIONS
    ]
