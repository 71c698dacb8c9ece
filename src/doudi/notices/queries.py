"""Reads of the public notices. The public reads (a village's notice lines by its token) hand
over only ``masking.PublicEntry`` lines; the staff reads are scoped to the user's places."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from doudi.accounts.jurisdiction import get_in_scope, scope
from doudi.accounts.roles import Permission
from doudi.benefits.models import Benefit
from doudi.cases.models import Case
from doudi.cases.procedures import CaseKind, CaseProgramme, State
from doudi.errors import OutsideJurisdiction
from doudi.notices.masking import NEVER_SHOWN, PublicEntry, entry
from doudi.notices.models import NoticeBoard, NoticeKind, ObjectionState, PublicObjection
from doudi.regions.codes import Level
from doudi.regions.models import Region
from doudi.registry.models import Member
from doudi.text import is_digits

if TYPE_CHECKING:
    from doudi.accounts.models import User

# The most lines one public page shows: a village's notice is read a page at a time.
PUBLIC_PAGE_LINES = 50


@dataclass(frozen=True)
class Notice:
    """A village's two notices as they stand on a day: the 7-day notice of proposed decisions
    and the long-term notice of the month's recipients."""

    village: Region
    township: str
    month: datetime.date
    proposed: list[PublicEntry]
    long_term: list[PublicEntry]


def _household_size(household_field: str) -> Subquery:
    """Members counted now: not left, not deceased (one correlated count, not a loop)."""
    living = (
        Member.objects.filter(
            household_id=OuterRef(household_field), left_on__isnull=True, death_date__isnull=True
        )
        .order_by()
        .values("household_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(living, output_field=IntegerField()), Value(0))


def _head_name() -> Subquery:
    heads = Member.objects.filter(
        household_id=OuterRef("household_id"), relation="head", left_on__isnull=True
    ).order_by("id")
    return Subquery(heads.values("name")[:1])


def on_notice(village_code: str, today: datetime.date) -> QuerySet[Case]:
    """The village's cases on their 7-day notice today (proposed approvals and 特困
    terminations); a programme never shown is left out whatever its procedure says."""
    return (
        Case.objects.filter(
            region_id=village_code,
            state=State.ON_NOTICE,
            notice_starts_on__lte=today,
            notice_ends_on__gte=today,
        )
        .exclude(programme__in=NEVER_SHOWN)
        .select_related("member")
        .annotate(size=_household_size("household_id"), head=_head_name())
        .order_by("notice_ends_on", "id")
    )


def receiving(village_code: str, month: datetime.date) -> QuerySet[Benefit]:
    """The village's benefits in force for ``month``: the long-term notice, refreshed each
    month by construction (benefits.queries.in_force)."""
    return (
        Benefit.objects.in_force(month)
        .filter(region_id=village_code)
        .exclude(programme__in=NEVER_SHOWN)
        .select_related("payee")
        .annotate(size=_household_size("household_id"))
        .order_by("programme", "id")
    )


def _proposed_lines(village: Region, today: datetime.date) -> list[PublicEntry]:
    cases = list(on_notice(village.code, today))
    ending = {
        (b.household_id, b.programme): b.monthly_amount_fen
        for b in Benefit.objects.in_force(today.replace(day=1)).filter(
            household_id__in=[c.household_id for c in cases if c.kind == CaseKind.TERMINATION]
        )
    }
    lines = []
    for case in cases:
        terminating = case.kind == CaseKind.TERMINATION
        line = entry(
            ref=f"c{case.pk}",
            name=case.member.name if case.member else (case.head or ""),
            household_size=case.size,
            programme=case.programme,
            programme_label=str(CaseProgramme(case.programme).label),
            item=_("proposed termination") if terminating else _("proposed approval"),
            amount_fen=ending.get((case.household_id, case.programme)) if terminating else None,
            village=village.name,
            notice_ends_on=case.notice_ends_on.isoformat(),
        )
        if line:
            lines.append(line)
    return lines


def _long_term_lines(village: Region, month: datetime.date) -> list[PublicEntry]:
    lines = []
    for benefit in receiving(village.code, month):
        line = entry(
            ref=f"b{benefit.pk}",
            name=benefit.payee.name,
            household_size=benefit.size,
            programme=benefit.programme,
            programme_label=str(CaseProgramme(benefit.programme).label),
            item=_("receiving"),
            amount_fen=benefit.monthly_amount_fen,
            village=village.name,
        )
        if line:
            lines.append(line)
    return lines


def notice_of(village: Region, today: datetime.date) -> Notice:
    month = today.replace(day=1)
    township = village.parent.name if village.parent_id else ""
    return Notice(
        village=village,
        township=township,
        month=month,
        proposed=_proposed_lines(village, today),
        long_term=_long_term_lines(village, month),
    )


def board_by_token(token: str) -> NoticeBoard:
    """The board of a public link; any other string is simply not found."""
    board = (
        NoticeBoard.objects.select_related("region__parent").filter(token=token).first()
        if token
        else None
    )
    if board is None:
        raise OutsideJurisdiction(_("This notice does not exist."))
    return board


# --- staff reads --------------------------------------------------------------------------------


def villages(user: User) -> QuerySet[Region]:
    """The villages and communities of the user's places, each with its board (if issued) and
    its open objections."""
    return (
        scope(user, Region.objects.filter(level=Level.VILLAGE), Permission.VIEW_CASES, "code")
        .select_related("parent", "notice_board")
        .annotate(
            open_objections=Count("public_objections", filter=Q(public_objections__state="open"))
        )
        .order_by("code")
    )


def village(user: User, code: str) -> Region:
    return get_in_scope(
        user,
        Region.objects.filter(level=Level.VILLAGE).select_related("parent"),
        Permission.VIEW_CASES,
        "code",
        code=code,
    )


def objections(user: User, state: str = "") -> QuerySet[PublicObjection]:
    rows = scope(
        user,
        PublicObjection.objects.select_related("region__parent", "case", "household"),
        Permission.VIEW_CASES,
        "region__code",
    )
    return rows.filter(state=state) if state in ObjectionState.values else rows


def objection(user: User, objection_id: int) -> PublicObjection:
    return get_in_scope(
        user,
        PublicObjection.objects.select_related("region", "case", "household"),
        Permission.VIEW_CASES,
        "region__code",
        pk=objection_id,
    )


def line_of(
    board: NoticeBoard, ref: str, today: datetime.date
) -> tuple[str, Case | None, Benefit | None]:
    """The notice and the case or benefit a public line names, if it is on the board's notice
    today; otherwise None for both."""
    kind, number = ref[:1], ref[1:]
    if not is_digits(number) or len(number) > 12:
        return "", None, None
    if kind == "c":
        found_case = on_notice(board.region_id, today).filter(pk=int(number)).first()
        return NoticeKind.PROPOSED, found_case, None
    if kind == "b":
        found = receiving(board.region_id, today.replace(day=1)).filter(pk=int(number)).first()
        return NoticeKind.LONG_TERM, None, found
    return "", None, None
