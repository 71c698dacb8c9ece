"""Free text at the edges: what a user must type (a reason, a name), trimmed and required."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from doudi.errors import DoudiError

REASON_REQUIRED = _("State the reason for this change.")


def required_text(value: object, *, field: str, message: object = None) -> str:
    """The trimmed text; refused naming ``field`` when nothing but blanks was typed."""
    text = "" if value is None else str(value).strip()
    if not text:
        raise DoudiError(message or _("This field is required."), field=field)
    return text


def required_reason(value: object, *, field: str = "reason") -> str:
    """The reason a change is made, which every audited change of a record asks for."""
    return required_text(value, field=field, message=REASON_REQUIRED)
