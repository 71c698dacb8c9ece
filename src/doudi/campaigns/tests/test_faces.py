"""The pages, the Excel exports and the API: the county starts and follows a campaign, the
township works its list and closes a finding; nobody else sees or closes it."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client

from doudi.accounts.roles import Role
from doudi.campaigns.models import Campaign, Finding, FindingState
from doudi.campaigns.tests.conftest import CITY, run_job
from doudi.conftest import api_as
from doudi.regions.codes import Level, ancestor_at
from doudi.tests.layout import assert_count, assert_laid_out, assert_money

pytestmark = pytest.mark.django_db


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def ran(world) -> Campaign:
    response = browser(world.city).post("/campaigns/start/", {"place": CITY})
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/campaigns/{campaign.pk}/"
    run_job(campaign)
    return campaign


def _death(world) -> Finding:
    dead = world.planted("death")[0]
    return Finding.objects.get(kind="death_still_paid", member=dead)


def test_the_campaign_page_shows_progress_then_results_and_findings(world):
    page = browser(world.city)
    page.post("/campaigns/start/", {"place": CITY})
    campaign = Campaign.objects.get()
    waiting = page.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert 'data-state="queued"' in waiting and 'http-equiv="refresh"' in waiting
    run_job(campaign)
    done = page.get(f"/campaigns/{campaign.pk}/").content.decode()  # a reload, after the run
    assert 'data-state="done"' in done and 'http-equiv="refresh"' not in done
    assert 'data-testid="results"' in done and 'data-testid="findings"' in done
    assert "deaths" not in done.split("<main>", 1)[1]  # sources by their departments' names
    assert f"/campaigns/findings/{_death(world).pk}/" in done
    assert page.get("/campaigns/").status_code == 200


def test_the_results_workbook_totals_match_the_findings(world, ran):
    response = browser(world.city).get(f"/campaigns/{ran.pk}/results.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    total = rows[-1]
    findings = Finding.objects.filter(seen_in=ran)
    assert total[3] == findings.count() == sum(row[3] for row in rows[:-1])
    amount = sum(f.amount_fen or 0 for f in findings)
    # openpyxl reads the cells back as floats: compared in fen.
    assert round(total[5] * 100) == amount == round(sum(row[5] for row in rows[:-1]) * 100)
    assert_laid_out(sheet)
    assert_money(sheet.cell(row=sheet.max_row, column=6))
    assert_count(sheet.cell(row=sheet.max_row, column=4))
    listed = browser(world.city).get(f"/campaigns/{ran.pk}/findings.xlsx?kind=death_still_paid")
    found = openpyxl.load_workbook(io.BytesIO(listed.content)).active
    assert found.max_row - 1 == findings.filter(kind="death_still_paid").count()
    assert_laid_out(found)
    assert_count(found["A2"])


def test_the_township_closes_from_its_list_and_others_see_nothing(world, ran, make_user):
    finding = _death(world)
    township = make_user(Role.TOWNSHIP_HANDLER, finding.region_id, "own_township")
    own = browser(township)
    tasks = own.get("/campaigns/tasks/").content.decode()
    assert f"/campaigns/findings/{finding.pk}/" in tasks
    detail = own.get(f"/campaigns/findings/{finding.pk}/").content.decode()
    assert f"/campaigns/findings/{finding.pk}/close/" in detail
    refused = own.post(
        f"/campaigns/findings/{finding.pk}/close/", {"outcome": "cleared", "note": "x"}
    )
    assert refused.status_code == 302
    finding.refresh_from_db()
    assert finding.state == FindingState.OPEN
    own.post(
        f"/campaigns/findings/{finding.pk}/close/", {"outcome": "confirmed", "note": "核实死亡"}
    )
    finding.refresh_from_db()
    assert finding.state == FindingState.CONFIRMED and finding.case_id
    other = Finding.objects.exclude(region_id=finding.region_id).first().region_id
    stranger = browser(make_user(Role.TOWNSHIP_HANDLER, other, "other_township"))
    assert stranger.get(f"/campaigns/findings/{finding.pk}/").status_code == 404
    assert (
        f"/campaigns/findings/{finding.pk}/"
        not in stranger.get("/campaigns/tasks/").content.decode()
    )
    assert stranger.post(f"/campaigns/findings/{finding.pk}/close/", {}).status_code == 404
    auditor = browser(make_user(Role.AUDITOR, CITY, "inspector"))
    read_only = auditor.get(f"/campaigns/findings/{finding.pk}/").content.decode()
    assert "/close/" not in read_only
    assert browser(make_user(Role.FINANCE_OFFICER)).get("/campaigns/").status_code == 403


def test_the_start_form_is_offered_only_to_who_may_run(world, make_user):
    assert 'name="place"' in browser(world.city).get("/campaigns/").content.decode()
    township = browser(make_user(Role.TOWNSHIP_REVIEWER))
    assert 'action="/campaigns/start/"' not in township.get("/campaigns/").content.decode()
    assert township.post("/campaigns/start/", {"place": CITY}).status_code in (302, 403)
    assert not Campaign.objects.exists()


def test_the_api_starts_reads_and_closes(world, make_user):
    api = api_as(world.city)
    started = api.post("/api/v1/campaigns/", {"place": CITY}, format="json")
    assert started.status_code == 202
    campaign = Campaign.objects.get(pk=started.json()["id"])
    run_job(campaign)
    body = api.get(f"/api/v1/campaigns/{campaign.pk}/").json()
    assert body["state"] == "done" and sum(r["findings"] for r in body["results"]) > 0
    listed = api.get(f"/api/v1/campaigns/{campaign.pk}/findings/?kind=death_still_paid").json()
    finding = _death(world)
    assert finding.pk in [row["id"] for row in listed["results"]]
    township = api_as(make_user(Role.TOWNSHIP_HANDLER, finding.region_id, "api_township"))
    assert finding.pk in [
        row["id"] for row in township.get("/api/v1/findings/tasks/").json()["results"]
    ]
    refused = township.post(
        f"/api/v1/findings/{finding.pk}/close/",
        {"outcome": "cleared", "note": "健在"},
        format="json",
    )
    assert refused.status_code == 400 and refused.json()["error"]["field"] == "evidence"
    closed = township.post(
        f"/api/v1/findings/{finding.pk}/close/",
        {"outcome": "cleared", "note": "健在", "evidence": "村委会证明"},
        format="json",
    )
    assert closed.status_code == 200 and closed.json()["state"] == "cleared"
    other = ancestor_at(
        Finding.objects.exclude(region_id=finding.region_id).first().region_id, Level.TOWNSHIP
    )
    stranger = api_as(make_user(Role.TOWNSHIP_HANDLER, other, "api_stranger"))
    assert stranger.get(f"/api/v1/findings/{finding.pk}/").status_code == 404
    bad = api.post("/api/v1/campaigns/", {"place": 410800}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "place"
