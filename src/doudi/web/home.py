"""The home page's counters: each app registers what it can count within a user's jurisdiction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from doudi.accounts.models import User


@dataclass(frozen=True)
class Counter:
    label: str
    value: int
    url: str = ""


CounterSource = Callable[["User"], list[Counter]]
_sources: list[CounterSource] = []


def register(source: CounterSource) -> CounterSource:
    _sources.append(source)
    return source


def counters_for(user: User) -> list[Counter]:
    return [counter for source in _sources for counter in source(user)]
