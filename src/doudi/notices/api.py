"""Public notices under /api/v1/notices, for staff: the villages of the caller's places, one
village's notice lines (exactly the public ones, masked), the objections lodged from the
public pages, and the steps of ``notices.steps.STEPS``. Explicit input and output
serializers; dates YYYY-MM-DD."""

from __future__ import annotations

from django.conf import settings
from django.urls import path, reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doudi.api.inputs import read_input
from doudi.api.pagination import Pagination
from doudi.notices import cards, queries, steps
from doudi.notices.models import NoticeBoard, ObjectionState, PublicObjection
from doudi.notices.steps import AnswerInput

OBJECTION_ID = OpenApiParameter("objection_id", int, OpenApiParameter.PATH)
HOUSEHOLD_ID = OpenApiParameter("household_id", int, OpenApiParameter.PATH)
CODE = OpenApiParameter("code", str, OpenApiParameter.PATH, description="a village's code")


class VillageSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    township = serializers.CharField(source="parent_id")
    link_issued_on = serializers.SerializerMethodField()
    open_objections = serializers.IntegerField()

    def get_link_issued_on(self, village) -> str | None:
        board = getattr(village, "notice_board", None)
        return board.issued_on.isoformat() if board else None


class NoticeLineSerializer(serializers.Serializer):
    ref = serializers.CharField(help_text="c<case> on the 7-day notice, b<benefit> long-term")
    name = serializers.CharField(help_text="masked")
    household_size = serializers.IntegerField()
    programme = serializers.CharField()
    item = serializers.CharField()
    monthly_amount = serializers.CharField(help_text="yuan, two decimals, as published")
    village = serializers.CharField()
    notice_ends_on = serializers.CharField(allow_blank=True)


class NoticeSerializer(serializers.Serializer):
    village = serializers.CharField(source="village.code")
    month = serializers.DateField()
    link = serializers.CharField(allow_blank=True)
    proposed = NoticeLineSerializer(many=True)
    long_term = NoticeLineSerializer(many=True)


class ObjectionFilterInput(serializers.Serializer):
    state = serializers.ChoiceField(choices=ObjectionState.values, required=False, default="")


class PublicObjectionSerializer(serializers.ModelSerializer):
    place = serializers.CharField(source="region_id")

    class Meta:
        model = PublicObjection
        fields = [
            "id",
            "place",
            "notice",
            "case",
            "household",
            "programme",
            "name",
            "phone",
            "text",
            "received_on",
            "state",
            "handled_on",
            "answer",
        ]


class BoardSerializer(serializers.Serializer):
    village = serializers.CharField(source="region_id")
    issued_on = serializers.DateField()
    link = serializers.SerializerMethodField()

    def get_link(self, board: NoticeBoard) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("public_notices:notice", args=[board.token])
        )


class HouseholdCardLineSerializer(serializers.Serializer):
    programme = serializers.CharField()
    monthly_amount = serializers.CharField(help_text="yuan, two decimals")
    from_month = serializers.DateField()
    reasons = serializers.CharField()
    conditions = serializers.ListField(child=serializers.CharField(), help_text="found met")
    next_recheck = serializers.DateField(allow_null=True)


class HouseholdCardSerializer(serializers.Serializer):
    household = serializers.IntegerField(source="household.pk")
    file_number = serializers.CharField(source="household.file_number")
    head = serializers.CharField()
    village = serializers.CharField()
    office = serializers.CharField()
    hotline = serializers.SerializerMethodField()
    lines = HouseholdCardLineSerializer(many=True)

    def get_hotline(self, card: cards.Card) -> str:
        return settings.DOUDI_HOTLINE


class CardView(APIView):
    """The household's 明白卡: what it receives now, from when, why, and its next re-check."""

    @extend_schema(parameters=[HOUSEHOLD_ID], responses=HouseholdCardSerializer(many=True))
    def get(self, request: Request, household_id: int) -> Response:
        found = cards.card_of(request.user, household_id, timezone.localdate())
        return Response(HouseholdCardSerializer(found, many=True).data)


class VillageListView(APIView):
    pagination_class = Pagination

    @extend_schema(responses=VillageSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(queries.villages(request.user), request)
        return paginator.get_paginated_response(VillageSerializer(page or [], many=True).data)


class NoticeView(APIView):
    """The village's notice today: the same masked lines as its public page."""

    @extend_schema(parameters=[CODE], responses=NoticeSerializer)
    def get(self, request: Request, code: str) -> Response:
        village = queries.village(request.user, code)
        notice = queries.notice_of(village, timezone.localdate())
        board = NoticeBoard.objects.filter(region=village).first()
        link = (
            request.build_absolute_uri(reverse("public_notices:notice", args=[board.token]))
            if board
            else ""
        )
        data = {
            "village": village,
            "month": notice.month,
            "link": link,
            "proposed": notice.proposed,
            "long_term": notice.long_term,
        }
        return Response(NoticeSerializer(data).data)


class IssueLinkView(APIView):
    """A new public link for the village (the old one stops working)."""

    @extend_schema(
        operation_id="notices_issue_link",
        parameters=[CODE],
        request=None,
        responses=BoardSerializer,
    )
    def post(self, request: Request, code: str) -> Response:
        board = steps.take(request.user, code, "issue_link", {})
        return Response(BoardSerializer(board, context={"request": request}).data)


class ObjectionListView(APIView):
    pagination_class = Pagination

    @extend_schema(
        parameters=[ObjectionFilterInput], responses=PublicObjectionSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        state = read_input(ObjectionFilterInput, request.query_params)["state"]
        paginator = Pagination()
        page = paginator.paginate_queryset(queries.objections(request.user, state), request)
        return paginator.get_paginated_response(
            PublicObjectionSerializer(page or [], many=True).data
        )


class ObjectionStepView(APIView):
    """One of the objection steps of ``notices.steps.STEPS`` (``record_on_case``, ``answer``);
    its body is ``answer``."""

    @extend_schema(
        operation_id="notices_objection_step",
        parameters=[OBJECTION_ID],
        request=AnswerInput,
        responses=PublicObjectionSerializer,
    )
    def post(self, request: Request, objection_id: int, name: str) -> Response:
        objection = steps.take(request.user, objection_id, name, request.data)
        return Response(PublicObjectionSerializer(objection).data)


urlpatterns = [
    path("notices/villages/", VillageListView.as_view(), name="notices-villages"),
    path("notices/villages/<str:code>/", NoticeView.as_view(), name="notices-village"),
    path(
        "notices/villages/<str:code>/issue_link/",
        IssueLinkView.as_view(),
        name="notices-issue-link",
    ),
    path("notices/cards/<int:household_id>/", CardView.as_view(), name="notices-card"),
    path("notices/objections/", ObjectionListView.as_view(), name="notices-objections"),
    path(
        "notices/objections/<int:objection_id>/<slug:name>/",
        ObjectionStepView.as_view(),
        name="notices-objection-step",
    ),
]
