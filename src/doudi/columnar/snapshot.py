"""A Parquet copy of the registry's tables, kept current by each household's version.

Every registry change goes through ``registry.services._commit_version``, which bumps the
household's ``version`` (and ``updated_at``) in the change's own transaction. So a refresh reads
the households table (id, version, updated_at and the few columns batch work reads of it),
compares the tokens with the snapshot's, and re-reads the members, incomes, expenses and assets
of only the households whose token changed, appeared or vanished. Those rows go into a
cumulative delta; once the delta holds more than ``COMPACT_SHARE`` of the households it is
folded into a new base.

On disk, one folder per database under ``settings.DOUDI_COLUMNAR_DIR``: ``manifest.json`` names
the households file, the base folder and the delta folder (if any) in force. A refresh writes new
files into new folders, then replaces the manifest atomically (temporary file, ``os.replace``):
a crash before that leaves the previous snapshot whole; files no manifest names are removed by
the next refresh. An exclusive ``fcntl`` lock keeps two refreshes apart; readers hold it shared
while they read, so no refresh removes files under them.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow
import pyarrow.csv
import pyarrow.parquet
from django.conf import settings
from django.db import connection

COMPACT_SHARE = 0.1  # a delta of more households than this share of all is folded into the base
CHUNK = 10_000  # households re-read per query (SQLite limits a statement's length)
BATCH_ROWS = 200_000  # rows fetched at a time where the database has no COPY

HOUSEHOLDS = pyarrow.schema(
    [
        ("id", pyarrow.int64()),
        ("version", pyarrow.int64()),
        ("updated_at", pyarrow.string()),
        ("region_id", pyarrow.string()),
        ("disaster_affected", pyarrow.bool_()),
    ]
)
MEMBERS = pyarrow.schema(
    [
        ("id", pyarrow.int64()),
        ("household_id", pyarrow.int64()),
        ("relation", pyarrow.string()),
        ("birth_date", pyarrow.date32()),
        ("disability_category", pyarrow.string()),
        ("disability_grade", pyarrow.int64()),
        ("disability_certificate_valid_until", pyarrow.date32()),
        ("serious_illness", pyarrow.bool_()),
        ("self_care", pyarrow.int64()),
        ("in_school", pyarrow.bool_()),
        ("excluded", pyarrow.bool_()),
        ("has_capable_supporter", pyarrow.bool_()),
        ("orphan_status", pyarrow.string()),
        ("care_setting", pyarrow.string()),
        ("medical_claim", pyarrow.string()),
        ("education", pyarrow.string()),
        ("joined_on", pyarrow.date32()),
        ("left_on", pyarrow.date32()),
        ("death_date", pyarrow.date32()),
        ("id_number_hash", pyarrow.string()),
    ]
)
MONEY = pyarrow.schema(
    [
        ("household_id", pyarrow.int64()),
        ("member_id", pyarrow.int64()),
        ("kind", pyarrow.string()),
        ("month", pyarrow.date32()),
        ("amount_fen", pyarrow.int64()),
    ]
)
ASSETS = pyarrow.schema(
    [
        ("household_id", pyarrow.int64()),
        ("kind", pyarrow.string()),
        ("vehicle", pyarrow.string()),
        ("value_fen", pyarrow.int64()),
        ("capital_fen", pyarrow.int64()),
    ]
)


def _self_care() -> str:
    length = "jsonb_array_length" if connection.vendor == "postgresql" else "json_array_length"
    return f"COALESCE({length}(m.self_care_failed), 0)"


def _sources() -> dict[str, tuple[str, pyarrow.Schema]]:
    """Per table of rows kept by household: its query (filtered by ``{households}``)."""
    money = (
        "SELECT t.household_id, t.member_id, t.{kind}, t.month, t.amount_fen FROM {table} t "
        "WHERE t.household_id {{households}}"
    )
    return {
        "members": (
            "SELECT m.id, m.household_id, m.relation, m.birth_date, "
            "COALESCE(m.disability_category, ''), COALESCE(m.disability_grade, 0), "
            "m.disability_certificate_valid_until, "
            f"m.serious_illness <> '', {_self_care()}, m.in_school, m.excluded_reason <> '', "
            "m.has_capable_supporter, m.orphan_status, m.care_setting, "
            "CAST(m.medical_claim AS TEXT), COALESCE(m.education, ''), m.joined_on, m.left_on, "
            "m.death_date, m.id_number_hash FROM registry_member m "
            "WHERE m.household_id {households}",
            MEMBERS,
        ),
        "incomes": (money.format(kind="income_type", table="registry_income"), MONEY),
        "expenses": (money.format(kind="expense_type", table="registry_expense"), MONEY),
        "assets": (
            "SELECT a.household_id, a.asset_type, COALESCE(a.vehicle_type, ''), a.value_fen, "
            "COALESCE(a.registered_capital_fen, 0) FROM registry_asset a "
            "WHERE a.household_id {households}",
            ASSETS,
        ),
    }


HOUSEHOLDS_SQL = (
    "SELECT h.id, h.version, CAST(h.updated_at AS TEXT), h.region_id, h.disaster_affected "
    "FROM registry_household h"
)
TABLES = ("members", "incomes", "expenses", "assets")
# A member ``m`` of the view ``members`` on the day ``$day``: joined, not left, not dead.
MEMBER_ON_DAY = (
    "m.joined_on <= $day AND (m.left_on IS NULL OR m.left_on > $day)"
    " AND (m.death_date IS NULL OR m.death_date > $day)"
)
FILES = ("households", "base", "delta")  # what a manifest names in the folder
# The tables' columns as this code writes them: a snapshot written with other columns is read
# whole again (a column added to the registry is in no older file).
LAYOUT = 2


def folder() -> Path:
    """This database's snapshot folder: tests and benchmarks on other databases never meet."""
    return Path(settings.DOUDI_COLUMNAR_DIR) / Path(str(connection.settings_dict["NAME"])).name


