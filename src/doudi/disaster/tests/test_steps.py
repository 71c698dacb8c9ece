"""Walks the one table of steps: each step's form is on its page for the role that may take
it, absent for one that may not, and its API endpoint takes the same input; the pages refuse
who may not see them, the exports hold the figures."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client

from doudi.accounts.roles import Permission, Role
from doudi.conftest import INSIDE_VILLAGE, api_as
from doudi.disaster import services, steps
from doudi.disaster.tests.conftest import family, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(staff, flood, make_user):
    """A verified report (h1), two waiting (h2, h3), a wave with one entry (h4); h5 and h6
    not yet reported or assessed."""
    households = {n: family(staff, n, 2) for n in range(1, 7)}
    services.verify(staff.handler, report(staff, flood, households[1], house_collapsed=True).pk)
    waiting = [report(staff, flood, households[n], no_livelihood=True) for n in (2, 3)]
    wave = services.create_wave(staff.county, winter_of=2026)
    entry = services.assess(
        staff.handler, wave.pk, household=households[4].pk, per_person_fen=10_000
    )
    takers = {
        Permission.MANAGE_DISASTERS: staff.county,
        Permission.REPORT_IMPACTS: staff.village,
        Permission.VERIFY_IMPACTS: staff.reviewer,
        Permission.ASSESS_NEEDS: staff.handler,
    }
    return {
        "event": flood,
        "wave": wave,
        "households": households,
        "waiting": {"verify": waiting[0], "return": waiting[1]},
        "entry": entry,
        "takers": takers,
        "onlooker": make_user(Role.AUDITOR),
    }


def _target(scene, step) -> tuple[str, int | None]:
    """The page offering the step, and the object it acts on."""
    if step.on == steps.NOTHING:
        return "/disaster/", None
    if step.on == steps.WAVE:
        return f"/disaster/waves/{scene['wave'].pk}/", scene["wave"].pk
    if step.on == steps.ENTRY:
        return f"/disaster/waves/{scene['wave'].pk}/", scene["entry"].pk
    event = scene["event"].pk
    if step.on == steps.REPORT:
        return f"/disaster/events/{event}/", scene["waiting"][step.name].pk
    return f"/disaster/events/{event}/", event


def _body(scene, name: str, page: bool) -> dict:
    h = scene["households"]
    per_person = {"per_person": "120.50"} if page else {"per_person_fen": 12_050}
    return {
        "create_event": {
            "kind": "drought",
            "name": "旱灾",
            "started_on": "2026-06-01",
            "response_level": 3,
            "places": [INSIDE_VILLAGE],
        },
        "create_wave": {"winter_of": 2025},
        "report": {"household": h[5].pk, "persons_affected": 2, "house_collapsed": True},
        "transitional_grant": {"reason": "过渡期生活救助"},
        "cohort_grant": {
            **({"amount": "155.84"} if page else {"amount_fen": 15_584}),
            "in_force_on": "2026-08-01",
            "reason": "纪要",
        },
        "verify": {"note": "核实无误"},
        "return": {"note": "请补充材料"},
        "assess": {"household": h[6].pk, **per_person},
        "assess_from_reports": {"event": scene["event"].pk, **per_person},
        "unlist": {"note": "误录"},
        "wave_grant": {"reason": "冬春救助"},
    }[name]


def test_every_step_is_offered_on_its_page_and_the_api_to_who_may_take_it(scene):
    client = Client()
    for number, step in enumerate(steps.STEPS):
        page, object_id = _target(scene, step)
        action = f"/disaster/steps/{step.name}/" + (f"{object_id}/" if object_id else "")
        client.force_login(scene["onlooker"])
        assert f'action="{action}"' not in client.get(page).content.decode(), step.name
        taker = scene["takers"][step.permission]
        client.force_login(taker)
        assert f'action="{action}"' in client.get(page).content.decode(), step.name
        if number % 2:
            response = client.post(action, _body(scene, step.name, page=True))
            assert response.status_code == 302, (step.name, response.content)
            follow = client.get(response["Location"]).content.decode()
            assert "errorlist" not in follow and 'class="error' not in follow, step.name
        else:
            response = api_as(taker).post(
                f"/api/v1{action}", _body(scene, step.name, page=False), format="json"
            )
            assert response.status_code in (200, 201), (step.name, response.content)
    assert (
        scene["waiting"]["verify"].__class__.objects.get(pk=scene["waiting"]["verify"].pk).state
        == "verified"
    )


def test_who_may_not_is_refused_on_the_pages_and_the_api(scene, staff, make_user):
    event, wave = scene["event"], scene["wave"]
    finance = make_user(Role.FINANCE_OFFICER)
    client = Client()
    client.force_login(finance)
    assert client.get("/disaster/").status_code == 403
    client.force_login(scene["onlooker"])
    assert client.get(f"/disaster/events/{event.pk}/").status_code == 200
    waiting = scene["waiting"]["verify"].pk
    assert client.post(f"/disaster/steps/verify/{waiting}/").status_code == 403
    assert client.post("/disaster/steps/create_event/", {"name": "x"}).status_code == 403
    reporter = api_as(staff.village)
    verify = f"/api/v1/disaster/steps/verify/{scene['waiting']['verify'].pk}/"
    assert reporter.post(verify, {}, format="json").status_code == 403
    assert api_as(staff.reviewer).post(verify, {"note": 5}, format="json").status_code == 400
    elsewhere = make_user(Role.VILLAGE_WORKER, "410822902001", "elsewhere")
    assert api_as(elsewhere).get(f"/api/v1/disaster/events/{event.pk}/").status_code == 404
    assert api_as(elsewhere).get(f"/api/v1/disaster/waves/{wave.pk}/").status_code == 404
    assert (
        api_as(staff.county).post("/api/v1/disaster/steps/nonsense/", {}, format="json").status_code
        == 404
    )
    assert (
        api_as(staff.county).post("/api/v1/disaster/steps/verify/", {}, format="json").status_code
        == 404
    )


def test_a_refused_step_names_the_field_on_the_page(scene, staff):
    client = Client()
    client.force_login(staff.village)
    event = scene["event"].pk
    response = client.post(
        f"/disaster/steps/report/{event}/",
        {"household": scene["households"][5].pk, "persons_affected": 9},
        follow=True,
    )
    page = response.content.decode()
    assert "persons affected" in page or "受灾人数" in page


def test_the_figures_and_their_workbooks(scene, staff):
    client = Client()
    client.force_login(staff.county)
    event = scene["event"]
    page = client.get(f"/disaster/events/{event.pk}/").content.decode()
    assert 'data-testid="previewed">460.00' in page  # h1's two persons at 230 yuan
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/disaster/events/{event.pk}/figures.xlsx").content)
    )
    figures = list(book.worksheets[0].values)
    assert figures[-1][-2] == 460 and figures[-1][2:4] == (3, 1)
    assert len(list(book.worksheets[1].values)) == 2 + 3  # caption, header, three reports
    wave = client.get(f"/disaster/waves/{scene['wave'].pk}/figures.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(wave.content)).worksheets[0]
    assert list(sheet.values)[-1][-2] == 200
    detail = api_as(staff.county).get(f"/api/v1/disaster/events/{event.pk}/").json()
    assert detail["figures"]["total"]["previewed_fen"] == 46_000
