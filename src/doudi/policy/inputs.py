"""From the household JSON form to the engine's input columns.

Income and rigid spending enter the tests as a monthly average over the months of the income
window (a local setting) that carry any record for the household — a household registered last
month is not diluted over a year it was not on file.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import numpy
from django.utils.translation import gettext_lazy as _

from doudi.errors import DoudiError, ValidationFailed
from doudi.policy.engine.regional import county_key
from doudi.policy.engine.simulate import Population
from doudi.regions.codes import Level
from doudi.regions.models import Classification, Region
from doudi.registry.choices import (
    COUNTED_INCOME_TYPES,
    FINANCIAL_ASSET_TYPES,
    AssetType,
    Relation,
    VehicleType,
)
from doudi.registry.form_input import HouseholdInput, MemberInput, parse_household

INCOME_WINDOW_MONTHS = 12
ORPHAN_STATUSES = ("none", "orphan", "de_facto_unsupported")
CHILD_GUARANTEE_CHOICES = ("not_recorded", "child_guarantee", "extreme_hardship")
CARE_SETTINGS = ("home", "institution")
COUNTED_VEHICLES = (VehicleType.CAR, VehicleType.TRUCK)


# Optional request facts of the form → the engine's inputs (money in fen, never negative).
TEMPORARY_NEED_FIELDS = {
    "type": "temporary_need_type",
    "severity": "temporary_need_severity",
    "expense_fen": "temporary_expense",
    "granted_this_year_fen": "temporary_already_granted_this_year",
}
MEDICAL_CLAIM_FIELDS = {
    "type": "medical_claim_type",
    "category": "recorded_medical_category",
    "total_cost_fen": "medical_total_cost",
    "paid_by_basic_insurance_fen": "medical_paid_by_basic_insurance",
    "paid_by_critical_illness_insurance_fen": "medical_paid_by_critical_illness_insurance",
    "paid_by_supplementary_insurance_fen": "medical_paid_by_supplementary_insurance",
    "received_this_year_fen": "medical_assistance_received_this_year",
}
REQUEST_CHOICES = {
    "temporary_need_type": ("none", "emergency", "expenditure"),
    "medical_claim_type": ("none", "outpatient_chronic", "inpatient", "catastrophic"),
    "recorded_medical_category": (
        "not_recorded",
        "none",
        "extreme_hardship",
        "minimum_living",
        "poverty_registered",
        "edge",
        "rigid_spending",
    ),
}


def _request(
    raw: Any, where: str, fields: dict[str, str], problems: list[DoudiError]
) -> dict[str, Any]:
    """One optional request object of the form, as engine inputs (absent: the defaults)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.append(DoudiError(_("must be an object with named fields."), field=where))
        return {}
    values: dict[str, Any] = {}
    for key, variable in fields.items():
        if key not in raw:
            continue
        value = raw[key]
        allowed = REQUEST_CHOICES.get(variable)
        if allowed is not None:
            if value not in allowed:
                problems.append(
                    DoudiError(
                        _("“%(value)s” is not one of: %(allowed)s."),
                        field=f"{where}.{key}",
                        value=value,
                        allowed=", ".join(allowed),
                    )
                )
        elif isinstance(value, bool) or not isinstance(value, int) or value < 0:
            problems.append(
                DoudiError(_("must be a whole number, not negative."), field=f"{where}.{key}")
            )
        values[variable] = value
    return values


@dataclass(frozen=True)
class CaseFacts:
    """What an investigation establishes beyond the registry (optional in the form)."""

    has_capable_supporter: dict[str, bool]
    orphan_status: dict[str, str]
    child_guarantee_choice: dict[str, str]
    care_setting: dict[str, str]
    was_extreme_hardship: dict[str, bool]
    disaster_affected: bool
    receiving_minimum_living: bool
    current_minimum_living_fen: int
    gradual_exit_months_used: int
    temporary_need: dict[str, Any]
    medical_claims: dict[str, dict[str, Any]]


def parse_month(text: str) -> datetime.date:
    try:
        year, month = (int(part) for part in str(text).split("-"))
        return datetime.date(year, month, 1)
    except ValueError:
        raise DoudiError(
            _("“%(value)s” is not a month (YYYY-MM)."), field="month", value=text
        ) from None


