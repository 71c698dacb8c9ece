"""The restore drill (docs/operations.md): demo-like data → `doudi backup` → `doudi restore` into
a fresh database in another process → every table holds the same rows, the audit chain
verifies, and an attachment downloads byte for byte. Plus the refusals of a restore."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from doudi.accounts.models import User
from doudi.backups.archive import MANIFEST
from doudi.registry.models import Household
from doudi.registry.services import add_attachment

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SCAN = b"%PDF-1.4\n" + bytes(range(256)) * 40  # a "scanned document", binary throughout

# Run in the restored installation: its rows, its chain, and one attachment as a user gets it.
INSPECT = """
import hashlib, json
from django.db import connection
from django.test import Client
from doudi.accounts.models import User
from doudi.audit.models import AuditEvent
from doudi.audit.verification import verify_chain
with connection.cursor() as cursor:
    counts = {}
    for table in connection.introspection.table_names(cursor):
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        counts[table] = cursor.fetchone()[0]
report = verify_chain()
restore_places = AuditEvent.objects.order_by("-pk").first().places.count()
client = Client()
client.force_login(User.objects.get(username="handler"))
response = client.get("/households/attachments/%(pk)d/")
body = b"".join(response.streaming_content) if response.streaming else response.content
print(json.dumps({"counts": counts, "intact": report.intact, "checked": report.checked,
                  "restore_places": restore_places, "status": response.status_code,
                  "sha256": hashlib.sha256(body).hexdigest()}))
"""


def _table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def demo_installation(monkeypatch):
    """The demo (places, accounts, a small synthetic population, the demo cases) and a scan."""
    monkeypatch.setattr("doudi.demo.management.commands.demo.DEMO_HOUSEHOLDS", 40)
    call_command("demo", "load", stdout=io.StringIO())
    handler = User.objects.get(username="handler")
    household = Household.objects.filter(region__code__startswith="410821902").first()
    assert household is not None, "the demo population has a household in the handler's township"
    return add_attachment(
        handler,
        household.pk,
        SimpleUploadedFile("户口簿.pdf", SCAN),
        category="hukou",
        description="户口簿扫描件",
    )


@pytest.fixture
def fresh_database(tmp_path):
    """The URL of a new, empty database of the same kind, dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    db = settings.DATABASES["default"]
    name = f"{db['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    yield f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _doudi(arguments: list[str], database_url: str, var_dir: Path, **overrides: str):
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DOUDI_VAR_DIR": str(var_dir),
        "DOUDI_SECRET_KEY": settings.SECRET_KEY,
        "DOUDI_DATA_KEY": settings.DOUDI_DATA_KEY,
        "DOUDI_AUDIT_KEY": settings.DOUDI_AUDIT_KEY,
        "DOUDI_ENV": "demo",
        **overrides,
    }
    environment.pop("DOUDI_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "doudi", *arguments],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_drill_restores_every_row_a_verifying_chain_and_identical_files(
    demo_installation, fresh_database, tmp_path
):
    archive = tmp_path / "doudi-backup.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    source = _table_counts()
    assert source["registry_household"] == 40 and source["registry_attachment"] == 1
    assert oct(archive.stat().st_mode & 0o777) == "0o600"

    restored_var = tmp_path / "restored-var"
    done = _doudi(["restore", str(archive)], fresh_database, restored_var)
    assert done.returncode == 0, done.stderr

    inspected = _doudi(
        ["shell", "-c", INSPECT % {"pk": demo_installation.pk}], fresh_database, restored_var
    )
    assert inspected.returncode == 0, inspected.stderr
    found = json.loads(inspected.stdout.strip().splitlines()[-1])
    # Every table holds the rows it had; the audit trail has one more event, the restore itself,
    # filed under its places.
    expected = {
        **source,
        "audit_auditevent": source["audit_auditevent"] + 1,
        "audit_auditeventplace": source["audit_auditeventplace"] + found["restore_places"],
    }
    restored = found["counts"]
    for table in ("django_session", "accounts_loginsession"):  # the inspection's own log-in
        restored[table] = expected[table]
    assert restored == expected
    assert found["intact"] and found["checked"] == expected["audit_auditevent"]
    assert found["status"] == 200
    assert found["sha256"] == hashlib.sha256(SCAN).hexdigest()


def test_a_restore_refuses_a_database_that_is_not_empty(demo_installation, tmp_path):
    archive = tmp_path / "b.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match="不是空的"):
        call_command("restore", str(archive))


def test_a_damaged_archive_is_refused_before_anything_is_restored(
    demo_installation, fresh_database, tmp_path
):
    archive = tmp_path / "b.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    with tarfile.open(archive) as tar:
        member = next(m for m in tar.getmembers() if m.name.startswith("data/media/"))
        offset = member.offset_data
    with archive.open("r+b") as stream:  # one byte of the scan changed
        stream.seek(offset + 100)
        stream.write(b"X")
    done = _doudi(["restore", str(archive)], fresh_database, tmp_path / "var2")
    assert done.returncode == 1
    assert "校验" in done.stderr and "checksum" in done.stderr
    assert not (tmp_path / "var2" / "media").exists()


def test_a_restore_with_another_data_key_is_refused(demo_installation, fresh_database, tmp_path):
    archive = tmp_path / "b.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile(MANIFEST))
    assert settings.DOUDI_DATA_KEY not in json.dumps(manifest)  # a fingerprint, not the key
    done = _doudi(
        ["restore", str(archive)], fresh_database, tmp_path / "var3", DOUDI_DATA_KEY="x" * 48
    )
    assert done.returncode == 1
    assert "DOUDI_DATA_KEY" in done.stderr
