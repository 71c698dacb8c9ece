"""doudi backup PATH — the database, the data directory and a manifest, in one archive."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from doudi.backups.archive import make_backup
from doudi.commands import DoudiCommand


class Command(DoudiCommand):
    help = (
        "Back up the database and the data directory into one archive (without the keys: keep "
        "DOUDI_DATA_KEY and the audit key apart; see docs/operations.md)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, help="the archive to write (must not exist)")

    def run(self, *, path: Path, **options) -> None:
        # Run at the server by whoever holds the database credentials, like `doudi audit
        # verify`; the backup is recorded in the audit trail (inside the archive itself).
        manifest = make_backup(path)
        self.say(
            _("Backup written to %(path)s: %(tables)d tables, %(rows)d rows, %(files)d files."),
            path=path,
            tables=len(manifest["tables"]),
            rows=sum(manifest["tables"].values()),
            files=len(manifest["files"]) - 1,
        )
