"""A delivery larger than the background size is read by a job: the page (and the API) answer
at once with the job, whose page shows how far the reading has got, then the delivery or every
fault by row and column; nothing is stored while any fault remains."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from doudi.accounts.roles import Role
from doudi.audit.models import AuditEvent
from doudi.errors import DoudiError
from doudi.jobs import services as jobs
from doudi.jobs.models import Job, JobKind, JobState
from doudi.sources.contracts import get_source
from doudi.sources.models import Delivery
from doudi.sources.services import deliver_in_background, describe_delivery
from doudi.sources.tests.conftest import SAMPLES, sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(make_user):
    return make_user(Role.COUNTY_APPROVER)


@pytest.fixture(autouse=True)
def small_threshold(settings):
    settings.IMPORT_BACKGROUND_BYTES = 100  # every sample is "large"
    settings.JOBS_IN_PROCESS = False


def browser_for(user, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def _upload(client: Client, source: str, data: bytes, name: str, **fields):
    return client.post(
        "/sources/", {"source": source, "file": SimpleUploadedFile(name, data), **fields}
    )


def _english(text) -> str:
    with translation.override("en"):
        return str(text)


def _files(root) -> list:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def test_a_large_delivery_is_read_by_a_job_that_the_page_follows(county, private_snapshots):
    browser = browser_for(county)
    response = _upload(browser, "vehicles", sample("vehicles"), SAMPLES["vehicles"])
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert (job.kind, job.state, job.params) == (
        JobKind.DELIVERY,
        JobState.QUEUED,
        {"source": "vehicles", "version": None, "delivered_on": None},
    )
    assert not Delivery.objects.exists() and not _files(private_snapshots)
    page = browser.get(f"/jobs/{job.pk}/").content.decode()
    assert 'data-state="queued"' in page and "Department data delivery" in page

    (done,) = jobs.run_queued()
    delivery = Delivery.objects.get()
    assert done.state == JobState.DONE, done.message_en
    assert AuditEvent.objects.get(action="source.delivered").channel == "web"
    assert done.stage_en == "Storing the snapshot"  # the last stage it reported
    page = browser.get(f"/jobs/{job.pk}/").content.decode()
    assert 'data-state="done"' in page and describe_delivery(delivery) in page
    assert "/sources/" in page and "“vehicles”" not in page


def test_a_faulty_large_delivery_shows_every_fault_on_the_job_page(county, private_snapshots):
    data = sample("vehicles").replace("非营运".encode(), "租赁".encode(), 1)
    data = data.replace(b"2009-02-15", b"2009-13-15", 1)
    browser = browser_for(county)
    _upload(browser, "vehicles", data, "vehicles.csv")
    (failed,) = jobs.run_queued()
    assert failed.state == JobState.FAILED and "nothing was stored" in failed.message_en
    assert not Delivery.objects.exists() and not _files(private_snapshots)
    faults = [(problem["row"], problem["column"]) for problem in failed.problems]
    assert len(faults) == 2 and all(row >= 2 for row, _column in faults)
    assert {column for _row, column in faults} == {"使用性质", "初次登记日期"}
    assert not failed.retryable  # the file is at fault, not the system
    page = browser.get(f"/jobs/{failed.pk}/").content.decode()
    assert 'data-testid="problems"' in page and "租赁" in page and "2009-13-15" in page
    assert "<th>sheet</th>" not in page  # a delivery has no sheets
    for row, column in faults:
        assert f'<td class="num">{row}</td><td>{column}</td>' in page


def test_what_can_be_refused_before_reading_is_refused_at_once(county):
    browser = browser_for(county)
    response = _upload(browser, "vehicles", sample("vehicles"), "v.csv", version="9")
    assert response.status_code == 400 and not Job.objects.exists()
    assert "Motor vehicles" in response.content.decode()
    response = _upload(browser, "vehicles", sample("vehicles"), "v.csv", delivered_on="2026-13-01")
    assert response.status_code == 400 and not Job.objects.exists()
    with pytest.raises(DoudiError) as refused:
        deliver_in_background(county, "nonsense", sample("bank"), "b.csv")
    assert refused.value.field == "source" and not Job.objects.exists()


def test_a_role_that_may_only_look_queues_nothing(make_user):
    auditor = make_user(Role.AUDITOR)
    response = _upload(browser_for(auditor), "bank", sample("bank"), "bank.csv")
    assert response.status_code == 403 and not Job.objects.exists()


def test_the_job_s_work_checks_the_permission_again_when_it_runs(county, private_snapshots):
    job = deliver_in_background(county, "bank", sample("bank"), "bank.csv")
    county.role = Role.AUDITOR  # moved to another post before the job ran
    county.save()
    (failed,) = jobs.run_queued()
    assert failed.pk == job.pk and failed.state == JobState.FAILED
    assert not Delivery.objects.exists()


def test_reading_reports_its_progress_by_rows_and_columns(county, monkeypatch):
    seen = []
    monkeypatch.setattr(
        "doudi.sources.reading.report",
        lambda done, total, stage, **params: seen.append((_english(stage), done, total)),
    )
    job = deliver_in_background(county, "vehicles", sample("vehicles"), "v.csv")
    jobs.run_queued()
    rows = Delivery.objects.get().rows
    assert ("Reading the rows", rows, rows) in seen
    columns = len(get_source("vehicles").latest.columns)
    checked = [done for stage, done, total in seen if stage.startswith("Checking the cells")]
    assert checked == list(range(columns)) and Job.objects.get(pk=job.pk).state == "done"


def test_the_contract_version_refusal_names_the_source_not_its_key():
    with pytest.raises(DoudiError) as refused:
        get_source("deaths").contract(9)
    english = refused.value.render("en")
    assert "Deaths and hukou cancellations" in english and "deaths”" not in english
    assert "deaths" not in refused.value.render("zh-hans").replace("Deaths", "")


def test_the_navigation_links_the_departments_data_for_those_who_may_see_it(make_user):
    link = 'href="/sources/"'
    assert link in browser_for(make_user(Role.COUNTY_APPROVER)).get("/").content.decode()
    assert link in browser_for(make_user(Role.AUDITOR)).get("/").content.decode()
    assert link not in browser_for(make_user(Role.TOWNSHIP_HANDLER)).get("/").content.decode()
