"""Half of each page of the line table left free, on PostgreSQL: the bank's result then
rewrites every line of a payroll in place (a HOT update, no index touched), since no index holds
the status or the bank's reason (docs/performance.md, decision 0019)."""

from django.db import migrations

# Each line is updated once in its life, by the bank's result, into a version of the same size:
# half a page free holds a new version of every line on it.
FILLFACTOR = 50


def leave_room(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE payroll_payrollline SET (fillfactor = {FILLFACTOR})"
        )


def fill_pages(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE payroll_payrollline RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("payroll", "0010_partial_unique_guards")]
    operations = [migrations.RunPython(leave_room, fill_pages)]
