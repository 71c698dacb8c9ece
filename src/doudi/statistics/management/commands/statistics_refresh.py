"""doudi statistics_refresh --user NAME [--place CODE]: compute a place's figures anew from its
payroll lines (after a restore, or a change of how they are summed); each payroll's generation
and bank result refresh its own figures anyway (docs/statistics.md)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from doudi.commands import DoudiCommand
from doudi.statistics.services import refresh_place


class Command(DoudiCommand):
    help = "Compute a place's statistics anew from its payroll lines."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--place", help="division code (default: the user's place)")
        self.add_actor_argument(parser)

    def run(self, *, place: str | None, user: str | None, **options) -> None:
        actor = self.actor(user)
        figures = refresh_place(actor, place or actor.region_id)
        self.say(_("Statistics computed anew: %(figures)d figures."), figures=figures)
