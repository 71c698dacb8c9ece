"""How far a background job has got, said by the work itself and shown on the job's page.

``jobs.services.run`` marks the job being run in a context variable, so any code the work calls
(a reader deep in doudi.sources, a campaign's engine) reports with ``report(done, total,
stage)`` without a job being passed down to it; outside a job, ``report`` does nothing. Each
report is one UPDATE of the Job row on the worker's own connection, committed at once when the
work is outside a transaction (reading, computing: where the time goes), so a page reloaded by
another connection sees it. Inside the work's final write transaction a report would only show
at its end, and on SQLite nobody else could write then anyway: long work reports before it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.utils import translation

# Reports closer together than this are not written (a reader may report every few thousand
# rows); a new stage always is.
MIN_SECONDS_BETWEEN_WRITES = 0.5

_current: ContextVar[_Running | None] = ContextVar("doudi_job", default=None)


class _Running:
    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.stage = ""
        self.written_at = 0.0


@contextmanager
def running(job_id: int) -> Iterator[None]:
    """While the work of job ``job_id`` runs: its reports go to it."""
    token = _current.set(_Running(job_id))
    try:
        yield
    finally:
        _current.reset(token)


def report(done: int, total: int | None, stage, **params: object) -> None:
    """``done`` of ``total`` (None while unknown) in the units ``stage`` names: a lazy
    translation (gettext_lazy), filled in with ``params`` in each language."""
    job = _current.get()
    if job is None:
        return
    stage_text = _in(settings.LANGUAGE_CODE, stage, params)
    now = time.monotonic()
    if stage_text == job.stage and now - job.written_at < MIN_SECONDS_BETWEEN_WRITES:
        return
    from doudi.jobs.models import Job

    Job.objects.filter(pk=job.job_id).update(
        progress_done=max(done, 0),
        progress_total=max(total, 0) if total is not None else None,
        stage=stage_text[:200],
        stage_en=_in("en", stage, params)[:200],
    )
    job.stage, job.written_at = stage_text, now


def _in(language: str, stage, params: dict[str, object]) -> str:
    with translation.override(language):
        return str(stage) % params if params else str(stage)
