"""Background jobs: a large upload is queued by its page and processed after the page answered.

``enqueue`` keeps the file in a ``Job`` row (one audit event: the file was handed over) and, once
that is committed, enqueues the django-tasks task ``tasks.run_job`` for it in the same database
(docs/decisions/0018-task-runner.md). A worker runs the task: ``run`` claims the job, does the
work as the user who uploaded it through the service that the page would have called (whose own
audit event records the change), and keeps its outcome — the summary, or every problem found —
for the job's page, with the progress the work reports (``jobs.progress``) while it runs. The
worker is a thread of the web process that works the queue until it is empty
(``settings.JOBS_IN_PROCESS``), or ``doudi jobs run`` (``run_queued``).

A job whose work failed through no fault of the file — an error of the system, or its process
ended before it finished — has changed nothing (each service is one transaction), keeps its file
and can be tried again by its uploader (``retry``).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import socket
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models.functions import Length
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from doudi.audit.actions import AuditAction
from doudi.audit.channels import acting_through, current_channel
from doudi.audit.services import record
from doudi.errors import DoudiError, OutsideJurisdiction, ValidationFailed
from doudi.jobs import progress
from doudi.jobs.models import Job, JobKind, JobState

if TYPE_CHECKING:
    from doudi.accounts.models import User

logger = logging.getLogger(__name__)

FAILED_UNEXPECTEDLY = _(
    "The file could not be processed because of an error in the system; nothing was changed. "
    "Try again, or tell the administrator (job %(job)d)."
)
# The same for work that reads no file: a computation a page started.
COMPUTATION_FAILED = _(
    "The computation could not be finished because of an error in the system; nothing was "
    "changed. Start it again, or tell the administrator (job %(job)d)."
)
COMPUTATIONS = frozenset({JobKind.WHAT_IF, JobKind.PLACE_EVALUATION, JobKind.CHANGE_PREVIEW})
STOPPED = _(
    "The processing stopped before it finished (the server was stopped or restarted); nothing "
    "was changed. Try again (job %(job)d)."
)
NOT_RETRYABLE = _(
    "Only a job that failed because of the system, and whose file is still kept, can be tried "
    "again; upload the file again instead."
)

# What a job does: (user, file, file name, parameters) → the outcome's description (rendered
# once in each language) and its warnings. A refusal is raised as the service raises it.
Outcome = tuple[Callable[[], str], list[DoudiError]]


def _household_import(user: User, data: bytes, filename: str, params: dict) -> Outcome:
    from doudi.registry.imports import import_households

    summary = import_households(user, data, filename)
    return summary.describe, list(summary.warnings)


def _bank_result(user: User, data: bytes, filename: str, params: dict) -> Outcome:
    from doudi.payroll import services

    payroll = services.reconcile(user, params["payroll_id"], data, params["file_format"])

    def describe() -> str:
        return str(_("The bank's result for payroll %(number)s was read.")) % {
            "number": payroll.number
        }

    return describe, []


def _campaign(user: User, data: bytes, filename: str, params: dict) -> Outcome:
    from doudi.campaigns.services import run_campaign

    campaign = run_campaign(params["campaign"])

    def describe() -> str:
        return str(_("Campaign %(number)d found %(found)d findings.")) % {
            "number": campaign.pk,
            "found": campaign.counts["found"],
        }

    return describe, []


def _delivery(user: User, data: bytes, filename: str, params: dict) -> Outcome:
    from doudi.sources.services import deliver, describe_delivery

    delivered_on = params.get("delivered_on")
    delivery = deliver(
        user,
        params["source"],
        data,
        filename,
        version=params.get("version"),
        delivered_on=datetime.date.fromisoformat(delivered_on) if delivered_on else None,
    )
    return (lambda: describe_delivery(delivery)), []


def _what_if(user: User, data: bytes, filename: str, params: dict) -> Outcome:
    from doudi.policy.runs import run_what_if

    run = run_what_if(user, params["what_if"])

    def describe() -> str:
        return str(_("The what-if evaluated %(households)d households.")) % {
            "households": run.households or 0
        }

    return describe, []


def _place_evaluation(user: User, data: bytes, filename: str, params: dict) -> Outcome:
    from doudi.policy.runs import run_evaluation

    evaluation = run_evaluation(user, params["evaluation"])

    def describe() -> str:
        return str(_("%(households)d households evaluated: %(results)d eligible results.")) % {
            "households": evaluation.run.households,
            "results": evaluation.run.results,
        }

    return describe, []


def _change_preview(user: User, data: bytes, filename: str, params: dict) -> Outcome:
    from doudi.cases.previews import run_preview

    preview = run_preview(user, params["preview"])

    def describe() -> str:
        return str(_("The preview found %(households)d households whose amount rises.")) % {
            "households": preview.change.households
        }

    return describe, []


# The task's backend and queue (settings.TASKS): django-tasks' defaults, so that
# `doudi db_worker` with no options works the same queue.
BACKEND = "default"
QUEUE = "default"
TASK_PATH = "doudi.jobs.tasks.run_job"

WORK: dict[str, Callable[[User, bytes, str, dict], Outcome]] = {
    JobKind.HOUSEHOLD_IMPORT: _household_import,
    JobKind.BANK_RESULT: _bank_result,
    JobKind.CAMPAIGN: _campaign,
    JobKind.DELIVERY: _delivery,
    JobKind.WHAT_IF: _what_if,
    JobKind.PLACE_EVALUATION: _place_evaluation,
    JobKind.CHANGE_PREVIEW: _change_preview,
}


def in_background(data: bytes, max_bytes: int) -> bool:
    """Whether an upload is large enough to be processed after the page has answered (and not
    so large that it is refused at once, by ``max_bytes``, without being kept)."""
    return settings.IMPORT_BACKGROUND_BYTES < len(data) <= max_bytes


@transaction.atomic
def enqueue(
    actor: User, kind: str, data: bytes, filename: str, params: dict[str, Any] | None = None
) -> Job:
    """Keep the file for processing. The caller has checked that ``actor`` may do the work;
    the work checks again when it runs, as the user then is."""
    job = Job.objects.create(
        kind=JobKind(kind),
        created_by=actor,
        channel=current_channel().value,
        filename=filename[:200],
        data=data,
        params=params or {},
    )
    record(
        actor=actor,
        action=AuditAction.JOB_QUEUED,
        object_type="job",
        object_id=str(job.pk),
        region_code=actor.region_id,
        after={
            "kind": job.kind,
            "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest()[:16],
            **job.params,
        },
        reason=job.filename,
    )
    transaction.on_commit(lambda: _dispatch(job.pk), robust=True)
    return job


@transaction.atomic
def retry(actor: User, job_id: int) -> Job:
    """Queue again a job of ``actor``'s that failed because of the system: its file is kept."""
    job = job_for(actor, job_id)
    requeued = Job.objects.filter(pk=job.pk, state=JobState.FAILED)
    if not job.retryable or not requeued.update(
        state=JobState.QUEUED,
        started_at=None,
        finished_at=None,
        message="",
        message_en="",
        problems=[],
        progress_done=0,
        progress_total=None,
        stage="",
        stage_en="",
        worker="",
        task_id="",
    ):
        raise DoudiError(NOT_RETRYABLE, field="job")
    record(
        actor=actor,
        action=AuditAction.JOB_RETRIED,
        object_type="job",
        object_id=str(job.pk),
        region_code=actor.region_id,
        before={"state": JobState.FAILED.value},
        after={"kind": job.kind, "state": JobState.QUEUED.value},
        reason=job.filename,
    )
    transaction.on_commit(lambda: _dispatch(job.pk), robust=True)
    return job_for(actor, job.pk)


