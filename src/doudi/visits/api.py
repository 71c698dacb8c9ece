"""Home visits under /api/v1/visits: record one (JSON; the photo goes through the household's
attachments endpoint) and the follow-ups due. Explicit input and output serializers."""

from __future__ import annotations

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doudi.api.inputs import read_input
from doudi.cases.api import StrictCharField
from doudi.early_warning.models import Severity
from doudi.visits import queries, services
from doudi.visits.models import Finding, HomeVisit, IncomeChange


class HomeVisitInput(serializers.Serializer):
    household = serializers.IntegerField()
    living_conditions = serializers.ChoiceField(choices=Finding.choices)
    health = serializers.ChoiceField(choices=Finding.choices)
    income_change = serializers.ChoiceField(choices=IncomeChange.choices)
    needs = StrictCharField(required=False, allow_blank=True, default="", max_length=500)
    note = StrictCharField(required=False, allow_blank=True, default="", max_length=500)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.MEDIUM)
    follow_up_on = serializers.DateField(required=False, allow_null=True, default=None)


class VisitSerializer(serializers.ModelSerializer):
    household_file_number = serializers.CharField(source="household.file_number")
    visited_by = serializers.CharField(source="visited_by.username")

    class Meta:
        model = HomeVisit
        fields = [
            "id",
            "household",
            "household_file_number",
            "visited_by",
            "visited_on",
            "living_conditions",
            "health",
            "income_change",
            "needs",
            "note",
            "follow_up_on",
            "warning",
        ]


class VisitListView(APIView):
    @extend_schema(request=HomeVisitInput, responses={201: VisitSerializer})
    def post(self, request: Request) -> Response:
        body = read_input(HomeVisitInput, request.data)
        checklist = services.Checklist(
            **{
                k: body[k]
                for k in ("living_conditions", "health", "income_change", "needs", "note")
            }
        )
        visit = services.record_visit(
            request.user,
            body["household"],
            checklist,
            severity=body["severity"],
            follow_up_on=body["follow_up_on"],
        )
        return Response(VisitSerializer(visit).data, status=status.HTTP_201_CREATED)


class DueView(APIView):
    @extend_schema(responses=VisitSerializer(many=True))
    def get(self, request: Request) -> Response:
        due = queries.follow_ups_due(request.user, timezone.localdate())
        return Response(VisitSerializer(due, many=True).data)


urlpatterns = [
    path("visits/", VisitListView.as_view(), name="visits"),
    path("visits/due/", DueView.as_view(), name="visits-due"),
]
