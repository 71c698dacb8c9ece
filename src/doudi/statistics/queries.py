"""Reads of the figures, scoped to the user's places: a place's dashboard (its own figures
by programme and month over a year, its children's for the month, and the live counts of its
payrolls, cases and warnings, and its hotline figures) and the rows of the monthly report. The
payment figures come from ``Figure`` only — no read scans the payroll lines; the hotline's are
one grouped query over the place's tickets, which are few (docs/statistics.md)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Max, Q
from django.utils import timezone

from doudi.accounts.jurisdiction import NOT_FOUND, require
from doudi.accounts.roles import Permission
from doudi.cases.deadlines import due_soon_until
from doudi.cases.models import Case
from doudi.cases.procedures import OPEN_STATES, State
from doudi.dates import add_months
from doudi.early_warning.models import EarlyWarning, HandlingRoute, WarningState
from doudi.errors import OutsideJurisdiction
from doudi.hotline.models import Category
from doudi.hotline.queries import place_figures
from doudi.payroll.models import Payroll, PayrollProgramme, PayrollState
from doudi.regions.codes import LEVELS, Level, ancestor_at, ancestors, level_of, prefix_of
from doudi.regions.models import Region
from doudi.statistics.models import Figure

if TYPE_CHECKING:
    from doudi.accounts.models import User

TREND_MONTHS = 12
MEASURES = ("recipients", "households", "lines", "paid_fen", "failed_fen", "pending_fen")


@dataclass
class Measures:
    recipients: int = 0
    households: int = 0
    lines: int = 0
    paid_fen: int = 0
    failed_fen: int = 0
    pending_fen: int = 0

    def add(self, row: Figure | Measures) -> None:
        for name in MEASURES:
            setattr(self, name, getattr(self, name) + getattr(row, name))


@dataclass
class HotlineMeasures:
    """Hotline tickets received in a month: how many, closed, closed by their due date, still
    open past it today, escalated to the county (doudi.hotline)."""

    received: int = 0
    closed: int = 0
    on_time: int = 0
    open_overdue: int = 0
    escalated: int = 0

    def add(self, row: dict | HotlineMeasures) -> None:
        for name in vars(self):
            value = row[name] if isinstance(row, dict) else getattr(row, name)
            setattr(self, name, getattr(self, name) + value)


@dataclass(frozen=True)
class HotlinePlace:
    code: str
    name: str
    measures: HotlineMeasures


@dataclass(frozen=True)
class HotlineFigures:
    """A place's hotline figures: per month of the trend, per category of the month, and per
    place below of the month (the townships' summed up to the place below, for a county or
    higher). Every figure is a count, so each place's is the sum of its townships'."""

    trend: list[HotlineMeasures]
    month: HotlineMeasures
    by_category: list[tuple[str, str, HotlineMeasures]]
    children: list[HotlinePlace]


@dataclass
class PlaceRow:
    """One place of the month: its measures per programme and its money in all."""

    code: str
    name: str
    by_programme: dict[str, Measures] = field(default_factory=dict)
    total: Measures = field(default_factory=Measures)

    def cells(self, programmes: list[str]) -> list[Measures]:
        return [self.by_programme.get(programme, Measures()) for programme in programmes]


@dataclass(frozen=True)
class Dashboard:
    place: Region
    # The places between the user's own and this one, top first: the way back up.
    above: list[Region]
    month: datetime.date
    months: list[datetime.date]
    programmes: list[str]
    # The place's own figures of the month, per programme, and in all (money only is summed
    # across programmes on the page: a person may receive two).
    own: PlaceRow
    # The place's own figures per programme and month over the year.
    trend: dict[str, list[Measures]]
    children: list[PlaceRow]
    payrolls_by_state: list[tuple[str, int]]
    cases_by_state: list[tuple[str, int]]
    cases_open: int
    cases_overdue: int
    cases_due_soon: int
    warnings_by_route: list[tuple[str, int]]
    warnings_open: int
    warnings_with_county: int
    # None for a village: a ticket belongs to its township.
    hotline: HotlineFigures | None = None

    @property
    def programme_labels(self) -> list[str]:
        return [str(PayrollProgramme(programme).label) for programme in self.programmes]

    def chart_data(self) -> dict:
        """What the charts draw (json_script): months, per programme the money in 元 and the
        recipients of each month, and the children's money of the month."""
        return {
            "months": [month.strftime("%Y-%m") for month in self.months],
            "series": [
                {
                    "name": str(PayrollProgramme(programme).label),
                    "paid": [row.paid_fen / 100 for row in self.trend[programme]],
                    "recipients": [row.recipients for row in self.trend[programme]],
                }
                for programme in self.programmes
            ],
            "children": {
                "names": [child.name for child in self.children],
                "paid": [child.total.paid_fen / 100 for child in self.children],
            },
            "hotline": {
                name: [getattr(row, name) for row in self.hotline.trend]
                for name in ("received", "on_time", "open_overdue")
            }
            if self.hotline is not None
            else None,
        }


