"""A form asks for a place by a choice from the tree of the user's places, never a typed code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from doudi.accounts.roles import Role
from doudi.conftest import INSIDE_COUNTY, INSIDE_TOWNSHIP, INSIDE_VILLAGE, OUTSIDE_TOWNSHIP
from doudi.regions.queries import hukou_place_choices, place_choices

SRC = Path(__file__).resolve().parents[2]
# A hidden input carries a place already chosen (a list's filter into its bulk action).
PLACE_INPUTS = re.compile(
    r'<input(?![^>]*type="hidden")[^>]*'
    r'name="(place|places|region|hukou_region|hukou_region_code|residence_region)"'
)


def test_no_template_asks_for_a_place_as_typed_text():
    typed = [
        f"{path.relative_to(SRC)}: {found.group(1)}"
        for path in SRC.rglob("templates/**/*.html")
        for found in PLACE_INPUTS.finditer(path.read_text(encoding="utf-8"))
    ]
    assert typed == []


@pytest.mark.django_db
def test_a_townships_choices_are_its_own_places_indented_by_level(make_user):
    handler = make_user(Role.TOWNSHIP_HANDLER)
    choices = place_choices(handler)
    codes = [choice.code for choice in choices]
    assert codes[0] == INSIDE_TOWNSHIP and INSIDE_VILLAGE in codes
    assert all(code.startswith(INSIDE_TOWNSHIP[:9]) for code in codes)
    village = next(choice for choice in choices if choice.code == INSIDE_VILLAGE)
    assert village.label == "\u3000示例一村" and choices[0].label == "示例镇"
    assert all(choice.selectable for choice in choices)


@pytest.mark.django_db
def test_a_countys_choices_follow_the_tree(make_user):
    codes = [c.code for c in place_choices(make_user(Role.COUNTY_APPROVER))]
    assert codes[0] == INSIDE_COUNTY and codes == sorted(codes)
    assert OUTSIDE_TOWNSHIP not in codes


@pytest.mark.django_db
def test_a_hukou_elsewhere_is_chosen_among_the_citys_townships_and_villages(make_user):
    choices = hukou_place_choices(make_user(Role.TOWNSHIP_HANDLER))
    by_code = {choice.code: choice for choice in choices}
    assert by_code[OUTSIDE_TOWNSHIP].selectable  # another county of the city
    assert not by_code[INSIDE_COUNTY].selectable  # a county heads its part, is not chosen
    assert by_code[INSIDE_VILLAGE].label.startswith("\u3000\u3000")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/cases/", "/households/"])
def test_the_filters_offer_the_users_places_as_a_select(make_user, url):
    browser = Client()
    browser.force_login(make_user(Role.TOWNSHIP_HANDLER))
    page = browser.get(url).content.decode()
    select = page.split('<select id="id_place" name="place">')[1].split("</select>")[0]
    assert '<option value="">' in select  # every place
    assert f'<option value="{INSIDE_VILLAGE}">\u3000示例一村</option>' in select
    assert OUTSIDE_TOWNSHIP not in select


@pytest.mark.django_db
def test_a_new_household_chooses_its_village_and_its_heads_hukou_place(make_user):
    browser = Client()
    browser.force_login(make_user(Role.TOWNSHIP_HANDLER))
    page = browser.get("/households/new/").content.decode()
    hukou = page.split('<select id="id_hukou_region" name="hukou_region">')[1].split("</select>")[0]
    assert f'<option value="{OUTSIDE_TOWNSHIP}">' in hukou
    assert f'<option value="{INSIDE_COUNTY}" disabled>' in hukou
