"""Three 低保 households of the inside village (approved in March 2026, paid from April), a
half-yearly plan of the county over 修武县 for January–June 2026, and the two read-only roles."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from doudi.accounts.models import User
from doudi.accounts.roles import Role
from doudi.benefits.models import Benefit
from doudi.conftest import INSIDE_COUNTY
from doudi.payroll.tests.conftest import on_benefit, parties  # noqa: F401
from doudi.supervision import services
from doudi.supervision.models import Plan


@dataclass
class Scene:
    plan: Plan
    recipients: list[Benefit]
    auditor: User
    discipline: User


def make_plan(actor, **overrides) -> Plan:
    fields = {
        "kind": "half_yearly",
        "title": "2026年上半年社会救助监督检查",
        "place": INSIDE_COUNTY,
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "inspectors": "王监督、李检查",
    }
    fields.update(overrides)
    for day in ("period_start", "period_end"):
        if isinstance(fields[day], str):
            fields[day] = datetime.date.fromisoformat(fields[day])
    return services.create_plan(actor, **fields)


@pytest.fixture
def scene(staff, on_benefit, clock, make_user) -> Scene:  # noqa: F811
    clock.at("2026-06-15")
    return Scene(
        plan=make_plan(staff.county),
        recipients=on_benefit,
        auditor=make_user(Role.AUDITOR),
        discipline=make_user(Role.DISCIPLINE_INSPECTOR),
    )


ALL_YES = {
    "documents_complete": "yes",
    "income_verified": "yes",
    "household_visited": "yes",
    "amount_correct": "no",
    "notice_posted": "yes",
    "procedure_followed": "na",
}
