"""The one task of the task runner (django-tasks, docs/decisions/0018-task-runner.md): run a
background job. The task carries the job's id only; the Job row keeps the file, the outcome and
the progress its page shows."""

from __future__ import annotations

from django_tasks import task


@task()
def run_job(job_id: int) -> str | None:
    """Run job ``job_id``; its state after, or None when another worker had claimed it."""
    from doudi.jobs.services import run

    job = run(job_id)
    return job.state if job is not None else None
