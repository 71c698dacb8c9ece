"""doudi households import FILE.xlsx --user NAME · doudi households template OUT.xlsx"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from doudi.commands import DoudiCommand
from doudi.registry.excel import template_workbook
from doudi.registry.imports import import_households


class Command(DoudiCommand):
    help = "Households: import a filled Excel template (all rows or none), or write the template."

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        importing = actions.add_parser("import", help="a filled template (.xlsx)")
        importing.add_argument("file", type=Path)
        self.add_actor_argument(importing)
        template = actions.add_parser("template", help="write the empty template (.xlsx)")
        template.add_argument("file", type=Path)

    def run(self, *, action: str, file: Path, **options) -> None:
        if action == "template":
            self._write(file, template_workbook())
            self.say(_("Template written to %(path)s."), path=file)
            return
        summary = import_households(self.actor(options["user"]), self.read_file(file), file.name)
        for warning in summary.warnings:
            self.stdout.write(warning.render())
        self.stdout.write(summary.describe())

    def _write(self, path: Path, content: bytes) -> None:
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(
                gettext("Cannot write %(path)s: %(reason)s")
                % {"path": path, "reason": error.strerror}
            ) from None
