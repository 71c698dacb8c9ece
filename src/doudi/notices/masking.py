"""The one place that decides what a public notice (公示) shows of a person: every field of a
public page or a village board's PDF is built here, from a whitelist, so nothing else of the
registry can reach the public.

Shown: the name partly masked (张*明, 张*), the household's size, the programme, the monthly
amount in 元, the village. Never: an ID number, an address, a phone number, an illness or a
disability. 事实无人抚养儿童 (de facto unsupported children) are never on a notice at all: their
procedure has no public notice, for the child's protection (cases.procedures)."""

from __future__ import annotations

from dataclasses import dataclass

from doudi.cases.procedures import CaseProgramme
from doudi.identity.numbers import mask_id_numbers
from doudi.money import fen_to_yuan

# Programmes that are never shown on any public notice, whatever a query hands over.
NEVER_SHOWN = frozenset({CaseProgramme.DE_FACTO_UNSUPPORTED.value})
MASK = "*"


def mask_name(name: str) -> str:
    """张三丰 → 张*丰, 欧阳娜娜 → 欧**娜, 张三 → 张*, 张 → *: the first character (and the last of
    three or more) is kept, so neighbours recognise the entry without the name being published.
    A minority name with a middle dot (阿依古丽·买买提) is masked the same way, whole."""
    name = "".join(name.split())
    if len(name) <= 1:
        return MASK * len(name) or MASK
    if len(name) == 2:
        return name[0] + MASK
    return name[0] + MASK * (len(name) - 2) + name[-1]


def public_text(text: str) -> str:
    """A place's or programme's name as published: an ID-shaped run inside it is masked too."""
    return mask_id_numbers(text)


def public_amount(amount_fen: int | None) -> str:
    """The monthly amount in 元 with two decimals; none yet (fixed at confirmation) is a dash."""
    return "—" if amount_fen is None else fen_to_yuan(amount_fen)


@dataclass(frozen=True)
class PublicEntry:
    """One line of a public notice, and all of it: a public face gets nothing else.

    ``ref`` names the line for an objection (``c<case>`` on the 7-day notice, ``b<benefit>`` on
    the long-term one); it is checked against the village's notice when used, so guessing one
    reveals nothing."""

    ref: str
    name: str
    household_size: int
    programme: str
    item: str
    monthly_amount: str
    village: str
    notice_ends_on: str = ""


def entry(
    *,
    ref: str,
    name: str,
    household_size: int,
    programme: str,
    programme_label: str,
    item: str,
    amount_fen: int | None,
    village: str,
    notice_ends_on: str = "",
) -> PublicEntry | None:
    """The public line of a person, or None when the programme is never shown."""
    if programme in NEVER_SHOWN:
        return None
    return PublicEntry(
        ref=ref,
        name=mask_name(name),
        household_size=household_size,
        programme=public_text(programme_label),
        item=item,
        monthly_amount=public_amount(amount_fen),
        village=public_text(village),
        notice_ends_on=notice_ends_on,
    )


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678, 0391-123456 → 039****456: the first three and the last
    four digits of a mobile (three of a shorter number) kept, the rest hidden; a caller is
    recognised on a list without the number being read off it. Empty stays empty."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if not digits:
        return ""
    if len(digits) <= 6:
        return MASK * (len(digits) - 2) + digits[-2:] if len(digits) > 2 else MASK * len(digits)
    tail = 4 if len(digits) >= 11 else 3
    return digits[:3] + MASK * (len(digits) - 3 - tail) + digits[-tail:]