def _dispatch(job_id: int) -> None:
    """The committed job's task, and a worker for it in this process when so configured. Run
    robustly: if it fails, the page still answers, and the next run of the queue enqueues the
    task the job lacks."""
    _enqueue_task(job_id)
    if settings.JOBS_IN_PROCESS:
        _start_thread(job_id)


def _enqueue_task(job_id: int) -> None:
    from doudi.jobs.tasks import run_job

    result = run_job.enqueue(job_id)
    Job.objects.filter(pk=job_id).update(task_id=str(result.id))


def _start_thread(job_id: int) -> None:
    threading.Thread(target=_work_in_thread, name=f"doudi-job-{job_id}", daemon=True).start()


def _work_in_thread() -> None:
    try:
        run_queued()
    except Exception:  # the queue stays as it is, for the next worker
        logger.exception("the background worker thread stopped")
    finally:
        connection.close()  # the thread's own connection, which nothing else would close


def _this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run(job_id: int) -> Job | None:
    """Process a queued job; None if another worker has claimed it first."""
    claimed = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=timezone.now(), worker=_this_worker()
    )
    if not claimed:
        return None
    job = Job.objects.select_related("created_by").get(pk=job_id)
    try:
        outcome = _outcome(job)
    except BaseException:
        # The process is being stopped (a second Ctrl+C, SystemExit): the work's transaction
        # has been rolled back; the job says so and may be tried again.
        _stopped(job.pk)
        raise
    message, message_en = outcome.pop("message")
    Job.objects.filter(pk=job.pk).update(
        finished_at=timezone.now(), message=message, message_en=message_en, **outcome
    )
    job.refresh_from_db()
    return job


