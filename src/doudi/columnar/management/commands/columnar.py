"""doudi columnar refresh · doudi columnar rebuild"""

from __future__ import annotations

from django.utils.translation import gettext

from doudi.columnar import snapshot
from doudi.commands import DoudiCommand


class Command(DoudiCommand):
    help = "The registry's columnar snapshot for batch work: bring it up to date, or rebuild it."

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("refresh", help="re-read only the households changed since")
        actions.add_parser("rebuild", help="copy every table anew (after a restore)")

    def run(self, *, action: str, **options) -> None:
        done = snapshot.rebuild() if action == "rebuild" else snapshot.refresh()
        self.stdout.write(
            gettext("%(count)d households read again; snapshot in %(folder)s")
            % {"count": done["changed"], "folder": snapshot.folder()}
        )
