"""The chain's head row, and the triggers that make the audit table append-only."""

from django.db import migrations


def create_head_and_triggers(apps, schema_editor):
    from doudi.audit import triggers

    apps.get_model("audit", "AuditChainHead").objects.create(pk=1)
    triggers.install(schema_editor.connection)


def remove_triggers(apps, schema_editor):
    from doudi.audit import triggers

    triggers.remove(schema_editor.connection)
    apps.get_model("audit", "AuditChainHead").objects.filter(pk=1).delete()


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(create_head_and_triggers, remove_triggers)]
