"""The registry under /api/v1: the household JSON form in and out, and each change on its own."""

from __future__ import annotations

import datetime
import json
from importlib import resources
from typing import Any

from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doudi.api.fields import DateField
from doudi.api.pagination import Pagination
from doudi.api.parsers import MultiPartParser
from doudi.api.schema import ErrorDetailSerializer
from doudi.api.serializers import ReasonSerializer
from doudi.audit.actions import action_label
from doudi.dates import not_beyond, parse_date
from doudi.errors import DoudiError
from doudi.registry import queries, services
from doudi.registry.chain import assistance_chain
from doudi.registry.queries import HouseholdFilter


def household_schema() -> dict[str, Any]:
    """The JSON Schema of the household form (shipped in the package)."""
    text = resources.files("doudi.registry").joinpath("schema/household.schema.json")
    return json.loads(text.read_text(encoding="utf-8"))


class HouseholdRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    file_number = serializers.CharField()
    region = serializers.CharField(source="region_id")
    region_name = serializers.CharField(source="region.name")
    address = serializers.CharField()
    size = serializers.IntegerField()
    head_name = serializers.CharField(allow_null=True)
    head_id_number = serializers.CharField(allow_null=True, help_text="masked")


class SearchSerializer(serializers.Serializer):
    id_number = serializers.CharField(required=False, allow_blank=True, default="")
    name = serializers.CharField(required=False, allow_blank=True, default="")
    place = serializers.CharField(required=False, allow_blank=True, default="")


class HouseholdChangeSerializer(ReasonSerializer):
    address = serializers.CharField(allow_blank=True)
    region = serializers.CharField()


class EndMembershipSerializer(ReasonSerializer):
    left_on = DateField(required=False)
    leave_reason = serializers.CharField()
    death_date = DateField(required=False, allow_null=True, default=None)
    new_head = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=2**63 - 1,
        help_text="the member who heads the household from now on (required when the head "
        "leaves and others remain)",
    )


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    category = serializers.CharField()
    description = serializers.CharField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_by = serializers.CharField(source="uploaded_by.username")
    uploaded_at = serializers.DateTimeField()


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    category = serializers.CharField(required=False)
    description = serializers.CharField(required=False)


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    recorded_at = serializers.DateTimeField()
    recorded_by = serializers.CharField()
    action = serializers.CharField()
    action_label = serializers.CharField()


FORM_BODY = {
    "type": "object",
    "description": "The household JSON form (see /api/v1/schemas/household.json)",
}
# A request body is documented per media type; the form is JSON only.
FORM_REQUEST = {"application/json": FORM_BODY}


class HouseholdWrittenSerializer(serializers.Serializer):
    """A household after a change that may warn (a birthplace code no longer in the list …)."""

    household = serializers.JSONField(help_text=FORM_BODY["description"])
    warnings = ErrorDetailSerializer(many=True)


# As of a day: the registry's record up to a year ahead (what is already known to change);
# a later day (9999-12-31) is a typing mistake, and would overflow the day after it.
AS_OF_DAYS_AHEAD = 366


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _body_without_reason(request: Request) -> tuple[dict[str, Any], str]:
    if not isinstance(request.data, dict):
        raise DoudiError(_("The request body must be a JSON object."))
    body = dict(request.data)
    return body, str(body.pop("reason", "") or "")


def _rows(households: list) -> list[dict[str, Any]]:
    heads, sizes = queries.heads_of(households), queries.sizes_of(households)
    rows = []
    for household in households:
        head = heads.get(household.pk)
        household.head_name = head.name if head else None
        household.head_id_number = head.id_number_masked if head else None
        household.size = sizes.get(household.pk, 0)
        rows.append(household)
    return HouseholdRowSerializer(rows, many=True).data


def _warnings(warnings: list[DoudiError]) -> list[dict[str, Any]]:
    return [warning.as_dict() for warning in warnings]


