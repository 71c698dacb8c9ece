"""Walking the chain: ``doudi audit verify``."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from doudi.audit.chain import HASHED_FIELDS, event_hash
from doudi.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None = None  # the sequence number of the first broken link
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify_chain(chunk_size: int = 5000) -> ChainReport:
    expected_seq, previous_hash, checked = 1, GENESIS_HASH, 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size):
        values = {name: getattr(event, name) for name in HASHED_FIELDS}
        if event.seq != expected_seq:
            return ChainReport(checked, expected_seq, str(_("event missing")))
        if event.prev_hash != previous_hash:
            return ChainReport(checked, event.seq, str(_("link to the previous event broken")))
        if event_hash(values) != event.hash:
            return ChainReport(checked, event.seq, str(_("content changed after it was written")))
        expected_seq, previous_hash, checked = expected_seq + 1, event.hash, checked + 1
    head = AuditChainHead.objects.get(pk=1)
    if head.last_seq != expected_seq - 1 or head.last_hash != previous_hash:
        return ChainReport(checked, expected_seq, str(_("events cut off the end of the chain")))
    return ChainReport(checked)
