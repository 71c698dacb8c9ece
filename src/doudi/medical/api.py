"""Medical assistance under /api/v1/medical: the claims (filtered by year, state and kind), a
claim with the person's claims of its year, the year's figures, the settlement file's import,
the hospital settlements, the premium-subsidy lists, and every step of ``medical.steps.STEPS``
(``steps/<name>/`` for a step on nothing, ``steps/<name>/<id>/`` on a claim). Explicit input
and output serializers; amounts are integer fen, dates YYYY-MM-DD; ID numbers masked."""

from __future__ import annotations

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doudi.api.pagination import Pagination
from doudi.api.parsers import MultiPartParser
from doudi.errors import DoudiError
from doudi.medical import queries, services, settlement_file, steps
from doudi.medical.models import (
    Claim,
    ClaimKind,
    ClaimState,
    HospitalSettlement,
    PremiumEntry,
    PremiumList,
)

OBJECT_ID = OpenApiParameter("object_id", int, OpenApiParameter.PATH)
NAME = OpenApiParameter(
    "name", str, OpenApiParameter.PATH, enum=[s.name for s in steps.STEPS], description="step"
)
YEAR = OpenApiParameter("year", int, description="calendar year (default: this year)")
FILTERS = [
    YEAR,
    OpenApiParameter("state", str, enum=ClaimState.values),
    OpenApiParameter("kind", str, enum=ClaimKind.values),
]


class MedicalClaimSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="member.name")
    id_number = serializers.CharField(source="member.id_number_masked")
    place = serializers.CharField(source="region_id")
    left_fen = serializers.IntegerField(
        help_text="left after medical assistance: for temporary assistance, then charity"
    )

    class Meta:
        model = Claim
        fields = ["id", "settlement_number", "member", "name", "id_number", "household",
                  "place", "year", "settled_on", "kind", "hospital", "paid_to",
                  "total_cost_fen", "basic_fen", "critical_fen", "supplementary_fen",
                  "category", "residual_fen", "percent", "uncapped_fen", "annual_cap_fen",
                  "received_before_fen", "assistance_fen", "left_fen", "state", "source",
                  "recorded_on", "decided_on", "reason", "settlement", "share"]  # fmt: skip


class MedicalClaimDetailSerializer(serializers.Serializer):
    claim = MedicalClaimSerializer()
    year_claims = MedicalClaimSerializer(many=True, help_text="the person's claims of the year")


class MedicalFigureSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ClaimKind.choices)
    claims = serializers.IntegerField()
    persons = serializers.IntegerField()
    assistance_fen = serializers.IntegerField()
    at_cap = serializers.IntegerField(help_text="persons whose claims reached the annual cap")


class MedicalFiguresSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    kinds = MedicalFigureSerializer(many=True)


class SettlementImportInput(serializers.Serializer):
    file = serializers.FileField(help_text="the medical-insurance bureau's settlement file, .xlsx")


class SettlementImportOutput(serializers.Serializer):
    claims = serializers.IntegerField()
    assistance_fen = serializers.IntegerField()


class HospitalSettlementSerializer(serializers.ModelSerializer):
    listed_by = serializers.CharField(source="region_id")

    class Meta:
        model = HospitalSettlement
        fields = ["id", "hospital", "claims", "total_fen", "created_on", "listed_by"]


class HospitalSettlementDetailSerializer(serializers.Serializer):
    settlement = HospitalSettlementSerializer()
    claims = MedicalClaimSerializer(many=True)


class PremiumListSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="region_id")

    class Meta:
        model = PremiumList
        fields = ["id", "county", "year", "persons", "total_fen"]


class PremiumEntrySerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="member.name")
    id_number = serializers.CharField(source="member.id_number_masked")
    place = serializers.CharField(source="region_id")

    class Meta:
        model = PremiumEntry
        fields = ["member", "name", "id_number", "place", "category", "amount_fen"]


class PremiumListDetailSerializer(serializers.Serializer):
    premium_list = PremiumListSerializer()
    entries = PremiumEntrySerializer(many=True)


class MedicalStepResultSerializer(serializers.Serializer):
    object_type = serializers.ChoiceField(
        choices=["medical_claim", "premium_list", "grant", "count"]
    )
    id = serializers.IntegerField(allow_null=True)
    count = serializers.IntegerField(allow_null=True, help_text="hospitals listed")


def _result(result: object) -> dict:
    if isinstance(result, int):
        return {"object_type": "count", "id": None, "count": result}
    kinds = {Claim: "medical_claim", PremiumList: "premium_list"}
    return {"object_type": kinds.get(type(result), "grant"), "id": result.pk, "count": None}


def _year(request: Request) -> int:
    text = request.query_params.get("year", "")
    if not text:
        return timezone.localdate().year
    if not text.isdigit() or not 2000 <= int(text) <= 2200:
        raise DoudiError(_("“%(value)s” is not a year."), field="year", value=text)
    return int(text)


