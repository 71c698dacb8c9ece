"""The reserve-fund page: each township's balance and movements, within the user's
jurisdiction only."""

from __future__ import annotations

import pytest
from django.test import Client

from doudi.accounts.roles import Role
from doudi.reserve_fund.services import move

pytestmark = pytest.mark.django_db
TOWNSHIP = "410821902000"  # 示例镇, 修武县
NEIGHBOUR = "410821901000"  # 演示街道, 修武县
ELSEWHERE = "410825902000"  # a township of 温县


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def funds(make_user):
    county = make_user(Role.COUNTY_APPROVER)
    move(county, TOWNSHIP, "allocation", 500_000, reason="2026 年备用金")
    move(county, NEIGHBOUR, "allocation", 200_000, reason="2026 年备用金")
    handler = make_user(Role.TOWNSHIP_HANDLER)
    move(handler, TOWNSHIP, "payment", 80_000, reason="火灾急难救助", recipient="张三")
    other = make_user(Role.COUNTY_APPROVER, "410825000000", "wenxian_county")
    move(other, ELSEWHERE, "allocation", 900_000, reason="温县备用金")
    return county, handler


def test_the_county_sees_each_of_its_townships_balance_and_movements(funds):
    county, _handler = funds
    page = _web(county).get("/reserve-fund/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "4,200.00" in html and "2,000.00" in html  # 示例镇 after the payment, 演示街道
    assert "火灾急难救助" in html and "-800.00" in html
    assert "9,000.00" not in html and "温县备用金" not in html
    one = _web(county).get(f"/reserve-fund/?township={NEIGHBOUR}").content.decode()
    assert "火灾急难救助" not in one.split('data-testid="movements"')[1]
    assert 'href="/reserve-fund/"' in _web(county).get("/").content.decode()


def test_a_township_sees_only_its_own_fund(funds):
    _county, handler = funds
    html = _web(handler).get("/reserve-fund/").content.decode()
    assert "4,200.00" in html and "2,000.00" not in html
    asked = _web(handler).get(f"/reserve-fund/?township={ELSEWHERE}").content.decode()
    assert "温县备用金" not in asked


@pytest.mark.parametrize("role", [Role.BANK_OPERATOR, Role.FINANCE_OFFICER, Role.VILLAGE_WORKER])
def test_other_roles_are_refused_and_not_offered_the_page(funds, make_user, role):
    client = _web(make_user(role))
    assert client.get("/reserve-fund/").status_code == 403
    assert 'href="/reserve-fund/"' not in client.get("/").content.decode()
