"""The page of one background job: its state and progress while it waits or runs, then its
outcome; a job that failed through no fault of its file may be tried again from it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from doudi.errors import DoudiError
from doudi.jobs import services
from doudi.jobs.models import JobState
from doudi.web.refusals import refuse

REFRESH_SECONDS = 3


@login_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = services.job_for(request.user, job_id)
    # The page is where a stopped job is waited for: with the default in-process worker,
    # nothing else may look at the queue until the next upload.
    if job.state == JobState.RUNNING and job.pk in services.notice_stopped():
        job = services.job_for(request.user, job_id)
    english = (get_language() or "").startswith("en")
    problems = [
        {**problem, "text": problem["message_en"] if english else problem["message"]}
        for problem in job.problems
    ]
    return render(
        request,
        "jobs/detail.html",
        {
            "job": job,
            "message": job.message_en if english else job.message,
            "stage": job.stage_en if english else job.stage,
            "problems": problems,
            "by_sheet": any(problem["sheet"] for problem in problems),
            "refresh": None if job.finished else REFRESH_SECONDS,
        },
    )


@login_required
@require_POST
def job_retry(request: HttpRequest, job_id: int) -> HttpResponse:
    try:
        services.retry(request.user, job_id)
    except DoudiError as refused:
        if refused.http_status != 400:
            raise
        refuse(request, refused.render())
    return redirect("jobs:detail", job_id)
