"""Facts derived from a member's record on a given date; never typed in."""

from __future__ import annotations

import datetime

from doudi.registry.choices import DisabilityCategory, SelfCareLevel

# 特困人员认定办法 (2021) Art 7: who has no ability to work, besides age.
_DISABILITY_GRADES_UNABLE_TO_WORK = {
    DisabilityCategory.INTELLECTUAL: {1, 2, 3},
    DisabilityCategory.MENTAL: {1, 2, 3},
    DisabilityCategory.PHYSICAL: {1, 2},
    DisabilityCategory.VISUAL: {1},
}
WORKING_AGE_FROM = 16
WORKING_AGE_UNTIL = 60  # 60 and over: no ability to work


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Completed years of age on ``day``."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def self_care_level(failed_items: list[str]) -> SelfCareLevel:
    """Fully able: none of the six items failed; partly lost: 1–3; fully lost: 4 or more."""
    failed = len(set(failed_items))
    if failed == 0:
        return SelfCareLevel.FULLY_ABLE
    return SelfCareLevel.PARTLY_LOST if failed <= 3 else SelfCareLevel.FULLY_LOST


def unable_to_work_reason(
    birth_date: datetime.date,
    disability_category: str,
    disability_grade: int | None,
    day: datetime.date,
) -> str:
    """Why the person has no ability to work on ``day`` ("" when they have it)."""
    age = age_on(birth_date, day)
    if age >= WORKING_AGE_UNTIL:
        return "age_60_or_over"
    if age < WORKING_AGE_FROM:
        return "under_16"
    grades = _DISABILITY_GRADES_UNABLE_TO_WORK.get(disability_category, set())
    if disability_grade in grades:
        return f"disability_{disability_category}_{disability_grade}"
    return ""


def is_member_on(
    joined_on: datetime.date, left_on: datetime.date | None, day: datetime.date
) -> bool:
    return joined_on <= day and (left_on is None or left_on > day)
