"""API endpoints. Each one validates the JSON shape, then calls a service or a query."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from knox.models import AuthToken
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doudi.accounts import queries as account_queries
from doudi.accounts import services as account_services
from doudi.api import serializers
from doudi.api.pagination import Pagination
from doudi.audit import queries as audit_queries
from doudi.errors import DoudiError
from doudi.regions import queries as region_queries
from doudi.regions import services as region_services


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class LoginView(APIView):
    """Exchange a user name and password for a token (sent as ``Authorization: Token …``)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(request=serializers.LoginSerializer, responses=serializers.TokenSerializer)
    def post(self, request: Request) -> Response:
        data = _valid(serializers.LoginSerializer, request.data)
        # The plain Django request: django-axes counts failures and marks lock-outs on it.
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None:
            error = DoudiError(_("Wrong user name or password."))
            error.code = "invalid_credentials"
            return Response({"error": error.as_dict()}, status=status.HTTP_401_UNAUTHORIZED)
        token, expiry = account_services.issue_token(user)
        return Response({"token": token, "expiry": expiry})


class LogoutView(APIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        # A session-authenticated caller has no token to end; only a token log-in is undone here.
        if isinstance(request.auth, AuthToken):
            account_services.revoke_token(request.user, request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(responses=serializers.UserSerializer)
    def get(self, request: Request) -> Response:
        return Response(serializers.UserSerializer(request.user).data)


CODE = OpenApiParameter("code", str, OpenApiParameter.PATH, description="12-digit division code")
USERNAME = OpenApiParameter("username", str, OpenApiParameter.PATH)
SEQ = OpenApiParameter("seq", int, OpenApiParameter.PATH)


class RegionViewSet(viewsets.ViewSet):
    lookup_field = "code"
    serializer_class = serializers.RegionSerializer
    pagination_class = Pagination

    @extend_schema(
        parameters=[OpenApiParameter("parent", str, description="the parent's division code")]
    )
    def list(self, request: Request) -> Response:
        regions = region_queries.regions_visible_to(request.user)
        if parent := request.query_params.get("parent"):
            regions = regions.filter(parent_id=parent)
        return _paginated(self, request, regions, serializers.RegionSerializer)

    @extend_schema(parameters=[CODE])
    def retrieve(self, request: Request, code: str) -> Response:
        region = region_queries.region_for(request.user, code)
        return Response(serializers.RegionSerializer(region).data)

    @extend_schema(
        parameters=[CODE],
        request=serializers.RegionUpdateSerializer,
        responses=serializers.RegionSerializer,
    )
    def partial_update(self, request: Request, code: str) -> Response:
        data = _valid(serializers.RegionUpdateSerializer, request.data)
        region = region_services.update_region(request.user, code, **data)
        return Response(serializers.RegionSerializer(region).data)


class UserViewSet(viewsets.ViewSet):
    lookup_field = "username"
    serializer_class = serializers.UserSerializer
    pagination_class = Pagination

    @extend_schema(parameters=[OpenApiParameter("q", str, description="user name or name")])
    def list(self, request: Request) -> Response:
        users = account_queries.users_visible_to(request.user, request.query_params.get("q", ""))
        return _paginated(self, request, users, serializers.UserSerializer)

    @extend_schema(parameters=[USERNAME])
    def retrieve(self, request: Request, username: str) -> Response:
        user = account_queries.user_for(request.user, username)
        return Response(serializers.UserSerializer(user).data)

    @extend_schema(
        request=serializers.UserCreateSerializer, responses={201: serializers.UserSerializer}
    )
    def create(self, request: Request) -> Response:
        data = _valid(serializers.UserCreateSerializer, request.data)
        data["region_code"] = data.pop("region")
        user = account_services.create_user(request.user, **data)
        return Response(serializers.UserSerializer(user).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[USERNAME],
        request=serializers.ReasonSerializer,
        responses=serializers.UserSerializer,
    )
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, username: str) -> Response:
        return self._set_active(request, username, active=False)

    @extend_schema(
        parameters=[USERNAME],
        request=serializers.ReasonSerializer,
        responses=serializers.UserSerializer,
    )
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, username: str) -> Response:
        return self._set_active(request, username, active=True)

    @extend_schema(
        parameters=[USERNAME], request=serializers.ReasonSerializer, responses={204: None}
    )
    @action(detail=True, methods=["post"])
    def unlock(self, request: Request, username: str) -> Response:
        data = _valid(serializers.ReasonSerializer, request.data)
        account_services.unlock(request.user, username, reason=data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _set_active(self, request: Request, username: str, *, active: bool) -> Response:
        data = _valid(serializers.ReasonSerializer, request.data)
        user = account_services.set_active(
            request.user, username, active=active, reason=data["reason"]
        )
        return Response(serializers.UserSerializer(user).data)


class AuditEventViewSet(viewsets.ViewSet):
    lookup_field = "seq"
    lookup_value_regex = r"\d+"
    serializer_class = serializers.AuditEventSerializer
    pagination_class = Pagination

    @extend_schema(
        parameters=[
            OpenApiParameter("action", str, description="an action code of the vocabulary"),
            OpenApiParameter("object", str, description="the object's id"),
        ]
    )
    def list(self, request: Request) -> Response:
        events = audit_queries.events_visible_to(
            request.user,
            action=request.query_params.get("action", ""),
            object_id=request.query_params.get("object", ""),
        )
        return _paginated(self, request, events, serializers.AuditEventSerializer)

    @extend_schema(parameters=[SEQ])
    def retrieve(self, request: Request, seq: str) -> Response:
        event = audit_queries.event_for(request.user, int(seq))
        return Response(serializers.AuditEventSerializer(event).data)


def _paginated(view, request: Request, queryset, serializer_class) -> Response:
    paginator = Pagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)
