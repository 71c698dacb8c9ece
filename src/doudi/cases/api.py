"""Cases under /api/v1/cases: read them, open one, take a step. Money in fen, dates as
YYYY-MM-DD; a step's body holds the keyword arguments of its service (services.py)."""

from __future__ import annotations

import datetime
import inspect
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response

from doudi.cases import queries, services
from doudi.cases.models import Case, Decision, Transition
from doudi.cases.procedures import Action
from doudi.cases.views import STEP_SERVICES
from doudi.errors import DoudiError

INVESTIGATION_STEPS = {Action.INVESTIGATE, Action.REINVESTIGATE, Action.COMPLETE_PAPERS}


class TransitionSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username")

    class Meta:
        model = Transition
        fields = ["action", "from_state", "to_state", "actor", "at", "reason", "details"]


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = ["outcome", "decided_on", "reasons", "monthly_amount_fen", "total_amount_fen",
                  "start_month", "end_month", "notify_due_on", "notified_on"]


class CaseSerializer(serializers.ModelSerializer):
    file_number = serializers.CharField()
    region = serializers.CharField(source="region_id")

    class Meta:
        model = Case
        fields = ["id", "file_number", "household", "region", "member", "programme", "kind",
                  "channel", "state", "submitted_on", "accepted_on", "delegated", "due_on",
                  "step_due_on", "notice_starts_on", "notice_ends_on", "relative_of_staff",
                  "closed_on"]


class CaseDetailSerializer(CaseSerializer):
    transitions = TransitionSerializer(many=True)
    decision = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "transitions", "decision"]

    def get_decision(self, case: Case) -> dict[str, Any] | None:
        decision = Decision.objects.filter(case=case).first()
        return DecisionSerializer(decision).data if decision else None


def _accepted(step: Action) -> dict[str, inspect.Parameter]:
    function = services._investigation if step in INVESTIGATION_STEPS else STEP_SERVICES[step]
    skip = {"actor", "case", "case_id", "kind", "record_fields"}
    return {name: p for name, p in inspect.signature(function).parameters.items()
            if name not in skip}


def _value(name: str, value: Any) -> Any:
    if name.endswith("_on") and isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise DoudiError(_("“%(value)s” is not a date (YYYY-MM-DD)."), field=name,
                             value=value) from None
    if name == "stages" and isinstance(value, list):
        return [(_value("due_on", day), amount) for day, amount in value]
    return value


def step_arguments(step: Action, body: dict[str, Any]) -> dict[str, Any]:
    """The body as the service's keyword arguments; unknown or missing fields refused."""
    accepted = _accepted(step)
    for name in body:
        if name not in accepted:
            raise DoudiError(_("“%(name)s” is not a field of this step."), field=name, name=name)
    for name, parameter in accepted.items():
        if parameter.default is inspect.Parameter.empty and name not in body:
            raise DoudiError(_("This field is required."), field=name)
    return {name: _value(name, value) for name, value in body.items()}


class CaseViewSet(viewsets.ViewSet):
    def list(self, request: Request) -> Response:
        cases = queries.cases_visible_to(request.user)
        for name in ("state", "programme"):
            if request.query_params.get(name):
                cases = cases.filter(**{name: request.query_params[name]})
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(cases, request)
        return paginator.get_paginated_response(CaseSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(CaseDetailSerializer(queries.case_for(request.user, int(pk))).data)

    def create(self, request: Request) -> Response:
        body = dict(request.data)
        household, programme = body.pop("household", None), body.pop("programme", "")
        if not isinstance(household, int):
            raise DoudiError(_("This field is required."), field="household")
        accepted = set(inspect.signature(services.submit).parameters) - {"actor", "household_id"}
        unknown = sorted(set(body) - accepted)
        if unknown:
            raise DoudiError(_("“%(name)s” is not a field of this step."), field=unknown[0],
                             name=unknown[0])
        case = services.submit(request.user, household, programme,
                               **{name: _value(name, value) for name, value in body.items()})
        return Response(CaseDetailSerializer(case).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], url_path=r"actions/(?P<step>[a-z_]+)")
    def step(self, request: Request, pk: str, step: str) -> Response:
        if step not in STEP_SERVICES:
            raise DoudiError(_("Unknown step."), field="action")
        case = STEP_SERVICES[Action(step)](request.user, int(pk),
                                           **step_arguments(Action(step), dict(request.data)))
        return Response(CaseDetailSerializer(case).data)

    @action(detail=False, methods=["get"])
    def deadlines(self, request: Request) -> Response:
        lists = queries.deadline_lists(request.user, request.query_params.get("place", ""))
        return Response({name: CaseSerializer(getattr(lists, name), many=True).data
                         for name in ("overdue", "due_soon", "relatives")})
