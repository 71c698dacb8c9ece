"""Validate a 身份证号 (GB 11643-1999) and read the facts it carries."""

from __future__ import annotations

import datetime
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


def is_known_county_code(code: str) -> bool:
    """Whether the code names a county in any period of the national list.

    python-stdnum's own check asks whether the county existed in the birth year, which flags
    everyone born before their county got its present code (most of 焦作's elderly): the number
    was issued later, under the code of the day.
    """
    parts = numdb.get("cn/loc").info(code)
    return any("county" in properties for _part, properties in parts)


def mask(value: str) -> str:
    """Keep the place code and the last four characters: 410802********123X."""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]
