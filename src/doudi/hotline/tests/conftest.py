"""Tickets of the inside township: households (disaster's helper), a public notice board, and a
ticket received on Friday 2026-09-04."""

from __future__ import annotations

import pytest

from doudi.conftest import INSIDE_VILLAGE
from doudi.disaster.tests.conftest import family
from doudi.hotline import services
from doudi.notices import services as notice_services

FRIDAY = "2026-09-04"


@pytest.fixture
def friday(clock):
    return clock.at(FRIDAY)


@pytest.fixture
def households(staff, friday):
    return {n: family(staff, n, 2) for n in (1, 2)}


@pytest.fixture
def board(staff, friday):
    return notice_services.issue_link(staff.handler, INSIDE_VILLAGE)


def call(staff, category="complaint", **fields):
    return services.receive(
        staff.handler,
        source=fields.pop("source", "call"),
        category=category,
        content=fields.pop("content", "反映低保评议不公"),
        caller_name=fields.pop("caller_name", "王小明"),
        caller_phone=fields.pop("caller_phone", "13812345678"),
        **fields,
    )
