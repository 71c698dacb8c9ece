"""doudi sources load SOURCE FILE --user NAME [--version N] [--date YYYY-MM-DD] · doudi sources
list [--deliveries --user NAME]"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from doudi.commands import DoudiCommand
from doudi.sources.contracts import SOURCES
from doudi.sources.queries import visible_deliveries
from doudi.sources.services import deliver


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            gettext("--date must be a date in the form YYYY-MM-DD, not “%(text)s”.")
            % {"text": text}
        ) from None


class Command(DoudiCommand):
    help = "Departments' data: load a delivery (all rows or none), list the sources."

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        loading = actions.add_parser("load", help="a department's file (.csv, .xlsx, .parquet)")
        loading.add_argument("source", choices=list(SOURCES))
        loading.add_argument("file", type=Path)
        loading.add_argument("--version", type=int, help="the contract version (default: latest)")
        loading.add_argument("--date", help="the data's date, YYYY-MM-DD (default: from the file)")
        self.add_actor_argument(loading)
        listing = actions.add_parser("list", help="the sources, or the deliveries received")
        listing.add_argument(
            "--deliveries", action="store_true", help="the deliveries you may see, newest first"
        )
        self.add_actor_argument(listing)

    def run(self, *, action: str, **options) -> None:
        if action == "load":
            self._load(**options)
        elif options["deliveries"]:
            self._deliveries(self.actor(options["user"]))
        else:
            self._catalogue()

    def _load(self, *, source: str, file: Path, version, date, user, **options) -> None:
        delivered_on = _date(date) if date else None
        delivery = deliver(
            self.actor(user),
            source,
            self.read_file(file),
            file.name,
            version=version,
            delivered_on=delivered_on,
        )
        self.say(
            _(
                "Delivery %(id)d of %(source)s (contract version %(version)d, data of "
                "%(date)s): %(rows)d rows, %(invalid)d without a valid ID number."
            ),
            id=delivery.pk,
            source=delivery.source,
            version=delivery.contract_version,
            date=delivery.delivered_on.isoformat(),
            rows=delivery.rows,
            invalid=delivery.rows_without_valid_id,
        )

    def _catalogue(self) -> None:
        for source in SOURCES.values():
            versions = ", ".join(str(contract.version) for contract in source.versions)
            self.stdout.write(f"{source.key}\t{source.department}\t{versions}")

    def _deliveries(self, user) -> None:
        for delivery in visible_deliveries(user):
            self.stdout.write(
                f"{delivery.pk}\t{delivery.source}\tv{delivery.contract_version}\t"
                f"{delivery.delivered_on.isoformat()}\t{delivery.rows}\t"
                f"{delivery.rows_without_valid_id}\t{delivery.filename}"
            )