def months_back(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 - count
    return datetime.date(index // 12, index % 12 + 1, 1)


def _case_facts(form: dict[str, Any], members: list[MemberInput]) -> CaseFacts:
    problems: list[DoudiError] = []
    raw_members = form.get("members") or []
    facts: dict[str, dict[str, Any]] = {
        "has_capable_supporter": {},
        "orphan_status": {},
        "child_guarantee_choice": {},
        "care_setting": {},
        "was_extreme_hardship": {},
        "medical_claims": {},
    }
    for index, (raw, member) in enumerate(zip(raw_members, members, strict=False)):
        where = f"members[{index}]"
        for name in ("has_capable_supporter", "was_extreme_hardship"):
            value = raw.get(name, name == "has_capable_supporter")
            if not isinstance(value, bool):
                problems.append(DoudiError(_("must be true or false."), field=f"{where}.{name}"))
            facts[name][member.key] = bool(value)
        for name, allowed, default in (
            ("orphan_status", ORPHAN_STATUSES, "none"),
            ("child_guarantee_choice", CHILD_GUARANTEE_CHOICES, "not_recorded"),
            ("care_setting", CARE_SETTINGS, "home"),
        ):
            value = raw.get(name) or default
            if value not in allowed:
                problems.append(
                    DoudiError(
                        _("“%(value)s” is not one of: %(allowed)s."),
                        field=f"{where}.{name}",
                        value=value,
                        allowed=", ".join(allowed),
                    )
                )
            facts[name][member.key] = value
        facts["medical_claims"][member.key] = _request(
            raw.get("medical_claim"), f"{where}.medical_claim", MEDICAL_CLAIM_FIELDS, problems
        )
    temporary = _request(
        form.get("temporary_need"), "temporary_need", TEMPORARY_NEED_FIELDS, problems
    )
    status = form.get("minimum_living") or {}
    receiving = status.get("receiving", False)
    current = status.get("current_amount_fen", 0)
    used = status.get("gradual_exit_months_used", 0)
    for name, value, kind in (
        ("receiving", receiving, bool),
        ("current_amount_fen", current, int),
        ("gradual_exit_months_used", used, int),
    ):
        if not isinstance(value, kind) or (kind is int and (isinstance(value, bool) or value < 0)):
            problems.append(DoudiError(_("has an invalid value."), field=f"minimum_living.{name}"))
    disaster = form.get("disaster_affected", False)
    if not isinstance(disaster, bool):
        problems.append(DoudiError(_("must be true or false."), field="disaster_affected"))
    if problems:
        raise ValidationFailed(
            _("The household was not evaluated: %(count)d problems found."),
            problems=problems,
            count=len(problems),
        )
    return CaseFacts(
        **facts,
        disaster_affected=bool(disaster),
        receiving_minimum_living=bool(receiving),
        current_minimum_living_fen=int(current),
        gradual_exit_months_used=int(used),
        temporary_need=temporary,
    )


def members_on(
    form: dict[str, Any], data: HouseholdInput, month: datetime.date
) -> list[MemberInput]:
    """The members on the month's first day. A member given without ``joined_on`` belongs
    from birth (the registry would date them today, which would empty every past month)."""
    dated = [
        isinstance(raw, dict) and bool(raw.get("joined_on")) for raw in form.get("members") or []
    ]
    return [
        m
        for m, has_date in zip(data.members, dated, strict=False)
        if (not has_date or m.joined_on <= month) and (m.left_on is None or m.left_on > month)
    ]


def place_of(region_code: str) -> Region:
    region = Region.objects.filter(code=region_code, level=Level.VILLAGE).first()
    if region is None:
        raise DoudiError(
            _(
                "Unknown place “%(code)s”: the household must live in a village or "
                "community of the region tree."
            ),
            field="region",
            code=region_code,
        )
    return region


def population_from_form(
    form: dict[str, Any], month: datetime.date, county_keys: tuple[str, ...]
) -> tuple[Population, HouseholdInput]:
    """One household's input columns for ``month``; refuses invalid forms with every fault."""
    data = parse_household(form, today=datetime.date.today())
    facts = _case_facts(form, data.members)
    region = place_of(data.region_code)
    key = county_key(region.code)
    if key not in county_keys:
        raise DoudiError(
            _("No rules are set up for the county of “%(code)s”."), field="region", code=region.code
        )
    members = members_on(form, data, month)
    if not members:
        raise DoudiError(
            _("The household had no members on %(day)s."), field="members", day=month.isoformat()
        )
    window_start = months_back(month, INCOME_WINDOW_MONTHS - 1)
    incomes = [i for i in data.incomes if window_start <= i.month <= month]
    expenses = [e for e in data.expenses if window_start <= e.month <= month]
    months = max(len({i.month for i in incomes} | {e.month for e in expenses}), 1)

    def average(items, key: str | None, counted_only: bool) -> int:
        return (
            sum(
                item.amount_fen
                for item in items
                if item.member_key == key
                and (not counted_only or item.income_type in COUNTED_INCOME_TYPES)
            )
            // months
        )

    persons = {
        "birth_date": numpy.array([m.id_number.birth_date for m in members], dtype="datetime64[D]"),
        "disability_category": numpy.array([m.disability_category or "none" for m in members]),
        "disability_grade": numpy.array([m.disability_grade or 0 for m in members]),
        "serious_illness": numpy.array([bool(m.serious_illness) for m in members]),
        "self_care_items_failed": numpy.array([len(m.self_care_failed) for m in members]),
        "in_school": numpy.array([m.in_school for m in members]),
        "education": numpy.array([m.education or "none" for m in members]),
        "counted_in_household": numpy.array([not m.excluded_reason for m in members]),
        "person_income": numpy.array([average(incomes, m.key, True) for m in members]),
        "person_rigid_spending": numpy.array([average(expenses, m.key, False) for m in members]),
        **{
            name: numpy.array([getattr(facts, name)[m.key] for m in members])
            for name in (
                "has_capable_supporter",
                "orphan_status",
                "child_guarantee_choice",
                "care_setting",
                "was_extreme_hardship",
            )
        },
    }
    for variable in MEDICAL_CLAIM_FIELDS.values():
        given = [facts.medical_claims[m.key].get(variable) for m in members]
        if any(value is not None for value in given):
            default = REQUEST_CHOICES[variable][0] if variable in REQUEST_CHOICES else 0
            persons[variable] = numpy.array([default if v is None else v for v in given])
    assets = data.assets
    households = {
        "county": numpy.array([county_keys.index(key)], dtype=numpy.int16),
        "is_urban": numpy.array([region.classification == Classification.URBAN]),
        "household_income": numpy.array([average(incomes, None, True)]),
        "household_rigid_spending": numpy.array([average(expenses, None, False)]),
        "financial_assets": numpy.array(
            [sum(a.value_fen for a in assets if a.asset_type in FINANCIAL_ASSET_TYPES)]
        ),
        "cars": numpy.array(
            [
                sum(
                    1
                    for a in assets
                    if a.asset_type == AssetType.VEHICLE and a.vehicle_type in COUNTED_VEHICLES
                )
            ]
        ),
        "homes": numpy.array([sum(1 for a in assets if a.asset_type == AssetType.HOME)]),
        "business_capital": numpy.array(
            [
                sum(
                    a.registered_capital_fen or 0
                    for a in assets
                    if a.asset_type == AssetType.BUSINESS
                )
            ]
        ),
        "receiving_minimum_living": numpy.array([facts.receiving_minimum_living]),
        # The form states 低保 status only when it gives ``minimum_living.receiving``.
        "minimum_living_recorded": numpy.array(["receiving" in (form.get("minimum_living") or {})]),
        "current_minimum_living_amount": numpy.array([facts.current_minimum_living_fen]),
        "gradual_exit_months_used": numpy.array([facts.gradual_exit_months_used]),
        "disaster_affected": numpy.array([facts.disaster_affected]),
        **{variable: numpy.array([value]) for variable, value in facts.temporary_need.items()},
    }
    population = Population(
        person_household=numpy.zeros(len(members), dtype=int),
        person_is_head=numpy.array([m.relation == Relation.HEAD for m in members]),
        persons=persons,
        households=households,
    )
    return population, data
