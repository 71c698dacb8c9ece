"""The monitored population under /api/v1/monitoring: the entries (filtered, paginated), the
counts by category, bringing the population up to date, reporting a household at risk and
taking a reported one off the watch. Every endpoint has an explicit input and output
serializer; dates are YYYY-MM-DD. A refusal is ``{"error": {...}}`` naming the field."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doudi.api.inputs import read_input
from doudi.api.pagination import Pagination
from doudi.cases.api import StrictCharField
from doudi.monitoring import queries, services
from doudi.monitoring.models import MonitoredCategory, MonitoredEntry

ENTRY_ID = OpenApiParameter("entry_id", int, OpenApiParameter.PATH)


# ------------------------------------------------------------------------------- input


class EntryFilterInput(serializers.Serializer):
    category = serializers.ChoiceField(choices=MonitoredCategory.values, required=False)
    place = serializers.CharField(required=False, help_text="a township or village code")
    current = serializers.BooleanField(default=True, help_text="false: with those who left")


class ReportInput(serializers.Serializer):
    household = serializers.IntegerField()
    reason = StrictCharField(max_length=services.MAX_REASON)


class RemoveInput(serializers.Serializer):
    reason = StrictCharField(max_length=services.MAX_REASON)


# ------------------------------------------------------------------------------ output


class EntrySerializer(serializers.ModelSerializer):
    household_file_number = serializers.CharField(source="household.file_number")
    place = serializers.CharField(source="region_id")
    place_name = serializers.CharField(source="region.name")
    reason = serializers.CharField(source="why")
    evaluation = serializers.IntegerField(source="run_id", allow_null=True)

    class Meta:
        model = MonitoredEntry
        fields = [
            "id",
            "household",
            "household_file_number",
            "place",
            "place_name",
            "category",
            "source",
            "entered_on",
            "reason",
            "evaluation",
            "left_on",
            "exit_reason",
            "exit_note",
        ]


class CountSerializer(serializers.Serializer):
    category = serializers.CharField()
    households = serializers.IntegerField()


class RefreshedSerializer(serializers.Serializer):
    entered = serializers.DictField(child=serializers.IntegerField(), help_text="by category")
    left = serializers.DictField(child=serializers.IntegerField(), help_text="by exit reason")
    evaluation = serializers.IntegerField(source="run.pk", allow_null=True, default=None)


# --------------------------------------------------------------------------- endpoints


class EntryListView(APIView):
    pagination_class = Pagination

    @extend_schema(parameters=[EntryFilterInput], responses=EntrySerializer(many=True))
    def get(self, request: Request) -> Response:
        wanted = read_input(EntryFilterInput, request.query_params)
        paginator = Pagination()
        page = paginator.paginate_queryset(queries.entries(request.user, **wanted), request)
        return paginator.get_paginated_response(EntrySerializer(page or [], many=True).data)

    @extend_schema(request=ReportInput, responses={201: EntrySerializer})
    def post(self, request: Request) -> Response:
        body = read_input(ReportInput, request.data)
        entry = services.report_risk(request.user, body["household"], body["reason"])
        return Response(EntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class CountsView(APIView):
    @extend_schema(responses=CountSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(CountSerializer(queries.counts(request.user), many=True).data)


class RefreshView(APIView):
    """Bring the caller's place up to date from today's benefits and the latest evaluation."""

    @extend_schema(request=None, responses=RefreshedSerializer)
    def post(self, request: Request) -> Response:
        done = services.refresh(request.user, request.user.region_id)
        return Response(RefreshedSerializer(done).data)


class RemoveView(APIView):
    @extend_schema(parameters=[ENTRY_ID], request=RemoveInput, responses=EntrySerializer)
    def post(self, request: Request, entry_id: int) -> Response:
        body = read_input(RemoveInput, request.data)
        return Response(EntrySerializer(services.remove(request.user, entry_id, **body)).data)


urlpatterns = [
    path("monitoring/entries/", EntryListView.as_view(), name="monitoring-entries"),
    path("monitoring/counts/", CountsView.as_view(), name="monitoring-counts"),
    path("monitoring/refresh/", RefreshView.as_view(), name="monitoring-refresh"),
    path(
        "monitoring/entries/<int:entry_id>/remove/",
        RemoveView.as_view(),
        name="monitoring-remove",
    ),
]
