"""How an event's hash is computed: SHA-256 over a canonical JSON of all its columns."""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

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


def as_json_value(value: Any) -> Any:
    """The value exactly as the JSON column will give it back (dates become strings)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def canonical_time(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def event_hash(values: dict[str, Any]) -> str:
    payload = {name: values[name] for name in HASHED_FIELDS}
    # Events written before the channel column existed were hashed without it; leaving an empty
    # channel out keeps their hashes valid, and any channel written since is covered.
    if not payload["channel"]:
        del payload["channel"]
    payload["occurred_at"] = canonical_time(payload["occurred_at"])
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
