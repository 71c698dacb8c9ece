"""A department's batch push under /api/v1/sources/{source}/deliveries: one delivery, taken
whole or refused whole with every fault by row and column, as on the page; a file larger than
the background size is read by a job, answered 202 with the job's URL (jobs/api.py)."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doudi.api.fields import DateField
from doudi.api.parsers import MultiPartParser
from doudi.jobs.api import JobAcceptedOutput, job_url
from doudi.jobs.models import Job
from doudi.sources import services

SOURCE = OpenApiParameter(
    "source", str, OpenApiParameter.PATH, description="the source's key, e.g. deaths, vehicles"
)


class DeliveryPushInput(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True, help_text="the department's export: .csv, .xlsx or .parquet"
    )
    contract_version = serializers.IntegerField(
        min_value=1, max_value=32767, help_text="the contract version the file follows"
    )
    delivered_on = DateField(
        required=False, help_text="the data's date, YYYY-MM-DD (default: the file's own)"
    )


class DeliveryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    source = serializers.CharField()
    source_name = serializers.CharField(source="title")
    department = serializers.CharField()
    contract_version = serializers.IntegerField()
    delivered_on = serializers.DateField()
    filename = serializers.CharField()
    sha256 = serializers.CharField()
    rows = serializers.IntegerField()
    rows_without_valid_id = serializers.IntegerField()
    delivered_by = serializers.CharField(source="delivered_by.username")
    created_at = serializers.DateTimeField()


class DeliveryPushView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        parameters=[SOURCE],
        request={"multipart/form-data": DeliveryPushInput},
        responses={201: DeliveryOutput, 202: JobAcceptedOutput},
    )
    def post(self, request: Request, source: str) -> Response:
        body = DeliveryPushInput(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        services.check_upload_size(upload.size)
        received = services.receive(
            request.user,
            source,
            upload.read(),
            upload.name or "",
            version=body.validated_data["contract_version"],
            delivered_on=body.validated_data.get("delivered_on"),
        )
        if isinstance(received, Job):
            return Response(
                JobAcceptedOutput(received).data,
                status=status.HTTP_202_ACCEPTED,
                headers={"Location": job_url(received)},
            )
        return Response(DeliveryOutput(received).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("sources/<str:source>/deliveries", DeliveryPushView.as_view(), name="deliveries"),
]
