"""等保 2.0 level 3 for the accounts: the three administrators kept apart (三员分立), the
password policy, sessions and tokens ended with the lock, and no-store on personal data."""

from __future__ import annotations

import io

import pytest
from django.conf import settings as project_settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from knox.models import AuthToken

from doudi.accounts.models import LoginSession, User
from doudi.accounts.roles import ADMINISTRATOR_ROLES, Role
from doudi.accounts.services import bootstrap_admin, create_user, set_active, set_role, unlock
from doudi.audit.actions import AuditAction
from doudi.audit.models import AuditEvent
from doudi.conftest import CITY, INSIDE_COUNTY, INSIDE_TOWNSHIP, PASSWORD
from doudi.errors import DoudiError, NotPermitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(make_user) -> dict[Role, User]:
    return {role: make_user(role) for role in ADMINISTRATOR_ROLES}


def _page(user: User, path: str) -> int:
    client = Client()
    client.force_login(user)
    return client.get(path).status_code


# ------------------------------------------------------------------------------ 三员分立


def test_the_system_administrator_runs_the_system_but_reads_no_audit_and_grants_nothing(
    three, make_user
):
    system = three[Role.SYSTEM_ADMIN]
    created = create_user(
        system,
        username="li",
        password=PASSWORD,
        role=Role.TOWNSHIP_HANDLER,
        region_code=INSIDE_TOWNSHIP,
        reason="新入职",
    )
    assert created.role == Role.TOWNSHIP_HANDLER
    assert _page(system, "/audit/") == 403
    assert _page(system, "/admin/audit/auditevent/") == 403
    for role in ADMINISTRATOR_ROLES:  # an administrator's account would be a grant of power
        with pytest.raises(NotPermitted):
            create_user(
                system,
                username=f"x_{role}",
                password=PASSWORD,
                role=role,
                region_code=INSIDE_COUNTY,
            )
    with pytest.raises(NotPermitted):
        set_role(system, "li", role=Role.COUNTY_APPROVER, reason="调岗")
    with pytest.raises(NotPermitted):
        unlock(system, "li", reason="本人来电")
    with pytest.raises(NotPermitted):
        set_active(system, three[Role.SECURITY_ADMIN].username, active=False, reason="x")


def test_the_security_administrator_grants_and_unlocks_but_runs_nothing_else(three, make_user):
    security = three[Role.SECURITY_ADMIN]
    worker = make_user(Role.VILLAGE_WORKER, username="worker")
    set_role(security, "worker", role=Role.GRID_WORKER, reason="调岗")
    worker.refresh_from_db()
    assert worker.role == Role.GRID_WORKER
    event = AuditEvent.objects.get(action=AuditAction.USER_SET_ROLE)
    assert (event.before["role"], event.after["role"]) == ("village_worker", "grid_worker")
    unlock(security, "worker", reason="本人来电")
    made = create_user(
        security,
        username="second_auditadmin",
        password=PASSWORD,
        role=Role.AUDIT_ADMIN,
        region_code=INSIDE_COUNTY,
        reason="第二名审计管理员",
    )
    assert made.role == Role.AUDIT_ADMIN
    with pytest.raises(NotPermitted):  # a business account is the system administrator's
        create_user(
            security,
            username="li",
            password=PASSWORD,
            role=Role.TOWNSHIP_HANDLER,
            region_code=INSIDE_TOWNSHIP,
        )
    with pytest.raises(DoudiError, match="不能更改自己的角色"):
        set_role(security, security.username, role=Role.SYSTEM_ADMIN, reason="x")
    for path in ("/audit/", "/households/", "/cases/", "/payroll/", "/admin/"):
        assert _page(security, path) in (302, 403), path


def test_the_audit_administrator_reads_the_audit_trail_and_nothing_else(three, make_user):
    audit = three[Role.AUDIT_ADMIN]
    make_user(Role.VILLAGE_WORKER, username="worker")
    assert _page(audit, "/audit/") == 200
    for path in ("/staff/", "/households/", "/cases/", "/payroll/", "/admin/"):
        assert _page(audit, path) in (302, 403), path
    for attempt in (
        lambda: unlock(audit, "worker", reason="x"),
        lambda: set_role(audit, "worker", role=Role.GRID_WORKER, reason="x"),
        lambda: set_active(audit, "worker", active=False, reason="x"),
        lambda: create_user(
            audit, username="y", password=PASSWORD, role=Role.AUDITOR, region_code=CITY
        ),
    ):
        with pytest.raises(NotPermitted):
            attempt()


def test_bootstrap_makes_the_first_of_each_administrator_once(places):
    for role in ADMINISTRATOR_ROLES:
        bootstrap_admin(username=f"first_{role}", password=PASSWORD, region_code=CITY, role=role)
        with pytest.raises(DoudiError, match="已存在"):
            bootstrap_admin(
                username=f"second_{role}", password=PASSWORD, region_code=CITY, role=role
            )
    with pytest.raises(DoudiError, match="管理员角色"):
        bootstrap_admin(
            username="boss", password=PASSWORD, region_code=CITY, role=Role.CITY_SUPERVISOR
        )


def test_the_demo_has_one_account_for_each_administrator(db):
    from doudi.demo.loader import load_demo

    load_demo()
    roles = {User.objects.get(username=name).role for name in ("admin", "security", "auditadmin")}
    assert roles == set(ADMINISTRATOR_ROLES)


