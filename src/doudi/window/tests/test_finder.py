"""The window finds a household by file number, a member's name or ID number (posted only)."""

from __future__ import annotations

import pytest
from django.test import Client

from doudi.accounts.roles import Role
from doudi.conftest import OUTSIDE_VILLAGE, household_form, member_form, valid_id_number
from doudi.registry.services import create_household

pytestmark = pytest.mark.django_db
HEAD = valid_id_number("41082119700101001")
SPOUSE = valid_id_number("41082119720202002")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _find(client: Client, typed: str):
    return client.post("/window/new/", {"household": typed})


@pytest.mark.parametrize(
    "typed",
    ["{file}", "{pk}", " {file} ", "张三", "张", "李四", HEAD, SPOUSE, SPOUSE.lower()],
)
def test_one_household_found_opens_its_intake_form(staff, household, typed):
    typed = typed.format(file=household.file_number, pk=household.pk)
    response = _find(client_for(staff.handler), typed)
    assert response.status_code == 302 and response.url == f"/window/new/{household.pk}/"


def test_several_found_are_offered_to_choose_with_masked_numbers(staff, household, clock):
    other, _w = create_household(
        staff.handler,
        household_form(
            members=[member_form("41082119800303003", "张四")],
            incomes=[],
        ),
        reason="登记",
    )
    response = _find(client_for(staff.handler), "张")
    page = response.content.decode()
    assert response.status_code == 200
    table = page.split('data-testid="found"')[1].split("</table>")[0]
    for found in (household, other):
        assert f'href="/window/new/{found.pk}/"' in table
    assert HEAD not in page and "********" in table
    assert 'value="张"' in page  # what was typed stays in the field


def test_a_file_number_with_another_place_is_not_this_household(staff, household):
    wrong = f"410821902002-{household.pk:08d}"
    assert _find(client_for(staff.handler), wrong).status_code == 400


def test_nothing_found_is_an_error_keeping_a_typed_name(staff, household):
    response = _find(client_for(staff.handler), "王五")
    page = response.content.decode()
    assert response.status_code == 400
    assert 'class="error" role="alert" data-field="household"' in page
    assert 'value="王五"' in page


def test_an_id_number_not_found_is_not_echoed(staff, household):
    unknown = valid_id_number("41082119900909009")
    response = _find(client_for(staff.handler), unknown)
    page = response.content.decode()
    assert response.status_code == 400 and 'role="alert"' in page
    assert unknown not in page


def test_an_empty_search_is_refused(staff, household):
    response = _find(client_for(staff.handler), "  ")
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()


def test_the_finder_is_posted_never_a_get(staff, household):
    client = client_for(staff.handler)
    assert client.get(f"/window/new/?household={HEAD}").status_code == 400  # the middleware's
    assert client.get(f"/window/new/?household={household.file_number}").status_code == 405
    page = client.get("/window/").content.decode()
    form = page.split('action="/window/new/"')[0].rsplit("<form", 1)[1]
    assert 'method="post"' in form


def test_another_townships_household_is_not_found(staff, household, make_user):
    elsewhere = make_user(Role.TOWNSHIP_HANDLER, OUTSIDE_VILLAGE[:9] + "000", "far_handler")
    client = client_for(elsewhere)
    for typed in (household.file_number, "张三", HEAD):
        assert _find(client, typed).status_code == 400, typed


def test_a_role_that_may_not_submit_cases_is_refused(household, make_user):
    response = _find(client_for(make_user(Role.AUDITOR)), "张三")
    assert response.status_code == 403
