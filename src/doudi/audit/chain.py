"""How an event is sealed: HMAC-SHA256, keyed by ``DOUDI_AUDIT_KEY``, over a canonical JSON of
all its columns, the places it is filed under and the previous event's seal.

A plain hash could be recomputed by anyone who can write the database (its owner, a restored
backup, a superuser): they would rewrite an event and re-hash every later link, and the chain
would verify. The key lives outside the database (the environment, or ``var/secrets.json``
outside production), so without it no forged or rewritten event can carry a valid seal
(docs/decisions/0012-keyed-chain-and-anchors.md).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_username",
    "actor_role",
    "actor_region_code",
    "region_code",
    "object_type",
    "object_id",
    "action",
    "channel",
    "before",
    "after",
    "reason",
    "prev_hash",
)


@lru_cache(maxsize=8)
def _derive(master: str, purpose: bytes) -> bytes:
    # One secret, two independent keys: a seal of an event can never pass for an anchor's
    # signature or the other way round.
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"doudi-audit", info=purpose)
    return hkdf.derive(master.encode())


def event_key() -> bytes:
    return _derive(settings.DOUDI_AUDIT_KEY, b"event-seal")


def anchor_key() -> bytes:
    return _derive(settings.DOUDI_AUDIT_KEY, b"anchor-signature")


def as_json_value(value: Any) -> Any:
    """The value exactly as the JSON column will give it back (dates become strings)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def canonical_time(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def canonical_places(places: Iterable[str]) -> list[str]:
    """The places an event is filed under, once each and in order (empty codes left out)."""
    return sorted({code for code in places if code})


def event_hash(values: dict[str, Any], places: Iterable[str], key: bytes | None = None) -> str:
    """The seal of one event: its columns, the places it is filed under, its predecessor's seal."""
    payload = {name: values[name] for name in HASHED_FIELDS}
    payload["occurred_at"] = canonical_time(payload["occurred_at"])
    payload["places"] = canonical_places(places)
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key or event_key(), text.encode(), hashlib.sha256).hexdigest()
