"""``doudi check --database default`` (and ``doudi migrate``): on PostgreSQL, warn when the
application connects with powers over the audit trail that only the owner should have."""

from __future__ import annotations

from django.core.checks import Tags, Warning, register
from django.db import connections


@register(Tags.database)
def application_role(app_configs=None, databases=None, **kwargs) -> list[Warning]:
    from doudi.audit.roles import powers_over_the_audit_trail

    warnings = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        if "audit_auditevent" not in connection.introspection.table_names():
            continue  # not migrated yet
        with connection.cursor() as cursor:
            powers = powers_over_the_audit_trail(cursor)
        if powers:
            warnings.append(
                Warning(
                    f"The application's database role {'; '.join(powers)}.",
                    hint="Connect as a role that only reads and appends audit events and run "
                    "migrations as the owner (DOUDI_MIGRATION_DATABASE_URL, README).",
                    id="doudi.audit.W001",
                )
            )
    return warnings
