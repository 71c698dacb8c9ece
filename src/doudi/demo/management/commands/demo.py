"""doudi demo load | generate | departments — the Jiaozuo demo places, accounts, a synthetic
population, and the departments' exports that agree with it."""

from __future__ import annotations

import argparse
import datetime
import time
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.commands import DoudiCommand
from doudi.dates import parse_date
from doudi.demo.bulk_load import load_population
from doudi.demo.cases import load_demo_cases
from doudi.demo.departments import write_departments
from doudi.demo.disaster import load_demo_disaster
from doudi.demo.history import load_demo_history
from doudi.demo.hotline import load_demo_hotline
from doudi.demo.loader import load_demo
from doudi.demo.medical import load_demo_medical
from doudi.demo.monitoring import load_demo_monitoring
from doudi.demo.population import Population, generate
from doudi.demo.recipients import (
    RECIPIENTS,
    deliver_demo_departments,
    load_demo_recipients,
    registration_day,
    schedule,
    submit_grant_payroll,
)
from doudi.demo.supervision import load_demo_supervision
from doudi.demo.temporary import load_demo_temporary
from doudi.registry.models import Household

# What `doudi demo load` (and so `make run`) puts into an empty registry: big enough to page
# and search, small enough to load in a few seconds on SQLite.
DEMO_HOUSEHOLDS = 3000
DEMO_SEED = 410800
REGISTERED_AT = datetime.time(8)  # the hour the demo registry is registered
PROGRESS_FROM = 100_000  # households; smaller populations load in seconds, without a report


def _at_least_one(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


class Command(DoudiCommand):
    help = (
        "Demo data (never in production): load the Jiaozuo demo places and accounts, and a "
        "synthetic population into an empty registry."
    )

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser(
            "load",
            help=f"create whatever demo data is missing; an empty registry gets "
            f"{DEMO_HOUSEHOLDS} households, {RECIPIENTS} of them receiving 低保 since an "
            f"earlier month, and the twelve departments' files, written under "
            f"DOUDI_VAR_DIR/demo-departments and delivered; then cases at every step (some "
            f"begun on past working days) and a grant's payroll waiting for finance",
        )
        generate_parser = actions.add_parser(
            "generate",
            help="generate a deterministic synthetic population into an empty "
            "registry (refused when it already holds households)",
        )
        generate_parser.add_argument("--households", type=_at_least_one, required=True)
        generate_parser.add_argument("--seed", type=int, default=DEMO_SEED)
        generate_parser.add_argument(
            "--as-of",
            default=None,
            help="the date ages and the months of income count back from (default: today); "
            "the same households, seed and date always give the same population",
        )
        departments = actions.add_parser(
            "departments",
            help="write every department's export (CSV) agreeing with the synthetic "
            "population of the same households, seed and date, with planted truths listed "
            "in planted.json; the database is not touched",
        )
        departments.add_argument("--households", type=_at_least_one, default=DEMO_HOUSEHOLDS)
        departments.add_argument("--seed", type=int, default=DEMO_SEED)
        departments.add_argument("--out", type=Path, required=True, help="the directory written")
        departments.add_argument(
            "--as-of", default=None, help="the population's date (default: today)"
        )

    def run(self, *, action: str, **options) -> None:
        as_of = parse_date(options.get("as_of"), field="--as-of")  # refused before anything
        if action == "departments":
            self.departments(options["households"], options["seed"], as_of, options["out"])
            return
        created = load_demo()
        self.say(_("Demo data ready (%(count)d accounts created now)."), count=len(created))
        if action == "generate":
            self.populate(options["households"], options["seed"], as_of)
            return
        population = None
        if not Household.objects.exists():
            # The facts as of the day the demo recipients' cases begin, registered before the
            # earliest of them (demo.recipients).
            today = timezone.localdate()
            first = schedule(today).submitted
            registered = timezone.make_aware(
                datetime.datetime.combine(registration_day(today), REGISTERED_AT)
            )
            population = self.populate(DEMO_HOUSEHOLDS, DEMO_SEED, first, registered)
            # Before the demo cases, so that the checks they request read the deliveries.
            self.recipients(population)
        self.say(_("Demo cases: %(count)d created."), count=load_demo_cases())
        self.say(
            _("Demo cases opened on past working days: %(count)d created."),
            count=load_demo_history(),
        )
        self.say(
            _(
                "Temporary assistance: %(count)d staged grants, charity referrals and "
                "replenishment requests created."
            ),
            count=load_demo_temporary(),
        )
        self.say(
            _("Low-income population: %(count)d households and categories monitored."),
            count=load_demo_monitoring(),
        )
        self.say(
            _("A flood in the demo county: %(count)d impact reports created."),
            count=load_demo_disaster(),
        )
        self.say(
            _("A half-yearly inspection: %(count)d households drawn for its spot check."),
            count=load_demo_supervision(),
        )
        self.say(_("The service hotline: %(count)d tickets created."), count=load_demo_hotline())
        self.say(
            _("Medical assistance: %(count)d claims of this year created."),
            count=load_demo_medical(),
        )
        if submit_grant_payroll():
            self.say(_("A one-off grant's payroll waits for finance's approval."))

    def recipients(self, population: Population) -> None:
        today = timezone.localdate()
        benefits = load_demo_recipients(today)
        self.say(
            _("Demo recipients: %(count)d households receive the minimum living guarantee."),
            count=len(benefits),
        )
        out = deliver_demo_departments(population, DEMO_SEED, today, benefits)
        self.say(
            _(
                "The twelve department files, each delivered once by the city user, are in "
                "%(path)s, to be uploaded again in the browser."
            ),
            path=str(out),
        )

    def populate(
        self,
        households: int,
        seed: int,
        as_of: datetime.date | None,
        registered_at: datetime.datetime | None = None,
    ) -> Population:
        started = time.perf_counter()
        as_of = as_of or timezone.localdate()
        population = generate(households, seed, as_of=as_of)
        generated = time.perf_counter()

        def progress(step: str, done: int, total: int) -> None:
            if households >= PROGRESS_FROM and done == total:
                self.say(
                    "  %(step)s: %(total)d (%(seconds).0f s)",
                    step=step,
                    total=total,
                    seconds=time.perf_counter() - generated,
                )

        counts = load_population(population, progress=progress, registered_at=registered_at)
        loaded = time.perf_counter()
        self.say(
            _(
                "Generated %(households)d households (seed %(seed)d): %(members)d members, "
                "%(incomes)d monthly incomes, %(expenses)d rigid expenses, %(assets)d "
                "assets, in %(total).1f s (drawing %(drawing).1f s, writing %(writing).1f s)."
            ),
            seed=seed,
            total=loaded - started,
            drawing=generated - started,
            writing=loaded - generated,
            **{
                name: counts[name]
                for name in ("households", "members", "incomes", "expenses", "assets")
            },
        )
        return population

    def departments(
        self, households: int, seed: int, as_of: datetime.date | None, out: Path
    ) -> None:
        started = time.perf_counter()
        as_of = as_of or timezone.localdate()
        population = generate(households, seed, as_of=as_of)
        rows = write_departments(population, seed, as_of, out)
        self.say(
            _(
                "Wrote %(files)d department files (%(rows)d rows) and planted.json for "
                "%(households)d households (seed %(seed)d, as of %(as_of)s) to %(out)s in "
                "%(seconds).1f s."
            ),
            files=len(rows),
            rows=sum(rows.values()),
            households=households,
            seed=seed,
            as_of=as_of.isoformat(),
            out=str(out),
            seconds=time.perf_counter() - started,
        )
