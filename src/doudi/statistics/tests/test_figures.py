"""The figures roll up exactly from village to city, and equal the payroll lines to the fen."""

from __future__ import annotations

from collections import defaultdict

import pytest

from doudi.accounts.roles import Role
from doudi.errors import NotPermitted, OutsideJurisdiction
from doudi.payroll.models import LineKind, LineStatus, PayrollLine
from doudi.regions.codes import LEVELS, SEGMENT_ENDS, Level, level_of
from doudi.statistics import queries, refresh
from doudi.statistics.models import Figure, PayrollFigure
from doudi.statistics.tests.conftest import COUNTIES, MONTHS

pytestmark = pytest.mark.django_db

MEASURES = ("recipients", "lines", "paid_fen", "failed_fen", "pending_fen")


def _expected(lines) -> dict[tuple[str, str, object, str], dict[str, int]]:
    """Straight from the lines: every place at every level, month and programme."""
    found: dict = defaultdict(lambda: dict.fromkeys(MEASURES, 0))
    for line in lines:
        for level in LEVELS:
            code = line.region_id[: SEGMENT_ENDS[level]].ljust(12, "0")
            row = found[(level.value, code, line.pay_month, line.programme)]
            row["lines"] += 1
            row[f"{line.status}_fen"] += line.amount_fen
            if line.status == LineStatus.PAID and line.kind != LineKind.TOP_UP:
                row["recipients"] += 1
    return found


def _stored() -> dict:
    return {
        (f.level, f.region_code, f.month, f.programme): {m: getattr(f, m) for m in MEASURES}
        for f in Figure.objects.all()
    }


def test_every_figure_at_every_level_equals_its_lines_to_the_fen(population):
    assert _stored() == dict(_expected(population.lines))
    levels = set(Figure.objects.values_list("level", flat=True))
    assert levels == {level.value for level in LEVELS}


def test_each_place_is_exactly_the_sum_of_the_places_below(population):
    figures = list(Figure.objects.all())
    children = defaultdict(lambda: dict.fromkeys((*MEASURES, "households"), 0))
    for figure in figures:
        if figure.level != Level.PROVINCE:
            row = children[(figure.parent_code, figure.month, figure.programme)]
            for name in (*MEASURES, "households"):
                row[name] += getattr(figure, name)
    for figure in figures:
        if figure.level != Level.VILLAGE:
            summed = children[(figure.region_code, figure.month, figure.programme)]
            assert summed == {n: getattr(figure, n) for n in (*MEASURES, "households")}


def test_the_city_dashboard_totals_equal_the_payroll_lines(population, city_user):
    for month in MONTHS:
        board = queries.dashboard(city_user, "410800000000", month)
        in_month = [line for line in population.lines if line.pay_month == month]
        assert board.own.total.paid_fen == sum(
            line.amount_fen for line in in_month if line.status == LineStatus.PAID
        )
        assert board.own.total.failed_fen == sum(
            line.amount_fen for line in in_month if line.status == LineStatus.FAILED
        )
        assert sum(child.total.paid_fen for child in board.children) == board.own.total.paid_fen
        assert {child.code for child in board.children} == set(COUNTIES)
    assert board.months[-1] == MONTHS[-1] and len(board.months) == 12


def test_the_county_dashboard_shows_its_townships_and_a_trend(population, make_user):
    county = make_user(Role.COUNTY_APPROVER, username="reader")
    board = queries.dashboard(county, COUNTIES[0])
    assert board.month == MONTHS[-1]  # the latest month with figures
    assert {level_of(child.code) for child in board.children} == {Level.TOWNSHIP}
    lines = [line for line in population.lines if line.region_id.startswith(COUNTIES[0][:6])]
    for programme in board.programmes:
        trend_paid = sum(row.paid_fen for row in board.trend[programme])
        assert trend_paid == sum(
            line.amount_fen
            for line in lines
            if line.programme == programme and line.status == LineStatus.PAID
        )
    data = board.chart_data()
    assert len(data["months"]) == 12 and len(data["series"]) == len(board.programmes)


def test_a_bank_result_changes_the_figures_in_its_refresh(population):
    payroll = population.payrolls[0]
    PayrollLine.objects.filter(payroll=payroll).update(status=LineStatus.PAID)
    refresh.refresh_payroll(payroll.pk, payroll.region_id)
    for line in population.lines:
        if line.payroll_id == payroll.pk:
            line.status = LineStatus.PAID
    assert _stored() == dict(_expected(population.lines))


def test_refreshing_a_whole_place_gives_the_same_figures(population):
    before = _stored()
    PayrollFigure.objects.all().delete()
    Figure.objects.filter(level=Level.CITY).delete()
    assert refresh.refresh_place("410800000000") > 0
    assert _stored() == before


def test_another_county_and_roles_without_statistics_are_refused(population, make_user):
    county = make_user(Role.COUNTY_APPROVER, username="reader")
    with pytest.raises(OutsideJurisdiction):
        queries.dashboard(county, COUNTIES[1])
    with pytest.raises(OutsideJurisdiction):
        queries.dashboard(county, "410800000000")  # the city above
    for role in (Role.BANK_OPERATOR, Role.VILLAGE_WORKER, Role.SYSTEM_ADMIN):
        with pytest.raises(NotPermitted):
            queries.dashboard(make_user(role), COUNTIES[0])
    township = make_user(Role.TOWNSHIP_HANDLER)
    board = queries.dashboard(township, township.region_id)
    assert {level_of(child.code) for child in board.children} <= {Level.VILLAGE}