class ClaimListView(APIView):
    pagination_class = Pagination  # documented as the paged answer it gives

    @extend_schema(parameters=FILTERS, responses=MedicalClaimSerializer(many=True))
    def get(self, request: Request) -> Response:
        claims = queries.filtered(
            request.user,
            year=_year(request),
            state=request.query_params.get("state", ""),
            kind=request.query_params.get("kind", ""),
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(claims, request)
        return paginator.get_paginated_response(MedicalClaimSerializer(page or [], many=True).data)


class ClaimDetailView(APIView):
    @extend_schema(parameters=[OBJECT_ID], responses=MedicalClaimDetailSerializer)
    def get(self, request: Request, object_id: int) -> Response:
        claim = queries.claim_for(request.user, object_id)
        data = {"claim": claim, "year_claims": queries.claims_of_person(request.user, claim)}
        return Response(MedicalClaimDetailSerializer(data).data)


class FiguresView(APIView):
    @extend_schema(parameters=[YEAR], responses=MedicalFiguresSerializer)
    def get(self, request: Request) -> Response:
        year = _year(request)
        data = {"year": year, "kinds": queries.year_figures(request.user, year)}
        return Response(MedicalFiguresSerializer(data).data)


class ImportView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": SettlementImportInput},
        responses={201: SettlementImportOutput},
    )
    def post(self, request: Request) -> Response:
        body = SettlementImportInput(data=request.data)
        body.is_valid(raise_exception=True)
        claims = services.import_claims(
            request.user, settlement_file.read(body.validated_data["file"].read())
        )
        data = {"claims": len(claims), "assistance_fen": sum(c.assistance_fen for c in claims)}
        return Response(SettlementImportOutput(data).data, status=201)


class SettlementListView(APIView):
    pagination_class = Pagination  # documented as the paged answer it gives

    @extend_schema(responses=HospitalSettlementSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(queries.settlements_visible_to(request.user), request)
        return paginator.get_paginated_response(
            HospitalSettlementSerializer(page or [], many=True).data
        )


class SettlementDetailView(APIView):
    @extend_schema(parameters=[OBJECT_ID], responses=HospitalSettlementDetailSerializer)
    def get(self, request: Request, object_id: int) -> Response:
        settlement = queries.settlement_for(request.user, object_id)
        data = {
            "settlement": settlement,
            "claims": queries.settlement_claims(request.user, settlement)[:5000],
        }
        return Response(HospitalSettlementDetailSerializer(data).data)


class PremiumListListView(APIView):
    pagination_class = Pagination  # documented as the paged answer it gives

    @extend_schema(responses=PremiumListSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(queries.premium_lists_visible_to(request.user), request)
        return paginator.get_paginated_response(PremiumListSerializer(page or [], many=True).data)


class PremiumListDetailView(APIView):
    @extend_schema(parameters=[OBJECT_ID], responses=PremiumListDetailSerializer)
    def get(self, request: Request, object_id: int) -> Response:
        premium_list = queries.premium_list_for(request.user, object_id)
        data = {
            "premium_list": premium_list,
            "entries": queries.premium_entries(request.user, premium_list)[:5000],
        }
        return Response(PremiumListDetailSerializer(data).data)


class StepView(APIView):
    """A step on nothing: ``record`` (MedicalClaimInput), ``settle_hospitals`` and
    ``pay_persons`` (MedicalReasonInput), ``premium_list`` (PremiumListInput)."""

    @extend_schema(
        operation_id="medical_step",
        parameters=[NAME],
        request=steps.MedicalClaimInput,
        responses={201: MedicalStepResultSerializer},
    )
    def post(self, request: Request, name: str) -> Response:
        result = steps.take(request.user, name, None, request.data)
        return Response(MedicalStepResultSerializer(_result(result)).data, status=201)


class ObjectStepView(APIView):
    """A step on a claim: ``approve`` (MedicalNoteInput) or ``reject`` (MedicalReasonInput)."""

    @extend_schema(
        operation_id="medical_object_step",
        parameters=[NAME, OBJECT_ID],
        request=steps.MedicalReasonInput,
        responses={200: MedicalStepResultSerializer},
    )
    def post(self, request: Request, name: str, object_id: int) -> Response:
        result = steps.take(request.user, name, object_id, request.data)
        return Response(MedicalStepResultSerializer(_result(result)).data)


urlpatterns = [
    path("medical/claims/", ClaimListView.as_view(), name="medical-claims"),
    path("medical/claims/import/", ImportView.as_view(), name="medical-import"),
    path("medical/claims/<int:object_id>/", ClaimDetailView.as_view(), name="medical-claim"),
    path("medical/figures/", FiguresView.as_view(), name="medical-figures"),
    path("medical/settlements/", SettlementListView.as_view(), name="medical-settlements"),
    path(
        "medical/settlements/<int:object_id>/",
        SettlementDetailView.as_view(),
        name="medical-settlement",
    ),
    path("medical/premium-lists/", PremiumListListView.as_view(), name="medical-premium-lists"),
    path(
        "medical/premium-lists/<int:object_id>/",
        PremiumListDetailView.as_view(),
        name="medical-premium-list",
    ),
    path("medical/steps/<slug:name>/", StepView.as_view(), name="medical-step"),
    path(
        "medical/steps/<slug:name>/<int:object_id>/",
        ObjectStepView.as_view(),
        name="medical-object-step",
    ),
]
