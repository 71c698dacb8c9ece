"""The application's database role on PostgreSQL: it may read and append audit events, never
change, delete or truncate them, and it owns nothing.

The append-only triggers bind everyone except the tables' owner (who may drop them) and a
superuser (who may also switch them off with ``SET session_replication_role = replica``). So
in production the application connects (DATABASE_URL) as a plain role without those powers,
and only ``doudi migrate`` connects as the owner (DOUDI_MIGRATION_DATABASE_URL); after each
migration the owner grants the application role exactly what it needs
(docs/decisions/0012-keyed-chain-and-anchors.md, scripts/postgres-roles.sql).
"""

from __future__ import annotations

import re

from doudi.audit.triggers import TABLES as AUDIT_TABLES

_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def quoted_role(role: str) -> str:
    if not _ROLE_NAME.match(role):
        raise ValueError(f"not a plain PostgreSQL role name: {role!r}")
    return f'"{role}"'


def application_grants(role: str) -> list[str]:
    """The statements, run by the owner, that give ``role`` what the application needs."""
    name = quoted_role(role)
    audit = ", ".join(AUDIT_TABLES)
    return [
        f"GRANT USAGE ON SCHEMA public TO {name}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {name}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {name}",
        # The audit trail: read and append only (the chain head, a plain table, it may update).
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {audit} FROM {name}, PUBLIC",
        f"GRANT SELECT, INSERT ON {audit} TO {name}",
    ]


def grant_application_role(cursor, role: str) -> None:
    """Run ``application_grants`` on a cursor connected as the tables' owner."""
    for statement in application_grants(role):
        cursor.execute(statement)


def powers_over_the_audit_trail(cursor) -> list[str]:
    """What the connected role could do to the audit trail beyond reading and appending."""
    cursor.execute(
        "SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user),"
        " COALESCE((SELECT tableowner = current_user FROM pg_tables"
        "  WHERE schemaname = 'public' AND tablename = %s), false),"
        " has_table_privilege(%s, 'DELETE')",
        [AUDIT_TABLES[0], AUDIT_TABLES[0]],
    )
    superuser, owner, deletes = (bool(value) for value in cursor.fetchone())
    powers = []
    if superuser:
        powers.append("is a superuser (may SET session_replication_role)")
    if owner:
        powers.append("owns the audit tables (may drop their triggers)")
    if deletes:
        powers.append("holds DELETE on the audit tables")
    return powers
