"""doudi users bootstrap-admin | create | deactivate | unlock | set-role | token

``bootstrap-admin`` is the one account command that needs no credential: it creates the first
administrator of each of the three roles (system, security, audit) of an installation, so
there is nobody yet to prove who they are, and it is refused as soon as one of that role
exists. Every other action authenticates the user it acts for
(DoudiCommand.actor); ``token`` issues the personal API token the others can then use."""

from __future__ import annotations

import getpass
import sys

from django.utils.translation import gettext_lazy as _

from doudi.accounts import services
from doudi.accounts.roles import ADMINISTRATOR_ROLES, Role
from doudi.commands import DoudiCommand, user_of_password


class Command(DoudiCommand):
    help = "Users: create the first administrator, add accounts, deactivate, unlock, get a token."

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        bootstrap = actions.add_parser(
            "bootstrap-admin", help="the first system administrator (only when none)"
        )
        create = actions.add_parser("create", help="add an account (as an administrator)")
        for sub in (bootstrap, create):
            sub.add_argument("--username", required=True)
            sub.add_argument("--region", required=True, help="12-digit division code")
            sub.add_argument(
                "--password-stdin",
                action="store_true",
                help="read the password from standard input instead of a prompt",
            )
        create.add_argument("--role", required=True, choices=Role.values)
        bootstrap.add_argument(
            "--role",
            default=Role.SYSTEM_ADMIN.value,
            choices=sorted(ADMINISTRATOR_ROLES),
            help="which of the three administrators (default system_admin)",
        )
        create.add_argument("--full-name", default="")
        create.add_argument("--reason", default="")
        for name in ("deactivate", "unlock"):
            sub = actions.add_parser(name, help=f"{name} an account (as an administrator)")
            sub.add_argument("username")
            sub.add_argument("--reason", required=True)
        set_role = actions.add_parser(
            "set-role", help="give an account another role (as the security administrator)"
        )
        set_role.add_argument("username")
        set_role.add_argument("--role", required=True, choices=Role.values)
        set_role.add_argument("--reason", required=True)
        for sub in (create, actions.choices["deactivate"], actions.choices["unlock"], set_role):
            self.add_actor_argument(sub)
        token = actions.add_parser(
            "token", help="log in with your password and print a personal API token"
        )
        token.add_argument("--username", required=True)
        token.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from standard input instead of a prompt",
        )

    def run(self, *, action: str, **options) -> None:
        if action == "bootstrap-admin":
            user = services.bootstrap_admin(
                username=options["username"],
                password=self._password(options),
                region_code=options["region"],
                role=options["role"],
            )
            self.say(
                _("Created %(role)s %(name)s."), role=Role(user.role).label, name=user.username
            )
        elif action == "create":
            user = services.create_user(
                self.actor(options["user"]),
                username=options["username"],
                password=self._password(options),
                role=options["role"],
                region_code=options["region"],
                full_name=options["full_name"],
                reason=options["reason"],
            )
            self.say(_("Created account %(name)s."), name=user.username)
        elif action == "token":
            user = user_of_password(options["username"], self._password(options))
            token, expiry = services.issue_token(user)
            self.stdout.write(token)
            self.stderr.write(
                str(_("Valid until %(expiry)s while in use; export it as DOUDI_TOKEN."))
                % {"expiry": expiry.isoformat(timespec="minutes") if expiry else "—"}
            )
        elif action == "deactivate":
            services.set_active(
                self.actor(options["user"]),
                options["username"],
                active=False,
                reason=options["reason"],
            )
            self.say(_("Deactivated %(name)s."), name=options["username"])
        elif action == "set-role":
            user = services.set_role(
                self.actor(options["user"]),
                options["username"],
                role=options["role"],
                reason=options["reason"],
            )
            self.say(_("%(name)s is now %(role)s."), name=user.username, role=Role(user.role).label)
        else:
            cleared = services.unlock(
                self.actor(options["user"]), options["username"], reason=options["reason"]
            )
            self.say(
                _("Unlocked %(name)s (%(count)d failed log-ins cleared)."),
                name=options["username"],
                count=cleared,
            )

    @staticmethod
    def _password(options: dict) -> str:
        if options["password_stdin"]:
            return sys.stdin.readline().rstrip("\n")
        return getpass.getpass(str(_("Password: ")))
