"""The case list is searched by file number, the household head's name and state; by ID number
only through a POST, never a URL; a malformed number is refused naming the field."""

from __future__ import annotations

import pytest

from doudi.cases.models import Case
from doudi.cases.tests.helpers import open_case
from doudi.cases.tests.test_pages import HEAD_ID, client_for, section
from doudi.conftest import household_form, member_form, valid_id_number
from doudi.registry.services import create_household

pytestmark = pytest.mark.django_db

OTHER_HEAD_ID = valid_id_number("41082119800303003")


@pytest.fixture
def two_cases(staff, household, clock) -> tuple[Case, Case]:
    clock.at("2026-03-02")
    other, _warnings = create_household(
        staff.handler,
        household_form(members=[member_form("41082119800303003", "王五")], incomes=[]),
        reason="登记",
    )
    first = open_case(staff, household)
    second = open_case(staff, other)
    Case.objects.filter(pk=second.pk).update(state="accepted")
    return first, second


def _found(client, query: str) -> str:
    response = client.get(f"/cases/?{query}")
    assert response.status_code == 200
    return section(response.content.decode(), "cases")


def test_by_file_number_whole_or_its_last_digits(staff, two_cases):
    first, second = two_cases
    client = client_for(staff.handler)
    rows = _found(client, f"number={first.file_number}")
    assert first.file_number in rows and second.file_number not in rows
    rows = _found(client, f"number={second.file_number[-6:]}")
    assert second.file_number in rows and first.file_number not in rows
    wrong_year = first.file_number.replace("-2026-", "-2025-")
    assert first.file_number not in _found(client, f"number={wrong_year}")


def test_by_the_head_s_name_and_by_state(staff, two_cases):
    first, second = two_cases
    client = client_for(staff.handler)
    rows = _found(client, "name=王")
    assert second.file_number in rows and first.file_number not in rows
    assert "李四" not in _found(client, "name=李")  # the spouse is no household head
    rows = _found(client, "state=accepted&name=王")
    assert second.file_number in rows
    assert second.file_number not in _found(client, "state=submitted&name=王")


def test_by_id_number_only_by_post(staff, two_cases):
    first, second = two_cases
    client = client_for(staff.handler)
    response = client.post("/cases/", {"id_number": OTHER_HEAD_ID})
    rows = section(response.content.decode(), "cases")
    assert second.file_number in rows and first.file_number not in rows
    assert OTHER_HEAD_ID not in response.content.decode()
    assert client.get(f"/cases/?id_number={HEAD_ID}").status_code == 400


def test_a_malformed_number_is_refused_naming_the_field(staff, two_cases):
    response = client_for(staff.handler).get("/cases/?number=abc")
    assert response.status_code == 400
    assert 'data-field="number"' in response.content.decode()


def test_another_township_finds_nothing(staff, two_cases, make_user):
    first, _second = two_cases
    outsider = make_user(staff.handler.role, "410825902000", "outsider")
    assert first.file_number not in _found(client_for(outsider), f"number={first.file_number}")
    assert first.file_number not in _found(client_for(outsider), "name=张")
