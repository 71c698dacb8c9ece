"""What every Doudi management command shares: the acting user, and refusals printed plainly."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from doudi.errors import DoudiError, ValidationFailed


class DoudiCommand(BaseCommand):
    """Subclasses implement ``run``; a DoudiError becomes a bilingual message and exit status 1."""

    def handle(self, *args, **options) -> None:
        # Chinese unless DOUDI_LANG=en; refusals always carry the English text as well.
        with translation.override(os.environ.get("DOUDI_LANG") or settings.LANGUAGE_CODE):
            try:
                self.run(**options)
            except DoudiError as error:
                raise CommandError(self._describe(error)) from None

    def run(self, **options) -> None:
        raise NotImplementedError

    @staticmethod
    def add_actor_argument(parser) -> None:
        parser.add_argument("--user", help="the user name of the member of staff acting")

    def actor(self, username: str | None):
        """The acting user; None (the system) only where the service allows it."""
        from doudi.accounts.models import User

        if username is None:
            return None
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("No active user named “%(name)s”.") % {"name": username})
        return user

    def read_file(self, path: Path) -> bytes:
        try:
            return path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(path)s: %(reason)s") % {"path": path, "reason": error.strerror}
            ) from None

    def say(self, message, **params: object) -> None:
        """Print a (lazily translated) message with its parameters."""
        self.stdout.write(str(message) % params if params else str(message))

    @staticmethod
    def _describe(error: DoudiError) -> str:
        lines = [error.render()]
        if isinstance(error, ValidationFailed):
            lines += [f"  {problem.render()}" for problem in error.problems]
        english = [error.render("en")]
        if isinstance(error, ValidationFailed):
            english += [f"  {problem.render('en')}" for problem in error.problems]
        if english != lines:
            lines += ["", *english]
        return "\n".join(lines)
