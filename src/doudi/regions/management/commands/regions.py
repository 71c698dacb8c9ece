"""doudi regions import FILE.csv [--user NAME]"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from doudi.commands import DoudiCommand
from doudi.regions.services import import_regions


class Command(DoudiCommand):
    help = "Regions: import an official division code list (CSV), all rows or none."

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        importing = actions.add_parser("import", help="a CSV code list: code,name,urban_rural")
        importing.add_argument("file", type=Path)
        self.add_actor_argument(importing)

    def run(self, *, action: str, file: Path, user: str | None, **options) -> None:
        data = self.read_file(file)
        summary = import_regions(self.actor(user, required=False), data, file.name)
        self.say(
            _("Imported %(created)d new places, updated %(updated)d, %(unchanged)d unchanged."),
            created=summary.created,
            updated=summary.updated,
            unchanged=summary.unchanged,
        )
