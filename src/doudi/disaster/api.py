"""Disaster relief under /api/v1/disaster: the events, an event with its figures and reports,
the waves, a wave with its figures and list, and every step of ``disaster.steps.STEPS``
(``steps/<name>/`` for a step on nothing, ``steps/<name>/<id>/`` on an event, report or wave).
Explicit input and output serializers; amounts are integer fen, dates YYYY-MM-DD."""

from __future__ import annotations

from django.db.models import Count
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doudi.api.pagination import Pagination
from doudi.disaster import queries, steps
from doudi.disaster.models import Event, ImpactReport, ReliefGrant, Wave, WaveEntry

OBJECT_ID = OpenApiParameter("object_id", int, OpenApiParameter.PATH)
NAME = OpenApiParameter(
    "name", str, OpenApiParameter.PATH, enum=[s.name for s in steps.STEPS], description="step"
)


class DisasterEventSerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="region_id")
    places = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = ["id", "kind", "name", "recorded_by", "started_on", "ended_on",
                  "response_level", "places"]  # fmt: skip

    def get_places(self, event: Event) -> list[str]:
        return [p.region_id for p in event.places.all()]


class DisasterFigureRowSerializer(serializers.Serializer):
    place = serializers.CharField(source="code")
    name = serializers.CharField()
    households = serializers.IntegerField()
    persons = serializers.IntegerField()
    reported = serializers.IntegerField()
    verified = serializers.IntegerField()
    previewed_fen = serializers.IntegerField()
    paid_fen = serializers.IntegerField()


class DisasterFiguresSerializer(serializers.Serializer):
    rows = DisasterFigureRowSerializer(many=True)
    total = DisasterFigureRowSerializer()


class ReliefGrantOutputSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="grant.name")
    state = serializers.CharField(source="grant.state")
    persons = serializers.IntegerField(source="grant.persons")
    total_fen = serializers.IntegerField(source="grant.total_fen")

    class Meta:
        model = ReliefGrant
        fields = ["grant", "kind", "name", "state", "persons", "total_fen"]


class DisasterEventDetailSerializer(serializers.Serializer):
    event = DisasterEventSerializer()
    figures = DisasterFiguresSerializer()
    grants = ReliefGrantOutputSerializer(many=True)


class ImpactReportSerializer(serializers.ModelSerializer):
    household_file_number = serializers.CharField(source="household.file_number")
    place = serializers.CharField(source="region_id")

    class Meta:
        model = ImpactReport
        fields = ["id", "event", "household", "household_file_number", "place",
                  "house_collapsed", "house_severely_damaged", "no_livelihood", "injured",
                  "dead", "persons_affected", "note", "state", "reported_on", "verified_on",
                  "returned_reason"]  # fmt: skip


class ReliefWaveSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="title")
    run_by = serializers.CharField(source="region_id")

    class Meta:
        model = Wave
        fields = ["id", "name", "winter_of", "run_by"]


class WaveEntrySerializer(serializers.ModelSerializer):
    household_file_number = serializers.CharField(source="household.file_number")
    place = serializers.CharField(source="region_id")
    persons = serializers.IntegerField(source="listed")
    paid_by_grant = serializers.IntegerField(source="share.grant_id", allow_null=True)

    class Meta:
        model = WaveEntry
        fields = ["id", "household", "household_file_number", "place", "persons",
                  "per_person_fen", "source", "paid_by_grant"]  # fmt: skip


class ReliefWaveDetailSerializer(serializers.Serializer):
    wave = ReliefWaveSerializer()
    figures = DisasterFiguresSerializer()
    entries = WaveEntrySerializer(many=True)
    grants = ReliefGrantOutputSerializer(many=True)


class DisasterStepResultSerializer(serializers.Serializer):
    object_type = serializers.ChoiceField(
        choices=["event", "wave", "impact_report", "wave_entry", "relief_grant", "count"]
    )
    id = serializers.IntegerField(allow_null=True)
    grant = serializers.IntegerField(allow_null=True, help_text="the grant a listing defined")
    count = serializers.IntegerField(allow_null=True, help_text="households listed")


def _result(result: object) -> dict:
    if isinstance(result, int):
        return {"object_type": "count", "id": None, "grant": None, "count": result}
    kinds = {Event: "event", Wave: "wave", ImpactReport: "impact_report",
             WaveEntry: "wave_entry", ReliefGrant: "relief_grant"}  # fmt: skip
    return {
        "object_type": kinds[type(result)],
        "id": result.pk,
        "grant": getattr(result, "grant_id", None),
        "count": None,
    }


