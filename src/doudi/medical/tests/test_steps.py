"""Walks the one table of steps: each step's form is on its page for the role that may take
it, absent for one that may not, and its API endpoint takes the same input; the settlement file
is uploaded on the page and the API alike; the pages refuse who may not see them, the exports
hold the figures, no page shows a code."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.test import Client

from doudi.accounts.roles import Permission, Role
from doudi.conftest import api_as
from doudi.medical import services, settlement_file, steps
from doudi.medical.models import Claim, ClaimState
from doudi.medical.tests.conftest import claim_body, number

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(staff, people, make_user):
    """Two claims waiting (for approval and for rejection), an approved one owed to the
    hospital and an approved one to be paid to the person."""
    waiting = {
        "approve": services.record_claim(staff.handler, **claim_body(people.dibao, "W-1")),
        "reject": services.record_claim(staff.handler, **claim_body(people.tekun, "W-2")),
    }
    for settlement, paid_to in (("A-1", "hospital"), ("A-2", "person")):
        claim = services.record_claim(
            staff.handler, **claim_body(people.dibao_spouse, settlement, paid_to=paid_to)
        )
        services.approve(staff.county, claim.pk)
    return {
        "people": people,
        "waiting": waiting,
        "takers": {
            Permission.RECORD_MEDICAL_CLAIMS: staff.handler,
            Permission.APPROVE_MEDICAL_CLAIMS: staff.county,
        },
        "onlooker": make_user(Role.AUDITOR),
    }


def _body(scene, name: str, page: bool) -> dict:
    nobody = scene["people"].nobody
    money = (
        {"total_cost": "8000.50", "basic": "3000", "critical": "0", "supplementary": "0"}
        if page
        else {"total_cost_fen": 800_050, "basic_fen": 300_000}
    )
    return {
        "record": {
            "id_number": number(nobody),
            "settlement_number": "R-1",
            "settled_on": "2026-07-01",
            "kind": "catastrophic",
            "hospital": "焦作市第二人民医院",
            "paid_to": "hospital",
            **money,
        },
        "settle_hospitals": {"reason": "一站式结算"},
        "pay_persons": {"reason": "医疗救助发放"},
        "premium_list": {"year": 2026},
        "approve": {"note": "核实无误"},
        "reject": {"reason": "重复结算"},
    }[name]


def _target(scene, step) -> tuple[str, int | None]:
    if step.on == steps.NOTHING:
        return "/medical/", None
    claim = scene["waiting"][step.name]
    return f"/medical/claims/{claim.pk}/", claim.pk


def test_every_step_is_offered_on_its_page_and_the_api_to_who_may_take_it(scene):
    client = Client()
    for count, step in enumerate(steps.STEPS):
        page, object_id = _target(scene, step)
        action = f"/medical/steps/{step.name}/" + (f"{object_id}/" if object_id else "")
        client.force_login(scene["onlooker"])
        assert f'action="{action}"' not in client.get(page).content.decode(), step.name
        taker = scene["takers"][step.permission]
        client.force_login(taker)
        assert f'action="{action}"' in client.get(page).content.decode(), step.name
        if count % 2:
            response = client.post(action, _body(scene, step.name, page=True))
            assert response.status_code == 302, (step.name, response.content)
            follow = client.get(response["Location"]).content.decode()
            assert "errorlist" not in follow and 'class="error' not in follow, step.name
        else:
            response = api_as(taker).post(
                f"/api/v1{action}", _body(scene, step.name, page=False), format="json"
            )
            assert response.status_code in (200, 201), (step.name, response.content)
    states = dict(Claim.objects.values_list("settlement_number", "state"))
    assert states["W-1"] == ClaimState.APPROVED and states["W-2"] == ClaimState.REJECTED
    # 8,000.50 less 3,000 is 5,000.50; 赵常 is on no programme: nothing, all left for the rest.
    recorded = Claim.objects.get(settlement_number="R-1")
    assert (recorded.residual_fen, recorded.assistance_fen) == (500_050, 0)


def _file(rows) -> bytes:
    book = openpyxl.Workbook()
    book.active.append([header for _field, header in settlement_file.COLUMNS])
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_settlement_file_on_the_page_and_the_api(scene, staff):
    people = scene["people"]
    row = ["U-1", number(people.nobody), "赵常", "2026-06-01", "住院", "某医院", 100, 0, 0, 0, ""]
    client = Client()
    client.force_login(staff.handler)
    assert "/medical/import/" in client.get("/medical/").content.decode()
    upload = io.BytesIO(_file([row]))
    upload.name = "settlement.xlsx"
    response = client.post("/medical/import/", {"file": upload}, follow=True)
    assert "1" in response.content.decode() and Claim.objects.filter(settlement_number="U-1")
    bad = io.BytesIO(_file([[*row[:4], "牙科", *row[5:]]]))
    bad.name = "bad.xlsx"
    page = client.post("/medical/import/", {"file": bad}, follow=True).content.decode()
    assert "就诊类别" in page
    api = api_as(staff.handler)
    answer = api.post(
        "/api/v1/medical/claims/import/",
        {"file": io.BytesIO(_file([["U-2", *row[1:]]]))},
        format="multipart",
    )
    assert answer.status_code == 201 and answer.json()["claims"] == 1
    refused = api.post(
        "/api/v1/medical/claims/import/",
        {"file": io.BytesIO(_file([["U-2", *row[1:]]]))},
        format="multipart",
    )
    assert refused.status_code == 400 and refused.json()["error"]["problems"][0]["row"] == 2
    template = client.get("/medical/import/template.xlsx")
    assert template.status_code == 200
    client.force_login(staff.reviewer)
    assert client.post("/medical/import/", {"file": upload}).status_code == 403


def test_who_may_not_is_refused_on_the_pages_and_the_api(scene, staff, make_user):
    finance = make_user(Role.FINANCE_OFFICER)
    client = Client()
    client.force_login(finance)
    assert client.get("/medical/").status_code == 403
    waiting = scene["waiting"]["approve"].pk
    client.force_login(scene["onlooker"])
    assert client.get(f"/medical/claims/{waiting}/").status_code == 200
    assert client.post(f"/medical/steps/approve/{waiting}/").status_code == 403
    handler = api_as(staff.handler)
    assert (
        handler.post(f"/api/v1/medical/steps/approve/{waiting}/", {}, format="json").status_code
        == 403
    )
    county = api_as(staff.county)
    assert county.post(f"/api/v1/medical/steps/reject/{waiting}/", {"reason": 5},
                       format="json").status_code == 400  # fmt: skip
    elsewhere = make_user(Role.COUNTY_APPROVER, "410825000000", "elsewhere")
    assert api_as(elsewhere).get(f"/api/v1/medical/claims/{waiting}/").status_code == 404
    client.force_login(elsewhere)
    assert client.get(f"/medical/claims/{waiting}/").status_code == 404
    assert county.post("/api/v1/medical/steps/nonsense/", {}, format="json").status_code == 404
    assert county.post("/api/v1/medical/steps/approve/", {}, format="json").status_code == 404


def test_the_claims_waiting_are_on_the_county_s_to_do_list(scene, staff):
    # The function the home page calls (the factory's benefits lack what the re-check
    # lists of the same page read).
    from doudi.medical.home import claim_tasks

    today = datetime.date(2026, 8, 3)
    (waiting,) = claim_tasks(staff.county, today)
    urls = {task.url for task in waiting.tasks}
    assert waiting.count == 2 and f"/medical/claims/{scene['waiting']['approve'].pk}/" in urls
    assert claim_tasks(staff.handler, today) == []  # who may not approve has nothing to do
    mine = services.record_claim(staff.county, **claim_body(scene["people"].nobody, "M-1"))
    (waiting,) = claim_tasks(staff.county, today)
    assert f"/medical/claims/{mine.pk}/" not in {task.url for task in waiting.tasks}


def test_a_refused_step_names_the_field_on_the_page(scene, staff):
    client = Client()
    client.force_login(staff.handler)
    body = _body(scene, "record", page=True) | {"total_cost": "abc"}
    page = client.post("/medical/steps/record/", body, follow=True).content.decode()
    assert "总费用" in page or "total cost" in page
    assert not Claim.objects.filter(settlement_number="R-1").exists()


def test_the_figures_the_cap_and_the_workbooks(scene, staff):
    people = scene["people"]
    for n in range(3):
        services.record_claim(staff.handler, **claim_body(people.dibao, f"C-{n}"))
    client = Client()
    client.force_login(staff.county)
    page = client.get("/medical/?year=2026").content.decode()
    assert 'data-testid="at-cap-inpatient">1<' in page  # 张医 reached the cap
    book = openpyxl.load_workbook(io.BytesIO(client.get("/medical/claims.xlsx?year=2026").content))
    figures = list(book.worksheets[0].values)
    inpatient = next(r for r in figures if r[1] == 7)  # seven inpatient claims not rejected
    assert inpatient[-1] == 1
    assert len(list(book.worksheets[1].values)) == 1 + 7  # header, every claim
    figures = api_as(staff.county).get("/api/v1/medical/figures/?year=2026").json()
    assert {k["kind"]: k["at_cap"] for k in figures["kinds"]}["inpatient"] == 1
    claims = api_as(staff.county).get("/api/v1/medical/claims/?year=2026&state=recorded").json()
    assert claims["count"] == 5
    services.settle_hospitals(staff.county, reason="结算")
    settlement = Claim.objects.get(settlement_number="A-1").settlement
    hospital = client.get(f"/medical/settlements/{settlement.pk}.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(hospital.content)).worksheets[0].values)
    assert rows[-1][-1] == 4900
    premium = services.create_premium_list(staff.county, year=2026)
    detail = client.get(f"/medical/premiums/{premium.pk}/").content.decode()
    assert f'data-testid="persons">{premium.persons}<' in detail
    assert client.get(f"/medical/premiums/{premium.pk}.xlsx").status_code == 200
    client.force_login(staff.handler)  # the township reads the list, the bureau's file is not its
    assert client.get(f"/medical/premiums/{premium.pk}/").status_code == 200
    assert client.get(f"/medical/premiums/{premium.pk}.xlsx").status_code == 403
    assert (
        api_as(staff.handler)
        .get(f"/api/v1/medical/premium-lists/{premium.pk}/")
        .json()["premium_list"]["persons"]
        == premium.persons
    )
