"""doudi jobs run — work the queue of background jobs until it is empty and exit (e.g. from cron),
or, with --forever, be the worker that keeps on (e.g. under systemd)."""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.translation import gettext as _

from doudi.jobs.models import Job
from doudi.jobs.services import run_queued

# How often the worker that keeps on looks for new jobs when the queue is empty.
INTERVAL_SECONDS = 2
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Command(BaseCommand):
    help = "Background jobs: process the queued large uploads."

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        runner = actions.add_parser("run", help="process every queued job, then exit")
        runner.add_argument(
            "--forever", action="store_true", help="keep looking for new jobs every few seconds"
        )

    def handle(self, *args, action: str, forever: bool = False, **options) -> None:
        if not forever:
            for job in run_queued():
                self._say(job)
            return
        stopping: list[int] = []

        def stop(signum: int, frame: object) -> None:
            # The job in hand is finished first; a second signal acts as it always does.
            stopping.append(signum)
            for each in STOP_SIGNALS:
                signal.signal(
                    each, signal.default_int_handler if each == signal.SIGINT else signal.SIG_DFL
                )

        for signum in STOP_SIGNALS:
            signal.signal(signum, stop)
        while not stopping:
            ran = run_queued(limit=1)
            for job in ran:
                self._say(job)
            if not ran:
                time.sleep(INTERVAL_SECONDS)
            # As after a request: a connection that broke or outlived its age is replaced.
            close_old_connections()

    def _say(self, job: Job) -> None:
        self.stdout.write(
            _("Job %(job)d (%(kind)s): %(state)s. %(message)s")
            % {
                "job": job.pk,
                "kind": job.get_kind_display(),
                "state": job.get_state_display(),
                "message": job.message,
            }
        )
