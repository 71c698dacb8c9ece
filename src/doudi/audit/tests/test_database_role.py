"""PostgreSQL: the application's role may read and append audit events, and nothing else —
no UPDATE, DELETE or TRUNCATE, no dropping the triggers, no switching them off."""

from __future__ import annotations

import os
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import translation

from doudi.audit.roles import (
    application_grants,
    grant_application_role,
    powers_over_the_audit_trail,
    quoted_role,
)

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database roles are PostgreSQL's"
)

REFUSED = [
    "UPDATE audit_auditevent SET reason = 'forged'",
    "DELETE FROM audit_auditevent",
    "TRUNCATE audit_auditevent",
    "UPDATE audit_auditeventplace SET region_code = '4'",
    "DELETE FROM audit_auditeventplace",
    "TRUNCATE audit_auditeventplace",
    "DROP TRIGGER audit_auditevent_no_change ON audit_auditevent",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
    "SET session_replication_role = replica",
]


def _connect(**overrides):
    import psycopg

    settings = connection.settings_dict
    return psycopg.connect(
        dbname=settings["NAME"],
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=overrides.get("user", settings["USER"]),
        password=overrides.get("password", settings["PASSWORD"] or None),
        autocommit=True,
    )


@pytest.fixture
def application_role():
    """A fresh login role granted exactly what `doudi migrate` grants the application."""
    role = f"doudi_test_app_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with _connect() as owner:
        owner.execute(f"CREATE ROLE {quoted_role(role)} LOGIN PASSWORD 'test-only'")
        try:
            grant_application_role(owner.cursor(), role)
            yield role
        finally:
            owner.execute(f"DROP OWNED BY {quoted_role(role)}")
            owner.execute(f"DROP ROLE {quoted_role(role)}")


@postgres_only
@pytest.mark.parametrize("statement", REFUSED)
def test_the_application_role_cannot_change_the_audit_trail(application_role, statement):
    import psycopg

    with (
        _connect(user=application_role, password="test-only") as app,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        app.execute(statement)


@postgres_only
def test_the_application_role_reads_and_appends(application_role):
    with _connect(user=application_role, password="test-only") as app:
        assert app.execute("SELECT count(*) FROM audit_auditevent").fetchone() is not None
        with app.transaction(force_rollback=True):
            app.execute("SELECT last_seq FROM audit_auditchainhead WHERE id = 1 FOR UPDATE")
            app.execute(
                "INSERT INTO audit_auditevent (seq, occurred_at, actor_username, actor_role,"
                " actor_region_code, region_code, object_type, object_id, action, channel,"
                " reason, prev_hash, hash) VALUES (987654321, now(), 'x', '', '', '41', 'x',"
                " 'x', 'x', 'cli', '', %s, %s)",
                ["0" * 64, "f" * 64],
            )
            app.execute(
                "INSERT INTO audit_auditeventplace (event_id, region_code) VALUES (987654321, '41')"
            )
            app.execute("UPDATE audit_auditchainhead SET last_seq = last_seq WHERE id = 1")
            app.execute("UPDATE regions_region SET name = name WHERE false")


def test_role_names_are_quoted_or_refused():
    assert quoted_role("doudi_app") == '"doudi_app"'
    with pytest.raises(ValueError):
        application_grants('app"; DROP TABLE audit_auditevent; --')


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_migrate_runs_as_the_owner_and_grants_the_application_role(settings):
    import psycopg

    role = f"doudi_test_app_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with _connect() as owner:
        owner.execute(f"CREATE ROLE {quoted_role(role)} LOGIN PASSWORD 'test-only'")
    own = connection.settings_dict
    settings.DOUDI_MIGRATION_DATABASE_URL = (
        f"postgres://{own['USER']}:{own['PASSWORD'] or ''}@{own['HOST']}:{own['PORT']}/ignored"
    )
    saved = dict(own)
    try:
        connection.close()
        own.update({"USER": role, "PASSWORD": "test-only"})
        call_command("migrate", verbosity=0)
        assert connection.settings_dict["USER"] == role  # the application's role again
        with _connect(user=role, password="test-only") as app:
            assert app.execute("SELECT count(*) FROM audit_auditevent").fetchone()
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                app.execute("DELETE FROM audit_auditevent")
        own.update({"USER": saved["USER"]})
        settings.DOUDI_MIGRATION_DATABASE_URL = f"postgres://{saved['USER']}@h/d"
        with translation.override("en"), pytest.raises(CommandError, match="same role"):
            call_command("migrate", verbosity=0)
    finally:
        connection.close()
        own.update(saved)
        with _connect() as owner:
            owner.execute(f"DROP OWNED BY {quoted_role(role)}")
            owner.execute(f"DROP ROLE {quoted_role(role)}")


@postgres_only
def test_the_check_warns_when_the_application_connects_with_the_owners_powers(application_role):
    from doudi.audit.checks import application_role as check

    # The suite itself connects as the superuser, as .ci/run does.
    (warning,) = check(databases=["default"])
    assert warning.id == "doudi.audit.W001" and "superuser" in warning.msg
    with _connect(user=application_role, password="test-only") as app:
        assert powers_over_the_audit_trail(app.cursor()) == []
