"""Reads of the hotline, each scoped to the user's places: the tickets (by state), the at-risk
and overdue lists, one ticket, and the month's figures by category and township; and the
figures of a place by township, month and category, which the dashboards read
(doudi.statistics)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth

from doudi.accounts.jurisdiction import get_in_scope, has_permission, scope
from doudi.accounts.models import User as Staff
from doudi.accounts.roles import ROLE_PERMISSIONS, Permission
from doudi.dates import add_months
from doudi.hotline.models import OPEN_STATES, Category, DutyShift, Satisfaction, Ticket, TicketState
from doudi.hotline.services import at_risk_days
from doudi.regions.codes import prefix_of
from doudi.regions.models import Region
from doudi.workdays.calendar import WorkingCalendar

if TYPE_CHECKING:
    from doudi.accounts.models import User

LISTS = ("open", "at_risk", "overdue", "escalated", "closed", "all")


def tickets(user: User) -> QuerySet[Ticket]:
    return scope(
        user,
        Ticket.objects.select_related("region", "household", "case", "warning", "finding"),
        Permission.VIEW_HOTLINE,
        "region__code",
    )


def ticket(user: User, ticket_id: int) -> Ticket:
    return get_in_scope(
        user,
        Ticket.objects.select_related("region", "household", "case", "warning", "finding"),
        Permission.VIEW_HOTLINE,
        "region__code",
        pk=ticket_id,
    )


def tickets_of_household(user: User, household_id: int) -> QuerySet[Ticket]:
    """The tickets naming a household, for its assistance chain: none for a reader of the
    household who does not read the hotline."""
    if not has_permission(user, Permission.VIEW_HOTLINE):
        return Ticket.objects.none()
    return tickets(user).filter(household_id=household_id)


def at_risk_until(user: User, day: datetime.date) -> datetime.date:
    """The last due date of the at-risk list: ``hotline.at_risk_days`` working days ahead, as
    in force for the user's place."""
    return WorkingCalendar.current().add_working_days(day, at_risk_days(user.region_id, day))


def listed(user: User, name: str, day: datetime.date) -> QuerySet[Ticket]:
    """One of the lists: open (all not closed), at_risk (due from today to the at-risk
    horizon), overdue (past due, not closed), escalated, closed, all."""
    rows = tickets(user)
    if name == "open":
        return rows.filter(state__in=OPEN_STATES).order_by("due_on", "id")
    if name == "at_risk":
        return rows.filter(
            state__in=OPEN_STATES, due_on__gte=day, due_on__lte=at_risk_until(user, day)
        ).order_by("due_on", "id")
    if name == "overdue":
        return rows.filter(state__in=OPEN_STATES, due_on__lt=day).order_by("due_on", "id")
    if name == "escalated":
        return rows.filter(state=TicketState.ESCALATED).order_by("due_on", "id")
    if name == "closed":
        return rows.filter(state=TicketState.CLOSED).order_by("-closed_on", "-id")
    return rows.order_by("-received_on", "-id")


@dataclass
class FigureRow:
    code: str
    name: str
    category: str
    category_label: str
    received: int = 0
    closed: int = 0
    on_time: int = 0
    open_overdue: int = 0
    escalated: int = 0
    satisfaction: dict[str, int] = field(default_factory=dict)


@dataclass
class Figures:
    month: datetime.date
    rows: list[FigureRow]
    total: FigureRow


FIGURES = ("received", "closed", "on_time", "open_overdue", "escalated")


def _counts(day: datetime.date) -> dict[str, Count]:
    """The figures of a group of tickets: received, closed, closed by the due date, still
    open past it on ``day``, escalated to the county."""
    return {
        "received": Count("id"),
        "closed": Count("id", filter=Q(state=TicketState.CLOSED)),
        "on_time": Count("id", filter=Q(state=TicketState.CLOSED, closed_on__lte=F("due_on"))),
        "open_overdue": Count("id", filter=Q(state__in=OPEN_STATES, due_on__lt=day)),
        "escalated": Count("id", filter=Q(escalated_on__isnull=False)),
    }


