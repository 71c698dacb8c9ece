"""Through which door an action came: the pages, the API or the command line.

The door is known where a request or a command starts, not in the services, so it travels in a
context variable: the web middleware sets it for each request (``api`` under ``/api/``, ``web``
elsewhere), the command runner for each command, and ``audit.services.record`` reads it. No
service has to pass it on. Code that runs through none of the doors (a data migration, a test
calling a service directly) records ``system``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("Web pages")
    API = "api", _("API")
    CLI = "cli", _("Command line")
    SYSTEM = "system", _("System (no door)")


_current: ContextVar[Channel] = ContextVar("doudi_audit_channel", default=Channel.SYSTEM)


def current_channel() -> Channel:
    return _current.get()


@contextmanager
def acting_through(channel: Channel) -> Iterator[None]:
    """Everything recorded inside the block is marked as having come through ``channel``."""
    token = _current.set(Channel(channel))
    try:
        yield
    finally:
        _current.reset(token)


def channel_label(code: str) -> str:
    """The reader's name for a stored channel; events older than the column have none."""
    if not code:
        return "—"
    try:
        return str(Channel(code).label)
    except ValueError:
        return code
