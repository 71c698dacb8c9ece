"""Cases under /api/v1/cases: read them, open one, take a step. Money in fen (integers), dates
as YYYY-MM-DD; a step's body holds the keyword arguments of its service (services.py), each
checked against the type the service declares, an unknown or missing one refused by name."""

from __future__ import annotations

import datetime
import inspect
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response

from doudi.accounts.jurisdiction import require
from doudi.accounts.roles import Permission
from doudi.cases import presentation, queries, services
from doudi.cases.models import (
    Case,
    DataCheck,
    Decision,
    EmergencyPayment,
    Investigation,
    Objection,
    Opinion,
    PaymentStage,
    SpotCheck,
    Transition,
)
from doudi.cases.presentation import STEP_SERVICES, step_named
from doudi.cases.procedures import Action
from doudi.errors import DoudiError

# These steps pass their fields on to services._investigation, which names them.
INVESTIGATION_STEPS = {Action.INVESTIGATE, Action.REINVESTIGATE, Action.COMPLETE_PAPERS}
NOT_FROM_BODY = {"actor", "case", "case_id", "household_id", "record_fields"}
BODY = {
    "type": "object",
    "description": "The keyword arguments of the step's service "
    "(src/doudi/cases/services.py): dates as YYYY-MM-DD, money as integer fen.",
}
ID = OpenApiParameter("id", int, OpenApiParameter.PATH)


# ---------------------------------------------------------------------------- serializers


class TransitionSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username")

    class Meta:
        model = Transition
        fields = ["action", "from_state", "to_state", "actor", "at", "reason", "details"]


class InvestigationSerializer(serializers.ModelSerializer):
    investigators = serializers.SerializerMethodField()

    class Meta:
        model = Investigation
        fields = [
            "kind",
            "visited_on",
            "home_visit",
            "neighbours_heard",
            "findings",
            "investigators",
        ]

    def get_investigators(self, record: Investigation) -> list[str]:
        return [str(person) for person in record.investigators.all()]


class DataCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = DataCheck
        fields = ["requested_on", "due_on", "answered_on", "result", "findings"]


class OpinionSerializer(serializers.ModelSerializer):
    given_by = serializers.CharField(source="given_by.username")

    class Meta:
        model = Opinion
        fields = ["given_on", "given_by", "recommends_approval", "text"]


class ObjectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objection
        fields = [
            "received_on",
            "content",
            "resolution",
            "resolved_on",
            "participants",
            "in_favour",
            "outcome",
        ]


class SpotCheckSerializer(serializers.ModelSerializer):
    checked_by = serializers.CharField(source="checked_by.username")

    class Meta:
        model = SpotCheck
        fields = ["checked_on", "checked_by", "agrees", "findings"]


class StageSerializer(serializers.ModelSerializer):
    class Meta:
        model = PaymentStage
        fields = ["sequence", "due_on", "amount_fen"]


class EngineSerializer(serializers.Serializer):
    eligible = serializers.BooleanField(allow_null=True)
    failed_tests = serializers.ListField(child=serializers.CharField())
    error = serializers.CharField()


class DecisionSerializer(serializers.ModelSerializer):
    decided_by = serializers.CharField(source="decided_by.username")
    stages = StageSerializer(many=True)
    engine = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = [
            "outcome",
            "decided_on",
            "decided_by",
            "reasons",
            "monthly_amount_fen",
            "total_amount_fen",
            "start_month",
            "end_month",
            "notify_due_on",
            "notified_on",
            "stages",
            "engine",
        ]

    @extend_schema_field(EngineSerializer(allow_null=True))
    def get_engine(self, decision: Decision) -> dict[str, Any] | None:
        summary = presentation.engine_summary(decision)
        return EngineSerializer(summary).data if summary else None


class EmergencyPaymentSerializer(serializers.ModelSerializer):
    amount_fen = serializers.IntegerField(source="movement.amount_fen")

    class Meta:
        model = EmergencyPayment
        fields = ["paid_on", "amount_fen", "papers_due_on", "papers_done_on"]


