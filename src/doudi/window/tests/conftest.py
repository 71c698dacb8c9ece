"""A household of 示例一村 registered on a working Monday (staff, clock: src/doudi/conftest.py)."""

from __future__ import annotations

import pytest

from doudi.conftest import household_form
from doudi.registry.services import create_household


@pytest.fixture
def household(staff, clock):
    clock.at("2026-03-02")
    household, _warnings = create_household(
        staff.handler, household_form(incomes=[]), reason="登记"
    )
    return household