def _place(actor: User, code: str) -> Region:
    require(actor, Permission.VIEW_STATISTICS)
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise OutsideJurisdiction(NOT_FOUND)
    require(actor, Permission.VIEW_STATISTICS, region.code)
    return region


def latest_month(code: str) -> datetime.date:
    """The last month the place has figures for, else this month."""
    found = Figure.objects.filter(region_code=code, level=level_of(code)).aggregate(
        last=Max("month")
    )["last"]
    return found or timezone.localdate().replace(day=1)


def _rows(figures, names: dict[str, str]) -> dict[str, PlaceRow]:
    rows: dict[str, PlaceRow] = {}
    for figure in figures:
        row = rows.setdefault(
            figure.region_code, PlaceRow(figure.region_code, names.get(figure.region_code, ""))
        )
        row.by_programme.setdefault(figure.programme, Measures()).add(figure)
        row.total.add(figure)
    return rows


def place_rows(actor: User, code: str, month: datetime.date) -> tuple[PlaceRow, list[PlaceRow]]:
    """The place's own row of the month and one row per child place with figures."""
    place = _place(actor, code)
    return _own_and_children(place, month.replace(day=1))


def _own_and_children(place: Region, month: datetime.date) -> tuple[PlaceRow, list[PlaceRow]]:
    level = level_of(place.code)
    own = _rows(Figure.objects.filter(region_code=place.code, level=level, month=month), {})
    children_level = LEVELS[LEVELS.index(level) + 1] if level != LEVELS[-1] else None
    children: list[PlaceRow] = []
    if children_level is not None:
        figures = list(
            Figure.objects.filter(parent_code=place.code, level=children_level, month=month)
        )
        names = dict(
            Region.objects.filter(code__in={figure.region_code for figure in figures}).values_list(
                "code", "name"
            )
        )
        children = sorted(_rows(figures, names).values(), key=lambda row: row.code)
    return own.get(place.code, PlaceRow(place.code, place.name)), children


def dashboard(
    actor: User, code: str, month: datetime.date | None = None, today: datetime.date | None = None
) -> Dashboard:
    place = _place(actor, code)
    today = today or timezone.localdate()
    month = (month or latest_month(place.code)).replace(day=1)
    months = [add_months(month, offset) for offset in range(1 - TREND_MONTHS, 1)]
    level = level_of(place.code)
    trend_figures = list(
        Figure.objects.filter(
            region_code=place.code, level=level, month__range=(months[0], months[-1])
        )
    )
    programmes = [
        programme
        for programme in PayrollProgramme.values
        if any(figure.programme == programme for figure in trend_figures)
    ]
    trend: dict[str, list[Measures]] = {p: [Measures() for _ in months] for p in programmes}
    for figure in trend_figures:
        trend[figure.programme][months.index(figure.month)].add(figure)
    own, children = _own_and_children(place, month)
    prefix = prefix_of(place.code)
    above_codes = [c for c in ancestors(place.code) if c.startswith(actor.jurisdiction_prefix)]
    return Dashboard(
        place=place,
        above=list(Region.objects.filter(code__in=above_codes).order_by("code")),
        month=month,
        months=months,
        programmes=programmes,
        own=own,
        trend=trend,
        children=children,
        payrolls_by_state=_payrolls(place.code, months),
        **_cases(prefix, today),
        **_warnings(prefix),
        hotline=hotline_figures(place, months, today),
    )


