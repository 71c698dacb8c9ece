"""The API's request bodies: JSON objects (and multipart for uploads), refused at the door when
they cannot be read safely (doudi/boundary.py), in the API's one error shape."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers

from doudi.boundary import check_json, refuse_nul, too_deep
from doudi.errors import DoudiError

NOT_AN_OBJECT = _("Send the body as a JSON object.")


class JSONParser(parsers.JSONParser):
    """A JSON object: every body of the API is one (a list, a string or a number is refused),
    with no NUL in any text and nested at most ``MAX_JSON_DEPTH`` levels."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context=None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            # Python's JSON decoder recurses once per level: thousands of levels overflow it.
            raise too_deep() from None
        if not isinstance(data, dict):
            raise DoudiError(NOT_AN_OBJECT)
        check_json(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    """An upload's form fields, with no NUL in any of them."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context=None) -> Any:
        parsed = super().parse(stream, media_type, parser_context)
        refuse_nul((name, value) for name, values in parsed.data.lists() for value in values)
        refuse_nul((name, upload.name) for name, upload in parsed.files.items())
        return parsed
