"""One household in need, registered in January 2026 (staff and clock: src/doudi/conftest.py)."""

from __future__ import annotations

import pytest

from doudi.conftest import household_form
from doudi.registry.services import create_household


@pytest.fixture
def household(staff, clock):
    """A rural household of two with no income on file: under the 低保 line. Registered in
    2026-01, before any case below begins."""
    clock.at("2026-01-05")
    form = household_form(incomes=[])
    household, _warnings = create_household(staff.handler, form, reason="登记")
    return household
