"""The password rule Django's validators lack: several kinds of character.

The whole policy (settings.AUTH_PASSWORD_VALIDATORS, docs/decisions/0003-security.md): at least
12 characters, at least three of the four kinds below, not similar to the user name or the full
name, not a common password, not all digits.
"""

from __future__ import annotations

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def _kinds(password: str) -> int:
    kinds = [
        any(c in string.ascii_uppercase for c in password),
        any(c in string.ascii_lowercase for c in password),
        any(c.isdigit() for c in password),
        # Anything else counts as "other": punctuation, spaces, Chinese characters.
        any(not (c.isascii() and c.isalnum()) for c in password),
    ]
    return sum(kinds)


class CharacterClassValidator:
    """At least ``min_classes`` of: upper-case letters, lower-case letters, digits, others."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: object = None) -> None:
        if _kinds(password) < self.min_classes:
            raise ValidationError(
                _(
                    "The password must mix at least %(count)d of these: upper-case letters, "
                    "lower-case letters, digits, other characters."
                )
                % {"count": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _(
            "At least %(count)d of: upper-case letters, lower-case letters, digits, other "
            "characters."
        ) % {"count": self.min_classes}
