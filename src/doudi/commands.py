"""What every Doudi management command shares: the channel, the authenticated acting user, and
refusals printed plainly, each problem with its field."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management.base import BaseCommand, CommandError
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doudi.audit.channels import Channel, acting_through
from doudi.errors import CellError, DoudiError, NotPermitted, ValidationFailed

TOKEN_VARIABLE = "DOUDI_TOKEN"


class DoudiCommand(BaseCommand):
    """Subclasses implement ``run``; a DoudiError becomes a bilingual message and exit status 1.

    Everything a command records in the audit trail is marked with the ``cli`` channel.
    """

    def handle(self, *args, **options) -> None:
        # Chinese unless DOUDI_LANG=en; refusals always carry the English text as well.
        language = os.environ.get("DOUDI_LANG") or settings.LANGUAGE_CODE
        with translation.override(language), acting_through(Channel.CLI):
            try:
                self.run(**options)
            except DoudiError as error:
                message = describe(error)
            except CommandError as error:
                message = str(error)
            else:
                return
        if getattr(self, "_called_from_command_line", False):
            # Printed as it is: Django would put the English "CommandError:" before it.
            self.stderr.write(message)
            sys.exit(1)
        raise CommandError(message)

    def run(self, **options) -> None:
        raise NotImplementedError

    @staticmethod
    def add_actor_argument(parser) -> None:
        # Optional for argparse: with $DOUDI_TOKEN set, the token's user is the one acting.
        parser.add_argument(
            "--user",
            help=f"the member of staff acting; proved by ${TOKEN_VARIABLE} or a password prompt",
        )

    def actor(self, username: str | None, *, required: bool = True):
        """The acting user, who must prove who they are
        (docs/decisions/0006-cli-credential-and-audit-channel.md): a personal API token in
        $DOUDI_TOKEN, or the password typed at a terminal. Without --user and without a token:
        None (the system) where ``required`` is False and the service allows it, else refused."""
        token = os.environ.get(TOKEN_VARIABLE, "").strip()
        if token:
            return _user_of_token(token, username)
        if username is None:
            if required:
                raise NotPermitted(
                    gettext_lazy(
                        "Say who is acting: --user NAME, proved by DOUDI_TOKEN or a password."
                    ),
                    field="--user",
                )
            return None
        if not sys.stdin.isatty():
            raise NotPermitted(
                gettext_lazy(
                    "The command line acts for “%(name)s” only with a credential: set "
                    "DOUDI_TOKEN to that user's personal API token (doudi users token), or run "
                    "the command in a terminal to be asked for the password."
                ),
                field="--user",
                name=username,
            )
        password = getpass.getpass(_("Password for %(name)s: ") % {"name": username})
        return user_of_password(username, password)

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


def _user_of_token(token: str, username: str | None):
    from doudi.accounts.services import user_for_token

    user = user_for_token(token)
    if username is not None and user.username != username:
        raise NotPermitted(
            gettext_lazy("The token in DOUDI_TOKEN belongs to “%(owner)s”, not to “%(name)s”."),
            field="--user",
            owner=user.username,
            name=username,
        )
    return user


def user_of_password(username: str, password: str):
    # A request of its own, so that failed passwords count towards the account's lock-out
    # exactly as on the log-in page (django-axes needs a request to count them).
    request = HttpRequest()
    request.META["REMOTE_ADDR"] = "127.0.0.1"
    request.path = request.path_info = "/cli/"
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise NotPermitted(gettext_lazy("Wrong user name or password."), field="--user")
    return user


def describe(error: DoudiError) -> str:
    """The refusal as the command line prints it: the message, then every problem, each with
    the field it concerns (``members[1].id_number: …``) or its row and column; first in the
    chosen language (Chinese by default), then in English."""
    lines = _lines(error, None)
    english = _lines(error, "en")
    if english != lines:
        lines += ["", *english]
    return "\n".join(lines)


def _lines(error: DoudiError, language: str | None) -> list[str]:
    lines = [_with_field(error, language)]
    if isinstance(error, ValidationFailed):
        lines += [f"  {_with_field(problem, language)}" for problem in error.problems]
    return lines


def _with_field(error: DoudiError, language: str | None) -> str:
    text = error.render(language)
    if error.field and not isinstance(error, CellError):  # a cell names its row and column
        return f"{error.field}: {text}"
    return text
