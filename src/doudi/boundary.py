"""What no input may hold, checked once at the door for every face: a NUL character in any text,
and (for JSON) a body nested deeper than any form of Doudi goes.

A NUL cannot be stored by PostgreSQL, so a NUL in a name, a reason or a search word used to end
in a server error deep inside a query; it is refused here instead, naming the field. The web
middleware checks the URL, its query and every form field; the API's parsers check the body.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from doudi.errors import DoudiError

NUL = "\x00"
# The household form nests five levels (members → a member → medical claim → …); 32 leaves room
# for any honest body, and walking a deeper one (10,000 levels) would exhaust the stack.
MAX_JSON_DEPTH = 32

HOLDS_NUL = _("This text contains a NUL character (U+0000); type it again without.")


def refuse_nul(values: Iterable[tuple[str, object]]) -> None:
    """Refuse the first (name, value) pair whose name or text value holds a NUL."""
    for name, value in values:
        if NUL in name or (isinstance(value, str) and NUL in value):
            raise DoudiError(HOLDS_NUL, field=name.replace(NUL, "\\0"))


def check_json(data: Any) -> None:
    """Refuse a parsed JSON body that holds a NUL in any key or string, or that nests deeper
    than ``MAX_JSON_DEPTH``; the field is named by its path (``members[1].name``). Walked with
    a list rather than recursion, so the walk itself cannot exhaust the stack."""
    pending: list[tuple[Any, str, int]] = [(data, "", 0)]
    while pending:
        value, path, depth = pending.pop()
        if depth > MAX_JSON_DEPTH:
            raise too_deep(path)
        if isinstance(value, str):
            refuse_nul([(path, value)])
        elif isinstance(value, dict):
            for key, item in value.items():
                child = f"{path}.{key}" if path else str(key)
                refuse_nul([(child, "")])
                pending.append((item, child, depth + 1))
        elif isinstance(value, list):
            pending.extend((item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value))


def too_deep(path: str = "") -> DoudiError:
    # The path of a body nested 10,000 deep is itself 10,000 levels long: name where it starts.
    top = path.split(".", 1)[0].split("[", 1)[0] or None
    return DoudiError(
        _("The request body is nested more than %(max)d levels deep."),
        field=top,
        max=MAX_JSON_DEPTH,
    )
