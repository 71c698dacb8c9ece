"""The hotline under /api/v1/hotline: the lists of tickets, one ticket, the month's figures,
and every step of ``hotline.steps.STEPS`` (``steps/<name>/`` for a step on nothing,
``steps/<name>/<id>/`` on a ticket). Explicit input and output serializers; the caller's name
and phone are given masked, as on the pages; dates YYYY-MM-DD."""

from __future__ import annotations

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doudi.api.inputs import read_input
from doudi.api.pagination import Pagination
from doudi.dates import parse_month
from doudi.hotline import queries, steps
from doudi.hotline.models import DutyShift, Ticket
from doudi.notices.masking import mask_name, mask_phone

OBJECT_ID = OpenApiParameter("object_id", int, OpenApiParameter.PATH)
NAME = OpenApiParameter(
    "name", str, OpenApiParameter.PATH, enum=[s.name for s in steps.STEPS], description="step"
)


# The base of each ticket serializer, here and in the supervision's referrals.
class MaskedCallerSerializer(serializers.ModelSerializer):
    """A hotline ticket, its caller's name and phone masked as on every page."""

    township = serializers.CharField(source="region_id")
    caller_name = serializers.SerializerMethodField(help_text="masked")
    caller_phone = serializers.SerializerMethodField(help_text="masked")

    def get_caller_name(self, ticket: Ticket) -> str:
        return mask_name(ticket.caller_name) if ticket.caller_name else ""

    def get_caller_phone(self, ticket: Ticket) -> str:
        return mask_phone(ticket.caller_phone)


class HotlineTicketSerializer(MaskedCallerSerializer):
    answered_on_time = serializers.BooleanField(allow_null=True, read_only=True)
    referred_to_supervision = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = ["id", "source", "category", "township", "household", "caller_name",
                  "caller_phone", "content", "external_number", "received_on", "deadline_days",
                  "deadline_reference", "due_on", "state", "escalated_on", "answer",
                  "satisfaction", "closed_on", "answered_on_time", "case", "warning",
                  "referred_to_supervision", "referred_to_supervision_on",
                  "supervision_note", "finding", "supervision_declined_on",
                  "supervision_decline_reason"]  # fmt: skip

    def get_referred_to_supervision(self, ticket: Ticket) -> bool:
        return ticket.referred_to_supervision_on is not None


class HotlineTicketListInput(serializers.Serializer):
    list = serializers.ChoiceField(choices=queries.LISTS, required=False, default="open")


class HotlineSatisfactionSerializer(serializers.Serializer):
    satisfied = serializers.IntegerField()
    fairly = serializers.IntegerField()
    not_satisfied = serializers.IntegerField()
    not_reached = serializers.IntegerField()


class HotlineFigureRowSerializer(serializers.Serializer):
    township = serializers.CharField(source="code", allow_blank=True)
    name = serializers.CharField(allow_blank=True)
    category = serializers.CharField(allow_blank=True)
    received = serializers.IntegerField()
    closed = serializers.IntegerField()
    on_time = serializers.IntegerField(help_text="closed by the due date")
    open_overdue = serializers.IntegerField(help_text="still open past the due date today")
    escalated = serializers.IntegerField()
    satisfaction = HotlineSatisfactionSerializer()


class HotlineFiguresSerializer(serializers.Serializer):
    month = serializers.DateField()
    rows = HotlineFigureRowSerializer(many=True, help_text="by township and category")
    by_category = HotlineFigureRowSerializer(many=True)
    total = HotlineFigureRowSerializer()


class HotlineFiguresInput(serializers.Serializer):
    month = serializers.RegexField(r"^\d{4}-\d{2}$", required=False, help_text="YYYY-MM")


class HotlineStepResultSerializer(serializers.Serializer):
    object_type = serializers.ChoiceField(choices=["ticket", "duty_shift", "count"])
    id = serializers.IntegerField(allow_null=True, help_text="the ticket or shift (removed)")
    count = serializers.IntegerField(allow_null=True, help_text="tickets escalated")


