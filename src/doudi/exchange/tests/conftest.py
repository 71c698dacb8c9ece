"""A head of household on 低保 since April 2026 (approved in March), asked about in April;
partner systems registered by the system administrator, each with a client carrying its token."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from doudi.benefits.models import Benefit
from doudi.conftest import valid_id_number
from doudi.exchange import services
from doudi.exchange.models import PartnerSystem
from doudi.payroll.tests.conftest import approve_minimum_living, household_with_card

# The head of household_with_card(staff, 1).
HEAD = valid_id_number("41082119700101001")


@pytest.fixture
def recipient(staff, clock) -> Benefit:
    clock.at("2026-03-02")
    benefit = approve_minimum_living(staff, household_with_card(staff, 1), "2026-03-02")
    clock.at("2026-04-10")
    return benefit


@pytest.fixture
def partner(admin_user) -> Callable[..., tuple[PartnerSystem, APIClient]]:
    def register(*scopes: str, region: str = "", name: str = "民政对接") -> tuple:
        system, token = services.register_partner(
            admin_user,
            name=name,
            department="某局",
            scopes=list(scopes),
            region_prefix=region,
        )
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return system, client

    return register
