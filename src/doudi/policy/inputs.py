"""From the household JSON form to the engine's input columns.

Income and rigid spending enter the tests as a monthly average over the months of the income
window (a local setting) that carry any record for the household — a household registered last
month is not diluted over a year it was not on file.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy
from django.utils.translation import gettext_lazy as _

from doudi.errors import DoudiError, ValidationFailed
from doudi.policy.engine.regional import county_key
from doudi.policy.engine.simulate import Population
from doudi.policy.tables import (
    Assets,
    Money,
    RegistryColumns,
    Tables,
    build,
    claims,
    income_window,
)
from doudi.regions.codes import Level
from doudi.regions.models import Region
from doudi.registry.form_input import HouseholdInput, MemberInput, parse_household

# Optional request facts of the form → the engine's inputs (money in fen, never negative).
TEMPORARY_NEED_FIELDS = {
    "type": "temporary_need_type",
    "severity": "temporary_need_severity",
    "expense_fen": "temporary_expense",
    "granted_this_year_fen": "temporary_already_granted_this_year",
}
REQUEST_CHOICES = {"temporary_need_type": ("none", "emergency", "expenditure")}
CHILD_GUARANTEE_CHOICES = ("not_recorded", "child_guarantee", "extreme_hardship")
# What a member receives now, stated per member (true or false, default false); the whole-place
# run reads the same from the benefits in force (columns.received_facts fills them in a form).
MEMBER_FLAGS = ("was_extreme_hardship", "receiving_single_person_minimum_living")


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
    """What one case asks or states beyond the registry (optional in the form): support as
    特困 so far, 低保 received alone (单人保), what 低保 the household receives now, a
    temporary need. The investigation's
    findings (supporters, orphan status, care setting, medical claims, disaster) are registry
    facts of the household form itself."""

    was_extreme_hardship: dict[str, bool]
    child_guarantee_choice: dict[str, str]
    receiving_single_person_minimum_living: dict[str, bool]
    minimum_living_recorded: bool
    receiving_minimum_living: bool
    current_minimum_living_fen: int
    gradual_exit_months_used: int
    temporary_need: dict[str, Any]


def _case_facts(form: dict[str, Any], members: list[MemberInput]) -> CaseFacts:
    problems: list[DoudiError] = []
    raw_members = form.get("members") or []
    flags: dict[str, dict[str, bool]] = {name: {} for name in MEMBER_FLAGS}
    child_guarantee_choice: dict[str, str] = {}
    for index, (raw, member) in enumerate(zip(raw_members, members, strict=False)):
        for name, values in flags.items():
            value = raw.get(name, False)
            if not isinstance(value, bool):
                problems.append(
                    DoudiError(_("must be true or false."), field=f"members[{index}].{name}")
                )
            values[member.key] = bool(value)
        choice = raw.get("child_guarantee_choice") or "not_recorded"
        if choice not in CHILD_GUARANTEE_CHOICES:
            problems.append(
                DoudiError(
                    _("“%(value)s” is not one of: %(allowed)s."),
                    field=f"members[{index}].child_guarantee_choice",
                    value=choice,
                    allowed=", ".join(CHILD_GUARANTEE_CHOICES),
                )
            )
        child_guarantee_choice[member.key] = str(choice)
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
    if problems:
        raise ValidationFailed(
            _("The household was not evaluated: %(count)d problems found."),
            problems=problems,
            count=len(problems),
        )
    return CaseFacts(
        was_extreme_hardship=flags["was_extreme_hardship"],
        child_guarantee_choice=child_guarantee_choice,
        receiving_single_person_minimum_living=flags["receiving_single_person_minimum_living"],
        minimum_living_recorded="receiving" in status,
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
    columns, data = columns_from_form(form, month, county_keys)
    return columns.population, data


def columns_from_form(
    form: dict[str, Any], month: datetime.date, county_keys: tuple[str, ...]
) -> tuple[RegistryColumns, HouseholdInput]:
    """As ``population_from_form``, with what the builder says of the household (its head)."""
    # A household whose head died or left before the registry kept one head per household
    # is evaluated, as the whole-place run evaluates it (tables.engine_heads).
    data = parse_household(form, today=datetime.date.today(), one_head=False)
    facts = _case_facts(form, data.members)
    region = place_of(data.region_code)
    if county_key(region.code) not in county_keys:
        raise DoudiError(
            _("No rules are set up for the county of “%(code)s”."), field="region", code=region.code
        )
    members = members_on(form, data, month)
    if not members:
        raise DoudiError(
            _("The household had no members on %(day)s."), field="members", day=month.isoformat()
        )
    tables = form_tables(data, facts, members, region, month)
    return build(tables, county_keys), data


def form_tables(
    data: HouseholdInput,
    facts: CaseFacts,
    members: list[MemberInput],
    region: Region,
    month: datetime.date,
) -> Tables:
    """The form as the tables the registry reader returns: a household of id 0, members
    numbered by their place in the form (so amounts of a member not current count for no
    one), amounts summed per member and type over the income window."""
    number = {m.key: index for index, m in enumerate(data.members)}
    start, end = income_window(month)

    def sums(items, kind: str) -> Money:
        totals: dict[tuple, int] = defaultdict(int)
        for item in items:
            if start <= item.month <= end:
                member = None if item.member_key is None else number.get(item.member_key, -2)
                totals[(0, member, getattr(item, kind))] += item.amount_fen
        return Money.of([(*key, total) for key, total in totals.items()])

    window = {i.month for i in data.incomes} | {e.month for e in data.expenses}
    assets: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    for asset in data.assets:
        row = assets[(0, asset.asset_type, asset.vehicle_type or "")]
        row[0] += 1
        row[1] += asset.value_fen
        row[2] += asset.registered_capital_fen or 0
    households = {
        "id": numpy.array([0]),
        "region": numpy.array([region.code], dtype=object),
        "classification": numpy.array([region.classification], dtype=object),
        "recorded_months": numpy.array([sum(1 for m in window if start <= m <= end)]),
        "disaster_affected": numpy.array([data.disaster_affected]),
        "receiving_minimum_living": numpy.array([facts.receiving_minimum_living]),
        # The form states 低保 status only when it gives ``minimum_living.receiving``.
        "minimum_living_recorded": numpy.array([facts.minimum_living_recorded]),
        "current_minimum_living_amount": numpy.array([facts.current_minimum_living_fen]),
        "gradual_exit_months_used": numpy.array([facts.gradual_exit_months_used]),
    }
    member_columns = {
        "id": numpy.array([number[m.key] for m in members], dtype=numpy.int64),
        "household": numpy.zeros(len(members), dtype=numpy.int64),
        "relation": numpy.array([m.relation for m in members], dtype=object),
        "birth_date": numpy.array([m.id_number.birth_date for m in members], dtype="datetime64[D]"),
        "left_on": numpy.array([m.left_on for m in members], dtype="datetime64[D]"),
        "disability_category": numpy.array([m.disability_category for m in members], object),
        "disability_grade": numpy.array([m.disability_grade or 0 for m in members]),
        "certificate_valid_until": numpy.array(
            [m.disability_certificate_valid_until for m in members], dtype="datetime64[D]"
        ),
        "serious_illness": numpy.array([bool(m.serious_illness) for m in members]),
        "self_care": numpy.array([len(m.self_care_failed) for m in members]),
        "in_school": numpy.array([m.in_school for m in members]),
        "education": numpy.array([m.education for m in members], dtype=object),
        "excluded": numpy.array([bool(m.excluded_reason) for m in members]),
        "has_capable_supporter": numpy.array([m.has_capable_supporter for m in members]),
        "orphan_status": numpy.array([m.orphan_status for m in members], dtype=object),
        "care_setting": numpy.array([m.care_setting for m in members], dtype=object),
        "was_extreme_hardship": numpy.array([facts.was_extreme_hardship[m.key] for m in members]),
        "child_guarantee_choice": numpy.array(
            [facts.child_guarantee_choice[m.key] for m in members], dtype=object
        ),
        "receiving_single_person_minimum_living": numpy.array(
            [facts.receiving_single_person_minimum_living[m.key] for m in members], dtype=bool
        ),
        "medical_claim": claims([m.medical_claim for m in members]),
    }
    return Tables(
        households=households,
        members=member_columns,
        incomes=sums(data.incomes, "income_type"),
        expenses=sums(data.expenses, "expense_type"),
        assets=Assets.of([(*key, *values) for key, values in assets.items()]),
        household_requests={
            variable: numpy.array([value]) for variable, value in facts.temporary_need.items()
        },
    )