def place_figures(
    code: str, since: datetime.date, until: datetime.date, day: datetime.date
) -> list[dict]:
    """The tickets of the place ``code`` received from ``since`` to before ``until``, counted
    by township, month received and category (``FIGURES``, still open past their due date
    on ``day``): one grouped query over the place's tickets. The caller has checked that the
    reader may read the place's figures."""
    return list(
        Ticket.objects.filter(
            region__code__startswith=prefix_of(code), received_on__gte=since, received_on__lt=until
        )
        .annotate(month=TruncMonth("received_on"))
        .order_by()
        .values("region_id", "month", "category")
        .annotate(**_counts(day))
        .order_by("region_id", "month", "category")
    )


def monthly_figures(user: User, month: datetime.date, day: datetime.date) -> Figures:
    """The tickets received in ``month``, by township and category: how many, how many closed
    and closed by their due date, how many still open past it (on ``day``), escalated, and
    the callers' satisfaction. One grouped query."""
    month = month.replace(day=1)
    received = tickets(user).filter(received_on__gte=month, received_on__lt=add_months(month, 1))
    satisfaction = {
        f"s_{value}": Count("id", filter=Q(satisfaction=value)) for value in Satisfaction.values
    }
    grouped = (
        received.order_by()
        .values("region_id", "category")
        .annotate(**_counts(day), **satisfaction)
        .order_by("region_id", "category")
    )
    names = dict(
        Region.objects.filter(code__in={g["region_id"] for g in grouped}).values_list(
            "code", "name"
        )
    )
    labels = dict(Category.choices)
    total = FigureRow("", "", "", "", satisfaction={v: 0 for v in Satisfaction.values})
    rows = []
    for group in grouped:
        row = FigureRow(
            code=group["region_id"],
            name=names.get(group["region_id"], ""),
            category=group["category"],
            category_label=str(labels.get(group["category"], group["category"])),
            received=group["received"],
            closed=group["closed"],
            on_time=group["on_time"],
            open_overdue=group["open_overdue"],
            escalated=group["escalated"],
            satisfaction={v: group[f"s_{v}"] for v in Satisfaction.values},
        )
        rows.append(row)
        for name in FIGURES:
            setattr(total, name, getattr(total, name) + getattr(row, name))
        for value in Satisfaction.values:
            total.satisfaction[value] += row.satisfaction[value]
    return Figures(month=month, rows=rows, total=total)


def by_category(figures: Figures) -> list[FigureRow]:
    """The month's figures summed per category over the townships."""
    labels = dict(Category.choices)
    out = {
        value: FigureRow("", "", value, str(labels[value]), satisfaction=dict.fromkeys(
            Satisfaction.values, 0))
        for value in Category.values
    }  # fmt: skip
    for row in figures.rows:
        target = out[row.category]
        for name in FIGURES:
            setattr(target, name, getattr(target, name) + getattr(row, name))
        for value in Satisfaction.values:
            target.satisfaction[value] += row.satisfaction[value]
    return list(out.values())


def roster(user: User, since: datetime.date, days: int = 14) -> QuerySet[DutyShift]:
    """The duty shifts of the user's places from ``since`` for ``days`` days."""
    return scope(
        user,
        DutyShift.objects.select_related("region", "staff"),
        Permission.VIEW_HOTLINE,
        "region__code",
    ).filter(day__gte=since, day__lt=since + datetime.timedelta(days=days))


def colleagues(user: User) -> QuerySet:
    """Who of the user's own place may be put on duty."""
    roles = [r for r, granted in ROLE_PERMISSIONS.items() if Permission.HANDLE_HOTLINE in granted]
    return Staff.objects.filter(region_id=user.region_id, is_active=True, role__in=roles)


def shift(user: User, shift_id: int) -> DutyShift:
    return get_in_scope(
        user, DutyShift.objects.all(), Permission.VIEW_HOTLINE, "region__code", pk=shift_id
    )
