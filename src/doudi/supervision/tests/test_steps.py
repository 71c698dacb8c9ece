"""Walks the one table of steps: each step's form is on its page for the role that may take it,
absent for one that may not, and its API endpoint takes the same input; the auditor and the
discipline inspector read every page and are refused every step, on the page and the API."""

from __future__ import annotations

import pytest
from django.test import Client

from doudi.accounts.roles import Permission
from doudi.audit.models import AuditEvent
from doudi.conftest import INSIDE_COUNTY, INSIDE_TOWNSHIP, api_as
from doudi.supervision import services, steps
from doudi.supervision.tests.conftest import ALL_YES
from doudi.supervision.tests.test_referrals import referred

pytestmark = pytest.mark.django_db


@pytest.fixture
def walk(scene, staff):
    """A sample with two items (one for each item step), a finding with two open tasks, two
    register entries and two hotline tickets referred to supervision (one for each step on a
    referral)."""
    sample = services.draw_sample(
        staff.county, scene.plan.pk, kind="households", seed=11, share_percent=100, minimum=0
    )
    items = list(sample.items.order_by("rank"))
    finding = services.raise_item_finding(
        staff.county, items[0].pk, description="档案缺入户调查表", task="补齐入户调查表"
    )
    second = services.add_rectification(staff.county, finding.pk, task="整改报告")
    households = [b.household_id for b in scene.recipients]
    entries = [
        services.declare_relative(staff.handler, household=h, relative_name="某", relation="兄弟",
                                  official_name="某某", position="staff", post="民政专干")
        for h in households[:2]
    ]  # fmt: skip
    return {
        "scene": scene,
        "sample": sample,
        "items": {"check_item": items[1], "raise_item_finding": items[2]},
        "finding": finding,
        "tasks": [finding.rectifications.order_by("id").first(), second],
        "entries": entries,
        "households": households,
        "referrals": {
            "raise_ticket_finding": referred(staff, households[0]),
            "decline_referral": referred(staff, content="反映评议不公"),
        },
        "takers": {
            Permission.INSPECT: staff.county,
            Permission.RECTIFY: staff.handler,
            Permission.DECLARE_RELATIVES: staff.handler,
        },
    }


def _target(walk, step, number: int) -> tuple[str, int | None]:
    """The page offering the step, and the object it acts on."""
    if step.on == steps.NOTHING:
        page = "/supervision/relatives/" if step.name == "declare_relative" else "/supervision/"
        return page, None
    if step.on == steps.PLAN:
        plan = walk["scene"].plan.pk
        return f"/supervision/plans/{plan}/", plan
    if step.on == steps.ITEM:
        item = walk["items"][step.name]
        return f"/supervision/items/{item.pk}/", item.pk
    if step.on == steps.FINDING:
        return f"/supervision/findings/{walk['finding'].pk}/", walk["finding"].pk
    if step.on == steps.RECTIFICATION:
        return f"/supervision/findings/{walk['finding'].pk}/", walk["tasks"][0].pk
    if step.on == steps.REFERRAL:
        ticket = walk["referrals"][step.name]
        return f"/supervision/referrals/{ticket.pk}/", ticket.pk
    return "/supervision/relatives/", walk["entries"][0].pk


def _body(walk, name: str) -> dict:
    return {
        "create_plan": {
            "kind": "unannounced",
            "title": "暗访",
            "place": INSIDE_TOWNSHIP,
            "period_start": "2026-06-01",
            "period_end": "2026-06-15",
            "inspectors": "纪某",
        },
        "declare_relative": {
            "household": walk["households"][2],
            "relative_name": "某甲",
            "relation": "配偶",
            "official_name": "某乙",
            "position": "village_cadre",
            "post": "村支书",
        },
        "draw_sample": {"kind": "cases", "seed": 99, "share_percent": 30, "minimum": 1},
        "raise_plan_finding": {
            "township": INSIDE_TOWNSHIP,
            "description": "公示未张贴",
            "task": "张贴公示",
            "severity": "general",
        },
        "check_item": {**ALL_YES, "note": "已核"},
        "raise_item_finding": {"description": "金额错", "task": "更正", "severity": "serious"},
        "add_rectification": {"task": "复查"},
        "complete_rectification": {"outcome": "已补齐"},
        "end_declaration": {"reason": "调离"},
        "raise_ticket_finding": {"description": "举报属实", "task": "清退", "severity": "serious"},
        "decline_referral": {"reason": "经核查无问题"},
    }[name]


