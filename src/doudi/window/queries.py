"""Reading the one window's intakes, referrals and monthly figures, always within the user's
jurisdiction."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import (
    BooleanField,
    CharField,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import Case as Switch
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import get_in_scope, require, scope
from doudi.accounts.roles import Permission
from doudi.dates import last_day, parse_month
from doudi.errors import DoudiError
from doudi.identity.numbers import ID_NUMBER_PATTERN
from doudi.regions.codes import Level, is_well_formed, prefix_of
from doudi.regions.models import Region
from doudi.registry.models import Household, Member
from doudi.registry.queries import HouseholdFilter, heads_of, household_list
from doudi.window.models import COMMITTED_ROUTES, Intake, Need, Route

if TYPE_CHECKING:
    from doudi.accounts.models import User


def intakes_visible_to(actor: User) -> QuerySet[Intake]:
    return scope(
        actor,
        Intake.objects.select_related("household", "region", "received_by"),
        Permission.VIEW_CASES,
        "region__code",
    )


def intake_for(actor: User, intake_id: int) -> Intake:
    """One intake with its needs and their cases."""
    needs = Need.objects.select_related("case", "answered_by").order_by("position")
    return get_in_scope(
        actor,
        Intake.objects.select_related("household", "region", "received_by").prefetch_related(
            Prefetch("needs", queryset=needs)
        ),
        Permission.VIEW_CASES,
        "region__code",
        pk=intake_id,
    )


def household_for_intake(actor: User, household_id: int) -> Household:
    """The household an intake is being recorded for, with its current members (for the form's
    choice of the person an application concerns)."""
    members = Member.objects.filter(left_on__isnull=True).order_by("id")
    return get_in_scope(
        actor,
        Household.objects.select_related("region").prefetch_related(
            Prefetch("members", queryset=members, to_attr="current_members")
        ),
        Permission.SUBMIT_CASES,
        "region__code",
        pk=household_id,
    )


def open_referrals(
    actor: User, place_code: str = "", today: datetime.date | None = None
) -> QuerySet[Need]:
    """Referrals not yet answered, the longest overdue first, each with ``overdue`` set when its
    due date has passed."""
    today = today or timezone.localdate()
    needs = scope(
        actor,
        Need.objects.select_related("intake", "intake__household", "intake__region"),
        Permission.VIEW_CASES,
        "intake__region__code",
    )
    if place_code:
        needs = needs.filter(intake__region__code__startswith=prefix_of(place_code))
    return (
        needs.filter(route=Route.REFERRAL, answered_on__isnull=True)
        .annotate(overdue=ExpressionWrapper(Q(due_on__lt=today), output_field=BooleanField()))
        .order_by("due_on", "id")
    )


def referrals_of_household(actor: User, household_id: int) -> QuerySet[Need]:
    """The household's needs referred to a department, answered or not, the newest first."""
    needs = scope(
        actor,
        Need.objects.select_related("intake", "answered_by"),
        Permission.VIEW_CASES,
        "intake__region__code",
    )
    return needs.filter(intake__household_id=household_id, route=Route.REFERRAL).order_by(
        "-intake__received_on", "-id"
    )


# --- monthly figures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WindowFigures:
    """One township's window in one month (窗口办件统计).

    ``accepted`` needs were received in the month, ``committed`` of them with a promised
    deadline (承诺件: applications and referrals) and ``on_the_spot`` handled at once (即办件).
    ``completed`` needs were met in the month, whenever received; ``committed_completed`` of
    them were 承诺件, ``committed_on_time`` of those met on or before their deadline.
    """

    township_code: str
    township_name: str
    accepted: int = 0
    committed: int = 0
    on_the_spot: int = 0
    completed: int = 0
    committed_completed: int = 0
    committed_on_time: int = 0


COUNTED = (
    "accepted",
    "committed",
    "on_the_spot",
    "completed",
    "committed_completed",
    "committed_on_time",
)


