"""Issue 11.2: an ID number in a query string is refused before any view searches with it."""

from __future__ import annotations

import pytest
from django.test import Client

from doudi.accounts.roles import Role
from doudi.conftest import api_as, household_form, valid_id_number
from doudi.registry import services

NUMBER = valid_id_number("41082119700101001")  # the head of conftest's household_form


@pytest.fixture
def handler(make_user):
    user = make_user(Role.TOWNSHIP_HANDLER)
    services.create_household(user, household_form())
    return user


@pytest.mark.parametrize(
    "url",
    [
        f"/households/?id_number={NUMBER}",  # searched until now
        f"/households/?name=&id_number={NUMBER}",
        f"/households/?name={NUMBER}",  # any parameter shaped like a number
        f"/households/export/?id_number={NUMBER}",
        f"/window/?household={NUMBER}",
        f"/accounts/?q={NUMBER}",
    ],
)
@pytest.mark.django_db
def test_a_page_refuses_an_id_number_in_the_url(handler, url):
    browser = Client()
    browser.force_login(handler)
    response = browser.get(url)
    assert response.status_code == 400
    page = response.content.decode()
    assert "搜索表单" in page  # tells where to send it instead
    assert "张三" not in page  # nothing was searched


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/households/?id_number={NUMBER}",
        f"/api/v1/households/?place={NUMBER}",
        f"/api/v1/users/?q={NUMBER}",
    ],
)
@pytest.mark.django_db
def test_the_api_refuses_an_id_number_in_the_url(handler, url):
    response = api_as(handler).get(url)
    assert response.status_code == 400
    error = response.json()["error"]
    assert "POST /api/v1/households/search/" in error["message_en"]
    assert error["field"] in ("id_number", "place", "q")


@pytest.mark.django_db
def test_the_number_by_post_still_finds_the_household(handler):
    browser = Client()
    browser.force_login(handler)
    assert "张三" in browser.post("/households/", {"id_number": NUMBER}).content.decode()
    body = api_as(handler).post("/api/v1/households/search/", {"id_number": NUMBER}, format="json")
    assert body.status_code == 200 and body.json()["count"] == 1
    # Other searches by GET still work.
    assert browser.get("/households/?name=张").status_code == 200
