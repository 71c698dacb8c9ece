"""The three forgeries a database owner could commit against a plain hash chain — a forged
approval appended, an amount rewritten with every later link re-hashed, the newest events
deleted and the head moved back — and the anchors that catch them outside the database."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone, translation

from doudi.audit import triggers
from doudi.audit.actions import AuditAction
from doudi.audit.anchors import anchor_path, read_anchors, write_anchor
from doudi.audit.chain import HASHED_FIELDS, _derive, canonical_time, event_hash
from doudi.audit.models import AuditChainHead, AuditEvent
from doudi.audit.services import record
from doudi.audit.verification import verify_chain

pytestmark = pytest.mark.django_db

COUNTY = "410821000000"


def _append(count: int) -> list[AuditEvent]:
    events = []
    for n in range(count):
        with transaction.atomic():
            events.append(
                record(
                    actor=None,
                    action=AuditAction.PAYROLL_GENERATE,
                    object_type="payroll",
                    object_id=str(n),
                    region_code=COUNTY,
                    after={"amount_fen": 50000 + n},
                    reason="测试",
                )
            )
    return events


def _owner(sql: str, params: list) -> None:
    """What the database's owner can do: switch the append-only triggers off and write."""
    triggers.remove(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        triggers.install(connection)


def _plain_sha256(values: dict, places: list[str]) -> str:
    """The old, unkeyed hash: all a forger without the key can compute."""
    payload = {name: values[name] for name in HASHED_FIELDS}
    payload["occurred_at"] = canonical_time(payload["occurred_at"])
    payload["places"] = places
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _reseal_from(seq: int, seal) -> None:
    """Recompute every link from ``seq`` to the end with ``seal`` and move the head along."""
    previous = AuditEvent.objects.get(seq=seq - 1).hash if seq > 1 else "0" * 64
    for event in AuditEvent.objects.filter(seq__gte=seq).order_by("seq"):
        values = {name: getattr(event, name) for name in HASHED_FIELDS} | {"prev_hash": previous}
        new = seal(values, event.place_codes)
        _owner(
            "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE seq = %s",
            [previous, new, event.seq],
        )
        previous = new
    last = AuditEvent.objects.order_by("-seq").first()
    AuditChainHead.objects.filter(pk=1).update(last_seq=last.seq, last_hash=previous)


def _forge_approval(seal, *, move_head: bool = True) -> int:
    """Append an approval the application never recorded, linked to the real last event."""
    head = AuditChainHead.objects.get(pk=1)
    values = {
        "seq": head.last_seq + 1,
        "occurred_at": timezone.now(),
        "actor_id": None,
        "actor_username": "county",
        "actor_role": "county_approver",
        "actor_region_code": COUNTY,
        "region_code": COUNTY,
        "object_type": "case",
        "object_id": "999",
        "action": AuditAction.CASE_APPROVE.value,
        "channel": "web",
        "before": None,
        "after": {"state": "approved"},
        "reason": "",
        "prev_hash": head.last_hash,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (seq, occurred_at, actor_id, actor_username, actor_role,"
            " actor_region_code, region_code, object_type, object_id, action, channel, before,"
            " after, reason, prev_hash, hash) VALUES"
            " (%s, %s, NULL, %s, %s, %s, %s, %s, %s, %s, %s, NULL, %s, %s, %s, %s)",
            [
                values["seq"],
                values["occurred_at"],
                values["actor_username"],
                values["actor_role"],
                values["actor_region_code"],
                values["region_code"],
                values["object_type"],
                values["object_id"],
                values["action"],
                values["channel"],
                json.dumps(values["after"]),
                values["reason"],
                values["prev_hash"],
                seal(values, [COUNTY]),
            ],
        )
        cursor.execute(
            "INSERT INTO audit_auditeventplace (event_id, region_code) VALUES (%s, %s)",
            [values["seq"], COUNTY],
        )
    if move_head:
        AuditChainHead.objects.filter(pk=1).update(
            last_seq=values["seq"], last_hash=seal(values, [COUNTY])
        )
    return values["seq"]


def _verify_en():
    with translation.override("en"):
        return verify_chain()


def _with_a_guessed_key(values: dict, places: list[str]) -> str:
    return event_hash(values, places, key=_derive("a key the forger made up", b"event-seal"))


def _with_the_real_key(values: dict, places: list[str]) -> str:
    return event_hash(values, places)


@pytest.mark.parametrize("seal", [_plain_sha256, _with_a_guessed_key])
def test_a_forged_approval_appended_and_linked_is_caught_by_the_key(seal):
    _append(4)
    forged = _forge_approval(seal)
    report = _verify_en()
    assert report.broken_at == forged == 5
    assert report.checked == 4
    assert "written outside the application" in report.problem
    with pytest.raises(CommandError, match="#5"):
        call_command("audit", "verify")


def test_an_appended_event_is_not_called_a_cut_tail():
    _append(3)
    _forge_approval(_plain_sha256, move_head=False)
    report = _verify_en()
    assert report.broken_at == 4
    assert "deleted" not in report.problem and "cut" not in report.problem


def test_an_event_appended_with_the_key_but_past_the_head_is_named_as_appended():
    # Only a holder of the key could do this; the head in the database still tells.
    _append(3)
    _forge_approval(_with_the_real_key, move_head=False)
    report = _verify_en()
    assert report.broken_at == 4
    assert "appended outside the application" in report.problem


@pytest.mark.parametrize("seal", [_plain_sha256, _with_a_guessed_key])
def test_an_amount_rewritten_with_every_later_link_rehashed_is_caught_by_the_key(seal):
    _append(6)
    _owner(
        "UPDATE audit_auditevent SET after = %s WHERE seq = 3", [json.dumps({"amount_fen": 999999})]
    )
    _reseal_from(3, seal)
    report = _verify_en()
    assert report.broken_at == 3
    assert report.checked == 2
    assert "seal does not match" in report.problem


def test_a_rewrite_by_someone_holding_the_key_is_caught_by_the_anchor():
    _append(6)
    call_command("audit", "anchor")  # anchors #6
    _owner(
        "UPDATE audit_auditevent SET after = %s WHERE seq = 3", [json.dumps({"amount_fen": 999999})]
    )
    _reseal_from(3, _with_the_real_key)
    report = _verify_en()
    assert report.broken_at == 6
    assert "rewritten" in report.problem and "anchor" in report.problem


def test_the_newest_events_deleted_and_the_head_moved_back_are_caught_by_the_anchor():
    events = _append(6)
    call_command("audit", "verify")  # intact: anchors #6
    _owner("DELETE FROM audit_auditeventplace WHERE event_id >= 5", [])
    _owner("DELETE FROM audit_auditevent WHERE seq >= 5", [])
    AuditChainHead.objects.filter(pk=1).update(last_seq=4, last_hash=events[3].hash)
    report = _verify_en()
    assert report.broken_at == 5
    assert "events deleted after #4: event #6 was anchored at" in report.problem
    with pytest.raises(CommandError, match="#5"):
        call_command("audit", "verify")


def test_the_same_deletion_without_any_anchor_would_pass():
    # Why anchors exist: the head lives in the database and moves back with the deletion.
    events = _append(6)
    _owner("DELETE FROM audit_auditeventplace WHERE event_id >= 5", [])
    _owner("DELETE FROM audit_auditevent WHERE seq >= 5", [])
    AuditChainHead.objects.filter(pk=1).update(last_seq=4, last_hash=events[3].hash)
    assert verify_chain().intact


def test_the_places_an_event_is_filed_under_are_sealed():
    _append(2)
    _owner("UPDATE audit_auditeventplace SET region_code = %s WHERE event_id = 1", ["4"])
    assert _verify_en().broken_at == 1


def test_another_key_verifies_nothing(settings):
    _append(2)
    settings.DOUDI_AUDIT_KEY = "another key entirely"
    assert verify_chain().broken_at == 1


def test_verify_anchors_what_it_verified_and_anchor_appends_a_signed_line(capsys):
    _append(3)
    call_command("audit", "verify")
    _append(2)
    call_command("audit", "anchor")
    anchors = read_anchors()
    assert [(a.seq, a.line) for a in anchors] == [(3, 1), (5, 2)]
    assert anchors[1].hash == AuditChainHead.objects.get(pk=1).last_hash
    call_command("audit", "verify")  # nothing new since the last anchor: no new line
    _append(1)
    call_command("audit", "verify", "--no-anchor")
    assert len(read_anchors()) == 2


def test_an_anchor_line_not_signed_with_the_key_is_reported():
    events = _append(3)
    write_anchor(3, events[2].hash)
    path = Path(settings.DOUDI_AUDIT_ANCHOR_PATH)
    forged = {"seq": 2, "hash": events[1].hash, "at": "2026-01-01T00:00:00+00:00", "mac": "0" * 64}
    with path.open("a") as file:
        file.write(json.dumps(forged) + "\n")
    report = _verify_en()
    assert report.broken_at is None and report.damaged_anchor_line == 2
    assert not report.intact
    with translation.override("en"), pytest.raises(CommandError, match="line 2"):
        call_command("audit", "verify")


def test_an_anchor_is_written_after_every_n_events_once_committed(
    settings, django_capture_on_commit_callbacks
):
    settings.DOUDI_AUDIT_ANCHOR_EVERY = 3
    with django_capture_on_commit_callbacks(execute=True):
        _append(7)
    assert [anchor.seq for anchor in read_anchors()] == [3, 6]
    assert verify_chain().intact


def test_an_anchor_is_not_written_for_an_event_that_rolled_back(
    settings, django_capture_on_commit_callbacks
):
    settings.DOUDI_AUDIT_ANCHOR_EVERY = 1
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ZeroDivisionError),
        transaction.atomic(),
    ):
        _append(1)
        raise ZeroDivisionError
    assert callbacks == [] and read_anchors() == []
    assert not anchor_path().exists()
