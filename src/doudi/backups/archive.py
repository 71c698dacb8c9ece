"""One backup archive: the database as the database itself dumps it, the data directory, and a
manifest with a checksum of every file, the row count of every table and a fingerprint of each
key (never the key). See docs/decisions/0015-backup.md and docs/operations.md.

Layout of the (uncompressed) tar file::

    database/sqlite3.db        the database (SQLite's backup API), or
    database/postgresql.dump   the database (pg_dump --format=custom)
    data/media/...             attachments (the MEDIA_ROOT tree)
    manifest.json              written last, read first

The database is copied first, in one consistent snapshot, and its row counts are taken from
that same snapshot; the files come after it, so every file a row names is in the archive (a file
added meanwhile is only an extra one).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from doudi.audit.actions import AuditAction
from doudi.audit.services import record
from doudi.errors import DoudiError

FORMAT = "doudi-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBER = {"sqlite": "database/sqlite3.db", "postgresql": "database/postgresql.dump"}
DATA_PREFIX = "data/media/"
CHUNK = 1 << 20
# The keys whose fingerprints the manifest keeps: a restore with another key would leave the ID
# numbers unreadable (the data key) or the chain unverifiable (the audit key, if configured).
KEY_SETTINGS = ("DOUDI_DATA_KEY", "DOUDI_AUDIT_KEY")


class BackupRefused(DoudiError):
    code = "backup_refused"


@dataclass(frozen=True)
class RestoreReport:
    tables: int
    rows: int
    files: int
    verification: str


# ------------------------------------------------------------------------------ shared parts


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def key_fingerprints() -> dict[str, str]:
    """An HMAC of a fixed label under each configured key: tells keys apart, reveals none."""
    prints = {}
    for name in KEY_SETTINGS:
        value = getattr(settings, name, "") or ""
        if value:
            mac = hmac.new(str(value).encode(), b"doudi-backup-key-fingerprint", hashlib.sha256)
            prints[name] = mac.hexdigest()[:32]
    return prints


def _whole_installation() -> str:
    """The place of an event about the whole installation: the top of the place tree, so that
    every audit reader above it sees the backups and restores."""
    from doudi.regions.codes import common_ancestor
    from doudi.regions.models import Region

    roots = list(Region.objects.filter(parent__isnull=True).values_list("code", flat=True))
    return common_ancestor(roots) if roots else "0" * 12


def _vendor() -> str:
    if connection.vendor not in DATABASE_MEMBER:
        raise BackupRefused(
            _("Backups support SQLite and PostgreSQL, not %(vendor)s."), vendor=connection.vendor
        )
    return connection.vendor


def _sqlite_tables(cursor) -> list[str]:
    # SQLite's own tables (sqlite_sequence, statistics) are not Doudi's rows.
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    return [name for (name,) in cursor.fetchall()]


def _tables(cursor) -> list[str]:
    if connection.vendor == "sqlite":
        return _sqlite_tables(cursor)
    return connection.introspection.table_names(cursor)


def _count_rows(cursor, tables: list[str], quote) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _media_files() -> Iterator[tuple[str, Path]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path.relative_to(root).as_posix(), path


def _pg_environment() -> tuple[list[str], dict[str, str]]:
    """pg_dump/pg_restore connection options for the default database (password by env)."""
    db = settings.DATABASES["default"]
    options = []
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if db.get(key):
            options += [flag, str(db[key])]
    environment = {**os.environ}
    if db.get("PASSWORD"):
        environment["PGPASSWORD"] = str(db["PASSWORD"])
    return options, environment


def _run_tool(arguments: list[str], environment: dict[str, str]) -> None:
    if shutil.which(arguments[0]) is None:
        raise BackupRefused(
            _("%(tool)s is not installed (Debian package postgresql-client)."), tool=arguments[0]
        )
    done = subprocess.run(arguments, env=environment, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupRefused(
            _("%(tool)s failed: %(reason)s"),
            tool=arguments[0],
            reason=done.stderr.strip()[-2000:],
        )


# ------------------------------------------------------------------------------------ backup


def _snapshot_sqlite(target: Path) -> dict[str, int]:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)  # a page-by-page copy under one read lock
        cursor = copy.cursor()
        return _count_rows(cursor, _sqlite_tables(cursor), lambda name: f'"{name}"')
    finally:
        copy.close()


def _snapshot_postgresql(target: Path) -> dict[str, int]:
    # One exported snapshot: the counts and pg_dump see exactly the same rows.
    options, environment = _pg_environment()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _count_rows(cursor, _tables(cursor), connection.ops.quote_name)
        _run_tool(
            [
                "pg_dump",
                *options,
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={target}",
                str(settings.DATABASES["default"]["NAME"]),
            ],
            environment,
        )
    return counts


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mode = 0o600
    info.mtime = int(datetime.datetime.now().timestamp())
    archive.addfile(info, io.BytesIO(content))


def make_backup(path: Path) -> dict:
    """Write the archive to ``path`` (refused if it exists); returns the manifest."""
    vendor = _vendor()
    if path.exists():
        raise BackupRefused(_("%(path)s exists; a backup never overwrites a file."), path=path)
    with transaction.atomic():
        # Inside the backup itself: the trail shows when each backup was taken and by which door.
        record(
            actor=None,
            action=AuditAction.SYSTEM_BACKUP,
            object_type="backup",
            object_id=path.name,
            region_code=_whole_installation(),
        )
    files: dict[str, dict[str, object]] = {}
    partial = path.with_name(path.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="doudi-backup-") as work:
        dump = Path(work) / "database"
        counts = (_snapshot_sqlite if vendor == "sqlite" else _snapshot_postgresql)(dump)
        member = DATABASE_MEMBER[vendor]
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as archive:
            archive.add(dump, arcname=member)
            files[member] = {"sha256": _sha256_file(dump), "size": dump.stat().st_size}
            for relative, file in _media_files():
                name = DATA_PREFIX + relative
                archive.add(file, arcname=name)
                files[name] = {"sha256": _sha256_file(file), "size": file.stat().st_size}
            manifest = {
                "format": FORMAT,
                "version": FORMAT_VERSION,
                "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "database": {"vendor": vendor, "member": member},
                "tables": counts,
                "keys": key_fingerprints(),
                "files": files,
            }
            _add_bytes(
                archive,
                MANIFEST,
                json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False).encode(),
            )
    partial.replace(path)
    return manifest


# ----------------------------------------------------------------------------------- restore


def _safe_name(name: str) -> bool:
    pure = PurePosixPath(name)
    return not pure.is_absolute() and ".." not in pure.parts and name == pure.as_posix()


def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(archive.extractfile(MANIFEST))
    except (KeyError, AttributeError, ValueError):
        raise BackupRefused(_("This is not a Doudi backup: it has no readable manifest.")) from None
    if manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
        raise BackupRefused(
            _("Unknown backup format %(format)s version %(version)s."),
            format=manifest.get("format"),
            version=manifest.get("version"),
        )
    return manifest


def check_archive(archive: tarfile.TarFile, manifest: dict) -> None:
    """Every member listed, a regular file with a safe name, and its checksum right."""
    listed = dict(manifest["files"])
    for member in archive.getmembers():
        if member.name == MANIFEST:
            continue
        entry = listed.pop(member.name, None)
        if entry is None or not member.isfile() or not _safe_name(member.name):
            raise BackupRefused(
                _("The archive holds %(name)s, which its manifest does not list."),
                name=member.name,
            )
        digest = hashlib.sha256()
        stream = archive.extractfile(member)
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
        if digest.hexdigest() != entry["sha256"] or member.size != entry["size"]:
            raise BackupRefused(
                _("%(name)s does not match its checksum: the archive is damaged."),
                name=member.name,
            )
    if listed:
        raise BackupRefused(
            _("The archive lacks %(name)s, which its manifest lists."), name=sorted(listed)[0]
        )


def _check_target(manifest: dict) -> None:
    vendor = _vendor()
    if manifest["database"]["vendor"] != vendor:
        raise BackupRefused(
            _("This backup is of a %(source)s database; it restores only into %(source)s."),
            source=manifest["database"]["vendor"],
        )
    if connection.introspection.table_names():
        raise BackupRefused(
            _(
                "The database %(name)s is not empty; a backup is restored only into an empty "
                "database."
            ),
            name=settings.DATABASES["default"]["NAME"],
        )
    media = Path(settings.MEDIA_ROOT)
    if media.exists() and any(media.iterdir()):
        raise BackupRefused(
            _("The data directory %(path)s is not empty; restore into an empty one."), path=media
        )
    configured = key_fingerprints()
    for name, fingerprint in manifest.get("keys", {}).items():
        if configured.get(name) != fingerprint:
            raise BackupRefused(
                _(
                    "%(variable)s is not the key this backup was made with; set the same key "
                    "(kept apart from the backups) before restoring."
                ),
                variable=name,
            )


def _restore_database(archive: tarfile.TarFile, manifest: dict, work: Path) -> None:
    member = manifest["database"]["member"]
    dump = work / "database"
    with archive.extractfile(member) as source, dump.open("wb") as target:
        shutil.copyfileobj(source, target, CHUNK)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(dump)
        try:
            copy.backup(connection.connection)
        finally:
            copy.close()
        connection.close()  # the next query opens the restored file afresh
        return
    options, environment = _pg_environment()
    connection.close()
    _run_tool(
        [
            "pg_restore",
            *options,
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={settings.DATABASES['default']['NAME']}",
            str(dump),
        ],
        environment,
    )


def _restore_files(archive: tarfile.TarFile, manifest: dict) -> int:
    root = Path(settings.MEDIA_ROOT)
    count = 0
    for name in manifest["files"]:
        if not name.startswith(DATA_PREFIX):
            continue
        target = root / name.removeprefix(DATA_PREFIX)
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.extractfile(name) as source, target.open("xb") as stream:
            shutil.copyfileobj(source, stream, CHUNK)
        count += 1
    return count


def _compare_counts(manifest: dict) -> int:
    with connection.cursor() as cursor:
        counts = _count_rows(cursor, _tables(cursor), connection.ops.quote_name)
    if counts != manifest["tables"]:
        differing = sorted(
            name
            for name in set(counts) | set(manifest["tables"])
            if counts.get(name) != manifest["tables"].get(name)
        )
        raise BackupRefused(
            _("After the restore these tables do not hold the rows the backup had: %(names)s."),
            names=", ".join(differing),
        )
    return sum(counts.values())


def restore_backup(path: Path) -> RestoreReport:
    """Restore ``path`` into the empty database and data directory, then verify the audit
    chain with ``doudi audit verify`` (whatever that command checks, this restore checks)."""
    try:
        archive = tarfile.open(path, mode="r:")  # noqa: SIM115  (closed by the with below)
    except (OSError, tarfile.TarError) as error:
        raise BackupRefused(
            _("Cannot read %(path)s: %(reason)s"), path=path, reason=str(error)
        ) from None
    with archive, tempfile.TemporaryDirectory(prefix="doudi-restore-") as work:
        manifest = read_manifest(archive)
        check_archive(archive, manifest)
        _check_target(manifest)
        _restore_database(archive, manifest, Path(work))
        files = _restore_files(archive, manifest)
    rows = _compare_counts(manifest)
    output = io.StringIO()
    try:
        call_command("audit", "verify", stdout=output)
    except CommandError as error:
        raise BackupRefused(
            _("The database is restored, but its audit chain does not verify: %(reason)s"),
            reason=str(error),
        ) from None
    with transaction.atomic():
        record(
            actor=None,
            action=AuditAction.SYSTEM_RESTORE,
            object_type="backup",
            object_id=path.name,
            region_code=_whole_installation(),
            after={"created_at": manifest["created_at"], "rows": rows, "files": files},
        )
    return RestoreReport(len(manifest["tables"]), rows, files, output.getvalue().strip())
