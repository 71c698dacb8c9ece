"""Every API error has one shape: {"error": {"code", "message", "message_en", "field", ...}}."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from doudi.accounts.jurisdiction import NOT_FOUND
from doudi.errors import DoudiError, NotPermitted, OutsideJurisdiction

_TRANSLATED = {
    exceptions.NotAuthenticated: (_("Log in first (send a valid token)."), "not_authenticated"),
    exceptions.AuthenticationFailed: (
        _("The token is invalid or has expired."),
        "authentication_failed",
    ),
    exceptions.ParseError: (_("The request body is not valid JSON."), "parse_error"),
    exceptions.MethodNotAllowed: (_("This method is not allowed here."), "method_not_allowed"),
    exceptions.UnsupportedMediaType: (
        _("Send the body as application/json."),
        "unsupported_media_type",
    ),
    exceptions.Throttled: (_("Too many requests; wait and try again."), "throttled"),
}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DoudiError):
        return Response({"error": exc.as_dict()}, status=exc.http_status)
    if isinstance(exc, Http404):
        return _respond(OutsideJurisdiction(NOT_FOUND))
    if isinstance(exc, exceptions.PermissionDenied):
        return _respond(NotPermitted(_("Your role does not allow this action.")))
    if isinstance(exc, exceptions.ValidationError):
        error = DoudiError(_("Some fields are missing or invalid."), field=first_path(exc.detail))
        body = error.as_dict() | {"code": "invalid", "fields": exc.detail}
        return Response({"error": body}, status=status.HTTP_400_BAD_REQUEST)
    for kind, (message, code) in _TRANSLATED.items():
        if isinstance(exc, kind):
            error = DoudiError(message)
            error.code = code
            headers = {}
            if getattr(exc, "auth_header", None):
                headers["WWW-Authenticate"] = exc.auth_header
            if getattr(exc, "wait", None):
                headers["Retry-After"] = str(int(exc.wait))
            return Response({"error": error.as_dict()}, status=exc.status_code, headers=headers)
    return drf_exception_handler(exc, context)


def first_path(detail: object, path: str = "") -> str | None:
    """The path of the first field a serializer refused (``stages[0].due_on``), the way every
    refusal names its field."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key == "non_field_errors":
                return path or None
            if isinstance(key, int):  # a ListField's item
                return first_path(value, f"{path}[{key}]")
            return first_path(value, f"{path}.{key}" if path else str(key))
    if isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list) and value:
                return first_path(value, f"{path}[{index}]")
    return path or None


def _respond(error: DoudiError) -> Response:
    return Response({"error": error.as_dict()}, status=error.http_status)