class CaseSerializer(serializers.Serializer):
    """A case in a list: the household head by name and masked ID number only."""

    id = serializers.IntegerField(source="case.pk")
    file_number = serializers.CharField(source="case.file_number")
    household = serializers.IntegerField(source="case.household_id")
    head_name = serializers.CharField()
    head_id_number = serializers.CharField(help_text="masked")
    region = serializers.CharField(source="case.region_id")
    member = serializers.IntegerField(source="case.member_id", allow_null=True)
    programme = serializers.CharField(source="case.programme")
    kind = serializers.CharField(source="case.kind")
    channel = serializers.CharField(source="case.channel")
    state = serializers.CharField(source="case.state")
    submitted_on = serializers.DateField(source="case.submitted_on")
    accepted_on = serializers.DateField(source="case.accepted_on", allow_null=True)
    delegated = serializers.BooleanField(source="case.delegated")
    step_due_on = serializers.DateField(source="case.step_due_on", allow_null=True)
    step_due_provisional = serializers.BooleanField()
    due_on = serializers.DateField(source="case.due_on", allow_null=True)
    due_provisional = serializers.BooleanField()
    relative_of_staff = serializers.CharField(source="case.relative_of_staff")
    closed_on = serializers.DateField(source="case.closed_on", allow_null=True)


class CaseDetailSerializer(CaseSerializer):
    proxy_name = serializers.CharField(source="case.proxy_name")
    need = serializers.CharField(source="case.need")
    requested_amount_fen = serializers.IntegerField(
        source="case.requested_amount_fen", allow_null=True
    )
    authorisation_signed_on = serializers.DateField(
        source="case.authorisation_signed_on", allow_null=True
    )
    missing_materials = serializers.ListField(
        source="case.missing_materials", child=serializers.CharField()
    )
    extension_reason = serializers.CharField(source="case.extension_reason")
    notice_starts_on = serializers.DateField(source="case.notice_starts_on", allow_null=True)
    notice_ends_on = serializers.DateField(source="case.notice_ends_on", allow_null=True)
    facts = serializers.JSONField(source="case.facts")
    transitions = TransitionSerializer(source="case.transitions", many=True)
    investigations = InvestigationSerializer(source="case.investigations", many=True)
    data_checks = DataCheckSerializer(source="case.data_checks", many=True)
    opinions = OpinionSerializer(source="case.opinions", many=True)
    objections = ObjectionSerializer(source="case.objections", many=True)
    spot_checks = SpotCheckSerializer(source="case.spot_checks", many=True)
    decision = serializers.SerializerMethodField()
    emergency_payment = serializers.SerializerMethodField()

    @extend_schema_field(DecisionSerializer(allow_null=True))
    def get_decision(self, row: presentation.CaseRow) -> dict[str, Any] | None:
        decision = presentation.decision_of(row.case)
        return DecisionSerializer(decision).data if decision else None

    @extend_schema_field(EmergencyPaymentSerializer(allow_null=True))
    def get_emergency_payment(self, row: presentation.CaseRow) -> dict[str, Any] | None:
        payment = getattr(row.case, "emergency_payment", None)
        return EmergencyPaymentSerializer(payment).data if payment else None


class DeadlinesSerializer(serializers.Serializer):
    overdue = CaseSerializer(many=True)
    due_soon = CaseSerializer(many=True)
    relatives = CaseSerializer(many=True)


def _detail(case: Case) -> dict[str, Any]:
    return CaseDetailSerializer(presentation.case_rows([case])[0]).data


# ------------------------------------------------------------------- reading a step's body


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _date(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _stages(value: Any) -> list[tuple[datetime.date, int]] | None:
    if not isinstance(value, list):
        return None
    stages = [
        (_date(item[0]), item[1])
        for item in value
        if isinstance(item, list | tuple) and len(item) == 2
    ]
    if len(stages) != len(value) or any(day is None or not _is_int(fen) for day, fen in stages):
        return None
    return stages


def _kept(check: Callable[[Any], bool]) -> Callable[[Any], Any]:
    return lambda value: value if check(value) else None


# Each annotation of the services' keyword arguments: how to read it, and how to name it
# when the value does not fit. A reader answers None for a value that does not fit.
READERS: dict[str, tuple[Callable[[Any], Any], Any]] = {
    "str": (_kept(lambda v: isinstance(v, str)), _("a text")),
    "int": (_kept(_is_int), _("a whole number")),
    "bool": (_kept(lambda v: isinstance(v, bool)), _("true or false")),
    "datetime.date": (_date, _("a date (YYYY-MM-DD)")),
    "list[int]": (
        _kept(lambda v: isinstance(v, list) and all(map(_is_int, v))),
        _("a list of whole numbers"),
    ),
    "list[str]": (
        _kept(lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v)),
        _("a list of texts"),
    ),
    "dict[str, Any]": (_kept(lambda v: isinstance(v, dict)), _("an object")),
    "list[tuple[datetime.date, int]]": (_stages, _("a list of [date, amount in fen] pairs")),
}


