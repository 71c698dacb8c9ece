"""The channel (web, api, cli, system) of each event.

SQLite adds a NOT NULL column by rebuilding the table, which drops its triggers; so the
append-only triggers are taken off for the change and put back after it, on both databases.
Existing events keep an empty channel, which their hashes never covered (audit/chain.py).
"""

from django.db import migrations, models


def install_triggers(apps, schema_editor):
    from doudi.audit import triggers

    triggers.install(schema_editor.connection)


def remove_triggers(apps, schema_editor):
    from doudi.audit import triggers

    triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_chain_head_and_triggers")]
    operations = [
        migrations.RunPython(remove_triggers, install_triggers),
        migrations.AddField(
            model_name="auditevent",
            name="channel",
            field=models.CharField(blank=True, default="", max_length=10, verbose_name="channel of the action"),
        ),
        migrations.RunPython(install_triggers, remove_triggers),
    ]
