"""A department's ID-number cells (身份证号) as the snapshot keeps them: a keyed hash, never the
number. An invalid number is no fault: the row goes to probabilistic linkage (doudi.linkage) on
name, birth date, sex and place, read from the digits where they still make sense."""

from __future__ import annotations

import datetime
from typing import NamedTuple

import pyarrow as pa
from stdnum.cn import ric

from doudi.identity.numbers import EARLIEST_BIRTH_DATE, InvalidIdNumber, parse_id_number
from doudi.identity.protection import lookup_hash
from doudi.text import is_digits


class IdFacts(NamedTuple):
    person_hash: str | None
    valid: bool
    birth_date: datetime.date | None
    sex: str | None
    place_code: str | None


def normalise(value: str) -> str:
    """Trimmed, a lower-case x raised, and an old 15-digit number (一代证) made 18 by rule: the
    century 19 after the six place digits, then the GB 11643 check character."""
    value = value.strip().upper()
    if len(value) == 15 and is_digits(value):
        first17 = value[:6] + "19" + value[6:]
        value = first17 + ric.calc_check_digit(first17 + "0")
    return value


def facts(cell: str) -> IdFacts:
    """What one ID cell tells."""
    value = normalise(cell)
    try:
        number = parse_id_number(value)
    except InvalidIdNumber:
        return IdFacts(None, False, *_digits_facts(value))
    return IdFacts(
        lookup_hash(number.value), True, number.birth_date, number.sex, number.birthplace_code
    )


def _digits_facts(value: str) -> tuple[datetime.date | None, str | None, str | None]:
    """Birth date, sex and county from an invalid number's digits: a typo rarely hits them all."""
    if len(value) != 18:
        return None, None, None
    birth_date = None
    if is_digits(value[6:14]):
        try:
            birth_date = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
        except ValueError:
            birth_date = None
        if (
            birth_date is not None
            and not EARLIEST_BIRTH_DATE <= birth_date <= datetime.date.today()
        ):
            birth_date = None
    sex = ("male" if int(value[16]) % 2 else "female") if is_digits(value[16]) else None
    place = value[:6] if is_digits(value[:6]) else None
    return birth_date, sex, place


def read_id_numbers(cells: pa.Array) -> dict[str, pa.Array]:
    """The common snapshot fields an ID column gives; ``id_`` fields yield to the file's own."""
    # Each distinct cell once: a department's rows repeat the same people. Cached per delivery
    # only, since the hash key may be rotated between deliveries.
    known: dict[str | None, IdFacts] = {None: IdFacts(None, False, None, None, None)}
    rows = []
    for cell in cells.to_pylist():
        found = known.get(cell)
        if found is None:
            found = known[cell] = facts(cell)
        rows.append(found)
    return {
        "person_hash": pa.array([row.person_hash for row in rows], pa.string()),
        "id_valid": pa.array([row.valid for row in rows], pa.bool_()),
        "id_birth_date": pa.array([row.birth_date for row in rows], pa.date32()),
        "id_sex": pa.array([row.sex for row in rows], pa.string()),
        "id_place_code": pa.array([row.place_code for row in rows], pa.string()),
    }
