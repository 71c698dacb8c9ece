"""doudi evaluate-all --month 2022-03 --user NAME [--place CODE]"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from tqdm import tqdm

from doudi.commands import DoudiCommand
from doudi.dates import month_text, parse_month
from doudi.policy.batch import evaluate_all
from doudi.policy.engine.regional import Missing
from doudi.policy.evaluation import missing_error
from doudi.policy.programmes import PROGRAMMES


class Command(DoudiCommand):
    help = "Evaluate every household of a place for a month and store the eligible results."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--place", help="division code (default: the user's place)")
        self.add_actor_argument(parser)

    def run(self, *, month: str, place: str | None, user: str | None, **options) -> None:
        bar = tqdm(total=0, unit=" households", file=self.stderr._out, disable=None)

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        run = evaluate_all(
            self.actor(user), parse_month(month), place_code=place, progress=progress
        )
        bar.close()
        self.say(
            _(
                "Evaluated %(households)d households (%(persons)d people) for %(month)s: "
                "%(results)d eligible results stored as run %(run)d."
            ),
            households=run.households,
            persons=run.persons,
            month=month_text(run.month),
            results=run.results,
            run=run.pk,
        )
        labels = {programme.key: programme.label for programme in PROGRAMMES}
        for key, lacking in run.missing.items():
            # The same words as a single household's answer for that month, after the programme.
            refusal = missing_error(
                Missing(
                    lacking["parameter"],
                    lacking.get("description") or lacking["parameter"],
                    "",
                    lacking["since"],
                ),
                run.month,
            )
            self.say(
                _("Not evaluated: %(programme)s (%(parameter)s). %(why)s"),
                programme=labels.get(key, key),
                parameter=lacking["parameter"],
                why=refusal.render(),
            )
        if run.heads_assumed:
            self.say(
                _(
                    "%(count)d households had no member recorded as head of household, or "
                    "several: evaluated with the eldest as head. Name their heads in the registry."
                ),
                count=run.heads_assumed,
            )
