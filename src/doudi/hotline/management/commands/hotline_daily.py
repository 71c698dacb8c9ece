"""doudi hotline_daily --user NAME [--place CODE] [--day YYYY-MM-DD]: the daily escalation of
overdue hotline tickets to the county, as a timer starts it each morning (docs/hotline.md)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from doudi.commands import DoudiCommand
from doudi.dates import parse_date
from doudi.hotline.services import escalate_overdue


class Command(DoudiCommand):
    help = "Escalate to the county every hotline ticket of a place still open past its due date."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--place", help="division code (default: the user's place)")
        parser.add_argument("--day", help="YYYY-MM-DD (default: today)")
        self.add_actor_argument(parser)

    def run(self, *, place: str | None, day: str | None, user: str | None, **options) -> None:
        actor = self.actor(user)
        escalated = escalate_overdue(
            actor, place or actor.region_id, parse_date(day, field="--day")
        )
        self.say(_("Run: %(escalated)d tickets escalated to the county."), escalated=escalated)
