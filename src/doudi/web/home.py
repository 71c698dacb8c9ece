"""The home page's counters and to-do list: each app registers what it can count, and the steps
a user can take now, within the user's jurisdiction."""

from __future__ import annotations

import datetime
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


# --- the to-do list: each app registers the steps a user can take now ------------------------

TASK_LIMIT = 20  # items shown per kind; the rest are on the kind's own list page


@dataclass(frozen=True)
class Task:
    """One step to take: what, on what, where it is taken, and by when."""

    step: str
    subject: str
    url: str
    due_on: datetime.date | None = None
    overdue: bool = False


@dataclass(frozen=True)
class TaskList:
    """One kind of work: how many wait (counted in the database), how many of them are late,
    the first TASK_LIMIT, overdue first, and the page listing them all."""

    title: str
    count: int
    overdue: int
    tasks: list[Task]
    url: str


TaskSource = Callable[["User", datetime.date], list[TaskList]]
_task_sources: list[TaskSource] = []


def register_tasks(source: TaskSource) -> TaskSource:
    _task_sources.append(source)
    return source


def tasks_for(user: User, today: datetime.date) -> list[TaskList]:
    """Every kind with work waiting; the kinds with late work first."""
    found = [task_list for source in _task_sources for task_list in source(user, today)]
    return sorted((t for t in found if t.count), key=lambda t: -t.overdue)
