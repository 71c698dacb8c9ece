"""Warnings under /api/v1/warnings: the open warnings of the caller's places (filtered,
paginated), raising one from a visit, and the daily run. Explicit input and output
serializers; amounts in the facts are integer fen, dates YYYY-MM-DD."""

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
from doudi.early_warning import queries, services, steps
from doudi.early_warning.models import EarlyWarning, Severity, SignalKind
from doudi.early_warning.presentation import describe, member_names
from doudi.early_warning.steps import NoteInput

WARNING_ID = OpenApiParameter("warning_id", int, OpenApiParameter.PATH)


class WarningFilterInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SignalKind.values, required=False)


class WarningVisitInput(serializers.Serializer):
    household = serializers.IntegerField()
    severity = serializers.ChoiceField(choices=Severity.choices)
    note = StrictCharField(max_length=services.MAX_NOTE)


class WarningSerializer(serializers.ModelSerializer):
    household_file_number = serializers.CharField(source="household.file_number")
    place = serializers.CharField(source="region_id")
    township = serializers.CharField(source="region.parent_id")
    description = serializers.SerializerMethodField()

    class Meta:
        model = EarlyWarning
        fields = [
            "id",
            "household",
            "household_file_number",
            "place",
            "township",
            "kind",
            "severity",
            "facts",
            "description",
            "raised_on",
            "due_on",
            "last_seen_on",
            "times_seen",
            "state",
            "route",
            "note",
            "intake",
            "sent_to_county_on",
            "closed_on",
        ]

    def get_description(self, warning: EarlyWarning) -> str:
        return describe(warning, self.context.get("names", {}))


class RanSerializer(serializers.Serializer):
    raised = serializers.DictField(child=serializers.IntegerField(), help_text="by signal")
    merged = serializers.IntegerField(help_text="signals merged into an open warning")


class WarningListView(APIView):
    pagination_class = Pagination

    @extend_schema(parameters=[WarningFilterInput], responses=WarningSerializer(many=True))
    def get(self, request: Request) -> Response:
        wanted = read_input(WarningFilterInput, request.query_params)
        paginator = Pagination()
        page = paginator.paginate_queryset(queries.open_warnings(request.user, **wanted), request)
        names = member_names(page or [])
        data = WarningSerializer(page or [], many=True, context={"names": names}).data
        return paginator.get_paginated_response(data)

    @extend_schema(request=WarningVisitInput, responses={201: WarningSerializer})
    def post(self, request: Request) -> Response:
        body = read_input(WarningVisitInput, request.data)
        warning = services.raise_from_visit(
            request.user, body["household"], body["severity"], body["note"]
        )
        return Response(WarningSerializer(warning).data, status=status.HTTP_201_CREATED)


class RunView(APIView):
    """Today's run over the caller's place (the system runs it every day on its own)."""

    @extend_schema(request=None, responses=RanSerializer)
    def post(self, request: Request) -> Response:
        ran = services.run_daily(request.user, request.user.region_id)
        return Response(RanSerializer(ran).data)


class HandleView(APIView):
    """One of the handlings of ``early_warning.steps.HANDLINGS``; its body is that handling's
    input serializer (``note``; ``programme`` to open a case; ``department`` to refer)."""

    @extend_schema(
        operation_id="warnings_handle",
        parameters=[WARNING_ID],
        request=NoteInput,
        responses=WarningSerializer,
    )
    def post(self, request: Request, warning_id: int, name: str) -> Response:
        return Response(
            WarningSerializer(steps.take(request.user, warning_id, name, request.data)).data
        )


urlpatterns = [
    path("warnings/", WarningListView.as_view(), name="warnings"),
    path("warnings/run/", RunView.as_view(), name="warnings-run"),
    path("warnings/<int:warning_id>/<slug:name>/", HandleView.as_view(), name="warning-handle"),
]
