"""doudi deadlines --user NAME [--place CODE] — the cases past a time limit and those due soon,
for a daily reminder (cron) or a supervisor's check."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from doudi.cases.models import Case
from doudi.cases.queries import deadline_lists
from doudi.commands import DoudiCommand


class Command(DoudiCommand):
    help = "List the cases past a time limit and those due within three working days."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--place", default="", help="division code (default: the user's place)")
        self.add_actor_argument(parser)

    def run(self, *, place: str, user: str | None, **options) -> None:
        lists = deadline_lists(self.actor(user), place)
        for title, cases in (
            (_("Overdue"), lists.overdue),
            (_("Due soon"), lists.due_soon),
            (_("Relatives' cases registered separately"), lists.relatives),
        ):
            rows = list(cases)
            self.say(_("%(title)s: %(count)d"), title=title, count=len(rows))
            for case in rows:
                self.stdout.write(_line(case))


def _line(case: Case) -> str:
    due = case.step_due_on.isoformat() if case.step_due_on else "-"
    return (
        f"  {case.file_number}  {case.get_programme_display()}  {case.get_state_display()}  {due}"
    )
