"""Re-checks under /api/v1/rechecks: the overdue and due lists of the caller's places (or one
place in them), and starting a re-check case for every listed household without one. Explicit
input and output serializers; dates YYYY-MM-DD, amounts integer fen."""

from __future__ import annotations

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doudi.api.inputs import read_input
from doudi.dates import parse_month
from doudi.rechecks import allowances, queries, services


class PlaceInput(serializers.Serializer):
    place = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="a township or county code"
    )


class RowSerializer(serializers.Serializer):
    benefit = serializers.IntegerField(source="benefit_id")
    household = serializers.IntegerField(source="household_id")
    place = serializers.CharField(source="region_id")
    programme = serializers.CharField()
    monthly_amount_fen = serializers.IntegerField()
    cadence = serializers.CharField()
    last_on = serializers.DateField(help_text="the last approved decision")
    months = serializers.IntegerField(help_text="the interval in force")
    next_on = serializers.DateField()
    open_case = serializers.IntegerField(source="open_case_id", allow_null=True)


class ListsSerializer(serializers.Serializer):
    overdue = RowSerializer(many=True)
    due = RowSerializer(many=True, help_text="due by the end of this month")


class StartedSerializer(serializers.Serializer):
    cases = serializers.ListField(child=serializers.IntegerField())


class DueView(APIView):
    @extend_schema(parameters=[PlaceInput], responses=ListsSerializer)
    def get(self, request: Request) -> Response:
        place = read_input(PlaceInput, request.query_params)["place"].strip()
        lists = queries.recheck_lists(request.user, place, timezone.localdate())
        return Response(ListsSerializer(lists).data)


class StartView(APIView):
    """A re-check case for every household listed (overdue or due) that has none open."""

    @extend_schema(request=PlaceInput, responses=StartedSerializer)
    def post(self, request: Request) -> Response:
        place = read_input(PlaceInput, request.data)["place"].strip()
        return Response({"cases": services.start_rechecks(request.user, place)})


class EndingInput(PlaceInput):
    month = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="the last month paid, YYYY-MM (next month by default)",
    )


class EndingRowSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="member_id")
    household = serializers.IntegerField(source="household_id")
    place = serializers.CharField(source="region_id")
    name = serializers.CharField()
    id_number_masked = serializers.CharField()
    allowance = serializers.ChoiceField(choices=sorted(allowances.ALLOWANCE_LABELS))
    reason_on = serializers.DateField(help_text="the birthday, or the day the certificate expires")
    last_month = serializers.DateField(help_text="the first day of the last month paid")
    stops_from = serializers.DateField(help_text="the first day of the first month not paid")
    disability_grade = serializers.IntegerField(allow_null=True)
    new_grade = serializers.IntegerField(
        allow_null=True, help_text="a grade change: the grade of the latest valid certificate"
    )


class EndingListsSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="the first day of the last month paid")
    children = EndingRowSerializer(many=True, help_text="orphans and de facto unsupported children")
    certificates = EndingRowSerializer(many=True, help_text="disability certificates expiring")
    grade_changes = EndingRowSerializer(
        many=True,
        help_text="members whose latest certificate gains or loses the care subsidy (grades 1-2)",
    )
    delivery = serializers.IntegerField(
        source="delivery.pk", allow_null=True, help_text="the disability federation's delivery read"
    )


class EndingView(APIView):
    """Allowances whose last month is the one asked: nothing is stopped here, a decision does."""

    @extend_schema(parameters=[EndingInput], responses=EndingListsSerializer)
    def get(self, request: Request) -> Response:
        data = read_input(EndingInput, request.query_params)
        month = parse_month(data["month"]) if data["month"].strip() else None
        lists = allowances.ending_lists(request.user, data["place"].strip(), month)
        return Response(EndingListsSerializer(lists).data)


urlpatterns = [
    path("rechecks/due/", DueView.as_view(), name="rechecks-due"),
    path("rechecks/start/", StartView.as_view(), name="rechecks-start"),
    path("rechecks/allowances-ending/", EndingView.as_view(), name="rechecks-ending"),
]
