"""doudi restore PATH — into an empty database and data directory, then verify the chain."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from doudi.backups.archive import restore_backup
from doudi.commands import DoudiCommand


class Command(DoudiCommand):
    help = (
        "Restore a backup into an empty database and data directory, check every table's rows "
        "against its manifest and verify the audit chain."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, help="the archive written by doudi backup")

    def run(self, *, path: Path, **options) -> None:
        report = restore_backup(path)
        self.say(
            _("Restored %(tables)d tables, %(rows)d rows and %(files)d files from %(path)s."),
            tables=report.tables,
            rows=report.rows,
            files=report.files,
            path=path,
        )
        self.stdout.write(report.verification)
