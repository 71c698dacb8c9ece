"""The demo registry and departments for the check report's tests: a household of the
Population by its index, and a 低保 case of it walked to its data check."""

from __future__ import annotations

import datetime

from doudi.accounts.models import User
from doudi.accounts.roles import Role
from doudi.cases import services
from doudi.cases.models import Case
from doudi.cases.tests.helpers import investigate, open_case
from doudi.checks.models import CheckReport
from doudi.registry.models import Household, Member

AS_OF = datetime.date(2026, 11, 2)
TODAY = "2026-11-10"  # a Tuesday after the departments' data date (2026-10-31)
SEED = 410800
HOUSEHOLDS = 200


def household_of(index: int) -> Household:
    """The registry's household for a household index of the Population."""
    return Household.objects.order_by("id")[index]


def member_of(index: int) -> Member:
    return Member.objects.order_by("id")[index]


def planted(manifest: dict, kind: str) -> dict:
    return manifest["planted"][kind][0]


def checked_case(make_user, household: Household) -> tuple[Case, CheckReport]:
    """A 低保 case of the household walked to its data check by its own township's staff."""
    township, county = household.region_id[:9] + "000", household.region_id[:6] + "000000"
    handler = make_user(Role.TOWNSHIP_HANDLER, township, f"handler{household.pk}")
    village = make_user(Role.VILLAGE_WORKER, household.region_id, f"village{household.pk}")
    make_user(Role.COUNTY_APPROVER, county, f"county{household.pk}")
    staff = type("Staff", (), {"handler": handler, "village": village})
    case = open_case(staff, household, authorisation_signed_on=datetime.date(2026, 11, 9))
    services.accept(handler, case.pk)
    investigate(staff, case, TODAY)
    case = services.request_check(handler, case.pk)
    return case, case.data_checks.get().report


def county_of(household: Household) -> User:
    return User.objects.get(username=f"county{household.pk}")