@contextmanager
def reading() -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection over the snapshot brought up to date, with the views
    ``households``, ``members``, ``incomes``, ``expenses`` and ``assets``."""
    with _locked() as lock:
        manifest = _refresh()
        fcntl.flock(lock, fcntl.LOCK_SH)
        with duckdb.connect() as database:
            _views(database, manifest)
            yield database


def refresh() -> dict:
    """Bring the snapshot up to date; returns what was done (for the command and benchmarks)."""
    with _locked():
        return _refresh()


def rebuild() -> dict:
    """Read every table whole into a new base, whatever the snapshot holds."""
    with _locked():
        fingerprint = _fingerprint()
        return _build(_households(folder() / f"households-{uuid.uuid4().hex}.parquet"), fingerprint)


@contextmanager
def _locked() -> Iterator[int]:
    folder().mkdir(mode=0o700, parents=True, exist_ok=True)  # personal data: the service only
    lock = os.open(folder() / "lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield lock
    finally:
        os.close(lock)  # closing releases the lock


def _manifest() -> dict | None:
    try:
        return json.loads((folder() / "manifest.json").read_text())
    except FileNotFoundError:
        return None


def _refresh() -> dict:
    manifest, fingerprint = _manifest(), _fingerprint()
    current = manifest is not None and manifest.get("layout") == LAYOUT
    if current and manifest.get("fingerprint") == fingerprint:
        return {**manifest, "changed": 0}
    households = _households(folder() / f"households-{uuid.uuid4().hex}.parquet")
    if manifest is None or manifest.get("layout") != LAYOUT:
        return _build(households, fingerprint)
    with duckdb.connect() as database:
        changed = _changed(database, manifest, households)
        if not changed:  # e.g. a change rolled back: only the fingerprint is new
            return _commit({**manifest, "households": households.name}, fingerprint, 0)
        touched = set(changed)
        if manifest["delta"]:
            touched.update(_ids(database, folder() / manifest["delta"] / "touched.parquet"))
        if len(touched) > COMPACT_SHARE * max(_count(database, households), 1):
            # A delta that large costs the readers more than a new base costs once.
            return _build(households, fingerprint)
        delta = folder() / f"delta-{uuid.uuid4().hex}"
        delta.mkdir()
        pyarrow.parquet.write_table(
            pyarrow.table({"id": pyarrow.array(sorted(touched), pyarrow.int64())}),
            delta / "touched.parquet",
        )
        database.register("changed", pyarrow.table({"id": pyarrow.array(changed, pyarrow.int64())}))
        for table, (sql, schema) in _sources().items():
            fresh = delta / f"{table}-fresh.parquet"
            _extract(sql, schema, fresh, changed)
            kept = ""
            if manifest["delta"]:
                kept = (
                    f"SELECT * FROM '{folder() / manifest['delta'] / table}.parquet' "
                    "ANTI JOIN changed c ON c.id = household_id UNION ALL "
                )
            database.execute(
                f"COPY ({kept}SELECT * FROM '{fresh}') TO '{delta / table}.parquet' "
                "(FORMAT parquet)"
            )
            fresh.unlink()
    return _commit(
        {"households": households.name, "base": manifest["base"], "delta": delta.name},
        fingerprint,
        len(changed),
    )


def _build(households: Path, fingerprint: list[str]) -> dict:
    base = folder() / f"base-{uuid.uuid4().hex}"
    base.mkdir()
    for table, (sql, schema) in _sources().items():
        _extract(sql, schema, base / f"{table}.parquet", None)
    with duckdb.connect() as database:
        count = _count(database, households)
    manifest = {"households": households.name, "base": base.name, "delta": None}
    return _commit(manifest, fingerprint, count)


def _commit(files: dict, fingerprint: list[str], changed: int) -> dict:
    """Make the manifest of ``files`` the one in force (atomically), then remove the files
    it no longer names."""
    manifest = {**files, "fingerprint": fingerprint, "layout": LAYOUT}
    named = [folder() / files[name] for name in FILES if files[name]]
    for path in named:  # on disk before the manifest that names them, even on a power loss
        for file in path.iterdir() if path.is_dir() else [path]:
            _sync(file)
    with tempfile.NamedTemporaryFile("w", dir=folder(), suffix=".tmp", delete=False) as file:
        json.dump(manifest, file)
        file.flush()
        os.fsync(file.fileno())
    os.replace(file.name, folder() / "manifest.json")
    _sync(folder())
    kept = {"lock", "manifest.json", *(path.name for path in named)}
    for path in folder().iterdir():
        if path.name not in kept:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    return {**manifest, "changed": changed}


def _fingerprint() -> list[str]:
    """Whether anything changed at all, in one scan: a change bumps a version (the sum grows),
    a household added or removed changes the count and the sum of ids. Read before the
    households, so a change between the two is found again by the next refresh."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), SUM(version), SUM(id), CAST(MAX(updated_at) AS TEXT) "
            "FROM registry_household"
        )
        return [str(value) for value in cursor.fetchone()]


