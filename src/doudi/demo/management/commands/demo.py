"""doudi demo load — the Jiaozuo demo places and one account per role."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from doudi.commands import DoudiCommand
from doudi.demo.loader import load_demo


class Command(DoudiCommand):
    help = "Demo data: load the Jiaozuo demo places and accounts (never in production)."

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("load", help="create whatever demo data is missing")

    def run(self, *, action: str, **options) -> None:
        created = load_demo()
        self.say(_("Demo data ready (%(count)d accounts created now)."), count=len(created))
