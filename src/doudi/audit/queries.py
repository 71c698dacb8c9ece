"""Reads of the audit trail, scoped to the reader's jurisdiction.

An event is visible to a reader when any place it is filed under (its object's places and its
actor's place, AuditEventPlace) lies in the reader's subtree."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, QuerySet

from doudi.accounts.jurisdiction import NOT_FOUND, require
from doudi.accounts.roles import Permission
from doudi.audit.models import AuditEvent, AuditEventPlace
from doudi.errors import OutsideJurisdiction

if TYPE_CHECKING:
    from doudi.accounts.models import User


def in_scope(actor: User | None, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    """The events of ``events`` filed under a place of the actor's subtree."""
    require(actor, Permission.VIEW_AUDIT)
    assert actor is not None
    filed_here = AuditEventPlace.objects.filter(
        event=OuterRef("pk"), region_code__startswith=actor.jurisdiction_prefix
    )
    return events.filter(Exists(filed_here)).prefetch_related("places")


def events_visible_to(
    actor: User, *, action: str = "", object_id: str = ""
) -> QuerySet[AuditEvent]:
    events = in_scope(actor, AuditEvent.objects.all()).order_by("-seq")
    if action:
        events = events.filter(action=action)
    if object_id:
        events = events.filter(object_id=object_id)
    return events


def event_for(actor: User, seq: int) -> AuditEvent:
    try:
        return in_scope(actor, AuditEvent.objects.all()).get(seq=seq)
    except AuditEvent.DoesNotExist:
        raise OutsideJurisdiction(NOT_FOUND) from None
