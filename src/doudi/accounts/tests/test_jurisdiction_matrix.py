"""Every role against objects inside and outside its jurisdiction, through the pages and the API.

Inside: the place the user belongs to (and what lies under it). Outside: a neighbouring county
(温县) and, for everyone, another city (新乡). Nothing outside may be read or changed; inside,
only the roles whose permissions allow it may change anything.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client

from doudi.accounts.models import User
from doudi.accounts.roles import ROLE_PERMISSIONS, Permission, Role
from doudi.audit.actions import AuditAction
from doudi.audit.models import AuditEvent
from doudi.audit.services import record
from doudi.conftest import OUTSIDE_VILLAGE, PASSWORD, ROLE_PLACES, api_as
from doudi.regions.models import Region
from doudi.regions.services import import_regions

FOREIGN_CITY_ROWS = """code,name,urban_rural
410700000000,新乡市,
410721000000,新乡县,
410721901000,外市测试街道,urban
410721901001,外市测试社区,111
"""
FOREIGN_VILLAGE = "410721901001"


@pytest.fixture
def world(places):
    import_regions(None, FOREIGN_CITY_ROWS.encode(), "foreign.csv")


def _actor(role: Role) -> User:
    return User.objects.create_user(
        username=f"actor_{role.value}", password=PASSWORD, role=role, region_id=ROLE_PLACES[role]
    )


def _outside_places(actor: User) -> list[str]:
    places = [
        code
        for code in (OUTSIDE_VILLAGE, FOREIGN_VILLAGE)
        if not code.startswith(actor.jurisdiction_prefix)
    ]
    assert places, "every role must have something outside its jurisdiction to test against"
    return places


def _colleague(place: str, name: str) -> User:
    return User.objects.create_user(
        username=name, password=PASSWORD, role=Role.VILLAGE_WORKER, region_id=place
    )


def _web(actor: User) -> Client:
    client = Client()
    client.force_login(actor)
    return client


def _main(html: str) -> str:
    """The page without its header (whose language form repeats the requested path)."""
    return html.split("<main>", 1)[1]


def _allowed(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


ROLES = list(Role)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
class TestPlaces:
    def test_inside_readable_outside_not_found(self, world, role):
        actor = _actor(role)
        web, api = _web(actor), api_as(actor)
        inside = Region.objects.get(code=actor.region_id)
        assert web.get(f"/places/{inside.code}/").status_code == 200
        assert api.get(f"/api/v1/regions/{inside.code}/").json()["name"] == inside.name
        for code in _outside_places(actor):
            page = web.get(f"/places/{code}/")
            assert page.status_code == 404
            assert code not in _main(page.content.decode())
            response = api.get(f"/api/v1/regions/{code}/")
            assert response.status_code == 404
            assert response.json()["error"]["code"] == "not_found"

    def test_lists_hold_only_the_jurisdiction(self, world, role):
        actor = _actor(role)
        codes = [
            r["code"] for r in api_as(actor).get("/api/v1/regions/?limit=1000").json()["results"]
        ]
        assert codes and all(code.startswith(actor.jurisdiction_prefix) for code in codes)

    def test_only_administrators_change_and_only_inside(self, world, role):
        actor = _actor(role)
        web, api = _web(actor), api_as(actor)
        inside = actor.region_id
        classification = Region.objects.get(code=inside).classification
        body = {"name": "改名", "classification": classification, "reason": "测试"}
        web_response = web.post(f"/places/{inside}/update/", body)
        api_response = api.patch(f"/api/v1/regions/{inside}/", body, format="json")
        if _allowed(role, Permission.EDIT_REGIONS):
            assert web_response.status_code == 302 and api_response.status_code == 200
            assert Region.objects.get(code=inside).name == "改名"
        else:
            assert web_response.status_code == 403 and api_response.status_code == 403
            assert Region.objects.get(code=inside).name != "改名"
        for code in _outside_places(actor):
            before = Region.objects.get(code=code).name
            assert web.post(f"/places/{code}/update/", body).status_code == 404
            assert api.patch(f"/api/v1/regions/{code}/", body, format="json").status_code == 404
            assert Region.objects.get(code=code).name == before


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
class TestStaffAccounts:
    def test_reading_accounts(self, world, role):
        actor = _actor(role)
        web, api = _web(actor), api_as(actor)
        inside = _colleague(actor.region_id, "colleague_inside")
        outside = [_colleague(code, f"stranger_{code}") for code in _outside_places(actor)]
        may_view = _allowed(role, Permission.VIEW_USERS)
        assert web.get(f"/staff/{inside.username}/").status_code == (200 if may_view else 403)
        assert api.get(f"/api/v1/users/{inside.username}/").status_code == (
            200 if may_view else 403
        )
        for stranger in outside:
            assert web.get(f"/staff/{stranger.username}/").status_code in (403, 404)
            assert api.get(f"/api/v1/users/{stranger.username}/").status_code in (403, 404)
        if may_view:
            names = [u["username"] for u in api.get("/api/v1/users/").json()["results"]]
            assert inside.username in names
            assert not any(name.startswith("stranger_") for name in names)
            assert "stranger_" not in web.get("/staff/").content.decode()

    def test_changing_accounts(self, world, role):
        actor = _actor(role)
        web, api = _web(actor), api_as(actor)
        inside = _colleague(actor.region_id, "colleague_inside")
        body = {"reason": "测试停用"}
        web_status = web.post(
            f"/staff/{inside.username}/active/", {**body, "active": "0"}
        ).status_code
        api_status = api.post(
            f"/api/v1/users/{inside.username}/deactivate/", body, format="json"
        ).status_code
        inside.refresh_from_db()
        if _allowed(role, Permission.MANAGE_USERS):
            assert (web_status, api_status) == (302, 200) and not inside.is_active
        else:
            assert web_status in (403, 404) and api_status in (403, 404) and inside.is_active
        for code in _outside_places(actor):
            stranger = _colleague(code, f"stranger_{code}")
            assert web.post(
                f"/staff/{stranger.username}/active/", {**body, "active": "0"}
            ).status_code in (403, 404)
            assert api.post(
                f"/api/v1/users/{stranger.username}/deactivate/", body, format="json"
            ).status_code in (403, 404)
            stranger.refresh_from_db()
            assert stranger.is_active

    def test_creating_accounts_outside_is_refused(self, world, role):
        actor = _actor(role)
        for code in _outside_places(actor):
            body = {
                "username": f"new_{code}",
                "password": PASSWORD,
                "role": "village_worker",
                "region": code,
            }
            assert api_as(actor).post("/api/v1/users/", body, format="json").status_code in (
                403,
                404,
            )
            assert not User.objects.filter(username=f"new_{code}").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_audit_events_only_from_the_jurisdiction(world, role):
    actor = _actor(role)
    with transaction.atomic():
        inside = record(
            actor=None,
            action=AuditAction.REGION_UPDATE,
            object_type="thing",
            object_id="in",
            region_code=actor.region_id,
        )
        outside = [
            record(
                actor=None,
                action=AuditAction.REGION_CONFIRMS_CASES,
                object_type="thing",
                object_id=code,
                region_code=code,
            )
            for code in _outside_places(actor)
        ]
    web, api = _web(actor), api_as(actor)
    if not _allowed(role, Permission.VIEW_AUDIT):
        assert api.get("/api/v1/audit-events/").status_code == 403
        assert web.get("/audit/").status_code == 403
        return
    listed = {e["seq"] for e in api.get("/api/v1/audit-events/?limit=1000").json()["results"]}
    assert inside.seq in listed
    for event in outside:
        assert event.seq not in listed
        assert api.get(f"/api/v1/audit-events/{event.seq}/").status_code == 404
        assert web.get(f"/audit/{event.seq}/").status_code == 404
    assert AuditEvent.objects.filter(
        action=AuditAction.REGION_CONFIRMS_CASES, object_type="thing"
    ).count() == len(outside)


def _household_at(region_code: str, first17: str) -> int:
    """A household written straight through the bulk writer (no acting user needed)."""
    from doudi.conftest import household_form, member_form
    from doudi.registry.form_input import parse_household
    from doudi.registry.services import create_households, household_regions

    form = household_form(
        region=region_code, members=[member_form(first17, "测试户主")], incomes=[]
    )
    (household,) = create_households(
        None, [parse_household(form)], household_regions({region_code}), reason="test"
    )
    return household.pk


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_households_inside_and_outside(world, role):
    from doudi.conftest import INSIDE_VILLAGE
    from doudi.registry.models import Income

    actor = _actor(role)
    web, api = _web(actor), api_as(actor)
    inside = _household_at(INSIDE_VILLAGE, "41082119700101001")
    outside = [_household_at(code, f"{code[:6]}19710101001") for code in _outside_places(actor)]
    may_view = _allowed(role, Permission.VIEW_HOUSEHOLDS)
    may_edit = _allowed(role, Permission.EDIT_HOUSEHOLDS)
    income = {"month": "2026-10", "type": "wage", "amount_fen": 100, "reason": "测试"}
    page = {"month": "2026-10", "type": "wage", "amount": "1.00", "reason": "测试"}

    assert web.get(f"/households/{inside}/").status_code == (200 if may_view else 403)
    assert api.get(f"/api/v1/households/{inside}/").status_code == (200 if may_view else 403)
    api_status = api.post(
        f"/api/v1/households/{inside}/incomes/", income, format="json"
    ).status_code
    web_status = web.post(f"/households/{inside}/income/new/", page).status_code
    assert (api_status, web_status) == ((201, 302) if may_edit else (403, 403))
    assert Income.objects.filter(household_id=inside).count() == (2 if may_edit else 0)
    if may_view:
        listed = {row["id"] for row in api.get("/api/v1/households/").json()["results"]}
        assert listed == {inside}
    for household in outside:
        assert web.get(f"/households/{household}/").status_code in (403, 404)
        assert api.get(f"/api/v1/households/{household}/").status_code in (403, 404)
        assert api.post(
            f"/api/v1/households/{household}/incomes/", income, format="json"
        ).status_code in (403, 404)
        assert web.post(f"/households/{household}/income/new/", page).status_code in (403, 404)
        assert not Income.objects.filter(household_id=household).exists()
