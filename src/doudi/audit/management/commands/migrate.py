"""``doudi migrate``: Django's migrate, run as the tables' owner when one is configured.

With DOUDI_MIGRATION_DATABASE_URL set (PostgreSQL), the migrations connect with its user,
password, host and port to the database of DATABASE_URL, and afterwards grant the application's
own role (DATABASE_URL's user) what it needs and no more: audit events may be read and
appended, never changed (audit/roles.py). Without it, migrate is Django's own.
"""

from __future__ import annotations

import dj_database_url
from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections
from django.utils.translation import gettext as _

from doudi.audit.roles import grant_application_role

CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT")


class Command(DjangoMigrate):
    help = (
        "Apply the migrations; as the owner given by DOUDI_MIGRATION_DATABASE_URL when set, "
        "then grant the application's role (DATABASE_URL) its privileges."
    )

    def handle(self, *args, **options):
        url = settings.DOUDI_MIGRATION_DATABASE_URL
        if not url:
            return super().handle(*args, **options)
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            raise CommandError(_("DOUDI_MIGRATION_DATABASE_URL is for PostgreSQL only."))
        owner = dj_database_url.parse(url)
        application = {key: connection.settings_dict.get(key) for key in CREDENTIALS}
        if owner["USER"] == application["USER"]:
            raise CommandError(
                _(
                    "DOUDI_MIGRATION_DATABASE_URL names the same role as DATABASE_URL: the "
                    "application must not connect as the owner of its tables."
                )
            )
        connection.close()
        connection.settings_dict.update({key: owner.get(key) for key in CREDENTIALS})
        try:
            result = super().handle(*args, **options)
            with connection.cursor() as cursor:
                grant_application_role(cursor, application["USER"])
        finally:
            connection.close()
            connection.settings_dict.update(application)
        if options["verbosity"] >= 1:
            self.stdout.write(
                _("Privileges granted to %(role)s: audit events read and appended only.")
                % {"role": application["USER"]}
            )
        return result
