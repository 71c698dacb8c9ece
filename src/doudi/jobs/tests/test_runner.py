"""The task runner under the jobs (docs/decisions/0018-task-runner.md): a committed job is a
django-tasks task in the same database, which a worker runs; a job cut off mid-work has changed
nothing, is failed and can be tried again; the work's progress shows on the job's page."""

from __future__ import annotations

import io
import signal
import subprocess
import threading

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils.translation import gettext_lazy
from django_tasks_db.models import DBTaskResult

from doudi.accounts.roles import Role
from doudi.audit.models import AuditEvent
from doudi.conftest import api_as
from doudi.errors import DoudiError, OutsideJurisdiction
from doudi.jobs import progress, services
from doudi.jobs.models import Job, JobKind, JobState
from doudi.registry.models import Household
from doudi.registry.tests.test_excel import fill, member


@pytest.fixture
def handler(make_user):
    return make_user(Role.TOWNSHIP_HANDLER)


@pytest.fixture
def separate_worker(settings):
    settings.JOBS_IN_PROCESS = False  # no thread: the test is the worker


def good_file() -> bytes:
    return fill({"成员": [member("A", "41082119800101001", "王五")]})


def browser_for(user, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def dead_worker() -> str:
    """The host:pid of a process that has ended."""
    child = subprocess.Popen(["true"])
    child.wait()
    return f"{services.socket.gethostname()}:{child.pid}"


@pytest.mark.django_db(transaction=True)
def test_a_committed_job_is_a_task_that_the_worker_runs(handler, separate_worker):
    job = services.enqueue(handler, JobKind.HOUSEHOLD_IMPORT, good_file(), "g.xlsx")
    job.refresh_from_db()
    task = DBTaskResult.objects.get()
    assert (job.task_id, task.status, task.task_path) == (
        str(task.id),
        "READY",
        "doudi.jobs.tasks.run_job",
    )
    assert task.args_kwargs == {"args": [job.pk], "kwargs": {}}  # the id only, never the file
    assert job.state == JobState.QUEUED and not Household.objects.exists()

    out = io.StringIO()
    call_command("jobs", "run", stdout=out)
    job.refresh_from_db()
    assert job.state == JobState.DONE and Household.objects.count() == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert f"{job.pk}" in out.getvalue()
    assert services.run_queued() == []  # nothing left


@pytest.mark.django_db(transaction=True)
def test_django_tasks_db_own_worker_runs_the_same_task(handler, separate_worker):
    job = services.enqueue(handler, JobKind.HOUSEHOLD_IMPORT, good_file(), "g.xlsx")
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for signum, handler_before in handlers.items():
            signal.signal(signum, handler_before)
    job.refresh_from_db()
    assert job.state == JobState.DONE and Household.objects.count() == 1


@pytest.mark.django_db
def test_a_job_whose_process_ended_is_failed_kept_and_tried_again(
    handler, separate_worker, django_capture_on_commit_callbacks
):
    job = services.enqueue(handler, JobKind.HOUSEHOLD_IMPORT, good_file(), "g.xlsx")
    # Its worker claimed it, then was killed before its transaction committed.
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, worker=dead_worker())
    browser = browser_for(handler)
    page = browser.get(f"/jobs/{job.pk}/").content.decode()  # the page notices
    job = services.job_for(handler, job.pk)
    assert job.state == JobState.FAILED and job.retryable and not Household.objects.exists()
    assert "stopped before it finished" in job.message_en and job.message_en in page
    assert 'data-testid="job-retry"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(f"/jobs/{job.pk}/retry/")
    assert response.status_code == 302
    retried = AuditEvent.objects.get(action="job.retried")
    assert (retried.object_id, retried.actor_id) == (str(job.pk), handler.pk)
    (done,) = services.run_queued()
    assert done.state == JobState.DONE and Household.objects.count() == 1
    assert bytes(done.data) == b""
    page = browser.get(f"/jobs/{job.pk}/").content.decode()
    assert 'data-testid="job-retry"' not in page


@pytest.mark.django_db
def test_a_crash_inside_the_work_changes_nothing_and_the_job_can_be_retried(
    handler, separate_worker, monkeypatch
):
    from doudi.registry import imports

    recorded = imports.record

    def audit_down(**event):
        if event["action"] == "household.import":
            raise RuntimeError("the audit's disk is full")
        return recorded(**event)

    monkeypatch.setattr(imports, "record", audit_down)
    job = services.enqueue(handler, JobKind.HOUSEHOLD_IMPORT, good_file(), "g.xlsx")
    (failed,) = services.run_queued()
    assert failed.state == JobState.FAILED and not Household.objects.exists()
    assert "disk" not in failed.message + failed.message_en
    assert services.job_for(handler, job.pk).retryable  # its file is kept for the retry

    monkeypatch.setattr(imports, "record", recorded)
    services.retry(handler, job.pk)
    (done,) = services.run_queued()
    assert done.state == JobState.DONE and Household.objects.count() == 1


