"""Free text at the edges: what a user must type (a reason, a name), trimmed and required, and
what a user may type (a note, a description, a file name) — each with any ID number masked; names
and addresses free of characters that hide or disguise what they say."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from doudi.errors import DoudiError

REASON_REQUIRED = _("State the reason for this change.")


def free_text(value: object, *, max_length: int | None = None) -> str:
    """The trimmed text with every ID number typed into it masked, cut to ``max_length``.

    A number typed into a reason, a note or a file name would otherwise be kept, shown and
    exported in full beside its masked form (issue 11.2): the masking happens here, where the
    services take free text in, so every face gets it.
    """
    # Imported here: doudi.identity.numbers reads its digits with this module's is_digits.
    from doudi.identity.numbers import mask_id_numbers

    text = mask_id_numbers("" if value is None else str(value).strip())
    return text[:max_length] if max_length is not None else text


def required_text(value: object, *, field: str, message: object = None) -> str:
    """The trimmed text, ID numbers masked; refused naming ``field`` when nothing but blanks
    was typed."""
    text = free_text(value)
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


# What may not be in a name or an address: control characters (C0, DEL, C1 — NUL among them),
# the invisible ones (zero-width space and joiners, word joiner, byte-order mark, line and
# paragraph separators) and those that change the writing direction (U+202A–U+202E,
# U+2066–U+2069 and the marks). Each makes a name look like another, or print, sort or export
# differently from what the eye reads, so a name with one could not be found again.
UNSAFE_CHARACTERS = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]"
)
UNSAFE_CHARACTER = _(
    "contains an invisible, control or direction-changing character (%(character)s); "
    "type it again without."
)


def unsafe_character(text: str) -> str | None:
    """The first character of ``text`` not allowed in a name, as ``U+202E``; None if none."""
    found = UNSAFE_CHARACTERS.search(text)
    return f"U+{ord(found[0]):04X}" if found else None


def plain_text(value: object, *, field: str, required: bool = False, message: object = None) -> str:
    """A name or an address as typed: trimmed (required if asked), refused naming ``field`` if
    it holds a character of ``UNSAFE_CHARACTERS``. Pages, the API and imports all check here."""
    text = required_text(value, field=field, message=message) if required else free_text(value)
    if character := unsafe_character(text):
        raise DoudiError(UNSAFE_CHARACTER, field=field, character=character)
    return text
