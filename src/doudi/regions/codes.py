"""The 12-digit statistical division code: 省2 市2 县2 乡3 村3.

A code names its level by where its non-zero segments end, and its place in the tree by its
prefix: everything inside county 410821 has a code starting with "410821". Jurisdiction checks
and tree queries therefore need only a string prefix, which an ordinary index serves.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _

from doudi.text import is_digits

CODE_LENGTH = 12


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village or community")


# Where each level's segment ends in the code, top to bottom.
SEGMENT_ENDS: dict[Level, int] = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
}
LEVELS = list(SEGMENT_ENDS)
# Urban/rural classification is carried by places below the county.
CLASSIFIED_LEVELS = (Level.TOWNSHIP, Level.VILLAGE)


def is_well_formed(code: str) -> bool:
    """Twelve ASCII digits, a non-zero province, and no zero segment above a non-zero one."""
    if len(code) != CODE_LENGTH or not is_digits(code) or code[:2] == "00":
        return False
    segments = _segments(code)
    return all(int(segment) for segment in segments[: _deepest(segments) + 1])


def level_of(code: str) -> Level:
    """The level of a well-formed code."""
    return LEVELS[_deepest(_segments(code))]


def parent_code(code: str) -> str | None:
    level = level_of(code)
    if level == Level.PROVINCE:
        return None
    parent_end = SEGMENT_ENDS[LEVELS[LEVELS.index(level) - 1]]
    return code[:parent_end].ljust(CODE_LENGTH, "0")


def ancestors(code: str) -> list[str]:
    """The places above this one, nearest first (the province last)."""
    found = []
    parent = parent_code(code)
    while parent is not None:
        found.append(parent)
        parent = parent_code(parent)
    return found


def prefix_of(code: str) -> str:
    """The prefix that every code inside this place starts with."""
    return code[: SEGMENT_ENDS[level_of(code)]]


def ancestor_at(code: str, level: Level) -> str:
    """The place at ``level`` that contains this well-formed code (itself when not deeper)."""
    return code[: SEGMENT_ENDS[level]].ljust(CODE_LENGTH, "0")


def common_ancestor(codes: Iterable[str]) -> str:
    """The deepest place containing every one of these places, as a full 12-digit code
    ("000000000000" when they lie in different provinces)."""
    codes = list(codes)
    first, last = min(codes), max(codes)
    for end in sorted(SEGMENT_ENDS.values(), reverse=True):
        if first[:end] == last[:end]:
            return first[:end].ljust(CODE_LENGTH, "0")
    return "0" * CODE_LENGTH


def _deepest(segments: list[str]) -> int:
    return max(i for i, segment in enumerate(segments) if int(segment))


def _segments(code: str) -> list[str]:
    starts = [0, *SEGMENT_ENDS.values()]
    return [code[start:end] for start, end in itertools.pairwise(starts)]
