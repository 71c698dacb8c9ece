"""Supervision under /api/v1/supervision: the plans, a plan with its samples and findings, a
sample with its items and their checklists, the findings, a finding with its rectification
tasks, the overdue tasks, the hotline tickets referred to supervision (those awaiting a
decision, and one of them), the relatives register with the benefits of each declared household,
and every step of ``supervision.steps.STEPS`` (``steps/<name>/`` for a step on nothing,
``steps/<name>/<id>/`` on a plan, item, finding, task, register entry or referred ticket).
Explicit input and output serializers; amounts are integer fen, dates YYYY-MM-DD."""

from __future__ import annotations

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doudi.api.pagination import Pagination
from doudi.hotline.api import MaskedCallerSerializer
from doudi.hotline.models import Ticket
from doudi.supervision import queries, steps
from doudi.supervision.models import (
    CHECKLIST,
    Finding,
    Plan,
    Rectification,
    RelativeDeclaration,
    Sample,
    SampleItem,
)

OBJECT_ID = OpenApiParameter("object_id", int, OpenApiParameter.PATH)
NAME = OpenApiParameter(
    "name", str, OpenApiParameter.PATH, enum=[s.name for s in steps.STEPS], description="step"
)


class InspectionPlanSerializer(serializers.ModelSerializer):
    place = serializers.CharField(source="region_id")

    class Meta:
        model = Plan
        fields = ["id", "kind", "title", "place", "period_start", "period_end", "inspectors",
                  "created_on"]  # fmt: skip


class SpotCheckSampleSerializer(serializers.ModelSerializer):
    drawn = serializers.IntegerField()
    checked = serializers.IntegerField()

    class Meta:
        model = Sample
        fields = ["id", "plan", "kind", "seed", "share_percent", "minimum", "population",
                  "drawn", "checked", "drawn_on"]  # fmt: skip


class ChecklistAnswersSerializer(serializers.Serializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            name: serializers.CharField(help_text=f"{label}: yes, no, na or empty (not checked)")
            for name, label in CHECKLIST
        }

    def to_representation(self, answers: dict) -> dict:
        return {name: answers.get(name, "") for name, _label in CHECKLIST}


class SampledItemSerializer(serializers.ModelSerializer):
    household_file_number = serializers.CharField(source="household.file_number")
    place = serializers.CharField(source="region_id")
    answers = ChecklistAnswersSerializer()

    class Meta:
        model = SampleItem
        fields = ["id", "rank", "case", "household", "household_file_number", "place",
                  "answers", "note", "checked_on"]  # fmt: skip


class SpotCheckSampleDetailSerializer(serializers.Serializer):
    sample = SpotCheckSampleSerializer()
    items = SampledItemSerializer(many=True)


class SupervisionFindingSerializer(serializers.ModelSerializer):
    township = serializers.CharField(source="region_id")
    hotline_ticket = serializers.SerializerMethodField(help_text="the ticket it was raised from")

    class Meta:
        model = Finding
        fields = ["id", "township", "origin", "origin_reference", "plan", "item", "household",
                  "severity", "description", "raised_on", "hotline_ticket"]  # fmt: skip

    def get_hotline_ticket(self, finding: Finding) -> int | None:
        ticket = getattr(finding, "hotline_ticket", None)
        return ticket.pk if ticket is not None else None


class HotlineReferralSerializer(MaskedCallerSerializer):
    class Meta:
        model = Ticket
        fields = ["id", "township", "category", "household", "caller_name", "caller_phone",
                  "content", "received_on", "state", "referred_to_supervision_on",
                  "supervision_note", "finding", "supervision_declined_on",
                  "supervision_decline_reason"]  # fmt: skip


class InspectionPlanDetailSerializer(serializers.Serializer):
    plan = InspectionPlanSerializer()
    samples = SpotCheckSampleSerializer(many=True)
    findings = SupervisionFindingSerializer(many=True)


class RectificationSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="region_id")

    class Meta:
        model = Rectification
        fields = ["id", "finding", "owner", "task", "set_on", "working_days", "due_on",
                  "done_on", "outcome"]  # fmt: skip