def test_the_command_line_changes_a_role_as_the_security_administrator(three, make_user, cli_as):
    make_user(Role.VILLAGE_WORKER, username="worker")
    cli_as(three[Role.SYSTEM_ADMIN])
    with pytest.raises(CommandError, match="无权"):
        call_command("users", "set-role", "worker", "--role", "grid_worker", "--reason", "调岗")
    cli_as(three[Role.SECURITY_ADMIN])
    out = io.StringIO()
    call_command(
        "users", "set-role", "worker", "--role", "grid_worker", "--reason", "调岗", stdout=out
    )
    assert User.objects.get(username="worker").role == Role.GRID_WORKER


# ---------------------------------------------------------------------------- passwords


@pytest.mark.parametrize(
    ("password", "fault"),
    [
        ("Short-2026", "12"),  # 10 characters
        ("alllowercaseletters", "至少包含"),  # one kind
        ("lowercase and 2026", None),  # three kinds: lower, digits, space
        ("9274610385726", "只包含数字"),
        ("Password1234", "太常见"),
        ("Blue-Lantern-2026", None),
    ],
)
def test_the_password_policy(places, password, fault):
    user = User(username="zhangsanwei", full_name="zhangsanwei", role=Role.AUDITOR)
    if fault is None:
        validate_password(password, user)
        return
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert fault in " ".join(refused.value.messages)


def test_a_password_like_the_user_name_is_refused(places):
    user = User(username="zhangsanwei2026", role=Role.AUDITOR)
    with pytest.raises(ValidationError, match="相似"):
        validate_password("Zhangsanwei2026", user)


# ------------------------------------------------------- the lock ends sessions and tokens


def _token(username: str) -> str:
    response = Client().post(
        "/api/v1/auth/login/",
        {"username": username, "password": PASSWORD},
        content_type="application/json",
    )
    return response.json()["token"]


def test_a_lock_out_ends_the_accounts_open_sessions_and_tokens(make_user):
    county = make_user(Role.COUNTY_APPROVER, username="county")
    browser = Client()
    assert browser.post("/login/", {"username": "county", "password": PASSWORD}).status_code == 302
    assert browser.get("/").status_code == 200
    token = _token("county")
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/me/").status_code == 200
    attacker = Client()
    for _ in range(project_settings.AXES_FAILURE_LIMIT):
        attacker.post("/login/", {"username": "county", "password": "guessing-wrong"})
    response = browser.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert api.get("/api/v1/me/").status_code == 401
    assert not AuthToken.objects.filter(user=county).exists()
    assert not LoginSession.objects.filter(user=county).exists()
    event = AuditEvent.objects.get(action=AuditAction.AUTH_LOCKED_OUT)
    assert event.after == {"sessions_ended": 1, "tokens_ended": 1}


def test_a_lock_out_leaves_other_accounts_logged_in(make_user):
    make_user(Role.COUNTY_APPROVER, username="county")
    make_user(Role.COUNTY_APPROVER, username="colleague")
    colleague = Client()
    colleague.post("/login/", {"username": "colleague", "password": PASSWORD})
    for _ in range(project_settings.AXES_FAILURE_LIMIT):
        Client().post("/login/", {"username": "county", "password": "guessing-wrong"})
    assert colleague.get("/").status_code == 200


def test_deactivating_an_account_ends_its_sessions_and_tokens(make_user, admin_user):
    worker = make_user(Role.VILLAGE_WORKER, username="worker")
    browser = Client()
    browser.post("/login/", {"username": "worker", "password": PASSWORD})
    _token("worker")
    set_active(admin_user, "worker", active=False, reason="离职")
    assert browser.get("/").status_code == 302
    assert not AuthToken.objects.filter(user=worker).exists()
    assert not LoginSession.objects.filter(user=worker).exists()


def test_logging_out_forgets_the_session(make_user):
    make_user(Role.VILLAGE_WORKER, username="worker")
    browser = Client()
    browser.post("/login/", {"username": "worker", "password": PASSWORD})
    assert LoginSession.objects.count() == 1
    browser.post("/logout/")
    assert LoginSession.objects.count() == 0


def test_the_account_page_offers_each_administrator_only_their_own_work(three, make_user):
    make_user(Role.VILLAGE_WORKER, username="worker")
    system, security = three[Role.SYSTEM_ADMIN], three[Role.SECURITY_ADMIN]
    as_system = Client()
    as_system.force_login(system)
    page = as_system.get("/staff/worker/").content.decode()
    assert "/staff/worker/active/" in page
    assert "/staff/worker/unlock/" not in page and "/staff/worker/role/" not in page
    admin_page = as_system.get(f"/staff/{security.username}/").content.decode()
    assert "/active/" not in admin_page  # an administrator's account is not the system's
    refused = as_system.post("/staff/worker/role/", {"role": "grid_worker", "reason": "调岗"})
    assert refused.status_code == 403
    as_security = Client()
    as_security.force_login(security)
    page = as_security.get("/staff/worker/").content.decode()
    assert "/staff/worker/role/" in page and "/staff/worker/unlock/" in page
    assert "/staff/worker/active/" not in page
    done = as_security.post("/staff/worker/role/", {"role": "grid_worker", "reason": "调岗"})
    assert done.status_code == 302
    assert User.objects.get(username="worker").role == Role.GRID_WORKER