def hotline_figures(
    place: Region, months: list[datetime.date], today: datetime.date
) -> HotlineFigures | None:
    """The place's hotline figures over ``months`` (the last one the month shown), from one
    grouped query over its tickets; None for a village."""
    level = level_of(place.code)
    if LEVELS.index(level) > LEVELS.index(Level.TOWNSHIP):
        return None
    month = months[-1]
    rows = place_figures(place.code, months[0], add_months(month, 1), today)
    trend = [HotlineMeasures() for _ in months]
    categories = {value: HotlineMeasures() for value in Category.values}
    child_level = LEVELS[LEVELS.index(level) + 1] if level != Level.TOWNSHIP else None
    children: dict[str, HotlineMeasures] = defaultdict(HotlineMeasures)
    for row in rows:
        received = row["month"]
        trend[months.index(received)].add(row)
        if received == month:
            categories[row["category"]].add(row)
            if child_level is not None:
                children[ancestor_at(row["region_id"], child_level)].add(row)
    names = dict(Region.objects.filter(code__in=children).values_list("code", "name"))
    return HotlineFigures(
        trend=trend,
        month=trend[-1],
        by_category=[(value, str(label), categories[value]) for value, label in Category.choices],
        children=[
            HotlinePlace(code, names.get(code, ""), children[code]) for code in sorted(children)
        ],
    )


def _payrolls(code: str, months: list[datetime.date]) -> list[tuple[str, int]]:
    """Payrolls of the year that pay the place: its own, those of the places inside it and
    the one of the county (or township) it lies in."""
    counts = dict(
        Payroll.objects.filter(
            Q(region__code__startswith=prefix_of(code)) | Q(region__code__in=ancestors(code)),
            month__range=(months[0], months[-1]),
        )
        .values_list("state")
        .annotate(count=Count("id"))
        .values_list("state", "count")
    )
    return [(str(state.label), counts.get(state.value, 0)) for state in PayrollState]


def _cases(prefix: str, today: datetime.date) -> dict:
    cases = Case.objects.filter(region__code__startswith=prefix)
    open_cases = cases.filter(state__in=OPEN_STATES)
    by_state = dict(
        open_cases.values_list("state").annotate(count=Count("id")).values_list("state", "count")
    )
    soon = due_soon_until(today)
    return {
        "cases_by_state": [
            (str(state.label), by_state[state.value]) for state in State if state.value in by_state
        ],
        "cases_open": sum(by_state.values()),
        "cases_overdue": open_cases.filter(Q(step_due_on__lt=today) | Q(due_on__lt=today)).count(),
        "cases_due_soon": open_cases.exclude(Q(step_due_on__lt=today) | Q(due_on__lt=today))
        .filter(Q(step_due_on__range=(today, soon)) | Q(due_on__range=(today, soon)))
        .count(),
    }


def _warnings(prefix: str) -> dict:
    warnings = EarlyWarning.objects.filter(region__code__startswith=prefix)
    by_route = dict(
        warnings.filter(state=WarningState.CLOSED)
        .values_list("route")
        .annotate(count=Count("id"))
        .values_list("route", "count")
    )
    by_state = dict(
        warnings.values_list("state").annotate(count=Count("id")).values_list("state", "count")
    )
    return {
        "warnings_by_route": [
            (str(route.label), by_route.get(route.value, 0)) for route in HandlingRoute
        ],
        "warnings_open": by_state.get(WarningState.OPEN, 0),
        "warnings_with_county": by_state.get(WarningState.WITH_COUNTY, 0),
    }


def monthly_report(
    actor: User, code: str, month: datetime.date | None
) -> tuple[Region, datetime.date, list[PlaceRow]]:
    """The rows of a month's report (by default the latest): each child place, then the place
    itself (合计)."""
    place = _place(actor, code)
    month = (month or latest_month(place.code)).replace(day=1)
    own, children = _own_and_children(place, month)
    own.name = place.name
    return place, month, [*children, own]


def programmes_of(rows: list[PlaceRow]) -> list[str]:
    present = defaultdict(bool)
    for row in rows:
        for programme in row.by_programme:
            present[programme] = True
    return [programme for programme in PayrollProgramme.values if present[programme]]