def _outcome(job: Job) -> dict[str, Any]:
    """The job's state, message in both languages and problems after its work, and whether
    its file is dropped: it may hold ID numbers in clear, and is kept only for a retry."""
    try:
        with (
            acting_through(job.channel),
            translation.override(settings.LANGUAGE_CODE),
            progress.running(job.pk),
        ):
            describe, warnings = WORK[job.kind](
                job.created_by, bytes(job.data), job.filename, job.params
            )
            problems = [_problem(warning) for warning in warnings]
        return {
            "state": JobState.DONE,
            "message": _in_both(describe),
            "problems": problems,
            "data": b"",
        }
    except DoudiError as refused:
        return {
            "state": JobState.FAILED,
            "message": (refused.render(settings.LANGUAGE_CODE), refused.render("en")),
            "problems": [
                _problem(problem)
                for problem in (refused.problems if isinstance(refused, ValidationFailed) else [])
            ],
            "data": b"",  # the file is at fault: trying it again would refuse it again
        }
    except Exception:  # a fault of the system, not of the file: logged, never shown
        logger.exception("background job %s failed", job.pk)
        failed = DoudiError(
            COMPUTATION_FAILED if job.kind in COMPUTATIONS else FAILED_UNEXPECTEDLY, job=job.pk
        )
        return {
            "state": JobState.FAILED,
            "message": (failed.render(settings.LANGUAGE_CODE), failed.render("en")),
            "problems": [],
        }


def _stopped(job_id: int, worker: str | None = None) -> bool:
    """Mark a running job whose work was cut off as failed, its file kept for a retry."""
    stopped = DoudiError(STOPPED, job=job_id)
    running = Job.objects.filter(pk=job_id, state=JobState.RUNNING)
    if worker is not None:
        running = running.filter(worker=worker)
    return bool(
        running.update(
            state=JobState.FAILED,
            finished_at=timezone.now(),
            message=stopped.render(settings.LANGUAGE_CODE),
            message_en=stopped.render("en"),
            problems=[],
        )
    )


def notice_stopped() -> list[int]:
    """Fail the running jobs of this machine whose process has ended (killed, restarted, out
    of memory): their work's transaction never committed. Jobs of other machines are left to
    their own workers."""
    host = socket.gethostname()
    stopped = []
    for job_id, worker in Job.objects.filter(
        state=JobState.RUNNING, worker__startswith=f"{host}:"
    ).values_list("id", "worker"):
        pid = worker.rpartition(":")[2]
        if pid.isdigit() and not _alive(int(pid)) and _stopped(job_id, worker):
            stopped.append(job_id)
    return stopped


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, as another user's
        return True
    return True


def run_queued(limit: int | None = None) -> list[Job]:
    """Work the task queue until it is empty (``doudi jobs run``, the web process's thread):
    first fail the jobs whose process ended, and enqueue a task for any queued job that has
    none (its process ended between the commit and the enqueue); then claim and run each ready
    task in turn with django-tasks-db's worker. The jobs run, in order."""
    notice_stopped()
    for job_id in Job.objects.filter(state=JobState.QUEUED, task_id="").values_list(
        "id", flat=True
    ):
        _enqueue_task(job_id)
    worker = _worker()
    ran: list[int] = []
    while limit is None or len(ran) < limit:
        task_result = _claim_task(worker.worker_id)
        if task_result is None:
            break
        worker.run_task(task_result)
        if task_result.return_value is not None:  # None: the job had been run already
            ran.append(task_result.args_kwargs["args"][0])
    jobs = Job.objects.in_bulk(ran)
    return [jobs[job_id] for job_id in ran if job_id in jobs]


def _worker():
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(
        queue_names=[QUEUE],
        interval=0,
        batch=True,
        backend_name=BACKEND,
        startup_delay=False,
        max_tasks=None,
        worker_id=_this_worker()[:64],
        excluded_queue_names=[],
    )


def _claim_task(worker_id: str):
    """The next ready task, claimed for this worker as django-tasks-db's own loop claims it
    (a locked row on PostgreSQL, an exclusive transaction on SQLite)."""
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction

    ready = DBTaskResult.objects.ready().filter(
        backend_name=BACKEND, queue_name=QUEUE, task_path=TASK_PATH
    )
    with exclusive_transaction(ready.db):
        task_result = ready.get_locked()
        if task_result is not None:
            task_result.claim(worker_id)
    return task_result


def job_for(user: User, job_id: int) -> Job:
    """A job of ``user``'s own: a file one uploaded is no one else's business. Its file is not
    read; ``retryable`` says whether it is still kept."""
    job = (
        Job.objects.filter(pk=job_id, created_by=user)
        .defer("data")
        .annotate(file_bytes=Length("data"))
        .first()
    )
    if job is None:
        from doudi.accounts.jurisdiction import NOT_FOUND

        raise OutsideJurisdiction(NOT_FOUND)
    return job


def _in_both(describe: Callable[[], str]) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        chinese = describe()
    with translation.override("en"):
        return chinese, describe()


def _problem(problem: DoudiError) -> dict[str, Any]:
    """A problem as the job's page shows it: the sheet, row and column apart from the text."""
    column = getattr(problem, "column", "")
    sheet, _bang, column = column.rpartition("!")
    return {
        "sheet": sheet,
        "row": getattr(problem, "row", ""),
        "column": column,
        "field": problem.field or "",
        "message": DoudiError.render(problem, settings.LANGUAGE_CODE),
        "message_en": DoudiError.render(problem, "en"),
    }
