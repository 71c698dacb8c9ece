"""Seal the chain with the audit key and file every event under its places.

Until now each event carried a plain SHA-256 hash, which anyone able to write the database could
recompute. From here on the seal is an HMAC keyed by DOUDI_AUDIT_KEY, covering the places the
event is filed under (docs/decisions/0012-keyed-chain-and-anchors.md).

Existing events are checked under the old rule first; if that chain is broken the migration
stops and names the event, because re-sealing would launder the tampering. An intact chain is
then filed under each event's place and its actor's place and re-sealed once, under the key, so
that one rule verifies the whole chain. What came before this upgrade is exactly as trustworthy
as the unkeyed chain was at this moment; run `doudi audit verify` afterwards to write the first
anchor. The functions are frozen here on purpose: this migration must keep doing what it did
whatever audit/chain.py later becomes.
"""

import datetime
import hashlib
import hmac
import json

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import migrations

GENESIS_HASH = "0" * 64
FIELDS = (
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


def _canonical(values: dict) -> dict:
    payload = {name: values[name] for name in FIELDS}
    moment = payload["occurred_at"].astimezone(datetime.UTC)
    payload["occurred_at"] = moment.isoformat(timespec="microseconds")
    return payload


def _text(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _old_hash(values: dict) -> str:
    payload = _canonical(values)
    if not payload["channel"]:
        del payload["channel"]
    return hashlib.sha256(_text(payload)).hexdigest()


def _seal(key: bytes, values: dict, places: list[str]) -> str:
    payload = _canonical(values)
    payload["places"] = places
    return hmac.new(key, _text(payload), hashlib.sha256).hexdigest()


def reseal(apps, schema_editor):
    from doudi.audit import triggers

    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditEventPlace = apps.get_model("audit", "AuditEventPlace")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    events = list(AuditEvent.objects.order_by("seq"))
    if not events:
        return
    previous = GENESIS_HASH
    for expected, event in enumerate(events, start=1):
        values = {name: getattr(event, name) for name in FIELDS}
        if event.seq != expected or event.prev_hash != previous or _old_hash(values) != event.hash:
            raise RuntimeError(
                f"audit chain broken at event #{expected} under the old unkeyed hash: "
                "investigate it before upgrading; it is not re-sealed"
            )
        previous = event.hash
    head = AuditChainHead.objects.get(pk=1)
    if (head.last_seq, head.last_hash) != (events[-1].seq, previous):
        raise RuntimeError("audit chain head does not match the last event: not re-sealed")

    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"doudi-audit", info=b"event-seal")
    key = hkdf.derive(settings.DOUDI_AUDIT_KEY.encode())
    connection = schema_editor.connection
    triggers.remove(connection)
    previous = GENESIS_HASH
    with connection.cursor() as cursor:
        for event in events:
            places = sorted({code for code in (event.region_code, event.actor_region_code) if code})
            AuditEventPlace.objects.bulk_create(
                AuditEventPlace(event_id=event.seq, region_code=code) for code in places
            )
            values = {name: getattr(event, name) for name in FIELDS} | {"prev_hash": previous}
            seal = _seal(key, values, places)
            cursor.execute(
                "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE seq = %s",
                [previous, seal, event.seq],
            )
            previous = seal
    AuditChainHead.objects.filter(pk=1).update(last_hash=previous)
    if connection.vendor == "postgresql":
        # PostgreSQL refuses to create a trigger on a table with deferred foreign-key checks
        # still pending (the places just inserted): run those checks now.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    triggers.install(connection)


def install_place_triggers(apps, schema_editor):
    from doudi.audit import triggers

    triggers.install(schema_editor.connection)


def remove_place_triggers(apps, schema_editor):
    from doudi.audit import triggers

    triggers.remove(schema_editor.connection, (triggers.PLACES_TABLE,))


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_auditeventplace")]
    # Re-sealing cannot be undone: the old hashes are gone (and were the weakness).
    operations = [
        migrations.RunPython(install_place_triggers, remove_place_triggers),
        migrations.RunPython(reseal),
    ]
