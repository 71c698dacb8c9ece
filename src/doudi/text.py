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


def is_digits(text: str) -> bool:
    """Whether ``text`` is one or more ASCII digits 0-9. ``str.isdigit`` alone also takes "²" and
    other digit-like characters that ``int()`` then refuses (a server error), or reads as digits
    no one typed on purpose (full-width "４")."""
    return text.isascii() and text.isdigit()


def required_reason(value: object, *, field: str = "reason") -> str:
    """The reason a change is made, which every audited change of a record asks for."""
    return required_text(value, field=field, message=REASON_REQUIRED)
