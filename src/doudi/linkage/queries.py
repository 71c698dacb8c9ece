"""What a county clerk sees of the review queue (待复核)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from doudi.accounts.jurisdiction import scope
from doudi.accounts.roles import Permission
from doudi.linkage.models import ReviewPair, ReviewState

if TYPE_CHECKING:
    from doudi.accounts.models import User


def pending_pairs(user: User) -> QuerySet[ReviewPair]:
    """Pending pairs whose member's household lies in the user's jurisdiction, likeliest first."""
    pairs = ReviewPair.objects.filter(state=ReviewState.PENDING).select_related("member__household")
    return scope(user, pairs, Permission.CHECK_DATA, "member__household__region__code").order_by(
        "-probability", "id"
    )
