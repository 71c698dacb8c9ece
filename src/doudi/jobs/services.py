"""Background jobs: a large upload is queued by its page and processed after the page answered.

``enqueue`` keeps the file in a ``Job`` row (one audit event: the file was handed over); ``run``
claims a queued job, does the work as the user who uploaded it through the service that the page
would have called (whose own audit event records the change), and keeps its outcome — the
summary, or every problem found — for the job's page. Nothing else is queued: there is no broker.
A job starts at once in a thread of the web process (``settings.JOBS_IN_PROCESS``) or is picked up
by ``doudi jobs run``.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from doudi.audit.actions import AuditAction
from doudi.audit.channels import acting_through, current_channel
from doudi.audit.services import record
from doudi.errors import DoudiError, OutsideJurisdiction, ValidationFailed
from doudi.jobs.models import Job, JobKind, JobState

if TYPE_CHECKING:
    from doudi.accounts.models import User

logger = logging.getLogger(__name__)

FAILED_UNEXPECTEDLY = _(
    "The file could not be processed because of an error in the system; nothing was changed. "
    "Try again, or tell the administrator (job %(job)d)."
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


WORK: dict[str, Callable[[User, bytes, str, dict], Outcome]] = {
    JobKind.HOUSEHOLD_IMPORT: _household_import,
    JobKind.BANK_RESULT: _bank_result,
    JobKind.CAMPAIGN: _campaign,
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
    if settings.JOBS_IN_PROCESS:
        transaction.on_commit(lambda: _start_thread(job.pk))
    return job


def _start_thread(job_id: int) -> None:
    threading.Thread(target=_run_in_thread, args=(job_id,), daemon=True).start()


def _run_in_thread(job_id: int) -> None:
    try:
        run(job_id)
    finally:
        connection.close()  # the thread's own connection, which nothing else would close


def run(job_id: int) -> Job | None:
    """Process a queued job; None if another worker has claimed it first."""
    claimed = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    job = Job.objects.select_related("created_by").get(pk=job_id)
    outcome: dict[str, Any] = {"state": JobState.DONE, "problems": []}
    try:
        with acting_through(job.channel), translation.override(settings.LANGUAGE_CODE):
            describe, warnings = WORK[job.kind](
                job.created_by, bytes(job.data), job.filename, job.params
            )
            outcome["problems"] = [_problem(warning) for warning in warnings]
        outcome["message"] = _in_both(describe)
    except DoudiError as refused:
        outcome = {
            "state": JobState.FAILED,
            "message": (refused.render(settings.LANGUAGE_CODE), refused.render("en")),
            "problems": [
                _problem(problem)
                for problem in (refused.problems if isinstance(refused, ValidationFailed) else [])
            ],
        }
    except Exception:  # a fault of the system, not of the file: logged, never shown
        logger.exception("background job %s failed", job.pk)
        failed = DoudiError(FAILED_UNEXPECTEDLY, job=job.pk)
        outcome = {
            "state": JobState.FAILED,
            "message": (failed.render(settings.LANGUAGE_CODE), failed.render("en")),
            "problems": [],
        }
    message, message_en = outcome["message"]
    Job.objects.filter(pk=job.pk).update(
        state=outcome["state"],
        finished_at=timezone.now(),
        data=b"",
        message=message,
        message_en=message_en,
        problems=outcome["problems"],
    )
    job.refresh_from_db()
    return job


def run_queued(limit: int | None = None) -> list[Job]:
    """Process the queued jobs in order (``doudi jobs run``)."""
    done = []
    for job_id in (
        Job.objects.filter(state=JobState.QUEUED)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    ):
        if (job := run(job_id)) is not None:
            done.append(job)
    return done


def job_for(user: User, job_id: int) -> Job:
    """A job of ``user``'s own: a file one uploaded is no one else's business."""
    job = Job.objects.filter(pk=job_id, created_by=user).first()
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
