"""Payrolls under /api/v1/payrolls: list, generate, read with who was left out and why, and the
steps of civil affairs and finance (submit, approve, return with a reason). Every endpoint has
an explicit input and output serializer; money is integer fen, months YYYY-MM. A refusal is
``{"error": {...}}`` naming the field; a payroll that would pay nobody is refused with one
problem per person left out, saying why."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doudi.api.inputs import read_input
from doudi.api.pagination import Pagination
from doudi.cases.api import StrictCharField
from doudi.dates import parse_month
from doudi.payroll import queries, services
from doudi.payroll.models import Payroll

FEN = "integer fen (1 yuan = 100 fen)"
ID = OpenApiParameter("payroll_id", int, OpenApiParameter.PATH)

# ------------------------------------------------------------------------------- input


class PayrollGenerateInput(serializers.Serializer):
    programme = StrictCharField(help_text="a monthly programme, e.g. minimum_living")
    month = StrictCharField(help_text="YYYY-MM")
    place = StrictCharField(help_text="the code of a county (or a township paying alone)")


class PayrollApproveInput(serializers.Serializer):
    over_budget_reason = StrictCharField(
        required=False, allow_blank=True, default="", help_text="required beyond the budget"
    )


class PayrollReturnInput(serializers.Serializer):
    reason = StrictCharField(help_text="what civil affairs must correct")


class PayrollStepInput(serializers.Serializer):
    pass


# ------------------------------------------------------------------------------ output


class LeftOutSerializer(serializers.Serializer):
    household = serializers.IntegerField(source="household_id")
    file_number = serializers.CharField()
    payee_name = serializers.CharField()
    id_number_masked = serializers.CharField()
    payment = serializers.CharField(source="what")
    amount_fen = serializers.IntegerField(help_text=FEN)
    reason = serializers.CharField()
    reason_code = serializers.ChoiceField(choices=list(queries.LEFT_OUT_REASONS))


class PayrollSerializer(serializers.ModelSerializer):
    number = serializers.CharField()
    place = serializers.CharField(source="region_id")
    place_name = serializers.CharField(source="region.name")
    total_fen = serializers.IntegerField(help_text=FEN)
    paid_fen = serializers.IntegerField(help_text=FEN)
    failed_fen = serializers.IntegerField(help_text=FEN)

    class Meta:
        model = Payroll
        fields = [
            "id",
            "number",
            "programme",
            "month",
            "place",
            "place_name",
            "grant",
            "state",
            "return_reason",
            "line_count",
            "total_fen",
            "paid_fen",
            "failed_fen",
            "generated_at",
        ]


class PayrollDetailSerializer(PayrollSerializer):
    left_out = serializers.SerializerMethodField()

    class Meta(PayrollSerializer.Meta):
        fields = [*PayrollSerializer.Meta.fields, "left_out"]

    @extend_schema_field(LeftOutSerializer(many=True))
    def get_left_out(self, payroll: Payroll) -> list[dict]:
        if payroll.grant_id:
            return []
        rows = queries.left_out(
            self.context["user"],
            payroll.programme,
            payroll.month,
            payroll.region_id,
            payroll_id=payroll.pk,
        )
        return LeftOutSerializer(rows, many=True).data


def _detail(request: Request, payroll: Payroll, code: int = status.HTTP_200_OK) -> Response:
    payroll = queries.payroll_for(request.user, payroll.pk)
    return Response(PayrollDetailSerializer(payroll, context={"user": request.user}).data, code)


# --------------------------------------------------------------------------- endpoints


class PayrollListView(APIView):
    pagination_class = Pagination

    @extend_schema(responses=PayrollSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(queries.payrolls_visible_to(request.user), request)
        return paginator.get_paginated_response(PayrollSerializer(page or [], many=True).data)

    @extend_schema(request=PayrollGenerateInput, responses={201: PayrollDetailSerializer})
    def post(self, request: Request) -> Response:
        body = read_input(PayrollGenerateInput, request.data)
        payroll = services.generate(
            request.user, body["programme"], parse_month(body["month"]), body["place"]
        )
        return _detail(request, payroll, status.HTTP_201_CREATED)


class PayrollDetailView(APIView):
    @extend_schema(parameters=[ID], responses=PayrollDetailSerializer)
    def get(self, request: Request, payroll_id: int) -> Response:
        return _detail(request, queries.payroll_for(request.user, payroll_id))


class SubmitView(APIView):
    @extend_schema(parameters=[ID], request=PayrollStepInput, responses=PayrollDetailSerializer)
    def post(self, request: Request, payroll_id: int) -> Response:
        return _detail(request, services.submit(request.user, payroll_id))


class ApproveView(APIView):
    @extend_schema(parameters=[ID], request=PayrollApproveInput, responses=PayrollDetailSerializer)
    def post(self, request: Request, payroll_id: int) -> Response:
        body = read_input(PayrollApproveInput, request.data)
        return _detail(request, services.approve(request.user, payroll_id, **body))


class ReturnView(APIView):
    @extend_schema(parameters=[ID], request=PayrollReturnInput, responses=PayrollDetailSerializer)
    def post(self, request: Request, payroll_id: int) -> Response:
        body = read_input(PayrollReturnInput, request.data)
        return _detail(request, services.return_to_civil_affairs(request.user, payroll_id, **body))


urlpatterns = [
    path("payrolls/", PayrollListView.as_view(), name="payrolls"),
    path("payrolls/<int:payroll_id>/", PayrollDetailView.as_view(), name="payroll"),
    path("payrolls/<int:payroll_id>/submit/", SubmitView.as_view(), name="payroll-submit"),
    path("payrolls/<int:payroll_id>/approve/", ApproveView.as_view(), name="payroll-approve"),
    path("payrolls/<int:payroll_id>/return/", ReturnView.as_view(), name="payroll-return"),
]
