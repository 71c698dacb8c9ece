"""Database triggers that refuse UPDATE, DELETE and TRUNCATE on the audit tables.

The application has no path that changes an event (see models.py); the triggers close the
door for anything else that connects with the application's credentials. A table owner or a
superuser can still drop them or switch them off (``session_replication_role``), which is why
the application should not connect as the owner (audit/roles.py) and why the chain is sealed
with a key kept outside the database and anchored outside it: they catch what triggers cannot.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_auditevent"
PLACES_TABLE = "audit_auditeventplace"
TABLES = (TABLE, PLACES_TABLE)


def _sqlite_install(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table}
            BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    ]


def _sqlite_remove(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_update",
        f"DROP TRIGGER IF EXISTS {table}_no_delete",
    ]


_POSTGRES_FUNCTION = """CREATE OR REPLACE FUNCTION doudi_audit_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql"""


def _postgres_install(table: str) -> list[str]:
    return [
        f"""CREATE OR REPLACE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION doudi_audit_append_only()""",
        f"""CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION doudi_audit_append_only()""",
    ]


def _postgres_remove(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
    ]


def _statements(
    connection: BaseDatabaseWrapper, install: bool, tables: tuple[str, ...]
) -> list[str]:
    if connection.vendor == "postgresql":
        if install:
            return [_POSTGRES_FUNCTION] + [s for t in tables for s in _postgres_install(t)]
        return [s for t in tables for s in _postgres_remove(t)]
    if connection.vendor == "sqlite":
        build = _sqlite_install if install else _sqlite_remove
        return [s for t in tables for s in build(t)]
    raise NotImplementedError(f"no audit triggers for {connection.vendor}")


def _existing(connection: BaseDatabaseWrapper, tables: tuple[str, ...]) -> tuple[str, ...]:
    # Migration 0002 installs the triggers before the places table exists (0004).
    present = set(connection.introspection.table_names())
    return tuple(table for table in tables if table in present)


def install(connection: BaseDatabaseWrapper, tables: tuple[str, ...] = TABLES) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection, True, _existing(connection, tables)):
            cursor.execute(statement)


def remove(connection: BaseDatabaseWrapper, tables: tuple[str, ...] = TABLES) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection, False, _existing(connection, tables)):
            cursor.execute(statement)
