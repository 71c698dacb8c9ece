"""Cases under /api/v1/cases: list, read, open one, take a step, the deadline lists and the
hukou township's requests to help verify. Every endpoint has an explicit input serializer and
an output serializer; each step's input is built from the step table (cases/steps.py), the same
table the pages' forms come from, and the service is called with the validated fields by name.
Money is integer fen (1 yuan = 100 fen), dates YYYY-MM-DD. A refusal is
``{"error": {"code", "message", "message_en", "field"}}`` naming the field (api/errors.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from django.urls import path
from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doudi.accounts.jurisdiction import require
from doudi.accounts.roles import Permission
from doudi.api.fields import DateField
from doudi.api.pagination import Pagination
from doudi.cases import presentation, queries, stages, steps
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
from doudi.cases.procedures import Action, CaseProgramme, State
from doudi.cases.steps import Kind
from doudi.dates import parse_date, parse_month
from doudi.errors import DoudiError

ID = OpenApiParameter("id", int, OpenApiParameter.PATH)
FEN = "integer fen (1 yuan = 100 fen)"


# ---------------------------------------------------------------- input: strict field types


class StrictCharField(serializers.CharField):
    """A JSON string; a number or true/false is refused rather than turned into text."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    """A JSON whole number; "500" and true are refused, and so is one no database column holds
    (10^30 overflowed both databases' 64-bit integers: a server error)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", -(2**63))
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """JSON true or false; "yes" and 1 are refused."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StageInput(serializers.Serializer):
    due_on = DateField()
    amount_fen = StrictIntegerField(help_text=FEN)


# The step table's field of each stage, for naming a refused one (stages[1].due_on).
STAGE_FIELDS = {
    "due_on": steps.Field("due_on", Kind.DATE, _("due")),
    "amount_fen": steps.Field("amount_fen", Kind.FEN, _("amount")),
}


# How each kind of the step table is read, and how it is named when a value does not fit.
KIND_NAMES = {
    Kind.TEXT: _("a text"),
    Kind.LINES: _("a list of texts"),
    Kind.DATE: _("a date (YYYY-MM-DD)"),
    Kind.CHECK: _("true or false"),
    Kind.NUMBER: _("a whole number"),
    Kind.FEN: _("a whole number of fen"),
    Kind.PEOPLE: _("a list of whole numbers"),
    Kind.CHOICE: _("one of the listed values"),
    Kind.ID: _("a whole number"),
    Kind.FACTS: _("an object"),
    Kind.STAGES: _("a list of {due_on, amount_fen} objects"),
}


def _drf_field(field: steps.Field) -> serializers.Field:
    options: dict[str, Any] = {"required": field.required}
    if not field.required and field.kind not in (Kind.TEXT, Kind.CHECK, Kind.CHOICE):
        options["allow_null"] = True
    makers = {
        Kind.TEXT: lambda: StrictCharField(allow_blank=True, trim_whitespace=False, **options),
        Kind.LINES: lambda: serializers.ListField(child=StrictCharField(), **options),
        Kind.DATE: lambda: DateField(**options),
        Kind.CHECK: lambda: StrictBooleanField(**options),
        Kind.NUMBER: lambda: StrictIntegerField(**options),
        Kind.FEN: lambda: StrictIntegerField(help_text=FEN, **options),
        Kind.PEOPLE: lambda: serializers.ListField(
            child=StrictIntegerField(), help_text="user ids", **options
        ),
        Kind.CHOICE: lambda: serializers.ChoiceField(choices=field.choices.values, **options),
        Kind.ID: lambda: StrictIntegerField(**options),
        Kind.FACTS: lambda: serializers.DictField(
            help_text="case facts (docs/household-form.md)", **options
        ),
        Kind.STAGES: lambda: StageInput(many=True, **options),
    }
    return makers[field.kind]()


class StepInput(serializers.Serializer):
    """The body of one step: exactly the step table's fields. ``read`` refuses an unknown,
    missing or mistyped field by its name and gives the service's keyword arguments."""

    step: ClassVar[steps.Step]
    extra: ClassVar[dict[str, steps.Field]] = {}

    @classmethod
    def read(cls, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise DoudiError(_("Send the body as a JSON object."), field=None)
        known = cls().fields
        for name in body:
            if name not in known:
                raise DoudiError(
                    _("“%(name)s” is not a field of this step."), field=name, name=name
                )
        serializer = cls(data=body)
        if not serializer.is_valid():
            raise cls._refusal(serializer.errors, body)
        data = dict(serializer.validated_data)
        if data.get("stages") is not None:
            data["stages"] = [(stage["due_on"], stage["amount_fen"]) for stage in data["stages"]]
        return data

    @classmethod
    def _refusal(cls, errors: dict[str, Any], body: dict[str, Any]) -> DoudiError:
        """The first refused field, named by its path (``stages[1].due_on``, not ``stages``)."""
        name, detail = next(iter(errors.items()))
        field = {f.name: f for f in (*cls.step.fields, *cls.extra.values())}[name]
        path, value = name, body.get(name)
        if field.kind == Kind.STAGES and isinstance(value, list):
            # Each refused stage by its index: {1: {...}} (a list of them in older DRF).
            by_index = detail.items() if isinstance(detail, dict) else enumerate(detail)
            for index, stage_errors in by_index:
                if isinstance(index, int) and isinstance(stage_errors, dict) and stage_errors:
                    key, detail = next(iter(stage_errors.items()))
                    stage = value[index] if isinstance(value[index], dict) else {}
                    if key in STAGE_FIELDS:
                        path, field = f"{name}[{index}].{key}", STAGE_FIELDS[key]
                        value = stage.get(key)
                    else:  # a stage that is not an object at all
                        path = f"{name}[{index}]"
                    break
        codes = {getattr(item, "code", "") for item in _flat(detail)}
        if "required" in codes:
            return DoudiError(_("This field is required."), field=path)
        if field.kind == Kind.CHOICE and field.choices is not None:
            return DoudiError(
                _("“%(value)s” is not one of: %(allowed)s."),
                field=path,
                value=str(value if value is not None else ""),
                allowed=", ".join(field.choices.values),
            )
        if field.kind == Kind.DATE and isinstance(value, str):
            # The reader's own refusal, in both languages (“2026-02-30” is not a date …).
            try:
                parse_date(value, field=path, required=True)
            except DoudiError as refusal:
                return refusal
        return DoudiError(
            _("“%(name)s” must be %(kind)s."), field=path, name=path, kind=KIND_NAMES[field.kind]
        )


@contextmanager
def _api_names(*fields: steps.Field) -> Iterator[None]:
    """A service names a field as the page does (``requested_amount``, ``investigators``); the
    API's refusal names it as the API does (``requested_amount_fen``, ``investigator_ids``)."""
    try:
        yield
    except DoudiError as error:
        names = {field.input_name: field.name for field in fields if field.form_name}
        if error.field in names:
            error.field = names[error.field]
        raise


def _flat(detail: Any) -> list[Any]:
    if isinstance(detail, dict):
        return [item for value in detail.values() for item in _flat(value)]
    if isinstance(detail, list):
        return [item for value in detail for item in _flat(value)]
    return [detail]


def _camel(name: str) -> str:
    return "".join(part.title() for part in re.split(r"_+", name))


def input_serializer(
    step: steps.Step, extra: dict[str, steps.Field] | None = None
) -> type[StepInput]:
    """The input serializer of a step, declaring each field of the step table."""
    fields = {field.name: _drf_field(field) for field in step.fields}
    fields |= {name: _drf_field(field) for name, field in (extra or {}).items()}
    attributes = {
        **fields,
        "step": step,
        "extra": extra or {},
        "__doc__": f"The body of “{step.action.value}”.",
        "__module__": __name__,
    }
    return type(f"{_camel(step.action.value)}Input", (StepInput,), attributes)


# Opening a case: the submission fields and the household (services.submit's household_id).
HOUSEHOLD = steps.Field("household", Kind.ID, _("household"))
SubmitInput = input_serializer(steps.STEPS[Action.SUBMIT], {"household": HOUSEHOLD})
STEP_INPUTS: dict[Action, type[StepInput]] = {
    action: input_serializer(step) for action, step in steps.CASE_STEPS.items()
}


class CaseFilterInput(serializers.Serializer):
    state = serializers.ChoiceField(choices=State.values, required=False)
    programme = serializers.ChoiceField(choices=CaseProgramme.values, required=False)
    place = serializers.CharField(required=False, help_text="a 12-digit division code")
    number = serializers.CharField(
        required=False, help_text="a file number (410821902-2026-000012) or its last digits"
    )
    name = serializers.CharField(
        required=False, help_text="the household head's name, or its start"
    )


class PlaceInput(serializers.Serializer):
    place = serializers.CharField(required=False, help_text="a 12-digit division code")


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
            "review_outcome",
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


class WaitingSerializer(serializers.Serializer):
    action = serializers.CharField()
    message = serializers.CharField()
    message_en = serializers.CharField()


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
    steps = serializers.SerializerMethodField(help_text="the steps the caller may take now")
    waiting = serializers.SerializerMethodField(
        help_text="the caller's steps the case is not ready for yet, and why"
    )

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_steps(self, row: presentation.CaseRow) -> list[str]:
        actor = self.context.get("actor")
        return [a.value for a in presentation.available_steps(actor, row.case)] if actor else []

    @extend_schema_field(WaitingSerializer(many=True))
    def get_waiting(self, row: presentation.CaseRow) -> list[dict[str, str]]:
        actor = self.context.get("actor")
        offers = presentation.offers(actor, row.case) if actor else []
        return [
            {
                "action": offer.step.action.value,
                "message": offer.waiting.render(),
                "message_en": offer.waiting.render("en"),
            }
            for offer in offers
            if offer.waiting is not None
        ]

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


class HukouCheckSerializer(serializers.Serializer):
    """A request to help verify, as the hukou township sees it (not the case itself)."""

    case = serializers.IntegerField(source="check.case_id")
    file_number = serializers.CharField(source="check.case.file_number")
    programme = serializers.CharField(source="check.case.programme")
    asked_by = serializers.CharField(source="check.case.region_id", help_text="division code")
    asked_by_name = serializers.CharField(source="check.case.region.name")
    township = serializers.CharField(source="check.township_id")
    head_name = serializers.CharField()
    head_id_number = serializers.CharField(help_text="masked")
    requested_on = serializers.DateField(source="check.requested_on")
    due_on = serializers.DateField(source="check.due_on")
    answered_on = serializers.DateField(source="check.answered_on", allow_null=True)
    answer = serializers.CharField(source="check.answer")
    can_answer = serializers.SerializerMethodField(help_text="whether the caller may answer now")

    def get_can_answer(self, row: presentation.HukouRow) -> bool:
        actor = self.context.get("actor")
        return actor is not None and presentation.may_answer(actor, row.check)


def _detail(case: Case, actor: Any) -> dict[str, Any]:
    return CaseDetailSerializer(presentation.case_rows([case])[0], context={"actor": actor}).data


# ------------------------------------------------------------------------------ endpoints


class CaseViewSet(viewsets.ViewSet):
    lookup_value_regex = r"\d+"
    pagination_class = (
        Pagination  # the list; the other lists here are whole (pagination_class=None)
    )

    @extend_schema(parameters=[CaseFilterInput], responses=CaseSerializer(many=True))
    def list(self, request: Request) -> Response:
        require(request.user, Permission.VIEW_CASES)
        # Unknown states and programmes are ignored, as on the page's filters.
        wanted = {
            name: request.query_params.get(name, "").strip()
            for name in ("state", "programme", "place", "number", "name")
        }
        cases = presentation.filtered_cases(request.user, **wanted)
        paginator = Pagination()
        page = paginator.paginate_queryset(cases, request) or []
        return paginator.get_paginated_response(
            CaseSerializer(presentation.case_rows(page), many=True).data
        )

    @extend_schema(parameters=[ID], responses=CaseDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(_detail(queries.case_for(request.user, int(pk)), request.user))

    @extend_schema(request=SubmitInput, responses={201: CaseDetailSerializer})
    def create(self, request: Request) -> Response:
        arguments = SubmitInput.read(request.data)
        household_id = arguments.pop("household")
        step = steps.STEPS[Action.SUBMIT]
        with _api_names(*step.fields):
            case = step.service(request.user, household_id, **arguments)
        return Response(_detail(case, request.user), status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[PlaceInput], responses=DeadlinesSerializer)
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

    @extend_schema(responses=HukouCheckSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="hukou-checks", pagination_class=None)
    def hukou_checks(self, request: Request) -> Response:
        """The requests to help verify waiting for the user's townships to answer."""
        require(request.user, Permission.VIEW_CASES)
        rows = presentation.hukou_rows(request.user)
        return Response(HukouCheckSerializer(rows, many=True, context={"actor": request.user}).data)


class StagedPaymentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    case = serializers.IntegerField(source="decision.case_id")
    case_file_number = serializers.CharField(source="decision.case.file_number")
    programme = serializers.CharField(source="decision.case.programme")
    place = serializers.CharField(source="decision.case.region_id")
    sequence = serializers.IntegerField()
    due_on = serializers.DateField()
    amount_fen = serializers.IntegerField()
    status = serializers.ChoiceField(choices=list(stages.STATUS_LABELS))
    stopped_on = serializers.DateField(allow_null=True)


STAGE_MONTH = OpenApiParameter("month", str, description="YYYY-MM (empty: this month)")


class StagedPaymentsView(APIView):
    """GET /cases/stages/?month=YYYY-MM&place=: the stages of temporary-assistance grants due in
    the month, with what became of each (paid, with the bank, failed, stopped, due)."""

    pagination_class = Pagination  # documented as the paged answer it gives

    @extend_schema(
        parameters=[STAGE_MONTH, PlaceInput], responses=StagedPaymentSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        require(request.user, Permission.VIEW_CASES)
        typed = request.query_params.get("month", "").strip()
        month = parse_month(typed) if typed else localdate().replace(day=1)
        place = presentation.place_code(request.query_params.get("place", ""))
        paginator = Pagination()
        page = paginator.paginate_queryset(stages.stages_due(request.user, month, place), request)
        return paginator.get_paginated_response(StagedPaymentSerializer(page or [], many=True).data)


class StepView(APIView):
    """POST /cases/{id}/actions/{step}/: one step, its body read by the step's serializer."""

    step: ClassVar[steps.Step]
    body: ClassVar[type[StepInput]]

    def post(self, request: Request, pk: int) -> Response:
        step = self.step
        if step.by_hukou_place:
            queries.hukou_check_for(request.user, pk)
        else:
            queries.case_for(request.user, pk)
        require(request.user, step.permission)
        arguments = self.body.read(request.data)
        with _api_names(*step.fields):
            case = step.service(request.user, pk, **arguments)
        if step.by_hukou_place:
            check = queries.hukou_check_for(request.user, case.pk)
            row = presentation.HukouRow(check, presentation.case_rows([check.case])[0].head)
            return Response(HukouCheckSerializer(row, context={"actor": request.user}).data)
        return Response(_detail(case, request.user))


def _step_view(step: steps.Step) -> type[StepView]:
    body = STEP_INPUTS[step.action]

    # Its own function, so that each step's schema (request and response) stays its own.
    @extend_schema(
        operation_id=f"cases_{step.action.value}",
        parameters=[ID],
        request=body,
        responses=HukouCheckSerializer if step.by_hukou_place else CaseDetailSerializer,
        description=f"Take the step “{step.action.value}”; permission {step.permission}.",
    )
    def post(self: StepView, request: Request, pk: int) -> Response:
        return StepView.post(self, request, pk)

    return type(
        f"{_camel(step.action.value)}View",
        (StepView,),
        {"step": step, "body": body, "post": post, "__module__": __name__},
    )


class UnknownStepView(APIView):
    @extend_schema(exclude=True)
    def post(self, request: Request, pk: int, step: str) -> Response:
        queries.case_for(request.user, pk)
        raise DoudiError(
            _("“%(value)s” is not one of: %(allowed)s."),
            field="action",
            value=step,
            allowed=", ".join(action.value for action in steps.CASE_STEPS),
        )


# Included by doudi/api/urls.py: one endpoint per step, then the refusal of any other name.
urlpatterns = [
    path("cases/stages/", StagedPaymentsView.as_view(), name="case-stages"),
    *(
        path(
            f"cases/<int:pk>/actions/{action.value}/",
            _step_view(step).as_view(),
            name=f"case-{action.value}",
        )
        for action, step in steps.CASE_STEPS.items()
    ),
    path("cases/<int:pk>/actions/<str:step>/", UnknownStepView.as_view(), name="case-step"),
]
