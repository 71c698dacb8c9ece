"""Writing to the audit trail. Every service that changes state calls ``record`` inside its
own transaction, so the change and its event commit or roll back together."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from doudi.audit.actions import AuditAction, audit_action
from doudi.audit.chain import as_json_value, event_hash
from doudi.audit.channels import current_channel
from doudi.audit.models import AuditChainHead, AuditEvent
from doudi.identity.numbers import mask_id_numbers

SYSTEM_ACTOR = "system"


def record(
    *,
    actor: Any,
    action: AuditAction,
    object_type: str,
    object_id: str,
    region_code: str,
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> AuditEvent:
    """Append one event. ``actor`` is a user, or None for the system itself (demo load, jobs).

    ``action`` must be in the vocabulary (audit.actions); the channel is the door the current
    request or command came through (audit.channels), set by the face, not by the service.
    """
    action = audit_action(action)
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the transaction of the change it records")
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
    event = AuditEvent.objects.create(**values, hash=event_hash(values))
    AuditChainHead.objects.filter(pk=1).update(last_seq=event.seq, last_hash=event.hash)
    return event