def _sync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _changed(database: duckdb.DuckDBPyConnection, manifest: dict, households: Path) -> list[int]:
    """Households new, gone, or with another version or update time than the snapshot's."""
    rows = database.execute(
        f"SELECT COALESCE(n.id, o.id) FROM '{households}' n "
        f"FULL JOIN '{folder() / manifest['households']}' o ON o.id = n.id "
        "WHERE o.id IS NULL OR n.id IS NULL OR o.version <> n.version "
        "OR o.updated_at <> n.updated_at ORDER BY 1"
    ).fetchall()
    return [row[0] for row in rows]


def _ids(database: duckdb.DuckDBPyConnection, path: Path) -> list[int]:
    return [row[0] for row in database.execute(f"SELECT id FROM '{path}'").fetchall()]


def _count(database: duckdb.DuckDBPyConnection, path: Path) -> int:
    return database.sql(f"SELECT COUNT(*) FROM '{path}'").fetchall()[0][0]


def _views(database: duckdb.DuckDBPyConnection, manifest: dict) -> None:
    database.execute(
        f"CREATE VIEW households AS SELECT * FROM '{folder() / manifest['households']}'"
    )
    base = folder() / manifest["base"]
    delta = manifest["delta"] and folder() / manifest["delta"]
    for table in TABLES:
        sql = f"SELECT * FROM '{base / table}.parquet'"
        if delta:
            sql = (
                f"{sql} ANTI JOIN '{delta / 'touched.parquet'}' t ON t.id = household_id "
                f"UNION ALL SELECT * FROM '{delta / table}.parquet'"
            )
        database.execute(f"CREATE VIEW {table} AS {sql}")


def _households(path: Path) -> Path:
    _extract(HOUSEHOLDS_SQL + " WHERE h.id {households}", HOUSEHOLDS, path, None)
    return path


def _extract(sql: str, schema: pyarrow.Schema, path: Path, ids: list[int] | None) -> None:
    """The rows of ``sql`` (of every household, or of ``ids``) written to ``path`` as Parquet."""
    with pyarrow.parquet.ParquetWriter(path, schema) as writer:
        chunks = [None] if ids is None else [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]
        for chunk in chunks:
            # Ids are integers read from the database: written into the statement as such.
            listed = "" if chunk is None else ",".join(str(int(i)) for i in chunk)
            where = "IS NOT NULL" if chunk is None else f"IN ({listed})"
            for batch in _rows(sql.format(households=where), schema):
                writer.write_batch(batch)


def _rows(sql: str, schema: pyarrow.Schema) -> Iterator[pyarrow.RecordBatch]:
    if connection.vendor == "postgresql":
        yield from _copied(sql, schema)
        return
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(BATCH_ROWS):
            columns = zip(*rows, strict=True)
            yield pyarrow.record_batch(
                [
                    pyarrow.array(values).cast(field.type)
                    for values, field in zip(columns, schema, strict=True)
                ],
                schema=schema,
            )


def _copied(sql: str, schema: pyarrow.Schema) -> Iterator[pyarrow.RecordBatch]:
    """PostgreSQL's bulk output (COPY … CSV) through a temporary file, read back in batches."""
    connection.ensure_connection()
    with tempfile.TemporaryFile(dir=folder()) as file:
        with (
            connection.connection.cursor() as cursor,
            cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy,
        ):
            for data in copy:
                file.write(data)
        if not file.tell():
            return  # no rows: pyarrow reads no schema from an empty file
        file.seek(0)
        reader = pyarrow.csv.open_csv(
            file,
            read_options=pyarrow.csv.ReadOptions(column_names=schema.names),
            convert_options=pyarrow.csv.ConvertOptions(
                column_types=schema,
                true_values=["t"],
                false_values=["f"],
                # COPY writes NULL as a bare empty field and an empty text as "".
                strings_can_be_null=True,
                quoted_strings_can_be_null=False,
            ),
        )
        yield from reader
