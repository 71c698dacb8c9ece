"""The page of one background job: its state while it waits or runs, then its outcome."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from doudi.jobs.services import job_for

REFRESH_SECONDS = 3


@login_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = job_for(request.user, job_id)
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
            "problems": problems,
            "refresh": None if job.finished else REFRESH_SECONDS,
        },
    )
