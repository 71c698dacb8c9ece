"""The production gate: what must hold before ``DOUDI_ENV=production`` serves anybody.

One list of problems serves three doors: ``doudi check --deploy`` (Django system checks with ids
``doudi.E001`` …), ``doudi serve`` and the WSGI entry point (which refuse to start, printing
each problem in Chinese and in English, without a traceback), and every other ``doudi`` command
(which refuses while a secret is missing or weak: an ID number encrypted with a made-up key
could never be read again). Outside production nothing here refuses anything.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from doudi.config import environment_is_production

# gunicorn's "App failed to load": its master stops instead of restarting the worker forever.
WSGI_REFUSAL_STATUS = 4
MIN_SECRET_KEY_LENGTH = 50
MIN_DATA_KEY_LENGTH = 32
LOCAL_HOSTS = {"127.0.0.1", "localhost", "testserver", "::1"}


@dataclass(frozen=True)
class Problem:
    id: str
    message: object  # a lazy translated message
    params: dict[str, object]
    needs_database: bool = False

    def text(self, language: str) -> str:
        with translation.override(language):
            return str(self.message) % self.params if self.params else str(self.message)

    def both(self) -> str:
        """Chinese first, then English (the English alone when they are the same)."""
        chinese, english = self.text("zh-hans"), self.text("en")
        return chinese if chinese == english else f"{chinese}\n{english}"


def _weak(value: str, length: int) -> bool:
    # Django's own test for a weak SECRET_KEY (security.W009), with our lengths.
    return len(value) < length or len(set(value)) < 5 or value.startswith("django-insecure-")


def configuration_problems() -> list[Problem]:
    """What is wrong with the settings alone (no database needed)."""
    problems: list[Problem] = []
    try:
        secret_key = settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses to hand out an empty one
        secret_key = ""
    for check_id, variable, value, length in (
        ("doudi.E001", "DOUDI_SECRET_KEY", secret_key, MIN_SECRET_KEY_LENGTH),
        ("doudi.E002", "DOUDI_DATA_KEY", settings.DOUDI_DATA_KEY, MIN_DATA_KEY_LENGTH),
    ):
        if not value:
            problems.append(
                Problem(
                    check_id,
                    _("%(variable)s is not set; production needs it from the environment."),
                    {"variable": variable},
                )
            )
        elif _weak(value, length):
            problems.append(
                Problem(
                    check_id,
                    _(
                        "%(variable)s is weak: use at least %(length)d random characters "
                        "(for example: python3 -c 'import secrets; "
                        "print(secrets.token_urlsafe(48))')."
                    ),
                    {"variable": variable, "length": length},
                )
            )
    if settings.DEBUG:
        problems.append(
            Problem(
                "doudi.E003",
                _(
                    "DOUDI_DEBUG=1 shows debug pages with personal data; it is never allowed in "
                    "production."
                ),
                {},
            )
        )
    hosts = [host for host in settings.ALLOWED_HOSTS if host]
    if not hosts or "*" in hosts or set(hosts) <= LOCAL_HOSTS:
        problems.append(
            Problem(
                "doudi.E004",
                _(
                    "DOUDI_ALLOWED_HOSTS must name the server's host names (not “*”, not only "
                    "localhost)."
                ),
                {},
            )
        )
    https = {
        "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
        "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
        "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS > 0,
    }
    missing = [name for name, on in https.items() if not on]
    if missing:
        problems.append(
            Problem(
                "doudi.E006",
                _("Production is served over HTTPS only; these settings are off: %(names)s."),
                {"names": ", ".join(missing)},
            )
        )
    return problems


def database_problems() -> list[Problem]:
    """What is wrong in the database: the demo accounts, with their published password."""
    from doudi.accounts.models import User
    from doudi.demo.loader import DEMO_ACCOUNTS

    names = [account.username for account in DEMO_ACCOUNTS]
    try:
        present = list(
            User.objects.filter(username__in=names, is_active=True).values_list(
                "username", flat=True
            )
        )
    except DatabaseError:
        return []  # not migrated yet: nothing is in it, demo accounts included
    if not present:
        return []
    return [
        Problem(
            "doudi.E005",
            _(
                "Demo accounts are present (%(names)s); their password is published. Start "
                "production from an empty database, or deactivate these accounts."
            ),
            {"names": ", ".join(sorted(present))},
            needs_database=True,
        )
    ]


def problems(*, database: bool = True) -> list[Problem]:
    if not environment_is_production():
        return []
    found = configuration_problems()
    if database:
        found += database_problems()
    return found


def refusal_text(found: list[Problem]) -> str:
    heading = Problem("", _("Doudi refuses to start in production:"), {})
    lines = [heading.both()]
    for problem in found:
        lines += [f"  {problem.id}  {line}" for line in problem.both().splitlines()]
    return "\n".join(lines)


def refuse_unsafe_start(*, database: bool = True, status: int = 1) -> None:
    """Exit with ``status`` and the problems on stderr when production is unsafe."""
    found = problems(database=database)
    if found:
        sys.stderr.write(refusal_text(found) + "\n")
        sys.stderr.flush()
        raise SystemExit(status)


@checks.register(checks.Tags.security, deploy=True)
def check_production(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """``doudi check --deploy``: every problem as an error with its id."""
    return [checks.Error(problem.both(), id=problem.id) for problem in problems()]
