"""Writing to the audit trail. Every service that changes state calls ``record`` inside its
own transaction, so the change and its event commit or roll back together."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from doudi.audit.actions import AuditAction, audit_action
from doudi.audit.chain import as_json_value, canonical_places, event_hash
from doudi.audit.channels import current_channel
from doudi.audit.models import AuditChainHead, AuditEvent, AuditEventPlace
from doudi.identity.numbers import mask_id_numbers

SYSTEM_ACTOR = "system"


def record(
    *,
    actor: Any,
    action: AuditAction,
    object_type: str,
    object_id: str,
    region_code: str,
    places: Iterable[str] = (),
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> AuditEvent:
    """Append one event. ``actor`` is a user, or None for the system itself (demo load, jobs).

    ``region_code`` is the place of the object. The event is filed under it, under the actor's
    own place and under ``places`` (further objects' places, e.g. each township an export took
    households from), so that an auditor of any of them finds it. Never pass a place taken from
    a user's filter: it need not be a place at all.

    ``action`` must be in the vocabulary (audit.actions); the channel is the door the current
    request or command came through (audit.channels), set by the face, not by the service.
    """
    action = audit_action(action)
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the transaction of the change it records")
    filed_under = canonical_places([region_code, actor.region_id if actor else "", *places])
    # The head row is the queue: one appender at a time reads and advances it.
    head = AuditChainHead.objects.select_for_update().get(pk=1)
    values = {
        "seq": head.last_seq + 1,
        "occurred_at": timezone.now(),
        "actor_id": actor.pk if actor else None,
        "actor_username": actor.username if actor else SYSTEM_ACTOR,
        "actor_role": actor.role if actor else "",
        "actor_region_code": actor.region_id if actor else "",
        "region_code": region_code,
        "object_type": object_type,
        "object_id": str(object_id),
        "action": action.value,
        "channel": current_channel().value,
        "before": as_json_value(before),
        "after": as_json_value(after),
        # Whatever a caller passes, a number typed into a reason is kept masked (doudi.text).
        "reason": mask_id_numbers(reason),
        "prev_hash": head.last_hash,
    }
    event = AuditEvent.objects.create(**values, hash=event_hash(values, filed_under))
    AuditEventPlace.objects.bulk_create(
        AuditEventPlace(event=event, region_code=code) for code in filed_under
    )
    AuditChainHead.objects.filter(pk=1).update(last_seq=event.seq, last_hash=event.hash)
    every = settings.DOUDI_AUDIT_ANCHOR_EVERY
    if every and event.seq % every == 0:
        from doudi.audit.anchors import write_anchor_quietly

        # Only once the event is committed: an anchor of an event that rolled back would later
        # look like events deleted from the end.
        transaction.on_commit(lambda: write_anchor_quietly(event.seq, event.hash))
    return event
