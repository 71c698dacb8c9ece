"""Who is due for a re-check (复核), read within the user's jurisdiction like every case list.

Every recipient — a benefit in force and not yet ended, of a programme that is re-checked, its
person (or, for a household's benefit, some member) alive — has its next re-check date: the
day of the household's last approved decision on that benefit (the application, a change, or
the last re-check) plus its interval (schedule.py). Due: from today to the end of this month;
overdue: before today. A benefit being stopped (ended by a decision) is no longer listed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import scope
from doudi.accounts.roles import Permission
from doudi.benefits.models import Benefit
from doudi.cases.models import Case, Decision, Outcome
from doudi.cases.procedures import OPEN_STATES, REVIEWS, CaseProgramme
from doudi.dates import last_day, months_after
from doudi.errors import DoudiError
from doudi.rechecks.schedule import Cadence, Intervals, able_to_work, cadence_of
from doudi.regions.codes import is_well_formed, prefix_of
from doudi.registry.models import Member

if TYPE_CHECKING:
    from doudi.accounts.models import User


@dataclass(frozen=True)
class RecheckRow:
    """One benefit to re-check, as the lists and the export show it: plain values read with its
    facts, since a county lists thousands (records would cost more than the query)."""

    benefit_id: int
    household_id: int
    programme: str
    region_id: str
    place_name: str
    payee_name: str
    payee_id_number_masked: str
    monthly_amount_fen: int
    cadence: Cadence
    last_on: datetime.date
    months: int
    next_on: datetime.date
    open_case_id: int | None

    @property
    def programme_label(self) -> str:
        return str(CaseProgramme(self.programme).label)


# A listed benefit's fields, in RecheckRow's order.
SHOWN = (
    "pk",
    "household_id",
    "programme",
    "region_id",
    "region__name",
    "payee__name",
    "payee__id_number_masked",
    "monthly_amount_fen",
)


@dataclass(frozen=True)
class RecheckLists:
    overdue: list[RecheckRow]
    due: list[RecheckRow]

    @property
    def all(self) -> list[RecheckRow]:
        return [*self.overdue, *self.due]


def _same_benefit(queryset: QuerySet, through: str) -> QuerySet:
    """Rows of ``queryset`` (decisions or cases, reaching the case by ``through``) about the
    outer benefit's household, programme and person; a household's benefit has no person,
    and NULL equals nothing in SQL, hence the 0."""
    return (
        queryset.filter(
            **{
                f"{through}household": OuterRef("household"),
                f"{through}programme": OuterRef("programme"),
            }
        )
        .alias(person=Coalesce(f"{through}member", 0))
        .filter(person=Coalesce(OuterRef("member"), 0))
    )


def recipients(actor: User, place_code: str = "") -> QuerySet[Benefit]:
    """The benefits to re-check in the user's jurisdiction (or ``place_code`` in it), each with
    ``last_on``, ``able`` and ``open_case``."""
    benefits = scope(actor, Benefit.objects.all(), Permission.VIEW_CASES, "region__code")
    if place_code and not is_well_formed(place_code):
        raise DoudiError(_("Not a division code: %(code)s"), field="place", code=place_code)
    if place_code:
        benefits = benefits.filter(region__code__startswith=prefix_of(place_code))
    decided = _same_benefit(Decision.objects.filter(outcome=Outcome.APPROVED), "case__").order_by(
        "-decided_on", "-id"
    )
    open_cases = _same_benefit(Case.objects.filter(state__in=OPEN_STATES), "").order_by("id")
    living = Member.objects.filter(
        household=OuterRef("household"), left_on__isnull=True, death_date__isnull=True
    )
    return (
        benefits.filter(ended_by__isnull=True, programme__in=list(REVIEWS))
        # A gradual exit's benefit is not re-checked once its last month is past: it has ended.
        .filter(Q(end_month__isnull=True) | Q(end_month__gte=timezone.localdate().replace(day=1)))
        .filter(
            Q(member__isnull=True)
            | Q(member__left_on__isnull=True, member__death_date__isnull=True)
        )
        .filter(Exists(living))
        .annotate(
            last_on=Subquery(decided.values("decided_on")[:1]),
            able=able_to_work(),
            open_case=Subquery(open_cases.values("id")[:1]),
        )
        .order_by("region_id", "household_id", "id")
    )


def recheck_lists(
    actor: User, place_code: str = "", today: datetime.date | None = None
) -> RecheckLists:
    """The overdue re-checks (the longest overdue first) and those due by the end of the month."""
    today = today or timezone.localdate()
    until = last_day(today)
    found = {
        pk: facts
        for pk, facts in _schedule(recipients(actor, place_code)).items()
        if facts[3] <= until
    }
    # What is shown, only for the listed, as plain values: a county lists thousands.
    shown = Benefit.objects.filter(pk__in=list(found)).values_list(*SHOWN)
    rows = sorted(
        (RecheckRow(*values, *found[values[0]]) for values in list(shown)),
        key=lambda row: (row.next_on, row.benefit_id),
    )
    return RecheckLists(
        overdue=[row for row in rows if row.next_on < today],
        due=[row for row in rows if row.next_on >= today],
    )


def next_rechecks(actor: User, place_code: str = "") -> dict[int, datetime.date]:
    """Each re-checked benefit's next re-check date, by benefit id (the household's 明白卡)."""
    return {pk: facts[3] for pk, facts in _schedule(recipients(actor, place_code)).items()}


def _schedule(
    benefits: QuerySet[Benefit],
) -> dict[int, tuple[Cadence, datetime.date, int, datetime.date, int | None]]:
    """Each benefit's cadence, last decision, interval, next date and open case."""
    intervals = Intervals()
    next_dates: dict[tuple[datetime.date, int], datetime.date] = {}  # a county shares few days
    found = {}
    for pk, programme, place, able, last_on, open_case in _read(benefits):
        cadence = cadence_of(programme, able)
        months = intervals.months(cadence, place, last_on)
        next_on = next_dates.get((last_on, months))
        if next_on is None:
            next_on = next_dates[last_on, months] = months_after(last_on, months)
        found[pk] = (cadence, last_on, months, next_on, open_case)
    return found


@transaction.atomic
def _read(benefits: QuerySet[Benefit]) -> list[tuple]:
    """Each benefit's facts for its next date. On PostgreSQL without JIT compilation, which the
    planner's cost of the per-benefit look-ups would start and which costs more than the
    look-ups (some 70 ms a county); local to this transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit TO off")
    facts = benefits.order_by().values_list(
        "pk", "programme", "region_id", "able", "last_on", "open_case"
    )
    return list(facts)
