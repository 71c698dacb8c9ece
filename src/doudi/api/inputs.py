"""Reading a request's input through its explicit serializer."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


def read_input(serializer_class: type[serializers.Serializer], data: Any) -> dict:
    """The validated fields of ``data``; a refusal (400, naming each field) otherwise."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
