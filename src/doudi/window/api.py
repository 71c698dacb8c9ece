"""The one window's referrals under /api/v1/window: the open referrals (to departments and to
charity assistance), overdue first, and recording an answer — the referral's outcome. Explicit
input and output serializers; dates YYYY-MM-DD."""

from __future__ import annotations

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doudi.api.errors import first_path
from doudi.api.pagination import Pagination
from doudi.cases.api import StrictCharField
from doudi.errors import DoudiError
from doudi.window import queries, services
from doudi.window.models import Need

OBJECT_ID = OpenApiParameter("object_id", int, OpenApiParameter.PATH)


class ReferralSerializer(serializers.ModelSerializer):
    household = serializers.IntegerField(source="intake.household_id")
    place = serializers.CharField(source="intake.region_id")
    overdue = serializers.BooleanField()

    class Meta:
        model = Need
        fields = ["id", "household", "place", "description", "department", "department_name",
                  "case", "sent_on", "due_on", "overdue"]  # fmt: skip


class ReferralAnswerInput(serializers.Serializer):
    answer = StrictCharField(max_length=2000)
    answered_on = serializers.DateField(required=False)


class ReferralAnswerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Need
        fields = ["id", "answer", "answered_on", "due_on"]


class ReferralListView(APIView):
    pagination_class = Pagination  # documented as the paged answer it gives

    @extend_schema(responses=ReferralSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(queries.open_referrals(request.user), request)
        return paginator.get_paginated_response(ReferralSerializer(page or [], many=True).data)


class ReferralAnswerView(APIView):
    """Record the department's (or charity organisation's) answer: the referral's outcome."""

    @extend_schema(
        operation_id="window_referral_answer",
        parameters=[OBJECT_ID],
        request=ReferralAnswerInput,
        responses={200: ReferralAnswerSerializer},
    )
    def post(self, request: Request, object_id: int) -> Response:
        body = ReferralAnswerInput(data=request.data)
        if not body.is_valid():
            raise DoudiError(
                _("Some fields are missing or invalid."), field=first_path(body.errors)
            )
        need = services.answer_referral(
            request.user,
            object_id,
            answer=body.validated_data["answer"],
            answered_on=body.validated_data.get("answered_on") or timezone.localdate(),
        )
        return Response(ReferralAnswerSerializer(need).data)


urlpatterns = [
    path("window/referrals/", ReferralListView.as_view(), name="window-referrals"),
    path(
        "window/referrals/<int:object_id>/answer/",
        ReferralAnswerView.as_view(),
        name="window-referral-answer",
    ),
]