class HouseholdViewSet(viewsets.ViewSet):
    """Households in the caller's jurisdiction. ID numbers are masked unless revealed."""

    lookup_value_regex = r"\d+"
    serializer_class = HouseholdRowSerializer
    pagination_class = Pagination  # the lists of households; the others are whole

    def _page(self, request: Request, wanted: HouseholdFilter) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(
            queries.household_list(request.user, wanted), request, view=self
        )
        return paginator.get_paginated_response(_rows(page))

    @extend_schema(parameters=[OpenApiParameter("name", str), OpenApiParameter("place", str)])
    def list(self, request: Request) -> Response:
        params = request.query_params
        return self._page(
            request, HouseholdFilter(name=params.get("name", ""), place=params.get("place", ""))
        )

    @extend_schema(request=SearchSerializer, responses=HouseholdRowSerializer(many=True))
    @action(detail=False, methods=["post"])
    def search(self, request: Request) -> Response:
        """Search by exact ID number (in the body, never the URL), name beginning, place."""
        return self._page(request, HouseholdFilter(**_valid(SearchSerializer, request.data)))

    @extend_schema(request=FORM_REQUEST, responses={201: HouseholdWrittenSerializer})
    def create(self, request: Request) -> Response:
        form, reason = _body_without_reason(request)
        household, warnings = services.create_household(request.user, form, reason=reason)
        body = queries.household_form(request.user, household.pk)
        return Response(
            {"household": body, "warnings": _warnings(warnings)}, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("as_of", datetime.date),
            OpenApiParameter("known_on", datetime.date),
        ],
        responses={200: FORM_BODY},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        on, known_on = (
            not_beyond(
                parse_date(request.query_params.get(name), field=name),
                field=name,
                days_ahead=AS_OF_DAYS_AHEAD,
            )
            for name in ("as_of", "known_on")
        )
        return Response(queries.household_form(request.user, int(pk), on=on, known_on=known_on))

    @extend_schema(request=HouseholdChangeSerializer, responses={200: FORM_BODY})
    def partial_update(self, request: Request, pk: str) -> Response:
        data = _valid(HouseholdChangeSerializer, request.data)
        services.update_household(
            request.user,
            int(pk),
            address=data["address"],
            region_code=data["region"],
            reason=data["reason"],
        )
        return Response(queries.household_form(request.user, int(pk)))

    @extend_schema(request=FORM_REQUEST, responses={201: HouseholdWrittenSerializer})
    @action(detail=True, methods=["post"])
    def members(self, request: Request, pk: str) -> Response:
        data, reason = _body_without_reason(request)
        _member, warnings = services.add_member(request.user, int(pk), data, reason=reason)
        return Response(
            {
                "household": queries.household_form(request.user, int(pk)),
                "warnings": _warnings(warnings),
            },
            status=status.HTTP_201_CREATED,
        )

    def _add_fact(self, request: Request, pk: str, kind: str) -> Response:
        data, reason = _body_without_reason(request)
        services.add_money_fact(request.user, int(pk), kind, data, reason=reason)
        return Response(
            queries.household_form(request.user, int(pk)), status=status.HTTP_201_CREATED
        )

    @extend_schema(request=FORM_REQUEST, responses={201: FORM_BODY})
    @action(detail=True, methods=["post"])
    def incomes(self, request: Request, pk: str) -> Response:
        return self._add_fact(request, pk, "income")

    @extend_schema(request=FORM_REQUEST, responses={201: FORM_BODY})
    @action(detail=True, methods=["post"])
    def expenses(self, request: Request, pk: str) -> Response:
        return self._add_fact(request, pk, "expense")

    @extend_schema(request=FORM_REQUEST, responses={201: FORM_BODY})
    @action(detail=True, methods=["post"])
    def assets(self, request: Request, pk: str) -> Response:
        return self._add_fact(request, pk, "asset")

    @extend_schema(
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses=AttachmentSerializer(many=True),
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser],
        pagination_class=None,
    )
    def attachments(self, request: Request, pk: str) -> Response:
        if request.method == "POST":
            upload = request.FILES.get("file")
            if upload is None:
                raise DoudiError(_("Choose a file."), field="file")
            services.add_attachment(
                request.user,
                int(pk),
                upload,
                category=request.data.get("category", ""),
                description=request.data.get("description", ""),
            )
        attachments = queries.attachments_of(request.user, int(pk))
        return Response(AttachmentSerializer(attachments, many=True).data)

    @extend_schema(responses=VersionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def versions(self, request: Request, pk: str) -> Response:
        versions = queries.versions_of(request.user, int(pk))
        return Response(
            [
                {
                    "version": v.version,
                    "recorded_at": v.recorded_at,
                    "recorded_by": v.recorded_by,
                    "action": v.action,
                    "action_label": action_label(v.action),
                }
                for v in versions
            ]
        )


class MemberViewSet(viewsets.ViewSet):
    lookup_value_regex = r"\d+"

    @extend_schema(request=FORM_REQUEST, responses={200: HouseholdWrittenSerializer})
    def update(self, request: Request, pk: str) -> Response:
        data, reason = _body_without_reason(request)
        member, warnings = services.update_member(request.user, int(pk), data, reason=reason)
        return Response(
            {
                "household": queries.household_form(request.user, member.household_id),
                "warnings": _warnings(warnings),
            }
        )

    @extend_schema(request=EndMembershipSerializer, responses={200: FORM_BODY})
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str) -> Response:
        data = _valid(EndMembershipSerializer, request.data)
        member = services.end_membership(
            request.user,
            int(pk),
            left_on=data.get("left_on") or timezone.localdate(),
            leave_reason=data["leave_reason"],
            death_date=data["death_date"],
            new_head=data["new_head"],
            reason=data["reason"],
        )
        return Response(queries.household_form(request.user, member.household_id))

    @extend_schema(
        request=ReasonSerializer,
        responses={200: {"type": "object", "properties": {"id_number": {"type": "string"}}}},
    )
    @action(detail=True, methods=["post"])
    def reveal(self, request: Request, pk: str) -> Response:
        """The full ID number; the look-up and its reason are audited."""
        data = _valid(ReasonSerializer, request.data)
        return Response(
            {"id_number": services.reveal_id_number(request.user, int(pk), reason=data["reason"])}
        )