def month_bounds(month: datetime.date | str) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a month given as a date in it or as "YYYY-MM"."""
    first = parse_month(month)
    return first, last_day(first)


def _completed_on() -> Switch:
    """The day a need was met: at once on the spot, on the answer for a referral, when the
    case closed for an application."""
    return Switch(
        When(route=Route.APPLICATION, then=F("case__closed_on")),
        When(route=Route.REFERRAL, then=F("answered_on")),
        default=F("intake__received_on"),
        output_field=DateField(),
    )


def _deadline() -> Switch:
    """The promised deadline: the limit the case worked to when it closed (its whole
    procedure's, else its last step's), or the referral's due date. A case closed before it
    had any limit (withdrawn before acceptance) counts as on time."""
    return Switch(
        When(route=Route.APPLICATION, then=F("case__deadline_at_closing")),
        When(route=Route.REFERRAL, then=F("due_on")),
        default=None,
        output_field=DateField(),
    )


def window_statistics(
    actor: User, place_code: str, month: datetime.date | str
) -> list[WindowFigures]:
    """The month's figures for each township within the place, in one aggregate query."""
    if not is_well_formed(place_code or ""):
        raise DoudiError(_("“%(code)s” is not a division code."), field="place", code=place_code)
    require(actor, Permission.VIEW_CASES, place_code)
    rows = _figures(actor, place_code, *month_bounds(month))
    figures = {row["township"]: row for row in rows}
    names = dict(
        Region.objects.filter(code__in=figures, level=Level.TOWNSHIP).values_list("code", "name")
    )
    return [
        WindowFigures(
            township_code=code,
            township_name=names.get(code, code),
            **{name: row[name] for name in COUNTED},
        )
        for code, row in figures.items()
    ]


def _figures(actor: User, place_code: str, first: datetime.date, last: datetime.date) -> QuerySet:
    """One row of counts per township: a GROUP BY over the needs received or completed in the
    month, each count an aggregate with its own filter."""
    received = Q(intake__received_on__range=(first, last))
    completed = Q(done_on__range=(first, last))
    committed = Q(route__in=COMMITTED_ROUTES)
    on_time = Q(deadline__isnull=True) | Q(done_on__lte=F("deadline"))
    return (
        scope(actor, Need.objects.all(), Permission.VIEW_CASES, "intake__region__code")
        .filter(intake__region__code__startswith=prefix_of(place_code))
        .annotate(
            done_on=_completed_on(),
            deadline=_deadline(),
            township=Concat(
                Substr("intake__region_id", 1, 9), Value("000"), output_field=CharField()
            ),
        )
        .filter(received | completed)
        .values("township")
        .annotate(
            accepted=Count("pk", filter=received),
            committed=Count("pk", filter=received & committed),
            on_the_spot=Count("pk", filter=received & Q(route=Route.ON_THE_SPOT)),
            completed=Count("pk", filter=completed),
            committed_completed=Count("pk", filter=completed & committed),
            committed_on_time=Count("pk", filter=completed & committed & on_time),
        )
        .order_by("township")
    )


def total_of(rows: list[WindowFigures], code: str, name: str) -> WindowFigures:
    """The figures of several townships added up (the place as a whole)."""
    return WindowFigures(
        code, name, **{key: sum(getattr(row, key) for row in rows) for key in COUNTED}
    )


FOUND_LIMIT = 50  # a name's beginning may match many: the first ones, in file-number order
# 档案号 as shown (place-number), or its number alone
FILE_NUMBER = re.compile(r"(?:(?P<place>\d{12})-)?(?P<number>\d{1,12})")


@dataclass(frozen=True)
class Found:
    """A household the window's finder found, as the choice list shows it."""

    household: Household
    head: Member | None


def households_found(actor: User, typed: str) -> list[Found]:
    """The households of the actor's jurisdiction that ``typed`` names: an ID number of any of
    its members (current or former), its file number (档案号, or the number alone), or a
    member's name or its beginning."""
    typed = typed.strip()
    file_number = FILE_NUMBER.fullmatch(typed)
    if ID_NUMBER_PATTERN.fullmatch(typed):
        households = household_list(actor, HouseholdFilter(id_number=typed))
    elif file_number:
        wanted = HouseholdFilter(place=file_number["place"] or "")
        households = household_list(actor, wanted).filter(pk=int(file_number["number"]))
    else:
        households = household_list(actor, HouseholdFilter(name=typed))
    found = list(households[:FOUND_LIMIT])
    heads = heads_of(found)
    return [Found(household, heads.get(household.pk)) for household in found]
