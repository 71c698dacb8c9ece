"""Reading cases, always within the user's jurisdiction."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import BooleanField, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models import Case as Choose
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import get_in_scope, scope
from doudi.accounts.roles import Permission
from doudi.cases.deadlines import due_soon_until
from doudi.cases.models import (
    Case,
    ChangePreview,
    Decision,
    HukouCheck,
    Investigation,
    SpotCheck,
)
from doudi.cases.procedures import OPEN_STATES, Action, CaseProgramme, State
from doudi.errors import DoudiError
from doudi.identity import protection
from doudi.regions.codes import Level, prefix_of
from doudi.registry.models import Member

if TYPE_CHECKING:
    from doudi.accounts.models import User
    from doudi.cases.steps import Waits


def cases_visible_to(actor: User) -> QuerySet[Case]:
    return scope(
        actor,
        Case.objects.select_related("household", "member", "region"),
        Permission.VIEW_CASES,
        "region__code",
    )


def case_for(actor: User, case_id: int) -> Case:
    return get_in_scope(
        actor,
        Case.objects.select_related("household", "member", "region"),
        Permission.VIEW_CASES,
        "region__code",
        pk=case_id,
    )


def cases_of_household(actor: User, household_id: int) -> QuerySet[Case]:
    """The household's cases the user sees, open and closed, the newest first, each with its
    decision when there is one."""
    return (
        cases_visible_to(actor)
        .filter(household_id=household_id)
        .select_related("decision", "decision__decided_by")
        .order_by("-submitted_on", "-id")
    )


# A case's file number (Case.file_number): the township's 9 digits, the year, the sequence.
FILE_NUMBER = re.compile(r"(?:(\d{9})-(\d{4})-)?0*(\d{1,9})")


def _by_number(cases: QuerySet[Case], number: str) -> QuerySet[Case]:
    found = FILE_NUMBER.fullmatch(number)
    if found is None:
        raise DoudiError(
            _("“%(value)s” is not a case file number (like 410821902-2026-000012)."),
            field="number",
            value=number,
        )
    township, year, sequence = found.groups()
    cases = cases.filter(pk=int(sequence))
    if township:
        cases = cases.filter(region__code__startswith=township, submitted_on__year=int(year))
    return cases


def matching(
    cases: QuerySet[Case], *, number: str = "", name: str = "", id_number: str = ""
) -> QuerySet[Case]:
    """Cases by file number (whole, or its last digits), by the beginning of the household
    head's name, or by a member's exact ID number (searched by its keyed hash only)."""
    if number:
        cases = _by_number(cases, number)
    members = Member.objects.filter(household=OuterRef("household"), left_on__isnull=True)
    if name:
        cases = cases.filter(Exists(members.filter(relation="head", name__startswith=name)))
    if id_number:
        wanted = protection.lookup_hash(id_number)
        cases = cases.filter(Exists(members.filter(id_number_hash=wanted)))
    return cases


def _late_on(day: datetime.date) -> Q:
    """Open cases past a limit, and decided cases whose household was not told in time."""
    pending = Q(state__in=OPEN_STATES) | Q(decision__notified_on__isnull=True)
    return pending & (Q(step_due_on__lt=day) | Q(state__in=OPEN_STATES, due_on__lt=day))


@dataclass(frozen=True)
class DeadlineLists:
    overdue: QuerySet[Case]
    due_soon: QuerySet[Case]
    relatives: QuerySet[Case]


def deadline_lists(
    actor: User, place_code: str = "", today: datetime.date | None = None
) -> DeadlineLists:
    """For a place (by default the user's whole jurisdiction): the cases past a time limit,
    those due within three working days, and the relatives' cases registered separately."""
    today = today or timezone.localdate()
    cases = cases_visible_to(actor)
    if place_code:
        cases = cases.filter(region__code__startswith=prefix_of(place_code))
    soon = due_soon_until(today)
    return DeadlineLists(
        overdue=cases.filter(_late_on(today)).order_by("step_due_on", "id"),
        due_soon=cases.exclude(_late_on(today))
        .filter(
            Q(step_due_on__range=(today, soon))
            | Q(state__in=OPEN_STATES, due_on__range=(today, soon))
        )
        .order_by("step_due_on", "id"),
        relatives=cases.exclude(relative_of_staff="").filter(state__in=OPEN_STATES),
    )


def _step_open_to(actor: User, action: Action, today: datetime.date) -> Q | None:
    """What the database must also say for the user to take the step on a case now (None:
    never this user), as services decide it: confirmation where the power sits, after the
    notice, never by an investigator; the county's spot check of a case chosen for one, once;
    telling the household of a decision not yet told."""
    if action in (Action.APPROVE, Action.REFUSE, Action.DECIDE_REVIEW):
        # services._check_confirmer: the township confirms where delegated and emergency aid.
        township = Q(delegated=True) | Q(programme=CaseProgramme.TEMPORARY_EMERGENCY)
        here = {Level.TOWNSHIP: township, Level.COUNTY: ~township}.get(actor.region.level)
        if here is None:
            return None
        investigated = Investigation.objects.filter(case=OuterRef("pk")).filter(
            Q(investigators=actor) | Q(recorded_by=actor)
        )
        noticed = ~Q(state=State.ON_NOTICE) | Q(notice_ends_on__lt=today)
        return here & noticed & ~Exists(investigated)
    if action == Action.SPOT_CHECK:
        if actor.region.level != Level.COUNTY:
            return None
        done = SpotCheck.objects.filter(case=OuterRef("pk"))
        return Q(spot_check_selected=True) & ~Exists(done)
    if action == Action.NOTIFY:
        return Exists(Decision.objects.filter(case=OuterRef("pk"), notified_on__isnull=True))
    return Q()


def _flag(condition: Q) -> Choose:
    """True or False, never NULL (a comparison with an empty date is NULL in SQL)."""
    return Choose(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def awaiting(actor: User, waits: Waits, today: datetime.date) -> QuerySet[Case]:
    """The user's cases that wait for a step the user may take now (``waits``: which steps
    each programme's state waits for, steps.waiting_for), late ones first, then by the
    current step's deadline. Each case carries ``late`` (past a limit) and, for each such
    step, ``may_<action>``."""
    where: dict[Action, Q] = {}
    for (programme, state), actions in waits.items():
        for action in actions:
            here = Q(programme=programme, state=state)
            where[action] = where[action] | here if action in where else here
    wanted, flags = Q(pk__in=[]), {}
    for action, in_states in where.items():
        open_to = _step_open_to(actor, action, today)
        if open_to is None:
            continue
        wanted |= in_states & open_to
        flags[f"may_{action}"] = _flag(in_states & open_to)
    late = _flag(_late_on(today))
    return (
        cases_visible_to(actor)
        .filter(wanted)
        .annotate(late=late, **flags)
        .order_by("-late", F("step_due_on").asc(nulls_last=True), "id")
    )


def hukou_checks_for(actor: User) -> QuerySet[HukouCheck]:
    """Requests to help verify (居住地申办) addressed to townships in the user's jurisdiction and
    not yet answered: the hukou place sees these, not the case itself."""
    return scope(
        actor,
        HukouCheck.objects.select_related("case", "case__region", "case__household", "township"),
        Permission.VIEW_CASES,
        "township__code",
    ).filter(answered_on__isnull=True)


def hukou_check_for(actor: User, case_id: int) -> HukouCheck:
    """The request to help verify a case, for the hukou township it is addressed to (404 for
    anyone else: the case itself stays out of that township's sight)."""
    return get_in_scope(
        actor,
        HukouCheck.objects.select_related("case", "case__region", "case__household", "township"),
        Permission.VIEW_CASES,
        "township__code",
        case_id=case_id,
    )


def previews_visible_to(actor: User) -> QuerySet[ChangePreview]:
    """The standard change previews of the user's place and below, the latest first."""
    return scope(
        actor,
        ChangePreview.objects.select_related("job", "place", "change", "run"),
        Permission.SET_STANDARDS,
        "place__code",
    )


def preview_for(actor: User, preview_id: int) -> ChangePreview:
    return get_in_scope(
        actor,
        ChangePreview.objects.select_related("job", "place", "change", "run"),
        Permission.SET_STANDARDS,
        "place__code",
        pk=preview_id,
    )


def charity_referral(case: Case):
    """The case's referral to charity assistance (慈善救助), if made (read once the case itself
    was read in scope): a referral of the one window, with its outcome once answered."""
    return case.window_needs.filter(route="referral", department="charity").first()
