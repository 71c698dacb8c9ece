"""doudi audit verify — walk the hash chain and name the first broken link."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from doudi.audit.verification import verify_chain


class Command(BaseCommand):
    help = "Audit trail: verify the hash chain (exit status 1 at the first broken link)."

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("verify", help="walk the whole chain and check every link")

    def handle(self, *args, action: str, **options) -> None:
        report = verify_chain()
        if not report.intact:
            raise CommandError(
                _(
                    "Audit chain broken at event #%(seq)d: %(problem)s (%(checked)d events "
                    "before it are intact)."
                )
                % {"seq": report.broken_at, "problem": report.problem, "checked": report.checked}
            )
        self.stdout.write(
            _("Audit chain intact: %(count)d events checked.") % {"count": report.checked}
        )
