"""doudi serve — run Doudi under gunicorn and say where and how to log in."""

from __future__ import annotations

import os
import sys

from django.utils.translation import gettext_lazy as _

from doudi.commands import DoudiCommand


class Command(DoudiCommand):
    help = "Serve the web pages and the API with gunicorn (default http://127.0.0.1:8000/)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--bind", default=os.environ.get("DOUDI_BIND", "127.0.0.1:8000"))
        # Gunicorn's own advice, 2 × cores + 1: a sync worker held by a log-in (Argon2, 0.8 s of
        # processor time) or a long page must not leave the office queueing behind it.
        workers = int(os.environ.get("DOUDI_WORKERS", 2 * (os.cpu_count() or 1) + 1))
        parser.add_argument("--workers", type=int, default=workers)

    def run(self, *, bind: str, workers: int, **options) -> None:
        from doudi.accounts.models import User
        from doudi.demo.loader import DEMO_ACCOUNTS, DEMO_PASSWORD
        from doudi.production import refuse_unsafe_start

        refuse_unsafe_start()
        self.say(_("Doudi is at http://%(bind)s/  (stop with Ctrl-C)"), bind=bind)
        demo = [a for a in DEMO_ACCOUNTS if User.objects.filter(username=a.username).exists()]
        if demo:
            self.say(_("Demo log-ins (password %(password)s for all):"), password=DEMO_PASSWORD)
            for account in demo:
                self.stdout.write(
                    f"  {account.username:<10} {account.role.label} · {account.region_code}"
                )
        self.stdout.flush()
        os.execvp(
            sys.executable,
            [
                sys.executable,
                "-m",
                "gunicorn",
                "doudi.wsgi:application",
                "--bind",
                bind,
                "--workers",
                str(workers),
                "--access-logfile",
                "-",
                # Its error and access logs mask ID numbers (request lines carry query strings).
                "--logger-class",
                "doudi.identity.logging.GunicornLogger",
            ],
        )