def test_every_step_is_offered_on_its_page_and_the_api_to_who_may_take_it(walk):
    client = Client()
    readers = (walk["scene"].auditor, walk["scene"].discipline)
    for number, step in enumerate(steps.STEPS):
        page, object_id = _target(walk, step, number)
        action = f"/supervision/steps/{step.name}/" + (f"{object_id}/" if object_id else "")
        for reader in readers:
            client.force_login(reader)
            shown = client.get(page)
            assert shown.status_code == 200, (step.name, reader.role)
            assert f'action="{action}"' not in shown.content.decode(), (step.name, reader.role)
        taker = walk["takers"][step.permission]
        client.force_login(taker)
        assert f'action="{action}"' in client.get(page).content.decode(), step.name
        if number % 2:
            response = client.post(action, _body(walk, step.name))
            assert response.status_code == 302, (step.name, response.content)
            follow = client.get(response["Location"]).content.decode()
            assert "errorlist" not in follow and 'class="error' not in follow, step.name
        else:
            response = api_as(taker).post(f"/api/v1{action}", _body(walk, step.name), format="json")
            assert response.status_code in (200, 201), (step.name, response.content)
    assert walk["tasks"][0].__class__.objects.get(pk=walk["tasks"][0].pk).done_on is not None


def test_the_auditor_and_the_discipline_inspector_are_refused_every_step(walk):
    changes = AuditEvent.objects.filter(action__startswith="supervision.")
    before = changes.count()
    for reader in (walk["scene"].auditor, walk["scene"].discipline):
        client = Client()
        client.force_login(reader)
        api = api_as(reader)
        for number, step in enumerate(steps.STEPS):
            _page, object_id = _target(walk, step, number)
            action = f"/supervision/steps/{step.name}/" + (f"{object_id}/" if object_id else "")
            body = _body(walk, step.name)
            assert client.post(action, body).status_code == 403, (step.name, reader.role)
            answer = api.post(f"/api/v1{action}", body, format="json")
            assert answer.status_code == 403, (step.name, reader.role)
    assert changes.count() == before  # nothing changed


def test_the_readers_read_everything_in_their_jurisdiction(walk):
    scene = walk["scene"]
    for reader in (scene.auditor, scene.discipline):
        api = api_as(reader)
        assert api.get("/api/v1/supervision/plans/").json()["count"] == 1
        plan = api.get(f"/api/v1/supervision/plans/{scene.plan.pk}/").json()
        assert plan["samples"][0]["seed"] == 11 and plan["findings"]
        sample = api.get(f"/api/v1/supervision/samples/{walk['sample'].pk}/").json()
        assert len(sample["items"]) == 3 and "amount_correct" in sample["items"][0]["answers"]
        finding = api.get(f"/api/v1/supervision/findings/{walk['finding'].pk}/").json()
        assert len(finding["rectifications"]) == 2
        relatives = api.get("/api/v1/supervision/relatives/").json()
        assert len(relatives["rows"]) == 2 and relatives["rows"][0]["monthly_fen"] > 0
        assert api.get("/api/v1/supervision/rectifications/overdue/").status_code == 200
        client = Client()
        client.force_login(reader)
        for page in ("/supervision/", "/supervision/findings/", "/supervision/relatives/",
                     f"/supervision/samples/{walk['sample'].pk}/"):  # fmt: skip
            assert client.get(page).status_code == 200, page


def test_a_refused_step_names_the_field_on_the_page(walk, staff):
    client = Client()
    client.force_login(staff.county)
    plan = walk["scene"].plan.pk
    response = client.post(
        f"/supervision/steps/draw_sample/{plan}/",
        {"kind": "households", "seed": "x", "share_percent": "10"},
        follow=True,
    )
    page = response.content.decode()
    assert "seed" in page or "随机种子" in page
    response = api_as(staff.county).post(
        f"/api/v1/supervision/steps/draw_sample/{plan}/",
        {"kind": "households", "seed": 1, "share_percent": 0},
        format="json",
    )
    assert response.status_code == 400 and "share_percent" in response.content.decode()
    outside = api_as(staff.county).post(
        "/api/v1/supervision/steps/create_plan/",
        {**_body(walk, "create_plan"), "place": "410825000000"},
        format="json",
    )
    assert outside.status_code == 400 and "place" in outside.content.decode()
    assert INSIDE_COUNTY  # the county may plan over its own place (the fixture's plan)
