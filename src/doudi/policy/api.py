"""POST /api/v1/evaluate: the household form and a month in, every programme's decision out."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doudi.accounts.jurisdiction import require
from doudi.accounts.roles import Permission
from doudi.policy.evaluation import evaluate_form


class EvaluateSerializer(serializers.Serializer):
    household = serializers.DictField(
        help_text="the household JSON form (/api/v1/schemas/household.json)"
    )
    month = serializers.CharField(help_text="YYYY-MM")


class EvaluateView(APIView):
    """A calculation only: nothing is stored. Amounts are yuan with two decimals."""

    @extend_schema(request=EvaluateSerializer, responses={200: {"type": "object"}})
    def post(self, request: Request) -> Response:
        require(request.user, Permission.VIEW_HOUSEHOLDS)
        serializer = EvaluateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        return Response(evaluate_form(data["household"], data["month"]))
