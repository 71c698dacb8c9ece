"""doudi jobs run — process the queued background jobs (large uploads) and exit, or keep on."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from doudi.jobs.services import run_queued


class Command(BaseCommand):
    help = "Background jobs: process the queued large uploads."

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        runner = actions.add_parser("run", help="process every queued job, then exit")
        runner.add_argument(
            "--forever", action="store_true", help="keep looking for new jobs every few seconds"
        )

    def handle(self, *args, action: str, forever: bool = False, **options) -> None:
        while True:
            for job in run_queued():
                self.stdout.write(
                    _("Job %(job)d (%(kind)s): %(state)s. %(message)s")
                    % {
                        "job": job.pk,
                        "kind": job.get_kind_display(),
                        "state": job.get_state_display(),
                        "message": job.message,
                    }
                )
            if not forever:
                return
            time.sleep(5)
