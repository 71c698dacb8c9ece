"""The OpenAPI document (drf-spectacular): every operation also documents the refusals it can
answer, each in the one error shape of api/errors.py, so a client (and the schemathesis run in
the test suite) can rely on the document for every answer, not only the happy one."""

from __future__ import annotations

from drf_spectacular import openapi
from rest_framework import serializers

# Every operation: bad input (400), no or a lapsed token (401), a role without the permission
# (403), an object that does not exist or lies outside the jurisdiction (404), and a method the
# path does not have (405). Operations with a body also: a body that is not JSON (415).
ERROR_STATUSES = ("400", "401", "403", "404", "405")
BODY_ERROR_STATUSES = ("415",)


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="e.g. invalid, not_found, not_permitted, parse_error")
    message = serializers.CharField(help_text="in the caller's language (Chinese by default)")
    message_en = serializers.CharField()
    field = serializers.CharField(
        allow_null=True, help_text="the field refused, as a path: members[1].id_number"
    )
    fields = serializers.JSONField(
        required=False, help_text="every field refused by shape, with DRF's messages"
    )
    problems = serializers.ListField(
        child=serializers.JSONField(),
        required=False,
        help_text="every fault of a whole input (a file, a form), each in this shape",
    )
    row = serializers.IntegerField(required=False, help_text="a file's row")
    column = serializers.CharField(required=False, help_text="a file's column")


class ErrorSerializer(serializers.Serializer):
    """Every refusal: {"error": {"code", "message", "message_en", "field", ...}}."""

    error = ErrorDetailSerializer()


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        statuses = ERROR_STATUSES
        if self.method in ("POST", "PUT", "PATCH"):
            statuses += BODY_ERROR_STATUSES
        for status in statuses:
            if status not in responses:
                responses[status] = self._get_response_for_code(
                    ErrorSerializer, status, direction=direction
                )
        return responses
