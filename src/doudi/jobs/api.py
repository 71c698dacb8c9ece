"""A background job under /api/v1/jobs: what the API answers 202 with for a large file, read
back until it is done. Only its uploader sees it, as on its page."""

from __future__ import annotations

from django.urls import path, reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doudi.jobs import services
from doudi.jobs.models import Job

JOB_ID = OpenApiParameter("job_id", int, OpenApiParameter.PATH)


class ProgressOutput(serializers.Serializer):
    done = serializers.IntegerField(source="progress_done")
    total = serializers.IntegerField(source="progress_total", allow_null=True)
    stage = serializers.CharField(help_text="what the work is doing, in Chinese")
    stage_en = serializers.CharField()


class ProblemOutput(serializers.Serializer):
    sheet = serializers.CharField(allow_blank=True)
    row = serializers.JSONField(help_text="the file's row, or empty")
    column = serializers.CharField(allow_blank=True)
    field = serializers.CharField(allow_blank=True)
    message = serializers.CharField()
    message_en = serializers.CharField()


class JobOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    state = serializers.CharField(help_text="queued, running, done or failed")
    state_label = serializers.CharField(source="get_state_display")
    filename = serializers.CharField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    progress = ProgressOutput(source="*")
    message = serializers.CharField(help_text="the outcome, in Chinese; empty until finished")
    message_en = serializers.CharField()
    problems = ProblemOutput(many=True, help_text="every fault (or, when done, warning)")
    retryable = serializers.BooleanField(
        help_text="failed through no fault of the file, which is kept: POST retry/"
    )
    page = serializers.SerializerMethodField(help_text="the job's page for a browser")

    def get_page(self, job: Job) -> str:
        return reverse("jobs:detail", args=[job.pk])


class JobAcceptedOutput(serializers.Serializer):
    """A file taken for processing in the background (202): follow ``url`` until it is done."""

    job = serializers.IntegerField(source="pk")
    state = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="GET it until its state is done or failed")
    page = serializers.SerializerMethodField(help_text="the job's page for a browser")

    def get_url(self, job: Job) -> str:
        return job_url(job)

    def get_page(self, job: Job) -> str:
        return reverse("jobs:detail", args=[job.pk])


def job_url(job: Job) -> str:
    return reverse("api:job", args=[job.pk])


class JobView(APIView):
    @extend_schema(parameters=[JOB_ID], responses=JobOutput)
    def get(self, request: Request, job_id: int) -> Response:
        return Response(JobOutput(services.job_for(request.user, job_id)).data)


class JobRetryView(APIView):
    @extend_schema(parameters=[JOB_ID], request=None, responses=JobOutput)
    def post(self, request: Request, job_id: int) -> Response:
        return Response(JobOutput(services.retry(request.user, job_id)).data)


urlpatterns = [
    path("jobs/<int:job_id>/", JobView.as_view(), name="job"),
    path("jobs/<int:job_id>/retry/", JobRetryView.as_view(), name="job-retry"),
]