class SupervisionFindingDetailSerializer(serializers.Serializer):
    finding = SupervisionFindingSerializer()
    rectifications = RectificationSerializer(many=True)


class DeclaredBenefitSerializer(serializers.Serializer):
    programme = serializers.CharField()
    monthly_amount_fen = serializers.IntegerField()


class RelativeDeclarationSerializer(serializers.ModelSerializer):
    township = serializers.CharField(source="region_id")

    class Meta:
        model = RelativeDeclaration
        fields = ["id", "township", "household", "relative_name", "relation", "official_name",
                  "position", "post", "declared_on", "ended_on"]  # fmt: skip


class RelativeRowSerializer(serializers.Serializer):
    declaration = RelativeDeclarationSerializer()
    benefits = DeclaredBenefitSerializer(many=True)
    monthly_fen = serializers.IntegerField()


class FlaggedCaseSerializer(serializers.Serializer):
    case = serializers.IntegerField(source="pk")
    household = serializers.IntegerField(source="household_id")
    programme = serializers.CharField()
    state = serializers.CharField()
    submitted_on = serializers.DateField()
    relative_of_staff = serializers.CharField()
    declared = serializers.BooleanField()


class RelativesReportSerializer(serializers.Serializer):
    month = serializers.DateField()
    rows = RelativeRowSerializer(many=True)
    flagged_cases = FlaggedCaseSerializer(many=True)


class SupervisionStepResultSerializer(serializers.Serializer):
    object_type = serializers.ChoiceField(
        choices=["plan", "sample", "item", "finding", "rectification", "declaration", "referral"]
    )
    id = serializers.IntegerField()


KINDS = {Plan: "plan", Sample: "sample", SampleItem: "item", Finding: "finding",
         Rectification: "rectification", RelativeDeclaration: "declaration",
         Ticket: "referral"}  # fmt: skip


def _result(result: object) -> dict:
    return {"object_type": KINDS[type(result)], "id": result.pk}


