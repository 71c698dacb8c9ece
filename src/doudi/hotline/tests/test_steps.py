"""Walks the one table of steps: each step's form is on its page for the role that may take
it, absent for one that may not, and its API endpoint takes the same input."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from doudi.accounts.roles import Role
from doudi.conftest import INSIDE_TOWNSHIP, api_as
from doudi.hotline import services, steps
from doudi.hotline.models import DutyShift, Ticket
from doudi.hotline.tests.conftest import call
from doudi.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(staff, households, make_user):
    other = Region.objects.filter(level="township", code__startswith="410821").exclude(
        code=INSIDE_TOWNSHIP).values_list("code", flat=True).first()  # fmt: skip
    known = ("open_case", "raise_warning")  # the steps that need the ticket's household
    tickets = {
        step.name: call(staff, household=households[1].pk if step.name in known else None)
        for step in steps.STEPS
        if step.on == steps.TICKET
    }
    make_user(Role.TOWNSHIP_HANDLER, INSIDE_TOWNSHIP, "colleague")
    shift = services.schedule_duty(staff.handler, day=datetime.date(2026, 9, 8),
                                   staff="colleague", hours="全天")  # fmt: skip
    return {"tickets": tickets, "households": households, "other": other, "shift": shift,
            "onlooker": make_user(Role.AUDITOR)}  # fmt: skip


def _taker(staff, step):
    return staff.county if step.name in ("escalate", "reassign") else staff.handler


def _body(scene, name):
    return {
        "receive": {"source": "letter", "category": "enquiry", "content": "来信咨询",
                    "township": INSIDE_TOWNSHIP},
        "escalate": {},
        "schedule_duty": {"day": "2026-09-09", "staff": "colleague", "hours": "08:30–17:30"},
        "remove_duty": {},
        "link_household": {"household": scene["households"][2].pk, "note": "经核实为该户"},
        "reassign": {"township": scene["other"] or INSIDE_TOWNSHIP, "reason": "属地"},
        "open_case": {"programme": "minimum_living", "note": "来电求助"},
        "raise_warning": {"severity": 2, "note": "困难"},
        "refer_to_supervision": {"note": "反映优亲厚友"},
        "close": {"answer": "已答复", "satisfaction": "satisfied"},
    }[name]  # fmt: skip


def test_every_step_is_offered_on_its_page_and_the_api_to_who_may_take_it(scene, staff):
    client = Client()
    for number, step in enumerate(steps.STEPS):
        if step.name == "reassign" and scene["other"] is None:
            continue
        ticket = scene["tickets"].get(step.name)
        target = scene["shift"] if step.on == steps.SHIFT else ticket
        page = f"/hotline/{ticket.pk}/" if ticket else "/hotline/"
        if step.name in ("schedule_duty", "remove_duty"):
            page = "/hotline/duty/"
        action = f"/hotline/steps/{step.name}/" + (f"{target.pk}/" if target else "")
        client.force_login(scene["onlooker"])
        assert f'action="{action}"' not in client.get(page).content.decode(), step.name
        taker = _taker(staff, step)
        client.force_login(taker)
        assert f'action="{action}"' in client.get(page).content.decode(), step.name
        if number % 2:
            response = client.post(action, _body(scene, step.name))
            assert response.status_code == 302, (step.name, response.content)
            follow = client.get(response["Location"]).content.decode()
            assert "errorlist" not in follow and 'class="error' not in follow, step.name
        else:
            response = api_as(taker).post(
                f"/api/v1{action}", _body(scene, step.name), format="json"
            )
            assert response.status_code in (200, 201), (step.name, response.content)
    closed = Ticket.objects.get(pk=scene["tickets"]["close"].pk)
    assert closed.state == "closed"
    assert Ticket.objects.get(pk=scene["tickets"]["open_case"].pk).case_id is not None
    assert Ticket.objects.get(pk=scene["tickets"]["raise_warning"].pk).warning_id is not None
    assert not DutyShift.objects.filter(pk=scene["shift"].pk).exists()
    assert DutyShift.objects.filter(day=datetime.date(2026, 9, 9)).count() == 1
    linked = Ticket.objects.get(pk=scene["tickets"]["link_household"].pk)
    assert linked.household_id == scene["households"][2].pk


def test_who_may_not_is_refused_on_the_pages_and_the_api(scene, staff, make_user):
    ticket = scene["tickets"]["close"]
    finance = make_user(Role.FINANCE_OFFICER)
    client = Client()
    client.force_login(finance)
    assert client.get("/hotline/").status_code == 403
    client.force_login(scene["onlooker"])
    assert client.get(f"/hotline/{ticket.pk}/").status_code == 200
    assert client.get("/hotline/figures/").status_code == 200
    assert client.post(f"/hotline/steps/close/{ticket.pk}/").status_code == 403
    handler = api_as(staff.handler)
    assert handler.post("/api/v1/hotline/steps/escalate/", {}, format="json").status_code == 403
    close = f"/api/v1/hotline/steps/close/{ticket.pk}/"
    refused = handler.post(close, {"answer": 5, "satisfaction": "satisfied"}, format="json")
    assert refused.status_code == 400 and refused.json()["error"]["field"] == "answer"
    assert handler.post("/api/v1/hotline/steps/nonsense/", {}, format="json").status_code == 404
    assert handler.post("/api/v1/hotline/steps/close/", {}, format="json").status_code == 404
    elsewhere = make_user(Role.TOWNSHIP_HANDLER, "410825902000", "elsewhere")
    assert api_as(elsewhere).post(close, {"answer": "x", "satisfaction": "fairly"},
                                  format="json").status_code == 404  # fmt: skip


def test_a_refused_step_names_the_field_on_the_page(scene, staff):
    client = Client()
    client.force_login(staff.handler)
    response = client.post(
        "/hotline/steps/receive/",
        {"source": "call", "category": "enquiry", "content": "问", "caller_phone": "abc",
         "township": INSIDE_TOWNSHIP},
        follow=True,
    )  # fmt: skip
    page = response.content.decode()
    assert "caller's phone" in page or "来电人电话" in page


def test_the_pages_form_as_sent_with_its_empty_fields(scene, staff):
    client = Client()
    client.force_login(staff.handler)
    response = client.post(
        "/hotline/steps/receive/",
        {"source": "call", "category": "enquiry", "content": "咨询低保标准", "township": "",
         "household": "", "caller_name": "", "caller_phone": "", "external_number": "",
         "received_on": ""},
    )  # fmt: skip
    assert response.status_code == 302, response.content
    ticket = Ticket.objects.order_by("-id").first()
    assert response["Location"] == f"/hotline/{ticket.pk}/"
    assert (ticket.region_id, ticket.household_id) == (INSIDE_TOWNSHIP, None)
