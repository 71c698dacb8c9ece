"""The reserve funds' replenishment requests under /api/v1/reserve-fund: the requests, a request
with the payments it lists, and every step of ``reserve_fund.steps.STEPS`` (``steps/request/``
for the township's request, ``steps/<name>/<id>/`` for the county's decision on one). Explicit
input and output serializers; amounts are integer fen, dates YYYY-MM-DD."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doudi.api.pagination import Pagination
from doudi.reserve_fund import queries, steps
from doudi.reserve_fund.models import ReplenishmentRequest, ReserveMovement

OBJECT_ID = OpenApiParameter("object_id", int, OpenApiParameter.PATH)
DECISIONS = OpenApiParameter(
    "name",
    str,
    OpenApiParameter.PATH,
    enum=[s.name for s in steps.STEPS if s.on == steps.REQUEST],
    description="step",
)
TOWNSHIP = OpenApiParameter("township", str, description="a township's division code")


class ReplenishmentRequestSerializer(serializers.ModelSerializer):
    township = serializers.CharField(source="fund.township_id")
    payments_listed = serializers.IntegerField(source="listed")
    movement = serializers.IntegerField(source="movement_id", allow_null=True)

    class Meta:
        model = ReplenishmentRequest
        fields = ["id", "township", "state", "amount_fen", "payments_listed", "note",
                  "submitted_on", "decided_on", "decision_reason", "movement"]  # fmt: skip


class ListedPaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReserveMovement
        fields = ["id", "amount_fen", "recipient", "reason", "recorded_at"]


class ReplenishmentRequestDetailSerializer(serializers.Serializer):
    request = ReplenishmentRequestSerializer()
    payments = ListedPaymentSerializer(many=True)
    steps = serializers.ListField(child=serializers.CharField(), help_text="steps offered now")


class ReplenishmentStepResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    amount_fen = serializers.IntegerField()
    movement = serializers.IntegerField(allow_null=True)


def _result(found: ReplenishmentRequest) -> dict:
    return {
        "id": found.pk,
        "state": found.state,
        "amount_fen": found.amount_fen,
        "movement": found.movement_id,
    }


class RequestListView(APIView):
    pagination_class = Pagination  # documented as the paged answer it gives

    @extend_schema(parameters=[TOWNSHIP], responses=ReplenishmentRequestSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        found = queries.requests_visible_to(request.user, request.query_params.get("township", ""))
        page = paginator.paginate_queryset(found, request)
        return paginator.get_paginated_response(
            ReplenishmentRequestSerializer(page or [], many=True).data
        )


class RequestDetailView(APIView):
    @extend_schema(parameters=[OBJECT_ID], responses=ReplenishmentRequestDetailSerializer)
    def get(self, request: Request, object_id: int) -> Response:
        found = queries.requests_visible_to(request.user).filter(pk=object_id).first()
        if found is None:
            found = queries.request_for(request.user, object_id)  # refused as not found
        data = {
            "request": found,
            "payments": queries.payments_of(found),
            "steps": [s.name for s in steps.offered(request.user, steps.REQUEST, found)],
        }
        return Response(ReplenishmentRequestDetailSerializer(data).data)


class RequestStepView(APIView):
    """The township asks the county to replenish its fund by the emergency payments made since
    the last replenishment (all listed)."""

    @extend_schema(
        operation_id="reserve_fund_request",
        request=steps.ReplenishmentRequestInput,
        responses={201: ReplenishmentStepResultSerializer},
    )
    def post(self, request: Request) -> Response:
        found = steps.take(request.user, "request", None, request.data)
        return Response(ReplenishmentStepResultSerializer(_result(found)).data, status=201)


class DecisionStepView(APIView):
    """The county approves (the replenishment is written) or refuses a waiting request."""

    @extend_schema(
        operation_id="reserve_fund_decision",
        parameters=[DECISIONS, OBJECT_ID],
        request=steps.ReplenishmentDecisionInput,
        responses={200: ReplenishmentStepResultSerializer},
    )
    def post(self, request: Request, name: str, object_id: int) -> Response:
        found = steps.take(request.user, name, object_id, request.data)
        return Response(ReplenishmentStepResultSerializer(_result(found)).data)


urlpatterns = [
    path("reserve-fund/requests/", RequestListView.as_view(), name="reserve-fund-requests"),
    path(
        "reserve-fund/requests/<int:object_id>/",
        RequestDetailView.as_view(),
        name="reserve-fund-request",
    ),
    path("reserve-fund/steps/request/", RequestStepView.as_view(), name="reserve-fund-ask"),
    path(
        "reserve-fund/steps/<slug:name>/<int:object_id>/",
        DecisionStepView.as_view(),
        name="reserve-fund-decision",
    ),
]
