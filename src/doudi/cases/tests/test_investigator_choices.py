"""The investigators of a case are chosen from its township's field staff, not every account."""

from __future__ import annotations

import pytest
from django.test import Client

from doudi.accounts.roles import Role
from doudi.cases.presentation import investigator_choices
from doudi.cases.tests.helpers import open_case

pytestmark = pytest.mark.django_db

OTHER_VILLAGE = "410821902002"  # 示例二村, in the case's township
OTHER_TOWNSHIP = "410821901000"  # 演示街道, in the same county


@pytest.fixture
def case(staff, household, clock):
    clock.at("2026-03-02")
    return open_case(staff, household)


@pytest.fixture
def outsiders(make_user) -> list:
    inactive = make_user(Role.TOWNSHIP_HANDLER, username="left_handler")
    inactive.is_active = False
    inactive.save()
    return [
        inactive,
        make_user(Role.VILLAGE_WORKER, OTHER_VILLAGE, "other_village"),  # not the case's village
        make_user(Role.TOWNSHIP_HANDLER, OTHER_TOWNSHIP, "other_township"),
        make_user(Role.FINANCE_OFFICER),
        make_user(Role.SYSTEM_ADMIN),
        make_user(Role.AUDITOR),
    ]


def test_the_choices_are_the_townships_field_staff(staff, case, outsiders, make_user):
    grid = make_user(Role.GRID_WORKER, username="grid")
    chosen = investigator_choices(case)
    assert set(chosen) == {staff.handler, staff.reviewer, staff.village, grid}
    assert staff.county not in chosen and staff.county_colleague not in chosen
    assert not set(outsiders) & set(chosen)


def test_the_investigation_form_lists_only_them(staff, case, outsiders):
    browser = Client()
    browser.force_login(staff.handler)
    browser.post(f"/cases/{case.pk}/accept/")
    page = browser.get(f"/cases/{case.pk}/").content.decode()
    form = page.split('data-step="investigate"')[1].split("</form>")[0]
    for person in (staff.handler, staff.reviewer, staff.village):
        assert f'<option value="{person.pk}"' in form
    for person in [staff.county, *outsiders]:
        assert f'<option value="{person.pk}"' not in form
