"""Starting the re-checks due (定期复核) in bulk: each household on the user's due and overdue
lists without an open case for the programme gets a re-check case (procedures.RECHECK_START),
in batches, each batch one transaction with one audit event naming its cases. Started twice,
the second start finds the cases open and starts nothing again; a start interrupted keeps the
batches it committed, and starting again completes the rest."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import require
from doudi.accounts.roles import Permission
from doudi.audit.actions import AuditAction
from doudi.audit.services import record
from doudi.benefits.models import Benefit
from doudi.cases.bulk import walk
from doudi.cases.models import Case, Transition
from doudi.cases.procedures import RECHECK_START
from doudi.errors import DoudiError
from doudi.rechecks.queries import RecheckRow, recheck_lists, recipients
from doudi.regions.codes import Level

if TYPE_CHECKING:
    from doudi.accounts.models import User

BATCH = 500
START_PATH = walk(RECHECK_START)
STARTING_LEVELS = frozenset({Level.TOWNSHIP, Level.COUNTY})


def start_rechecks(actor: User, place_code: str = "") -> list[int]:
    """Open a re-check case for every household due this month or overdue, in the user's
    jurisdiction (or ``place_code`` in it); the cases opened."""
    require(actor, Permission.START_RECHECKS, place_code or None)
    if actor.region.level not in STARTING_LEVELS:
        raise DoudiError(_("Re-checks are started by the township or the county."), field="actor")
    today = timezone.localdate()
    rows = [row for row in recheck_lists(actor, place_code, today).all if not row.open_case_id]
    started: list[int] = []
    for first in range(0, len(rows), BATCH):
        started += _start_batch(actor, rows[first : first + BATCH], place_code, today)
    return started


@transaction.atomic
def _start_batch(
    actor: User, rows: list[RecheckRow], place_code: str, today: datetime.date
) -> list[int]:
    wanted = [row.benefit_id for row in rows]
    # Locked, then read again: a start running beside this one waits, and then finds the cases
    # this one opened.
    list(Benefit.objects.select_for_update().filter(pk__in=wanted).values_list("pk"))
    still = {
        benefit.pk: benefit
        for benefit in recipients(actor, place_code)
        .filter(pk__in=wanted, open_case__isnull=True)
        .select_related("household", "member", "decision__case")
    }
    due = {row.benefit_id: row.next_on for row in rows}
    cases = Case.objects.bulk_create(
        _case(actor, benefit, due[pk], today) for pk, benefit in sorted(still.items())
    )
    if not cases:
        return []
    ((action, before, after),) = START_PATH
    Transition.objects.bulk_create(
        Transition(
            case=case,
            action=action,
            from_state=before,
            to_state=after,
            actor=actor,
            details={"household": case.household_id, "programme": case.programme},
        )
        for case in cases
    )
    ids = [case.pk for case in cases]
    record(
        actor=actor,
        action=AuditAction.RECHECK_START,
        object_type="region",
        object_id=place_code or actor.region_id,
        region_code=place_code or actor.region_id,
        after={"cases": ids, "households": sorted({case.household_id for case in cases})},
    )
    return ids


def _case(actor: User, benefit: Benefit, due_on: datetime.date, today: datetime.date) -> Case:
    """The re-check case of one benefit: the household's authorisation for checks and any
    relative's registration carried over from the case that granted it."""
    granted = benefit.decision.case
    with translation.override(settings.LANGUAGE_CODE):  # a record, in the bureau's language
        need = str(_("Periodic re-check, due %(day)s") % {"day": due_on.isoformat()})
    return Case(
        household=benefit.household,
        region_id=benefit.household.region_id,
        member=benefit.member,
        programme=benefit.programme,
        kind=RECHECK_START.kind,
        channel=RECHECK_START.channel,
        submitted_by=actor,
        submitted_on=today,
        need=need,
        authorisation_signed_on=granted.authorisation_signed_on,
        relative_of_staff=granted.relative_of_staff,
    )
