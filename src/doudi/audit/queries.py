"""Reads of the audit trail, scoped to the reader's jurisdiction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from doudi.accounts.jurisdiction import get_in_scope, scope
from doudi.accounts.roles import Permission
from doudi.audit.models import AuditEvent

if TYPE_CHECKING:
    from doudi.accounts.models import User


def events_visible_to(
    actor: User, *, action: str = "", object_id: str = ""
) -> QuerySet[AuditEvent]:
    events = scope(actor, AuditEvent.objects.all(), Permission.VIEW_AUDIT).order_by("-seq")
    if action:
        events = events.filter(action=action)
    if object_id:
        events = events.filter(object_id=object_id)
    return events


def event_for(actor: User, seq: int) -> AuditEvent:
    return get_in_scope(actor, AuditEvent.objects.all(), Permission.VIEW_AUDIT, seq=seq)
