"""The county replenishes a township's fund from the township's request showing its spending:
the emergency payments since the last replenishment, each listed once, the replenishment written
with its one audit event on approval; refusals, wrong roles and other places change nothing. And
every step of the table on both faces, offered exactly to those who may take it."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client

from doudi.accounts.roles import Role
from doudi.audit.models import AuditEvent
from doudi.conftest import api_as
from doudi.errors import DoudiError, NotPermitted, OutsideJurisdiction
from doudi.reserve_fund import steps
from doudi.reserve_fund.models import (
    MovementKind,
    ReplenishmentRequest,
    RequestState,
    ReserveFund,
    ReserveMovement,
)
from doudi.reserve_fund.services import (
    approve_replenishment,
    move,
    refuse_replenishment,
    request_replenishment,
)

pytestmark = pytest.mark.django_db
TOWNSHIP = "410821902000"  # 示例镇, 修武县
NEIGHBOUR = "410821901000"


@pytest.fixture
def people(make_user):
    return {
        "county": make_user(Role.COUNTY_APPROVER),
        "handler": make_user(Role.TOWNSHIP_HANDLER),
        "neighbour": make_user(Role.TOWNSHIP_HANDLER, NEIGHBOUR, "neighbour_handler"),
        "other_county": make_user(Role.COUNTY_APPROVER, "410825000000", "wenxian_county"),
        "finance": make_user(Role.FINANCE_OFFICER),
    }


@pytest.fixture
def spent(people):
    """500 yuan allocated, then 80 and 120 yuan paid out in emergencies."""
    move(people["county"], TOWNSHIP, "allocation", 50_000, reason="2026 年备用金")
    for amount, name in ((8_000, "张三"), (12_000, "李四")):
        move(people["handler"], TOWNSHIP, "payment", amount, reason="急难救助", recipient=name)
    return people


def test_a_request_lists_the_payments_since_the_last_replenishment(spent):
    handler, county = spent["handler"], spent["county"]
    events = AuditEvent.objects.count()
    request = request_replenishment(handler, TOWNSHIP, note="三月急难救助支出")
    assert request.amount_fen == 20_000 and request.state == RequestState.SUBMITTED
    assert sorted(request.payments.values_list("recipient", flat=True)) == ["张三", "李四"]
    assert AuditEvent.objects.count() == events + 1
    with pytest.raises(DoudiError) as caught:  # one waiting request at a time
        request_replenishment(handler, TOWNSHIP, note="再次申请")
    assert caught.value.field == "township"

    events = AuditEvent.objects.count()
    approved = approve_replenishment(county, request.pk, reason="同意补充")
    fund = ReserveFund.objects.get(township_id=TOWNSHIP)
    assert fund.balance_fen == 50_000  # back to the allocation
    assert (approved.movement.kind, approved.movement.amount_fen) == (
        MovementKind.REPLENISHMENT,
        20_000,
    )
    event = AuditEvent.objects.get(action="reserve_fund.replenishment_approved")
    assert event.after["movement"] == approved.movement_id and event.after["balance_fen"] == 50_000
    assert AuditEvent.objects.count() == events + 1  # the movement and its one event
    with pytest.raises(DoudiError) as caught:  # decided once
        approve_replenishment(county, request.pk, reason="再次同意")
    assert caught.value.field == "state"

    with pytest.raises(DoudiError) as caught:  # nothing spent since
        request_replenishment(handler, TOWNSHIP, note="无支出")
    assert "No emergency payment" in caught.value.render("en")
    move(handler, TOWNSHIP, "payment", 5_000, reason="急难救助", recipient="王五")
    second = request_replenishment(handler, TOWNSHIP, note="四月")
    assert list(second.payments.values_list("recipient", flat=True)) == ["王五"]
    assert second.amount_fen == 5_000


def test_a_refused_request_changes_no_balance_and_its_payments_are_listed_again(spent):
    handler, county = spent["handler"], spent["county"]
    request = request_replenishment(handler, TOWNSHIP, note="申请")
    with pytest.raises(DoudiError) as caught:
        refuse_replenishment(county, request.pk, reason=" ")
    assert caught.value.field == "reason"
    refuse_replenishment(county, request.pk, reason="材料不全")
    assert ReserveFund.objects.get(township_id=TOWNSHIP).balance_fen == 30_000
    assert not ReserveMovement.objects.filter(kind=MovementKind.REPLENISHMENT).exists()
    again = request_replenishment(handler, TOWNSHIP, note="补齐材料后重新申请")
    assert again.amount_fen == 20_000


def test_wrong_roles_and_other_places_are_refused(spent):
    handler, county = spent["handler"], spent["county"]
    with pytest.raises((NotPermitted, OutsideJurisdiction)):  # the county does not ask itself
        request_replenishment(county, TOWNSHIP, note="x")
    with pytest.raises((NotPermitted, OutsideJurisdiction)):  # another township's fund
        request_replenishment(spent["neighbour"], TOWNSHIP, note="x")
    with pytest.raises((NotPermitted, OutsideJurisdiction)):
        request_replenishment(spent["finance"], TOWNSHIP, note="x")
    with pytest.raises(DoudiError) as caught:
        request_replenishment(handler, TOWNSHIP, note="")
    assert caught.value.field == "note"
    request = request_replenishment(handler, TOWNSHIP, note="申请")
    with pytest.raises((NotPermitted, OutsideJurisdiction)):  # the township cannot approve
        approve_replenishment(handler, request.pk, reason="x")
    with pytest.raises(OutsideJurisdiction):  # another county's approver does not see it
        approve_replenishment(spent["other_county"], request.pk, reason="x")
    assert ReplenishmentRequest.objects.get().state == RequestState.SUBMITTED
    assert ReserveFund.objects.get(township_id=TOWNSHIP).balance_fen == 30_000


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _offered_on_page(user, url: str) -> set[str]:
    import re

    page = _web(user).get(url)
    return set(re.findall(r'data-step="([a-z_]+)"', page.content.decode()))


@pytest.mark.parametrize("face", ["page", "api"])
def test_every_step_on_both_faces_offered_to_exactly_who_may_take_it(spent, face):
    cast = {k: spent[k] for k in ("handler", "county", "neighbour", "finance")}
    takers = {"request": "handler", "approve": "county", "refuse": "county"}
    taken = set()

    def ask() -> int:
        for name, user in cast.items():
            offered = "request" in _offered_on_page(user, "/reserve-fund/")
            assert offered == (name == "handler"), name
        if face == "page":
            response = _web(cast["handler"]).post(
                "/reserve-fund/steps/request/", {"township": TOWNSHIP, "note": "申请补充"}
            )
            assert response.status_code == 302
            taken.add("request")
            return int(response.url.strip("/").split("/")[-1])
        response = api_as(cast["handler"]).post(
            "/api/v1/reserve-fund/steps/request/",
            {"township": TOWNSHIP, "note": "申请补充"},
            format="json",
        )
        assert response.status_code == 201, response.json()
        taken.add("request")
        return response.json()["id"]

    def decide(request_id: int, name: str) -> None:
        url = f"/reserve-fund/requests/{request_id}/"
        for who, user in cast.items():
            if face == "page":
                found = name in _offered_on_page(user, url)
            else:
                answer = api_as(user).get(f"/api/v1/reserve-fund/requests/{request_id}/")
                found = answer.status_code == 200 and name in answer.json()["steps"]
            assert found == (who == takers[name]), (who, name)
        body = {"reason": "审核"}
        if face == "page":
            response = _web(cast["county"]).post(f"/reserve-fund/steps/{name}/{request_id}/", body)
            assert response.status_code == 302
        else:
            response = api_as(cast["county"]).post(
                f"/api/v1/reserve-fund/steps/{name}/{request_id}/", body, format="json"
            )
            assert response.status_code == 200, response.json()
        taken.add(name)

    decide(ask(), "refuse")
    decide(ask(), "approve")
    assert taken == {s.name for s in steps.STEPS}
    assert ReserveFund.objects.get(township_id=TOWNSHIP).balance_fen == 50_000


def test_a_refusal_on_the_page_names_the_field_and_changes_nothing(spent):
    response = _web(spent["handler"]).post(
        "/reserve-fund/steps/request/", {"township": TOWNSHIP, "note": ""}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/reserve-fund/"
    assert list(response.context["messages"])  # the refusal is shown above the page
    assert not ReplenishmentRequest.objects.exists()


def test_the_requests_export_lists_each_request_and_its_payments(spent):
    request = request_replenishment(spent["handler"], TOWNSHIP, note="三月")
    response = _web(spent["county"]).get("/reserve-fund/requests.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    first, second = book.worksheets[0], book.worksheets[1]
    cells = [c.value for row in first.iter_rows() for c in row]
    assert request.pk in cells and 200 in cells  # 200.00 yuan asked for
    amounts = [row[3].value for row in second.iter_rows(min_row=3)]
    assert sorted(amounts) == [80, 120]
    elsewhere = _web(spent["other_county"]).get("/reserve-fund/requests.xlsx")
    other = openpyxl.load_workbook(io.BytesIO(elsewhere.content)).worksheets[0]
    assert request.pk not in [c.value for row in other.iter_rows(min_row=3) for c in row[:1]]


def test_a_waiting_request_is_on_the_countys_to_do_list_only(spent):
    request = request_replenishment(spent["handler"], TOWNSHIP, note="申请")
    home = _web(spent["county"]).get("/").content.decode()
    assert f"/reserve-fund/requests/{request.pk}/" in home
    assert (
        f"/reserve-fund/requests/{request.pk}/"
        not in _web(spent["handler"]).get("/").content.decode()
    )
    approve_replenishment(spent["county"], request.pk, reason="同意")
    assert (
        f"/reserve-fund/requests/{request.pk}/"
        not in _web(spent["county"]).get("/").content.decode()
    )
