"""Queueing doubtful pairs and a county clerk's decision on one (人工复核)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import NOT_FOUND, require
from doudi.accounts.roles import Permission
from doudi.audit.actions import AuditAction
from doudi.audit.services import record
from doudi.errors import DoudiError, OutsideJurisdiction
from doudi.linkage.models import ReviewPair, ReviewState

if TYPE_CHECKING:
    from doudi.accounts.models import User


def queue_pairs(source_key: str, delivery_id: int, pairs: pa.Table, rows: Iterable[int]) -> int:
    """Queue the ``review`` band of ``link()``'s pairs; ``rows`` maps record_row to the
    record's line in the delivered file. Pairs already queued are left as they are."""
    lines = list(rows)
    review = pairs.filter(pc.equal(pairs["band"], "review")).to_pylist()
    created = ReviewPair.objects.bulk_create(
        [
            ReviewPair(
                source_key=source_key,
                delivery_id=delivery_id,
                record_row=lines[pair["record_row"]],
                member_id=pair["member_id"],
                probability=pair["match_probability"],
            )
            for pair in review
        ],
        ignore_conflicts=True,
    )
    return len(created)


@transaction.atomic
def decide(actor: User, pair_id: int, same_person: bool, reason: str) -> ReviewPair:
    """A county civil-affairs clerk of the member's place says whether the two are one person."""
    require(actor, Permission.CHECK_DATA)
    pair = ReviewPair.objects.select_for_update().filter(pk=pair_id).first()
    if pair is None:
        raise OutsideJurisdiction(NOT_FOUND)
    region = pair.member.household.region_id
    require(actor, Permission.CHECK_DATA, region)
    if pair.state != ReviewState.PENDING:
        raise DoudiError(_("This pair has already been decided."))
    pair.state = ReviewState.SAME_PERSON if same_person else ReviewState.DIFFERENT_PERSON
    pair.decided_by, pair.decided_at, pair.reason = actor, timezone.now(), reason
    pair.save(update_fields=["state", "decided_by", "decided_at", "reason"])
    record(
        actor=actor,
        action=AuditAction.LINKAGE_DECIDED,
        object_type="linkage.reviewpair",
        object_id=str(pair.pk),
        region_code=region,
        before={"state": ReviewState.PENDING},
        after={"state": pair.state, "member": pair.member_id, "delivery": pair.delivery_id},
        reason=reason,
    )
    return pair