def _result(name: str, result: Ticket | DutyShift | int) -> dict:
    if name == "remove_duty":
        return {"object_type": "duty_shift", "id": result, "count": None}
    if isinstance(result, int):
        return {"object_type": "count", "id": None, "count": result}
    kind = "duty_shift" if isinstance(result, DutyShift) else "ticket"
    return {"object_type": kind, "id": result.pk, "count": None}


class DutyShiftSerializer(serializers.ModelSerializer):
    place = serializers.CharField(source="region_id")
    staff = serializers.CharField(source="staff.username")
    staff_name = serializers.CharField(source="staff.full_name")

    class Meta:
        model = DutyShift
        fields = ["id", "place", "day", "staff", "staff_name", "hours"]


class DutyRosterView(APIView):
    """Who is on duty in the caller's places, today and the next 13 days."""

    @extend_schema(responses=DutyShiftSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = queries.roster(request.user, timezone.localdate())
        return Response(DutyShiftSerializer(rows, many=True).data)


class TicketListView(APIView):
    pagination_class = Pagination  # documented as the paged answer it gives

    @extend_schema(
        parameters=[HotlineTicketListInput], responses=HotlineTicketSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        chosen = read_input(HotlineTicketListInput, request.query_params)["list"]
        paginator = Pagination()
        rows = queries.listed(request.user, chosen, timezone.localdate())
        page = paginator.paginate_queryset(rows, request)
        return paginator.get_paginated_response(HotlineTicketSerializer(page or [], many=True).data)


class TicketDetailView(APIView):
    @extend_schema(parameters=[OBJECT_ID], responses=HotlineTicketSerializer)
    def get(self, request: Request, object_id: int) -> Response:
        return Response(HotlineTicketSerializer(queries.ticket(request.user, object_id)).data)


class FiguresView(APIView):
    """The month's tickets received, closed, answered on time, by township and category."""

    @extend_schema(parameters=[HotlineFiguresInput], responses=HotlineFiguresSerializer)
    def get(self, request: Request) -> Response:
        given = read_input(HotlineFiguresInput, request.query_params).get("month")
        today = timezone.localdate()
        month = parse_month(given) if given else today.replace(day=1)
        found = queries.monthly_figures(request.user, month, today)
        data = {
            "month": found.month,
            "rows": found.rows,
            "by_category": queries.by_category(found),
            "total": found.total,
        }
        return Response(HotlineFiguresSerializer(data).data)


class StepView(APIView):
    """A step on nothing: ``receive`` (TicketReceiveInput), ``escalate`` (no body) or
    ``schedule_duty`` (DutyScheduleInput)."""

    @extend_schema(
        operation_id="hotline_step",
        parameters=[NAME],
        request=steps.TicketReceiveInput,
        responses={201: HotlineStepResultSerializer},
    )
    def post(self, request: Request, name: str) -> Response:
        result = steps.take(request.user, name, None, request.data)
        return Response(HotlineStepResultSerializer(_result(name, result)).data, status=201)


class ObjectStepView(APIView):
    """A step on a ticket (link_household, reassign, open_case, raise_warning,
    refer_to_supervision, close) or a duty shift (remove_duty, no body); its body is that
    step's input serializer in ``hotline.steps``."""

    @extend_schema(
        operation_id="hotline_object_step",
        parameters=[NAME, OBJECT_ID],
        request=steps.TicketCloseInput,
        responses={200: HotlineStepResultSerializer},
    )
    def post(self, request: Request, name: str, object_id: int) -> Response:
        result = steps.take(request.user, name, object_id, request.data)
        return Response(HotlineStepResultSerializer(_result(name, result)).data)


urlpatterns = [
    path("hotline/tickets/", TicketListView.as_view(), name="hotline-tickets"),
    path("hotline/tickets/<int:object_id>/", TicketDetailView.as_view(), name="hotline-ticket"),
    path("hotline/figures/", FiguresView.as_view(), name="hotline-figures"),
    path("hotline/duty/", DutyRosterView.as_view(), name="hotline-duty"),
    path("hotline/steps/<slug:name>/", StepView.as_view(), name="hotline-step"),
    path(
        "hotline/steps/<slug:name>/<int:object_id>/",
        ObjectStepView.as_view(),
        name="hotline-object-step",
    ),
]
