"""doudi partners add | list: the systems of other departments that may call the DCI interface.

``add`` prints the partner's token once; only its hash is kept, so a lost token means
registering the partner again under another name."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from doudi.commands import DoudiCommand
from doudi.exchange import services
from doudi.exchange.models import PartnerSystem, Scope


class Command(DoudiCommand):
    help = "Partner systems of the DCI exchange interface: register one, list them."

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="register a partner system and print its token")
        add.add_argument("name")
        add.add_argument("--department", required=True)
        add.add_argument(
            "--scope",
            action="append",
            required=True,
            choices=Scope.values,
            help="what the agreement allows; repeat for several",
        )
        add.add_argument(
            "--region", default="", help="answer only about people living under this code prefix"
        )
        self.add_actor_argument(add)
        actions.add_parser("list", help="every partner system, its scopes and whether active")

    def run(self, *, action: str, **options) -> None:
        if action == "add":
            partner, token = services.register_partner(
                self.actor(options["user"]),
                name=options["name"],
                department=options["department"],
                scopes=options["scope"],
                region_prefix=options["region"],
            )
            self.say(_("Registered partner system %(name)s."), name=partner.name)
            self.say(_("Its token, shown this once only, is on the next line."))
            # Alone on its line, so that a script can take it without parsing a sentence.
            self.stdout.write(token)
        else:
            for partner in PartnerSystem.objects.all():
                state = _("active") if partner.active else _("inactive")
                self.stdout.write(
                    f"{partner.name}\t{partner.department}\t{','.join(partner.scopes)}"
                    f"\t{partner.region_prefix or '-'}\t{state}"
                )
