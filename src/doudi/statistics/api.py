"""Statistics under /api/v1/statistics: a place's dashboard figures (its own by programme for
the month and over twelve months, its children's, the counts of its payrolls, cases and
warnings, and its hotline tickets by month, category and place below). Explicit input and
output serializers; money is integer fen, months YYYY-MM."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doudi.api.inputs import read_input
from doudi.dates import parse_month
from doudi.statistics import queries

CODE = OpenApiParameter("code", str, OpenApiParameter.PATH, description="a division code")


class MonthInput(serializers.Serializer):
    month = serializers.RegexField(
        r"^\d{4}-\d{2}$", required=False, default="", help_text="YYYY-MM (default: the latest)"
    )


class FigureMeasuresSerializer(serializers.Serializer):
    recipients = serializers.IntegerField(help_text="payments to a person (人次 for one-offs)")
    households = serializers.IntegerField()
    lines = serializers.IntegerField(help_text="payments of every status")
    paid_fen = serializers.IntegerField()
    failed_fen = serializers.IntegerField()
    pending_fen = serializers.IntegerField()


class ProgrammeMonthSerializer(FigureMeasuresSerializer):
    programme = serializers.CharField()
    month = serializers.CharField(help_text="YYYY-MM")


class PlaceFiguresSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    total = FigureMeasuresSerializer(help_text="summed over the programmes")
    by_programme = serializers.DictField(child=FigureMeasuresSerializer())


class StatisticsCountSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()


class HotlineMeasuresSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    closed = serializers.IntegerField()
    on_time = serializers.IntegerField(help_text="closed by the due date")
    open_overdue = serializers.IntegerField(help_text="still open past the due date today")
    escalated = serializers.IntegerField()


class HotlineMonthSerializer(HotlineMeasuresSerializer):
    month = serializers.CharField(help_text="YYYY-MM")


class HotlineCategorySerializer(HotlineMeasuresSerializer):
    category = serializers.CharField()


class HotlinePlaceSerializer(HotlineMeasuresSerializer):
    code = serializers.CharField()
    name = serializers.CharField()


class HotlineDashboardSerializer(serializers.Serializer):
    month = HotlineMeasuresSerializer(help_text="tickets received in the month")
    trend = HotlineMonthSerializer(many=True, help_text="the place's last 12 months")
    by_category = HotlineCategorySerializer(many=True)
    children = HotlinePlaceSerializer(many=True, help_text="the places below, a county or up")


class DashboardSerializer(serializers.Serializer):
    place = serializers.CharField(source="place.code")
    name = serializers.CharField(source="place.name")
    month = serializers.CharField(help_text="YYYY-MM")
    own = PlaceFiguresSerializer()
    trend = ProgrammeMonthSerializer(many=True, help_text="the place's last 12 months")
    children = PlaceFiguresSerializer(many=True)
    payrolls_by_state = StatisticsCountSerializer(many=True)
    cases_by_state = StatisticsCountSerializer(many=True)
    cases_open = serializers.IntegerField()
    cases_overdue = serializers.IntegerField()
    cases_due_soon = serializers.IntegerField()
    warnings_by_route = StatisticsCountSerializer(many=True)
    warnings_open = serializers.IntegerField()
    warnings_with_county = serializers.IntegerField()
    hotline = HotlineDashboardSerializer(allow_null=True, help_text="none for a village")


def _counts(pairs: list[tuple[str, int]]) -> list[dict]:
    return [{"label": label, "count": count} for label, count in pairs]


def _hotline(board: queries.Dashboard) -> dict | None:
    hotline = board.hotline
    if hotline is None:
        return None
    return {
        "month": hotline.month,
        "trend": [
            {**vars(measures), "month": month.strftime("%Y-%m")}
            for month, measures in zip(board.months, hotline.trend, strict=True)
        ],
        "by_category": [
            {**vars(measures), "category": value} for value, _label, measures in hotline.by_category
        ],
        "children": [
            {**vars(child.measures), "code": child.code, "name": child.name}
            for child in hotline.children
        ],
    }


def _data(board: queries.Dashboard) -> dict:
    return {
        "place": board.place,
        "month": board.month.strftime("%Y-%m"),
        "own": board.own,
        "trend": [
            {**vars(measures), "programme": programme, "month": month.strftime("%Y-%m")}
            for programme in board.programmes
            for month, measures in zip(board.months, board.trend[programme], strict=True)
        ],
        "children": board.children,
        "payrolls_by_state": _counts(board.payrolls_by_state),
        "cases_by_state": _counts(board.cases_by_state),
        "cases_open": board.cases_open,
        "cases_overdue": board.cases_overdue,
        "cases_due_soon": board.cases_due_soon,
        "warnings_by_route": _counts(board.warnings_by_route),
        "warnings_open": board.warnings_open,
        "warnings_with_county": board.warnings_with_county,
        "hotline": _hotline(board),
    }


class DashboardView(APIView):
    """A place's dashboard figures, read from the precomputed figures (docs/statistics.md)."""

    @extend_schema(parameters=[CODE, MonthInput], responses=DashboardSerializer)
    def get(self, request: Request, code: str) -> Response:
        month = read_input(MonthInput, request.query_params)["month"]
        board = queries.dashboard(request.user, code, parse_month(month) if month else None)
        return Response(DashboardSerializer(_data(board)).data)


urlpatterns = [
    path("statistics/<str:code>/", DashboardView.as_view(), name="statistics-dashboard"),
]
