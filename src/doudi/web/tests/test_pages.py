"""Pages: Chinese by default, English on request, and a home page of real counts per role."""

from __future__ import annotations

import pytest
from django.test import Client

from doudi.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_the_login_page_is_chinese_by_default_even_for_an_english_browser(places):
    response = Client().get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html and "登录" in html


def test_english_can_be_chosen_and_is_kept(places):
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    html = client.get("/login/").content.decode()
    assert '<html lang="en">' in html and "Log in" in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/login/"})
    assert "登录" in client.get("/login/").content.decode()


def test_pages_need_a_log_in(places):
    response = Client().get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def _counters(client: Client) -> dict[str, int]:
    response = client.get("/")
    assert response.status_code == 200
    return {c.label: c.value for c in response.context["counters"]}


def test_a_county_approver_sees_the_counts_of_its_county(make_user):
    client = Client()
    client.force_login(make_user(Role.COUNTY_APPROVER))
    counters = _counters(client)
    # 修武县 in the demo tree: a street with two communities, a town with two villages and
    # one town-centre community.
    assert counters["乡镇和街道"] == 2
    assert counters["村和社区"] == 5
    assert counters["其中城镇"] == 3 and counters["其中农村"] == 2
    assert counters["工作人员账户"] == 1  # itself
    assert "近 30 天审计事件" not in counters


def test_a_city_supervisor_sees_the_whole_city(make_user):
    client = Client()
    client.force_login(make_user(Role.CITY_SUPERVISOR))
    counters = _counters(client)
    assert counters["乡镇和街道"] == 20 and counters["村和社区"] == 50
    assert "近 30 天审计事件" in counters


def test_a_village_worker_sees_only_its_village(make_user):
    client = Client()
    client.force_login(make_user(Role.VILLAGE_WORKER))
    counters = _counters(client)
    assert counters["乡镇和街道"] == 0 and counters["村和社区"] == 1
    assert "工作人员账户" not in counters


def test_an_unknown_page_is_a_chinese_404(make_user):
    client = Client()
    client.force_login(make_user(Role.COUNTY_APPROVER))
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "未找到" in response.content.decode()


def test_a_form_error_is_shown_on_the_field_and_nothing_changes(admin_user):
    client = Client()
    client.force_login(admin_user)
    response = client.post(
        "/staff/new/",
        {"username": "x1", "password": "short", "role": "village_worker", "region": "410821902001"},
    )
    assert response.status_code == 400
    assert 'data-field="password"' in response.content.decode()
    response = client.post(
        "/staff/new/",
        {
            "username": "x1",
            "password": "Long-Enough-2026",
            "role": "village_worker",
            "region": "410821000000",
        },
    )
    assert response.status_code == 400
    assert "不能设在" in response.content.decode()
    from doudi.accounts.models import User

    assert not User.objects.filter(username="x1").exists()
    response = client.post(
        "/staff/new/",
        {
            "username": "x1",
            "password": "Long-Enough-2026",
            "role": "village_worker",
            "region": "410821902001",
            "reason": "新入职",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="x1").region_id == "410821902001"


def test_logging_out_ends_the_session(make_user):
    client = Client()
    client.force_login(make_user(Role.COUNTY_APPROVER))
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302
