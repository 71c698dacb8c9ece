"""doudi warnings_daily --user NAME [--place CODE] [--day YYYY-MM-DD]: the daily warning run,
as a timer starts it each morning (docs/operations.md)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from doudi.commands import DoudiCommand
from doudi.dates import parse_date
from doudi.early_warning.services import run_daily


class Command(DoudiCommand):
    help = "Raise today's warnings over the monitored population of a place."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--place", help="division code (default: the user's place)")
        parser.add_argument("--day", help="YYYY-MM-DD (default: today)")
        self.add_actor_argument(parser)

    def run(self, *, place: str | None, day: str | None, user: str | None, **options) -> None:
        actor = self.actor(user)
        ran = run_daily(actor, place or actor.region_id, parse_date(day, field="--day"))
        self.say(
            _("Run: %(raised)d warnings raised, %(merged)d signals merged into open ones."),
            raised=sum(ran.raised.values()),
            merged=ran.merged,
        )
