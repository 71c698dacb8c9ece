"""Free text at the edges: what a user must type (a reason, a name), trimmed and required, and
what a user may type (a note, a description, a file name) — each with any ID number masked."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from doudi.errors import DoudiError
from doudi.identity.numbers import mask_id_numbers

REASON_REQUIRED = _("State the reason for this change.")


def free_text(value: object, *, max_length: int | None = None) -> str:
    """The trimmed text with every ID number typed into it masked, cut to ``max_length``.

    A number typed into a reason, a note or a file name would otherwise be kept, shown and
    exported in full beside its masked form (issue 11.2): the masking happens here, where the
    services take free text in, so every face gets it.
    """
    text = mask_id_numbers("" if value is None else str(value).strip())
    return text[:max_length] if max_length is not None else text


def required_text(value: object, *, field: str, message: object = None) -> str:
    """The trimmed text, ID numbers masked; refused naming ``field`` when nothing but blanks
    was typed."""
    text = free_text(value)
    if not text:
        raise DoudiError(message or _("This field is required."), field=field)
    return text


def required_reason(value: object, *, field: str = "reason") -> str:
    """The reason a change is made, which every audited change of a record asks for."""
    return required_text(value, field=field, message=REASON_REQUIRED)
