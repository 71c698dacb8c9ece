"""Signed checkpoints of the chain's end, kept outside the database.

The chain head row lives in the database, so whoever rewrites the database can move it back
after deleting the newest events, or re-seal a rewritten stretch if the key ever leaked. An
anchor is one line appended to a file outside the database (``DOUDI_AUDIT_ANCHOR_PATH``):
the sequence number and seal of an event, when the anchor was written, and an HMAC over the
three with a key derived from ``DOUDI_AUDIT_KEY``. ``doudi audit verify`` checks every anchor
against the chain: an anchor beyond the chain's end means events were deleted from the end;
an anchored event whose seal differs means it was rewritten.

The file is only ever opened for appending. In production point it at storage the database's
administrators cannot write (a separate host, an append-only ``chattr +a`` file, an object
store with retention); the monthly report carries the latest anchor too.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from doudi.audit.chain import anchor_key, canonical_time
from doudi.audit.models import AuditChainHead

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    at: str  # ISO time in UTC, as written
    line: int = 0  # the line of the anchor file it was read from
    mac: str = ""  # the signature, so that a copy (a printed report) can be checked too

    @property
    def time(self) -> datetime.datetime:
        return datetime.datetime.fromisoformat(self.at)


@dataclass(frozen=True)
class UnreadableAnchor:
    """A line of the anchor file that is not a validly signed anchor."""

    line: int


def anchor_path() -> Path:
    """The anchor file: ``DOUDI_AUDIT_ANCHOR_PATH``, else one per database in the data folder,
    so that switching DATABASE_URL on a development machine never mixes two chains' anchors."""
    if settings.DOUDI_AUDIT_ANCHOR_PATH:
        return Path(settings.DOUDI_AUDIT_ANCHOR_PATH)
    name = Path(str(connection.settings_dict["NAME"])).name
    return Path(settings.VAR_DIR) / f"audit-anchors.{connection.vendor}.{name}.jsonl"


def _signature(seq: int, hash_: str, at: str) -> str:
    message = f"doudi-audit-anchor\n{seq}\n{hash_}\n{at}".encode()
    return hmac.new(anchor_key(), message, hashlib.sha256).hexdigest()


def write_anchor(seq: int, hash_: str) -> Anchor:
    """Append a signed anchor of event ``seq`` (which must be committed) to the anchor file."""
    at = canonical_time(timezone.now())
    mac = _signature(seq, hash_, at)
    line = json.dumps({"seq": seq, "hash": hash_, "at": at, "mac": mac}, separators=(",", ":"))
    path = anchor_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_APPEND: every write lands at the end, whoever else appends at the same time; one write
    # per line keeps lines whole. fsync: an anchor that is reported written is on the disk.
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(descriptor, (line + "\n").encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return Anchor(seq, hash_, at, mac=mac)


def write_anchor_quietly(seq: int, hash_: str) -> None:
    """The automatic anchor after a commit: the change has happened, so a full disk must not
    turn it into an error page. The failure is logged; the next anchor covers this one."""
    try:
        write_anchor(seq, hash_)
    except OSError:
        log.exception("could not append an audit anchor to %s", anchor_path())


def anchor_head() -> Anchor | None:
    """Anchor the chain's current end (None while the chain is empty)."""
    head = AuditChainHead.objects.get(pk=1)
    if head.last_seq == 0:
        return None
    return write_anchor(head.last_seq, head.last_hash)


def anchor_for_report() -> Anchor | None:
    """Anchor the chain's end for a report that will carry it; a report is still made when
    the anchor file cannot be written (logged), it then carries no anchor."""
    try:
        return anchor_head()
    except OSError:
        log.exception("could not append an audit anchor to %s", anchor_path())
        return None


def read_anchors() -> list[Anchor | UnreadableAnchor]:
    """Every line of the anchor file, in order (none when there is no file yet)."""
    path = anchor_path()
    if not path.exists():
        return []
    anchors: list[Anchor | UnreadableAnchor] = []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            data = json.loads(text)
            seq, hash_, at, mac = int(data["seq"]), str(data["hash"]), str(data["at"]), data["mac"]
            datetime.datetime.fromisoformat(at)
        except (ValueError, KeyError, TypeError):
            anchors.append(UnreadableAnchor(number))
            continue
        if not hmac.compare_digest(str(mac), _signature(seq, hash_, at)):
            anchors.append(UnreadableAnchor(number))
            continue
        anchors.append(Anchor(seq, hash_, at, number, str(mac)))
    return anchors


def latest_anchor() -> Anchor | None:
    """The validly signed anchor with the highest sequence number (for reports)."""
    valid = [anchor for anchor in read_anchors() if isinstance(anchor, Anchor)]
    return max(valid, key=lambda anchor: anchor.seq, default=None)
