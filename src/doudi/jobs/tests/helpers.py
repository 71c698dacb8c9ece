"""What a worker does, for the tests of the pages that start background work: each waiting job
run in turn (the tests' transaction never commits, so nothing enqueued its task)."""

from __future__ import annotations

from doudi.jobs.models import Job, JobState
from doudi.jobs.services import run


def run_waiting() -> list[Job]:
    ran = []
    for job_id in (
        Job.objects.filter(state=JobState.QUEUED).order_by("pk").values_list("pk", flat=True)
    ):
        job = run(job_id)
        if job is not None:
            ran.append(job)
    return ran
