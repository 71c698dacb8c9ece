"""Validate a 身份证号 (GB 11643-1999) and read the facts it carries."""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum import numdb
from stdnum.cn import ric

from doudi.errors import DoudiError
from doudi.text import is_digits

EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)


class InvalidIdNumber(DoudiError):
    """The value is not a valid 18-character resident ID number."""


@dataclass(frozen=True)
class IdNumber:
    """A checked ID number and what it says about its holder."""

    value: str
    birth_date: datetime.date
    sex: str  # "male" / "female": the 17th digit is odd for men, even for women
    birthplace_code: str
    birthplace_known: bool  # False is a warning only: real IDs carry retired county codes

    @property
    def masked(self) -> str:
        return mask(self.value)


def parse_id_number(raw: str, *, today: datetime.date | None = None) -> IdNumber:
    """Check length, digits, checksum and birth date; report an unknown birthplace as a flag."""
    value = ric.compact(raw or "")
    if len(value) != 18:
        raise InvalidIdNumber(
            _("ID number must have 18 characters (got %(count)d)."), count=len(value)
        )
    if not is_digits(value[:17]) or not (is_digits(value[17]) or value[17] == "X"):
        raise InvalidIdNumber(_("ID number may contain only digits, with X allowed last."))
    if value[17] != ric.calc_check_digit(value):
        raise InvalidIdNumber(_("ID number check digit is wrong."))
    try:
        birth_date = ric.get_birth_date(value)
    except stdnum_errors.ValidationError:
        raise InvalidIdNumber(_("ID number contains an impossible birth date.")) from None
    if not EARLIEST_BIRTH_DATE <= birth_date <= (today or datetime.date.today()):
        raise InvalidIdNumber(_("ID number birth date is outside the possible range."))
    return IdNumber(
        value=value,
        birth_date=birth_date,
        sex="male" if int(value[16]) % 2 else "female",
        birthplace_code=value[:6],
        birthplace_known=is_known_county_code(value[:6]),
    )


# Cached: a department's delivery asks about a few hundred counties a million times, and the
# national list takes a third of a millisecond to search.
@functools.lru_cache(maxsize=8192)
def is_known_county_code(code: str) -> bool:
    """Whether the code names a county in any period of the national list.

    python-stdnum's own check asks whether the county existed in the birth year, which flags
    everyone born before their county got its present code (most of 焦作's elderly): the number
    was issued later, under the code of the day.
    """
    parts = numdb.get("cn/loc").info(code)
    return any("county" in properties for _part, properties in parts)


# What a masked number keeps (decisions/0011-keeps-prefecture-and-check-digit.md): the
# prefecture (first four digits) and the check digit. The county, the birth date and the
# sequence number stay hidden, so that with everything shown beside it (age, sex, the household's
# place) more than ten thousand numbers still fit; keeping the county, the birth date or a
# sequence digit would cut that to a few hundred or fewer.
MASK_KEEPS_FIRST = 4
MASK_KEEPS_LAST = 1


def mask(value: str) -> str:
    """Keep the prefecture and the check digit: 4108*************X.

    Applied to a number masked the older way (410802********123X, first six and last four) it
    gives the same result as on the full number, so stored older masks can be masked again.
    """
    if len(value) <= 10:  # too short to keep anything
        return "*" * len(value)
    hidden = len(value) - MASK_KEEPS_FIRST - MASK_KEEPS_LAST
    return value[:MASK_KEEPS_FIRST] + "*" * hidden + value[-MASK_KEEPS_LAST:]


# A phone number keeps what people read it by (138****5678): the network's three digits and
# the last four, as banks and carriers print them. The middle four alone locate no one.
PHONE_KEEPS_FIRST = 3
PHONE_KEEPS_LAST = 4


def mask_phone(value: str) -> str:
    """138****5678; a number too short to keep anything is hidden whole; blank stays blank."""
    value = value.strip()
    hidden = len(value) - PHONE_KEEPS_FIRST - PHONE_KEEPS_LAST
    if hidden < 1:
        return "*" * len(value)
    return value[:PHONE_KEEPS_FIRST] + "*" * hidden + value[-PHONE_KEEPS_LAST:]


# Anything shaped like an ID number inside other text (not part of a longer number or word).
ID_NUMBER_PATTERN = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")


def mask_id_numbers(text: str) -> str:
    """The text with every ID-shaped run of characters masked: for logs and for free text that
    people type (reasons, descriptions, file names), where a full number must never be kept."""
    return ID_NUMBER_PATTERN.sub(lambda match: mask(match.group(0)), text)
