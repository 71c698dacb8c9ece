"""doudi audit verify | anchor — check the sealed chain against its anchors; anchor its end."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from doudi.audit.anchors import anchor_head, anchor_path, latest_anchor, write_anchor
from doudi.audit.verification import verify_chain


class Command(BaseCommand):
    help = (
        "Audit trail: verify the sealed chain against its anchors (exit status 1 at the first "
        "broken link), or anchor the chain's end outside the database."
    )

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        verify = actions.add_parser(
            "verify", help="walk the whole chain, check every seal and anchor, then anchor its end"
        )
        verify.add_argument(
            "--no-anchor",
            action="store_true",
            help="do not append an anchor of the verified end",
        )
        actions.add_parser(
            "anchor", help="append a signed anchor of the chain's end to the anchor file"
        )

    def handle(self, *args, action: str, **options) -> None:
        if action == "anchor":
            self._anchor()
        else:
            self._verify(anchor=not options["no_anchor"])

    def _anchor(self) -> None:
        anchor = anchor_head()
        if anchor is None:
            self.stdout.write(_("The audit trail is empty: nothing to anchor."))
            return
        self.stdout.write(
            _("Anchored event #%(seq)d in %(path)s.") % {"seq": anchor.seq, "path": anchor_path()}
        )

    def _verify(self, *, anchor: bool) -> None:
        report = verify_chain()
        if report.broken_at is not None:
            raise CommandError(
                _(
                    "Audit chain broken at event #%(seq)d: %(problem)s (%(checked)d events "
                    "before it are intact)."
                )
                % {"seq": report.broken_at, "problem": report.problem, "checked": report.checked}
            )
        if report.damaged_anchor_line is not None:
            raise CommandError(
                _("Audit anchor file %(path)s, line %(line)d: %(problem)s.")
                % {
                    "path": anchor_path(),
                    "line": report.damaged_anchor_line,
                    "problem": report.problem,
                }
            )
        self.stdout.write(
            _("Audit chain intact: %(count)d events checked against %(anchors)d anchors.")
            % {"count": report.checked, "anchors": report.anchors}
        )
        latest = latest_anchor()
        if anchor and report.last_seq and (latest is None or latest.seq < report.last_seq):
            # What was just verified is anchored, so a later rewrite of it is caught even by
            # someone who holds the key.
            write_anchor(report.last_seq, report.last_hash)
            self.stdout.write(
                _("Anchored event #%(seq)d in %(path)s.")
                % {"seq": report.last_seq, "path": anchor_path()}
            )