class PlanListView(APIView):
    pagination_class = Pagination  # documented as the paged answer it gives

    @extend_schema(responses=InspectionPlanSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(queries.plans_visible_to(request.user), request)
        return paginator.get_paginated_response(
            InspectionPlanSerializer(page or [], many=True).data
        )


class PlanDetailView(APIView):
    @extend_schema(parameters=[OBJECT_ID], responses=InspectionPlanDetailSerializer)
    def get(self, request: Request, object_id: int) -> Response:
        plan = queries.plan_for(request.user, object_id)
        data = {
            "plan": plan,
            "samples": queries.samples_of(request.user, plan),
            "findings": queries.findings_visible_to(request.user).filter(plan=plan)[:1000],
        }
        return Response(InspectionPlanDetailSerializer(data).data)


class SampleDetailView(APIView):
    @extend_schema(parameters=[OBJECT_ID], responses=SpotCheckSampleDetailSerializer)
    def get(self, request: Request, object_id: int) -> Response:
        sample = queries.sample_for(request.user, object_id)
        annotated = queries.samples_of(request.user, sample.plan).get(pk=sample.pk)
        data = {"sample": annotated, "items": queries.items_of(request.user, sample)[:5000]}
        return Response(SpotCheckSampleDetailSerializer(data).data)


class FindingListView(APIView):
    pagination_class = Pagination  # documented as the paged answer it gives

    @extend_schema(responses=SupervisionFindingSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(queries.findings_visible_to(request.user), request)
        return paginator.get_paginated_response(
            SupervisionFindingSerializer(page or [], many=True).data
        )


class FindingDetailView(APIView):
    @extend_schema(parameters=[OBJECT_ID], responses=SupervisionFindingDetailSerializer)
    def get(self, request: Request, object_id: int) -> Response:
        finding = queries.finding_for(request.user, object_id)
        data = {
            "finding": finding,
            "rectifications": queries.rectifications_visible_to(request.user).filter(
                finding=finding
            ),
        }
        return Response(SupervisionFindingDetailSerializer(data).data)


class OverdueRectificationsView(APIView):
    pagination_class = Pagination  # documented as the paged answer it gives

    @extend_schema(responses=RectificationSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        overdue = queries.overdue_rectifications(request.user, timezone.localdate())
        page = paginator.paginate_queryset(overdue, request)
        return paginator.get_paginated_response(RectificationSerializer(page or [], many=True).data)


class ReferralListView(APIView):
    """The hotline tickets referred to supervision awaiting a decision (待立项的热线转办)."""

    pagination_class = Pagination  # documented as the paged answer it gives

    @extend_schema(responses=HotlineReferralSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(queries.pending_referrals(request.user), request)
        return paginator.get_paginated_response(
            HotlineReferralSerializer(page or [], many=True).data
        )


class ReferralDetailView(APIView):
    @extend_schema(parameters=[OBJECT_ID], responses=HotlineReferralSerializer)
    def get(self, request: Request, object_id: int) -> Response:
        return Response(
            HotlineReferralSerializer(queries.referral_for(request.user, object_id)).data
        )


class RelativesReportView(APIView):
    @extend_schema(responses=RelativesReportSerializer)
    def get(self, request: Request) -> Response:
        month = timezone.localdate().replace(day=1)
        data = {
            "month": month,
            "rows": queries.relatives_report(request.user, month),
            "flagged_cases": queries.flagged_cases(request.user)[:1000],
        }
        return Response(RelativesReportSerializer(data).data)


class StepView(APIView):
    """A step on nothing: ``create_plan`` (PlanInput) or ``declare_relative``
    (RelativeInput)."""

    @extend_schema(
        operation_id="supervision_step",
        parameters=[NAME],
        request=steps.PlanInput,
        responses={201: SupervisionStepResultSerializer},
    )
    def post(self, request: Request, name: str) -> Response:
        result = steps.take(request.user, name, None, request.data)
        return Response(SupervisionStepResultSerializer(_result(result)).data, status=201)


class ObjectStepView(APIView):
    """A step on a plan (draw_sample, raise_plan_finding), a sampled item (check_item,
    raise_item_finding), a finding (add_rectification), a rectification task
    (complete_rectification), a register entry (end_declaration) or a hotline ticket referred
    to supervision (raise_ticket_finding, decline_referral); its body is that step's input
    serializer in ``supervision.steps``."""

    @extend_schema(
        operation_id="supervision_object_step",
        parameters=[NAME, OBJECT_ID],
        request=steps.SampleInput,
        responses={200: SupervisionStepResultSerializer},
    )
    def post(self, request: Request, name: str, object_id: int) -> Response:
        result = steps.take(request.user, name, object_id, request.data)
        return Response(SupervisionStepResultSerializer(_result(result)).data)


urlpatterns = [
    path("supervision/plans/", PlanListView.as_view(), name="supervision-plans"),
    path("supervision/plans/<int:object_id>/", PlanDetailView.as_view(), name="supervision-plan"),
    path(
        "supervision/samples/<int:object_id>/",
        SampleDetailView.as_view(),
        name="supervision-sample",
    ),
    path("supervision/findings/", FindingListView.as_view(), name="supervision-findings"),
    path(
        "supervision/findings/<int:object_id>/",
        FindingDetailView.as_view(),
        name="supervision-finding",
    ),
    path(
        "supervision/rectifications/overdue/",
        OverdueRectificationsView.as_view(),
        name="supervision-overdue",
    ),
    path("supervision/referrals/", ReferralListView.as_view(), name="supervision-referrals"),
    path(
        "supervision/referrals/<int:object_id>/",
        ReferralDetailView.as_view(),
        name="supervision-referral",
    ),
    path("supervision/relatives/", RelativesReportView.as_view(), name="supervision-relatives"),
    path("supervision/steps/<slug:name>/", StepView.as_view(), name="supervision-step"),
    path(
        "supervision/steps/<slug:name>/<int:object_id>/",
        ObjectStepView.as_view(),
        name="supervision-object-step",
    ),
]