def _read(name: str, annotation: Any, value: Any) -> Any:
    wanted = str(annotation).removesuffix(" | None")
    if value is None and str(annotation).endswith(" | None"):
        return None
    reader, description = READERS.get(wanted, (lambda v: v, ""))
    read = reader(value)
    if read is None:
        raise DoudiError(_("“%(name)s” must be %(kind)s."), field=name, name=name, kind=description)
    return read


def arguments_for(function: Callable[..., Any], body: Any) -> dict[str, Any]:
    """The body as the function's keyword arguments; unknown, missing or mistyped refused."""
    if not isinstance(body, dict):
        raise DoudiError(_("Send the body as a JSON object."), field=None)
    parameters = inspect.signature(function).parameters.items()
    skip = NOT_FROM_BODY | ({"kind"} if function is services._investigation else set())
    accepted = {name: parameter for name, parameter in parameters if name not in skip}
    for name in body:
        if name not in accepted:
            raise DoudiError(_("“%(name)s” is not a field of this step."), field=name, name=name)
    for name, parameter in accepted.items():
        if parameter.default is inspect.Parameter.empty and name not in body:
            raise DoudiError(_("This field is required."), field=name)
    return {name: _read(name, accepted[name].annotation, value) for name, value in body.items()}


def _service_signature(step: Action) -> Callable[..., Any]:
    return services._investigation if step in INVESTIGATION_STEPS else STEP_SERVICES[step]


# ------------------------------------------------------------------------------ endpoints


class CaseViewSet(viewsets.ViewSet):
    lookup_value_regex = r"\d+"

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str),
            OpenApiParameter("programme", str),
            OpenApiParameter("place", str),
        ],
        responses=CaseSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        require(request.user, Permission.VIEW_CASES)
        cases = presentation.filtered_cases(
            request.user,
            **{
                name: request.query_params.get(name, "") for name in ("state", "programme", "place")
            },
        )
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(cases, request) or []
        return paginator.get_paginated_response(
            CaseSerializer(presentation.case_rows(page), many=True).data
        )

    @extend_schema(parameters=[ID], responses=CaseDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(_detail(queries.case_for(request.user, int(pk))))

    @extend_schema(request=BODY, responses={201: CaseDetailSerializer})
    def create(self, request: Request) -> Response:
        body = dict(request.data) if isinstance(request.data, dict) else request.data
        household = body.pop("household", None) if isinstance(body, dict) else None
        if not _is_int(household):
            raise DoudiError(_("This field is required."), field="household")
        arguments = arguments_for(services.submit, body)
        case = services.submit(request.user, household, **arguments)
        return Response(_detail(case), status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            ID,
            OpenApiParameter(
                "step", str, OpenApiParameter.PATH, enum=[a.value for a in STEP_SERVICES]
            ),
        ],
        request=BODY,
        responses=CaseDetailSerializer,
    )
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<step>[a-z_]+)")
    def step(self, request: Request, pk: str, step: str) -> Response:
        case = queries.case_for(request.user, int(pk))
        chosen = step_named(step)
        if chosen is None:
            raise DoudiError(
                _("“%(value)s” is not one of: %(allowed)s."),
                field="action",
                value=step,
                allowed=", ".join(a.value for a in STEP_SERVICES),
            )
        require(request.user, services.ACTION_PERMISSION[chosen])
        arguments = arguments_for(_service_signature(chosen), request.data)
        return Response(_detail(STEP_SERVICES[chosen](request.user, case.pk, **arguments)))

    @extend_schema(parameters=[OpenApiParameter("place", str)], responses=DeadlinesSerializer)
    @action(detail=False, methods=["get"])
    def deadlines(self, request: Request) -> Response:
        require(request.user, Permission.VIEW_CASES)
        place = presentation.place_code(request.query_params.get("place", ""))
        lists = queries.deadline_lists(request.user, place)
        return Response(
            {
                name: CaseSerializer(presentation.case_rows(getattr(lists, name)), many=True).data
                for name in ("overdue", "due_soon", "relatives")
            }
        )
