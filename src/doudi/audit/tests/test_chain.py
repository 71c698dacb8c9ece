"""The audit trail is append-only and hash-chained; tampering is caught and named."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import translation

from doudi.audit import triggers
from doudi.audit.actions import AuditAction
from doudi.audit.models import AppendOnlyError, AuditChainHead, AuditEvent
from doudi.audit.services import record
from doudi.audit.verification import verify_chain
from doudi.errors import DoudiError
from doudi.regions.services import update_region

pytestmark = pytest.mark.django_db


def _append(count: int) -> list[AuditEvent]:
    events = []
    for n in range(count):
        with transaction.atomic():
            events.append(
                record(
                    actor=None,
                    action=AuditAction.REGION_UPDATE,
                    object_type="thing",
                    object_id=str(n),
                    region_code="410821000000",
                    before={"n": n},
                    after={"n": n + 1, "名": "值"},
                    reason="测试",
                )
            )
    return events


def _tamper(sql: str, params: list) -> None:
    """What only someone with the database owner's powers could do."""
    triggers.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    triggers.install(connection)


def test_events_link_to_their_predecessors_and_verify():
    first, second, third = _append(3)
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert [e.seq for e in (first, second, third)] == [1, 2, 3]
    report = verify_chain()
    assert report.intact and report.checked == 3


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_a_programming_error():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        record(
            actor=None,
            action=AuditAction.REGION_UPDATE,
            object_type="x",
            object_id="1",
            region_code="41",
        )


def test_the_application_cannot_change_or_delete_an_event():
    (event,) = _append(1)
    event.reason = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(seq=event.seq).update(reason="changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET reason = 'changed'",
        "DELETE FROM audit_auditevent",
    ],
)
def test_the_database_refuses_updates_and_deletes(statement):
    _append(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        connection.cursor().execute(statement)
    assert AuditEvent.objects.get().reason == "测试"


def test_a_changed_event_is_named_as_the_first_broken_link():
    _append(5)
    _tamper("UPDATE audit_auditevent SET after = %s WHERE seq = 3", ['{"n": 1000}'])
    report = verify_chain()
    assert report.broken_at == 3
    assert report.checked == 2
    with pytest.raises(CommandError, match="#3"):
        call_command("audit", "verify")


def _remove(condition: str) -> None:
    _tamper(f"DELETE FROM audit_auditeventplace WHERE event_id {condition}", [])
    _tamper(f"DELETE FROM audit_auditevent WHERE seq {condition}", [])


def test_a_removed_event_is_caught():
    _append(5)
    _remove("= 2")
    assert verify_chain().broken_at == 2


def test_events_cut_off_the_end_are_caught():
    _append(5)
    _remove(">= 4")
    with translation.override("en"):
        report = verify_chain()
    assert report.broken_at == 4
    assert "deleted after #3" in report.problem


def test_a_rewritten_event_with_a_recomputed_hash_still_breaks_the_next_link():
    _append(3)
    _tamper("UPDATE audit_auditevent SET reason = 'forged', hash = %s WHERE seq = 2", ["f" * 64])
    assert verify_chain().broken_at == 2


def test_the_command_reports_an_intact_chain(capsys):
    _append(2)
    call_command("audit", "verify")
    assert "2" in capsys.readouterr().out


def test_a_refused_change_leaves_neither_change_nor_event(places, admin_user):
    before = AuditEvent.objects.count()
    head = AuditChainHead.objects.get(pk=1).last_seq
    with pytest.raises(DoudiError):
        update_region(admin_user, "410821902001", name="新名", classification="rural", reason="")
    assert AuditEvent.objects.count() == before
    assert AuditChainHead.objects.get(pk=1).last_seq == head


def test_a_failure_after_the_event_rolls_both_back(places, admin_user):
    before = AuditEvent.objects.count()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        update_region(
            admin_user, "410821902001", name="新名", classification="rural", reason="更正"
        )
        raise ZeroDivisionError
    assert AuditEvent.objects.count() == before
    assert verify_chain().intact
