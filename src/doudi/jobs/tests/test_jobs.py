"""Large uploads are processed in the background: queued by the page, run once, their outcome
(or every problem) shown on the job's page to the one who uploaded the file."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from doudi.accounts.roles import Role
from doudi.audit.models import AuditEvent
from doudi.jobs import services
from doudi.jobs.models import Job, JobKind, JobState
from doudi.payroll.models import LineStatus, Payroll, PayrollState
from doudi.payroll.tests.test_payroll import result_csv, sent
from doudi.registry.models import Household
from doudi.registry.tests.test_excel import fill, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def handler(make_user):
    return make_user(Role.TOWNSHIP_HANDLER)


@pytest.fixture
def small_threshold(settings):
    settings.IMPORT_BACKGROUND_BYTES = 100  # every test file is "large"


def browser_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def good_file() -> bytes:
    return fill({"成员": [member("A", "41082119800101001", "王五")]})


def test_a_large_upload_is_queued_then_imported_and_the_page_follows_it(handler, small_threshold):
    browser = browser_for(handler)
    response = browser.post(
        "/households/import/", {"file": SimpleUploadedFile("g.xlsx", good_file())}
    )
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.state == JobState.QUEUED and job.kind == JobKind.HOUSEHOLD_IMPORT
    assert not Household.objects.exists()  # nothing parsed while the browser waited
    queued = AuditEvent.objects.get(action="job.queued")
    assert (queued.object_id, queued.channel) == (str(job.pk), "web")
    page = browser.get(f"/jobs/{job.pk}/").content.decode()
    assert 'data-state="queued"' in page and "等待" in page and 'http-equiv="refresh"' in page

    (done,) = services.run_queued()
    assert done.state == JobState.DONE and bytes(done.data) == b""  # the file is not kept
    assert Household.objects.count() == 1
    assert AuditEvent.objects.get(action="household.import").channel == "web"
    assert done.message.startswith("已导入 1 户")  # kept in Chinese, the pages' language
    assert done.message_en.startswith("Imported 1 households")
    page = browser.get(f"/jobs/{job.pk}/").content.decode()
    assert 'data-state="done"' in page and done.message in page
    assert 'http-equiv="refresh"' not in page
    assert services.run(job.pk) is None  # run once only


def test_a_faulty_large_file_fails_with_every_problem_named_and_nothing_written(
    handler, small_threshold
):
    bad = fill({"成员": [member("A", "41082119800101001", "王五", 与户主关系="堂兄")]})
    browser = browser_for(handler)
    browser.post("/households/import/", {"file": SimpleUploadedFile("bad.xlsx", bad)})
    (job,) = services.run_queued()
    assert job.state == JobState.FAILED and not Household.objects.exists()
    (problem,) = job.problems
    assert (problem["sheet"], problem["row"], problem["column"]) == ("成员", 2, "与户主关系")
    page = browser.get(f"/jobs/{job.pk}/").content.decode()
    assert 'data-testid="problems"' in page and "堂兄" in page and job.message in page


def test_a_job_is_seen_only_by_the_one_who_uploaded_it(handler, make_user, small_threshold):
    browser_for(handler).post(
        "/households/import/", {"file": SimpleUploadedFile("g.xlsx", good_file())}
    )
    job = Job.objects.get()
    colleague = make_user(Role.TOWNSHIP_HANDLER, username="colleague")
    assert browser_for(colleague).get(f"/jobs/{job.pk}/").status_code == 404


def test_a_role_without_the_import_permission_queues_nothing(make_user, small_threshold):
    auditor = make_user(Role.AUDITOR)
    response = browser_for(auditor).post(
        "/households/import/", {"file": SimpleUploadedFile("g.xlsx", good_file())}
    )
    assert response.status_code == 403 and not Job.objects.exists()


def test_a_small_upload_is_still_imported_while_the_page_waits(handler):
    response = browser_for(handler).post(
        "/households/import/", {"file": SimpleUploadedFile("g.xlsx", good_file())}
    )
    assert response.status_code == 302 and response["Location"] == "/households/"
    assert Household.objects.count() == 1 and not Job.objects.exists()


def test_a_fault_of_the_system_fails_the_job_with_a_sentence_not_a_traceback(handler, monkeypatch):
    def broken(*args):
        raise RuntimeError("secret detail")

    monkeypatch.setitem(services.WORK, JobKind.HOUSEHOLD_IMPORT, broken)
    job = services.enqueue(handler, JobKind.HOUSEHOLD_IMPORT, good_file(), "g.xlsx")
    job = services.run(job.pk)
    assert job.state == JobState.FAILED and "secret" not in job.message + job.message_en
    assert f"(job {job.pk})" in job.message_en


def test_the_queued_job_starts_in_a_thread_once_the_upload_is_committed(
    handler, monkeypatch, django_capture_on_commit_callbacks, settings
):
    started = []
    monkeypatch.setattr(services, "_start_thread", started.append)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.enqueue(handler, JobKind.HOUSEHOLD_IMPORT, good_file(), "g.xlsx")
    assert started == [job.pk]
    settings.JOBS_IN_PROCESS = False  # a separate worker runs the queue
    with django_capture_on_commit_callbacks(execute=True):
        services.enqueue(handler, JobKind.HOUSEHOLD_IMPORT, good_file(), "g.xlsx")
    assert started == [job.pk]


def test_the_command_runs_the_queue(handler):
    services.enqueue(handler, JobKind.HOUSEHOLD_IMPORT, good_file(), "g.xlsx")
    out = io.StringIO()
    call_command("jobs", "run", stdout=out)
    assert Job.objects.get().state == JobState.DONE and Household.objects.count() == 1
    assert "已导入 1 户" in out.getvalue()


def test_a_large_bank_result_is_read_in_the_background(parties, on_benefit, clock, settings):
    clock.at("2026-03-25")
    payroll = sent(parties)
    settings.IMPORT_BACKGROUND_BYTES = 10
    bank = browser_for(parties.bank)
    response = bank.post(
        f"/payroll/{payroll.pk}/reconcile/",
        {"file": SimpleUploadedFile("result.csv", result_csv(payroll))},
    )
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert Payroll.objects.get(pk=payroll.pk).state == PayrollState.SENT
    (done,) = services.run_queued()
    assert done.state == JobState.DONE, done.message_en
    assert set(payroll.lines.values_list("status", flat=True)) == {LineStatus.PAID}
    page = bank.get(f"/jobs/{job.pk}/").content.decode()
    assert f"/payroll/{payroll.pk}/" in page