class FactRemoveView(APIView):
    @extend_schema(request=ReasonSerializer, responses={204: None})
    def post(self, request: Request, kind: str, fact_id: int) -> Response:
        if kind not in services.MONEY_FACTS:
            raise Http404
        data = _valid(ReasonSerializer, request.data)
        services.remove_money_fact(request.user, kind, fact_id, reason=data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class ChainLinkSerializer(serializers.Serializer):
    day = serializers.DateField()
    kind = serializers.CharField(
        help_text="monitoring, warning, case, decision, benefit, payment, referral, ticket or "
        "finding"
    )
    label = serializers.CharField()
    text = serializers.CharField()
    url = serializers.CharField(
        help_text="the page of the case, referral, warnings, ticket or finding; or empty"
    )


class HouseholdChainView(APIView):
    """The household's assistance chain (一户一条救助链), the newest first."""

    @extend_schema(responses=ChainLinkSerializer(many=True))
    def get(self, request: Request, household_id: int) -> Response:
        queries.household_for(request.user, household_id)  # outside the jurisdiction: 404
        links = assistance_chain(request.user, household_id)
        return Response(ChainLinkSerializer(links, many=True).data)


class AttachmentDownloadView(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request: Request, attachment_id: int) -> FileResponse:
        attachment = queries.attachment_for(request.user, attachment_id)
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )


class HouseholdSchemaView(APIView):
    """The JSON Schema of the household form."""

    @extend_schema(responses={200: {"type": "object"}})
    def get(self, request: Request) -> Response:
        return Response(household_schema())
