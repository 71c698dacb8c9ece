"""Walking the chain: ``doudi audit verify``.

Each kind of tampering is named for what it is:

- an event whose seal does not match its content under the audit key: changed after it was
  written, or written by someone without the key (a forged event appended or inserted);
- a sequence number missing, or a link to the previous event broken: removed or reordered;
- the chain ending before an anchor or before the head: the newest events deleted;
- an anchored event whose seal differs from the anchor: rewritten (even by someone holding the
  key);
- events after the head that the application never recorded: appended outside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from doudi.audit.anchors import Anchor, UnreadableAnchor, read_anchors
from doudi.audit.chain import HASHED_FIELDS, event_hash
from doudi.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None = None  # the sequence number of the first broken link
    problem: str = ""
    last_seq: int = 0  # the last event of an intact chain
    last_hash: str = GENESIS_HASH
    anchors: int = 0  # how many anchors were checked
    damaged_anchor_line: int | None = None  # a line of the anchor file that is not signed

    @property
    def intact(self) -> bool:
        return self.broken_at is None and self.damaged_anchor_line is None


def _when(anchor: Anchor) -> str:
    return formats.date_format(timezone.localtime(anchor.time), "Y-m-d H:i:s")


def verify_chain(chunk_size: int = 5000) -> ChainReport:
    anchors = read_anchors()
    unreadable = [entry for entry in anchors if isinstance(entry, UnreadableAnchor)]
    signed = [entry for entry in anchors if isinstance(entry, Anchor)]
    anchored: dict[int, list[Anchor]] = {}
    for anchor in signed:
        anchored.setdefault(anchor.seq, []).append(anchor)

    expected_seq, previous_hash, checked = 1, GENESIS_HASH, 0
    events = AuditEvent.objects.order_by("seq").prefetch_related("places")
    for event in events.iterator(chunk_size=chunk_size):
        values = {name: getattr(event, name) for name in HASHED_FIELDS}
        if event.seq != expected_seq:
            return ChainReport(checked, expected_seq, _("event missing"))
        if event.prev_hash != previous_hash:
            return ChainReport(checked, event.seq, _("link to the previous event broken"))
        if event_hash(values, event.place_codes) != event.hash:
            return ChainReport(
                checked,
                event.seq,
                _(
                    "its seal does not match its content under the audit key: changed after it "
                    "was written, or written outside the application"
                ),
            )
        for anchor in anchored.get(event.seq, []):
            if anchor.hash != event.hash:
                return ChainReport(
                    checked,
                    event.seq,
                    _(
                        "rewritten at or before this event: it differs from the anchor "
                        "written at %(time)s"
                    )
                    % {"time": _when(anchor)},
                )
        expected_seq, previous_hash, checked = expected_seq + 1, event.hash, checked + 1

    last_seq = expected_seq - 1
    beyond = [anchor for anchor in signed if anchor.seq > last_seq]
    if beyond:
        furthest = max(beyond, key=lambda anchor: anchor.seq)
        return ChainReport(
            checked,
            expected_seq,
            _("events deleted after #%(last)d: event #%(anchored)d was anchored at %(time)s")
            % {"last": last_seq, "anchored": furthest.seq, "time": _when(furthest)},
        )
    head = AuditChainHead.objects.get(pk=1)
    if head.last_seq > last_seq:
        return ChainReport(
            checked,
            expected_seq,
            _("events deleted after #%(last)d: the chain head records #%(head)d")
            % {"last": last_seq, "head": head.last_seq},
        )
    if head.last_seq < last_seq:
        return ChainReport(
            checked,
            head.last_seq + 1,
            _("appended outside the application: the chain head records #%(head)d")
            % {"head": head.last_seq},
        )
    if head.last_hash != previous_hash:
        return ChainReport(checked, last_seq, _("the chain head's seal differs from this event"))
    return ChainReport(
        checked,
        last_seq=last_seq,
        last_hash=previous_hash,
        anchors=len(signed),
        # The chain checks out against every signed anchor; a line that is not one was written
        # by someone without the key, or damaged, and is worth a look of its own.
        damaged_anchor_line=unreadable[0].line if unreadable else None,
        problem=_("this line of the anchor file is not an anchor signed with the audit key")
        if unreadable
        else "",
    )
