"""Mask the stored ID numbers the new way (decisions/0011-keeps-prefecture-and-check-digit.md)."""

from django.db import migrations


def remask(apps, schema_editor):
    from doudi.identity.remask import remask_column

    remask_column(apps.get_model("accounts", "User"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_lockout")]

    operations = [migrations.RunPython(remask, migrations.RunPython.noop)]