@pytest.mark.django_db
def test_a_refused_file_is_not_kept_and_cannot_be_retried(handler, separate_worker):
    bad = fill({"成员": [member("A", "41082119800101001", "王五", 与户主关系="堂兄")]})
    job = services.enqueue(handler, JobKind.HOUSEHOLD_IMPORT, bad, "bad.xlsx")
    (failed,) = services.run_queued()
    assert failed.state == JobState.FAILED and bytes(failed.data) == b""
    with pytest.raises(DoudiError) as refused:
        services.retry(handler, job.pk)
    assert refused.value.field == "job" and "upload the file again" in refused.value.render("en")
    assert not AuditEvent.objects.filter(action="job.retried").exists()
    done = services.enqueue(handler, JobKind.HOUSEHOLD_IMPORT, good_file(), "g.xlsx")
    services.run_queued()
    with pytest.raises(DoudiError):
        services.retry(handler, done.pk)  # a job done is not done twice


@pytest.mark.django_db
def test_only_the_uploader_may_retry(handler, make_user, separate_worker):
    job = services.enqueue(handler, JobKind.HOUSEHOLD_IMPORT, good_file(), "g.xlsx")
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, worker=dead_worker())
    services.notice_stopped()
    colleague = make_user(Role.TOWNSHIP_HANDLER, username="colleague")
    with pytest.raises(OutsideJurisdiction):
        services.retry(colleague, job.pk)
    assert browser_for(colleague).post(f"/jobs/{job.pk}/retry/").status_code == 404
    assert Job.objects.get(pk=job.pk).state == JobState.FAILED


@pytest.mark.django_db
def test_a_running_job_of_a_live_process_is_left_alone(handler, separate_worker):
    job = services.enqueue(handler, JobKind.HOUSEHOLD_IMPORT, good_file(), "g.xlsx")
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, worker=services._this_worker())
    elsewhere = services.enqueue(handler, JobKind.HOUSEHOLD_IMPORT, good_file(), "g.xlsx")
    Job.objects.filter(pk=elsewhere.pk).update(state=JobState.RUNNING, worker="other-host:1")
    assert services.notice_stopped() == []
    assert set(Job.objects.values_list("state", flat=True)) == {JobState.RUNNING}


@pytest.mark.django_db
def test_the_page_shows_the_progress_the_work_reports(handler, separate_worker, monkeypatch):
    browser = browser_for(handler)
    seen = {}

    def counting(user, data, filename, params):
        progress.report(0, None, progress_stage)
        progress.report(250, 1000, progress_stage)  # too soon after: not written
        progress._current.get().written_at = 0  # as if half a second had passed
        progress.report(250, 1000, progress_stage)
        seen["page"] = browser.get(f"/jobs/{job.pk}/").content.decode()
        seen["api"] = api_job(handler, job.pk)
        return (lambda: "done"), []

    progress_stage = gettext_lazy("Reading the rows")
    monkeypatch.setitem(services.WORK, JobKind.HOUSEHOLD_IMPORT, counting)
    job = services.enqueue(handler, JobKind.HOUSEHOLD_IMPORT, good_file(), "g.xlsx")
    services.run_queued()
    assert 'data-testid="job-progress" data-done="250" data-total="1000"' in seen["page"]
    assert "Reading the rows: 250 of 1000" in seen["page"] and "<progress" in seen["page"]
    assert seen["api"]["progress"] == {
        "done": 250,
        "total": 1000,
        "stage": Job.objects.get(pk=job.pk).stage,
        "stage_en": "Reading the rows",
    }
    page = browser.get(f"/jobs/{job.pk}/").content.decode()
    assert 'data-testid="job-progress"' not in page  # done: the outcome instead


def test_progress_outside_a_job_is_ignored():
    progress.report(1, 2, "anything")  # no job, no database: nothing happens


def api_job(user, job_id: int) -> dict:
    return api_as(user).get(f"/api/v1/jobs/{job_id}/").json()


@pytest.mark.django_db(transaction=True)
def test_in_the_web_process_a_thread_works_the_queue_once_the_job_is_committed(handler, settings):
    settings.JOBS_IN_PROCESS = True
    job = services.enqueue(handler, JobKind.HOUSEHOLD_IMPORT, good_file(), "g.xlsx")
    (thread,) = [t for t in threading.enumerate() if t.name == f"doudi-job-{job.pk}"]
    thread.join(timeout=60)
    job.refresh_from_db()
    assert not thread.is_alive() and job.state == JobState.DONE, job.message_en
    assert Household.objects.count() == 1