class EventListView(APIView):
    pagination_class = Pagination  # documented as the paged answer it gives

    @extend_schema(responses=DisasterEventSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        events = queries.events_visible_to(request.user).prefetch_related("places")
        page = paginator.paginate_queryset(events, request)
        return paginator.get_paginated_response(DisasterEventSerializer(page or [], many=True).data)


class EventDetailView(APIView):
    @extend_schema(parameters=[OBJECT_ID], responses=DisasterEventDetailSerializer)
    def get(self, request: Request, object_id: int) -> Response:
        event = queries.event_for(request.user, object_id)
        data = {
            "event": event,
            "figures": queries.event_figures(request.user, event),
            "grants": queries.relief_grants(request.user, event=event),
        }
        return Response(DisasterEventDetailSerializer(data).data)


class ReportListView(APIView):
    pagination_class = Pagination  # documented as the paged answer it gives

    @extend_schema(parameters=[OBJECT_ID], responses=ImpactReportSerializer(many=True))
    def get(self, request: Request, object_id: int) -> Response:
        event = queries.event_for(request.user, object_id)
        paginator = Pagination()
        reports = queries.reports_of(request.user, event).order_by("id")
        page = paginator.paginate_queryset(reports, request)
        return paginator.get_paginated_response(ImpactReportSerializer(page or [], many=True).data)


class WaveListView(APIView):
    pagination_class = Pagination  # documented as the paged answer it gives

    @extend_schema(responses=ReliefWaveSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(queries.waves_visible_to(request.user), request)
        return paginator.get_paginated_response(ReliefWaveSerializer(page or [], many=True).data)


class WaveDetailView(APIView):
    @extend_schema(parameters=[OBJECT_ID], responses=ReliefWaveDetailSerializer)
    def get(self, request: Request, object_id: int) -> Response:
        wave = queries.wave_for(request.user, object_id)
        entries = queries.entries_of(request.user, wave).annotate(listed=Count("persons"))
        data = {
            "wave": wave,
            "figures": queries.wave_figures(request.user, wave),
            "entries": entries.order_by("id")[:5000],
            "grants": queries.relief_grants(request.user, wave=wave),
        }
        return Response(ReliefWaveDetailSerializer(data).data)


class StepView(APIView):
    """A step on nothing: ``create_event`` (DisasterEventInput) or ``create_wave``
    (ReliefWaveInput)."""

    @extend_schema(
        operation_id="disaster_step",
        parameters=[NAME],
        request=steps.DisasterEventInput,
        responses={201: DisasterStepResultSerializer},
    )
    def post(self, request: Request, name: str) -> Response:
        result = steps.take(request.user, name, None, request.data)
        return Response(DisasterStepResultSerializer(_result(result)).data, status=201)


class ObjectStepView(APIView):
    """A step on an event (report, transitional_grant, cohort_grant), a report (verify,
    return), a wave (assess, assess_from_reports, wave_grant) or a wave's entry (unlist); its
    body is that step's input serializer in ``disaster.steps``."""

    @extend_schema(
        operation_id="disaster_object_step",
        parameters=[NAME, OBJECT_ID],
        request=steps.ImpactReportInput,
        responses={200: DisasterStepResultSerializer},
    )
    def post(self, request: Request, name: str, object_id: int) -> Response:
        result = steps.take(request.user, name, object_id, request.data)
        return Response(DisasterStepResultSerializer(_result(result)).data)


urlpatterns = [
    path("disaster/events/", EventListView.as_view(), name="disaster-events"),
    path("disaster/events/<int:object_id>/", EventDetailView.as_view(), name="disaster-event"),
    path(
        "disaster/events/<int:object_id>/reports/",
        ReportListView.as_view(),
        name="disaster-reports",
    ),
    path("disaster/waves/", WaveListView.as_view(), name="disaster-waves"),
    path("disaster/waves/<int:object_id>/", WaveDetailView.as_view(), name="disaster-wave"),
    path("disaster/steps/<slug:name>/", StepView.as_view(), name="disaster-step"),
    path(
        "disaster/steps/<slug:name>/<int:object_id>/",
        ObjectStepView.as_view(),
        name="disaster-object-step",
    ),
]
