"""Fixtures shared by every app's tests: the demo place tree, one user per role, API clients."""

from __future__ import annotations

import datetime

import pytest
from django.db import connections
from django.test import TransactionTestCase
from rest_framework.test import APIClient
from stdnum.cn import ric

from doudi.accounts.models import User
from doudi.accounts.roles import Role
from doudi.audit import triggers
from doudi.audit.models import AuditChainHead
from doudi.cases.tests.helpers import Clock, Staff
from doudi.demo.loader import demo_regions_csv
from doudi.regions.services import import_regions

# Places used throughout the tests: everything "inside" lies in 修武县, "outside" in 温县.
INSIDE_COUNTY = "410821000000"
INSIDE_TOWNSHIP = "410821902000"
INSIDE_VILLAGE = "410821902001"
OUTSIDE_COUNTY = "410825000000"
OUTSIDE_TOWNSHIP = "410825902000"
OUTSIDE_VILLAGE = "410825902001"
CITY = "410800000000"

# Where each role's test user sits: the deepest level its role allows, inside 修武县.
ROLE_PLACES = {
    Role.VILLAGE_WORKER: INSIDE_VILLAGE,
    Role.GRID_WORKER: INSIDE_VILLAGE,
    Role.TOWNSHIP_HANDLER: INSIDE_TOWNSHIP,
    Role.TOWNSHIP_REVIEWER: INSIDE_TOWNSHIP,
    Role.COUNTY_APPROVER: INSIDE_COUNTY,
    Role.CITY_SUPERVISOR: CITY,
    Role.FINANCE_OFFICER: INSIDE_COUNTY,
    Role.BANK_OPERATOR: INSIDE_COUNTY,
    Role.AUDITOR: INSIDE_COUNTY,
    Role.DISCIPLINE_INSPECTOR: INSIDE_COUNTY,
    Role.SYSTEM_ADMIN: INSIDE_COUNTY,
    Role.SECURITY_ADMIN: INSIDE_COUNTY,
    Role.AUDIT_ADMIN: INSIDE_COUNTY,
}
PASSWORD = "Correct-Horse-2026"


def valid_id_number(first17: str) -> str:
    """Complete 17 digits with the GB 11643 check character."""
    return first17 + ric.calc_check_digit(first17 + "0")


def with_wrong_check_digit(number: str) -> str:
    return number[:17] + ("1" if number[17] != "1" else "2")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Argon2 is the production hasher (tested on its own); the suite logs in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def private_audit_anchors(settings, tmp_path):
    # Each test's database starts a new chain; anchors of another test's chain (or of the
    # developer's own database) would read as events deleted from it.
    settings.DOUDI_AUDIT_ANCHOR_PATH = str(tmp_path / "audit-anchors.jsonl")


@pytest.fixture(autouse=True)
def private_columnar_snapshot(settings, tmp_path):
    # Each test's database is new: a snapshot of another test's registry would read as its own.
    settings.DOUDI_COLUMNAR_DIR = tmp_path / "columnar"


@pytest.fixture
def places(db) -> None:
    import_regions(None, demo_regions_csv(), "jiaozuo_regions.csv")


@pytest.fixture
def make_user(places):
    def make(role: Role, region_code: str | None = None, username: str | None = None) -> User:
        return User.objects.create_user(
            username=username or f"{role.value}_{(region_code or ROLE_PLACES[role])[:9]}",
            password=PASSWORD,
            role=role,
            region_id=region_code or ROLE_PLACES[role],
            full_name=f"测试{role.label}",
        )

    return make


@pytest.fixture
def clock():
    moved = Clock()
    yield moved
    moved.stop()


@pytest.fixture
def staff(make_user) -> Staff:
    return Staff(
        handler=make_user(Role.TOWNSHIP_HANDLER),
        village=make_user(Role.VILLAGE_WORKER),
        reviewer=make_user(Role.TOWNSHIP_REVIEWER),
        county=make_user(Role.COUNTY_APPROVER),
        county_colleague=make_user(Role.COUNTY_APPROVER, INSIDE_COUNTY, "county_colleague"),
    )


@pytest.fixture
def admin_user(make_user) -> User:
    return make_user(Role.SYSTEM_ADMIN)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def cli_as(monkeypatch):
    """Run the command line as a user: their personal API token in DOUDI_TOKEN, as a user would."""

    def log_in(user: User) -> str:
        from doudi.accounts.services import issue_token

        token, _expiry = issue_token(user)
        monkeypatch.setenv("DOUDI_TOKEN", token)
        return token

    return log_in


def api_as(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# TransactionTestCase (live_server, transactional_db) empties every table between tests. The
# audit table refuses deletion by trigger, so for that flush only, the triggers step aside and
# the chain head the migration created is put back.
_flush = TransactionTestCase._fixture_teardown


def _fixture_teardown_past_audit_triggers(self) -> None:
    for alias in self._databases_names(include_mirrors=False):
        triggers.remove(connections[alias])
    try:
        _flush(self)
    finally:
        for alias in self._databases_names(include_mirrors=False):
            triggers.install(connections[alias])
            AuditChainHead.objects.using(alias).get_or_create(pk=1)


TransactionTestCase._fixture_teardown = _fixture_teardown_past_audit_triggers


def member_form(first17: str, name: str, relation: str = "head", **overrides) -> dict:
    """A valid member of the household JSON form; ``first17`` fixes place, birth date and sex."""
    return {
        "key": first17,
        "name": name,
        "id_number": valid_id_number(first17),
        "relation": relation,
        "hukou_type": "rural",
        "marital_status": "married",
        "education": "junior",
        "employment": "farming",
        "joined_on": "2020-01-01",
        **overrides,
    }


def household_form(region: str = INSIDE_VILLAGE, members: list | None = None, **overrides) -> dict:
    """A valid two-person household of the JSON form, living in ``region``."""
    return {
        "region": region,
        "address": "示例一村 3 组 12 号",
        "members": members
        or [
            member_form("41082119700101001", "张三"),
            member_form("41082119720202002", "李四", relation="spouse"),
        ],
        "incomes": [
            {"member": "41082119700101001", "month": "2026-09", "type": "wage", "amount_fen": 80000}
        ],
        **overrides,
    }


def deliver_certificates(county: User, rows: list[tuple], day: str) -> None:
    """A disability federation delivery (source ``disability``) by ``county`` on ``day``:
    (first17, valid until, state[, grade, issued on]) a row; state valid, expired or cancelled."""
    from doudi.sources.services import deliver

    lines = ["身份证号,姓名,残疾类别,残疾等级,发证日期,有效期至,证件状态"]
    states = {"valid": "有效", "expired": "过期", "cancelled": "注销"}
    for first17, until, state, *more in rows:
        grade, issued = more or ("二级", "2016-01-01")
        lines.append(
            f"{valid_id_number(first17)},某人,肢体,{grade},{issued},{until},{states[state]}"
        )
    deliver(
        county,
        "disability",
        "\n".join(lines).encode(),
        "c.csv",
        delivered_on=datetime.date.fromisoformat(day),
    )
