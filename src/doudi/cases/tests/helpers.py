"""Helpers for walking a case through its procedure in tests.

Dates are in Asia/Shanghai. ``clock.at("2026-02-11")`` puts the whole system on that day.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine

from doudi.accounts.models import User
from doudi.cases import services
from doudi.cases.models import Case
from doudi.errors import DoudiError

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Clock:
    def __init__(self) -> None:
        self._travel: time_machine.travel | None = None

    def at(self, day: str) -> datetime.date:
        self.stop()
        moment = datetime.datetime.combine(
            datetime.date.fromisoformat(day), datetime.time(10), tzinfo=SHANGHAI
        )
        self._travel = time_machine.travel(moment, tick=False)
        self._travel.start()
        return moment.date()

    def stop(self) -> None:
        if self._travel is not None:
            self._travel.stop()
            self._travel = None


@dataclass
class Staff:
    handler: User
    village: User
    reviewer: User
    county: User
    county_colleague: User


def open_case(staff: Staff, household, programme: str = "minimum_living", **fields) -> Case:
    fields.setdefault("channel", "window")
    fields.setdefault("authorisation_signed_on", datetime.date(2026, 1, 5))
    return services.submit(staff.handler, household.pk, programme, **fields)


def investigate(staff: Staff, case: Case, on: str, **fields) -> Case:
    fields.setdefault("home_visit", True)
    fields.setdefault("findings", "入户核实：家中无劳动收入，居住条件差。")
    fields.setdefault("investigator_ids", [staff.handler.pk, staff.village.pk])
    return services.investigate(
        staff.handler, case.pk, visited_on=datetime.date.fromisoformat(on), **fields
    )


@contextmanager
def refused(fragment: str) -> Iterator[pytest.ExceptionInfo[DoudiError]]:
    """Expect a refusal whose English message contains ``fragment`` (the Chinese one, shown by
    default, is the catalogue's translation of it)."""
    with pytest.raises(DoudiError) as caught:
        yield caught
    assert fragment in caught.value.render("en"), caught.value.render("en")
