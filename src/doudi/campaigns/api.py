"""Campaigns under /api/v1/campaigns and their findings under /api/v1/findings: list, start,
read with the results by county and kind, the findings (filtered, paginated), the township's
tasks, and closing one finding. Every endpoint has an explicit input and output serializer;
money is integer fen, dates YYYY-MM-DD. A refusal is ``{"error": {...}}`` naming the field."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doudi.api.inputs import read_input
from doudi.api.pagination import Pagination
from doudi.campaigns import queries, services
from doudi.campaigns.models import Campaign, Finding, FindingKind, FindingState, Outcome
from doudi.cases.api import StrictCharField

FEN = "integer fen (1 yuan = 100 fen)"
ID = OpenApiParameter("campaign_id", int, OpenApiParameter.PATH)
FINDING_ID = OpenApiParameter("finding_id", int, OpenApiParameter.PATH)


# ------------------------------------------------------------------------------- input


class StartInput(serializers.Serializer):
    place = StrictCharField(help_text="the code of a county or of the city")


class FindingFilterInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FindingKind.values, required=False)
    state = serializers.ChoiceField(choices=FindingState.values, required=False)
    place = serializers.CharField(required=False, help_text="a township or county code")


class CloseInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.values)
    note = StrictCharField(help_text="what was verified")
    evidence = StrictCharField(
        required=False, allow_blank=True, default="", help_text="required to clear"
    )


# ------------------------------------------------------------------------------ output


class ResultSerializer(serializers.Serializer):
    county = serializers.CharField()
    kind = serializers.CharField()
    findings = serializers.IntegerField()
    open = serializers.IntegerField()
    amount_fen = serializers.IntegerField(help_text=FEN)


class CampaignSerializer(serializers.ModelSerializer):
    place = serializers.CharField(source="region_id")
    place_name = serializers.CharField(source="region.name")
    started_by = serializers.CharField(source="started_by.username")
    percent = serializers.IntegerField()

    class Meta:
        model = Campaign
        fields = [
            "id",
            "place",
            "place_name",
            "as_of",
            "state",
            "stage",
            "steps_done",
            "steps_total",
            "percent",
            "counts",
            "deliveries",
            "started_by",
            "created_at",
            "finished_at",
            "job",
        ]


class CampaignDetailSerializer(CampaignSerializer):
    results = serializers.SerializerMethodField()

    class Meta(CampaignSerializer.Meta):
        fields = [*CampaignSerializer.Meta.fields, "results"]

    @extend_schema_field(ResultSerializer(many=True))
    def get_results(self, campaign: Campaign) -> list[dict]:
        rows = queries.results(self.context["user"], campaign)
        return ResultSerializer(rows, many=True).data


class FindingSerializer(serializers.ModelSerializer):
    township = serializers.CharField(source="region_id")
    township_name = serializers.CharField(source="region.name")
    member_name = serializers.CharField(source="member.name", default="")
    amount_fen = serializers.IntegerField(help_text=FEN, allow_null=True)
    closed_by = serializers.CharField(source="closed_by.username", default=None)

    class Meta:
        model = Finding
        fields = [
            "id",
            "campaign",
            "kind",
            "household",
            "member",
            "member_name",
            "township",
            "township_name",
            "delivery",
            "death_notice",
            "source_row",
            "amount_fen",
            "item_count",
            "detail",
            "due_on",
            "state",
            "note",
            "evidence",
            "closed_by",
            "closed_on",
            "case",
        ]


class RecoverySerializer(serializers.Serializer):
    line = serializers.IntegerField(source="pk")
    pay_month = serializers.DateField()
    payee_name = serializers.CharField()
    amount_fen = serializers.IntegerField(help_text=FEN)
    to_recover_fen = serializers.IntegerField(help_text=FEN)


class FindingDetailSerializer(FindingSerializer):
    recoveries = serializers.SerializerMethodField()

    class Meta(FindingSerializer.Meta):
        fields = [*FindingSerializer.Meta.fields, "recoveries"]

    @extend_schema_field(RecoverySerializer(many=True))
    def get_recoveries(self, finding: Finding) -> list[dict]:
        return RecoverySerializer(queries.recoveries_of(finding), many=True).data


# --------------------------------------------------------------------------- endpoints


class CampaignListView(APIView):
    pagination_class = Pagination

    @extend_schema(responses=CampaignSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(queries.visible_campaigns(request.user), request)
        return paginator.get_paginated_response(CampaignSerializer(page or [], many=True).data)

    @extend_schema(request=StartInput, responses={202: CampaignSerializer})
    def post(self, request: Request) -> Response:
        place = read_input(StartInput, request.data)["place"]
        campaign = services.start_campaign(request.user, place)
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_202_ACCEPTED)


class CampaignDetailView(APIView):
    @extend_schema(parameters=[ID], responses=CampaignDetailSerializer)
    def get(self, request: Request, campaign_id: int) -> Response:
        campaign = queries.campaign_for(request.user, campaign_id)
        return Response(CampaignDetailSerializer(campaign, context={"user": request.user}).data)


class CampaignFindingsView(APIView):
    pagination_class = Pagination

    @extend_schema(parameters=[ID, FindingFilterInput], responses=FindingSerializer(many=True))
    def get(self, request: Request, campaign_id: int) -> Response:
        campaign = queries.campaign_for(request.user, campaign_id)
        wanted = read_input(FindingFilterInput, request.query_params)
        findings = queries.findings_of(request.user, campaign, **wanted)
        paginator = Pagination()
        page = paginator.paginate_queryset(findings, request)
        return paginator.get_paginated_response(FindingSerializer(page or [], many=True).data)


class TasksView(APIView):
    """The open findings of the caller's townships, the most overdue first."""

    pagination_class = Pagination

    @extend_schema(responses=FindingSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(queries.township_tasks(request.user), request)
        return paginator.get_paginated_response(FindingSerializer(page or [], many=True).data)


class FindingDetailView(APIView):
    @extend_schema(parameters=[FINDING_ID], responses=FindingDetailSerializer)
    def get(self, request: Request, finding_id: int) -> Response:
        return Response(FindingDetailSerializer(queries.finding_for(request.user, finding_id)).data)


class CloseView(APIView):
    @extend_schema(parameters=[FINDING_ID], request=CloseInput, responses=FindingDetailSerializer)
    def post(self, request: Request, finding_id: int) -> Response:
        body = read_input(CloseInput, request.data)
        finding = services.close_finding(request.user, finding_id, **body)
        return Response(FindingDetailSerializer(finding).data)


urlpatterns = [
    path("campaigns/", CampaignListView.as_view(), name="campaigns"),
    path("campaigns/<int:campaign_id>/", CampaignDetailView.as_view(), name="campaign"),
    path(
        "campaigns/<int:campaign_id>/findings/",
        CampaignFindingsView.as_view(),
        name="campaign-findings",
    ),
    path("findings/tasks/", TasksView.as_view(), name="finding-tasks"),
    path("findings/<int:finding_id>/", FindingDetailView.as_view(), name="finding"),
    path("findings/<int:finding_id>/close/", CloseView.as_view(), name="finding-close"),
]
