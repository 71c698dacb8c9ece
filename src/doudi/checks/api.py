"""A case's check report under /api/v1: ``cases/{id}/check-report/`` (the latest) and
``cases/{id}/check-reports/{report}/``. The output serializer names every field; money is
integer fen, dates YYYY-MM-DD, ID numbers masked, no person hash. Read only by who checks
data, inside their jurisdiction (checks.queries); any other report is not found."""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doudi.checks import presentation, queries
from doudi.checks.models import CheckReport
from doudi.registry.models import Member

CASE = OpenApiParameter("pk", int, OpenApiParameter.PATH, description="the case")
REPORT = OpenApiParameter("report_id", int, OpenApiParameter.PATH, description="the report")


class ReportSourceSerializer(serializers.Serializer):
    source = serializers.CharField()
    department = serializers.CharField()
    delivery = serializers.IntegerField(allow_null=True, help_text="null: checked by hand")
    delivered_on = serializers.DateField(allow_null=True, help_text="the data's date")
    by_hand = serializers.BooleanField()


class ReportMemberSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    name = serializers.CharField()
    id_number = serializers.CharField(help_text="masked")
    counted = serializers.BooleanField()
    matched = serializers.BooleanField(help_text="has a valid ID number to match on")
    declared = serializers.JSONField(help_text="incomes by type (fen a month), assets, …")
    found = serializers.JSONField(
        help_text="source → the snapshot's rows about the member, each with ``marked`` kinds"
    )


class ReportFindingSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    member = serializers.IntegerField(allow_null=True, help_text="null: the household's total")
    source = serializers.CharField(allow_null=True)
    delivery = serializers.IntegerField(allow_null=True)
    source_row = serializers.IntegerField(allow_null=True, help_text="line in the file")
    amount_fen = serializers.IntegerField(allow_null=True)
    item_count = serializers.IntegerField(allow_null=True)
    detail = serializers.CharField(allow_null=True)


class ReportObjectionSerializer(serializers.Serializer):
    received_on = serializers.DateField()
    content = serializers.CharField()
    evidence = serializers.CharField()
    recheck_report = serializers.IntegerField()


class CheckReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField()
    data_check = serializers.IntegerField()
    as_of = serializers.DateField()
    consistent = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    sources = ReportSourceSerializer(many=True)
    members = ReportMemberSerializer(many=True)
    household_declared = serializers.JSONField()
    findings = ReportFindingSerializer(many=True)
    objections = ReportObjectionSerializer(many=True)


def report_data(report: CheckReport) -> dict[str, Any]:
    people = Member.objects.in_bulk([entry["member_id"] for entry in report.members])
    data = {
        "id": report.pk,
        "case": report.data_check.case_id,
        "data_check": report.data_check_id,
        "as_of": report.as_of,
        "consistent": report.consistent,
        "created_at": report.created_at,
        "sources": [
            {
                "source": row.source,
                "department": row.department,
                "delivery": row.delivery.pk if row.delivery else None,
                "delivered_on": row.delivery.delivered_on if row.delivery else None,
                "by_hand": row.by_hand,
            }
            for row in report.sources.select_related("delivery")
        ],
        "members": [
            {
                "member": entry["member_id"],
                "name": people[entry["member_id"]].name,
                "id_number": people[entry["member_id"]].id_number_masked,
                "counted": entry["counted"],
                "matched": entry["matched"],
                "declared": entry["declared"],
                "found": entry["found"],
            }
            for entry in report.members
        ],
        "household_declared": report.household,
        "findings": [
            {
                **{k: finding[k] for k in ("kind", "source", "source_row", "amount_fen")},
                **{k: finding[k] for k in ("item_count", "detail")},
                "label": str(presentation.KIND_LABELS.get(finding["kind"], finding["kind"])),
                "member": finding["member_id"],
                "delivery": finding["delivery_id"],
            }
            for finding in report.findings
        ],
        "objections": [
            {
                "received_on": objection.received_on,
                "content": objection.content,
                "evidence": objection.evidence,
                "recheck_report": objection.recheck.report.pk,
            }
            for objection in report.objections.select_related("recheck__report")
        ],
    }
    return CheckReportSerializer(data).data


class LatestReportView(APIView):
    @extend_schema(parameters=[CASE], responses=CheckReportSerializer)
    def get(self, request: Request, pk: int) -> Response:
        """The case's latest check report."""
        return Response(report_data(queries.report_for(request.user, pk)))


class ReportView(APIView):
    @extend_schema(parameters=[CASE, REPORT], responses=CheckReportSerializer)
    def get(self, request: Request, pk: int, report_id: int) -> Response:
        """One check report of the case (an earlier one: before a re-check)."""
        return Response(report_data(queries.report_for(request.user, pk, report_id)))


# Included by doudi/api/urls.py, before the cases' own routes.
urlpatterns = [
    path("cases/<int:pk>/check-report/", LatestReportView.as_view(), name="case-check-report"),
    path(
        "cases/<int:pk>/check-reports/<int:report_id>/",
        ReportView.as_view(),
        name="case-check-report-one",
    ),
]
