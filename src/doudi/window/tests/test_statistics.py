"""The window's monthly figures (窗口办件统计), computed over a month built with bulk_create.

The seed figure: one township window accepted and completed 2,161 items in a month, 488 of
them committed items (承诺件), every one ahead of its deadline. 示例镇 below is that month at
about a twentieth of the scale; 演示街道 holds the edge cases; 温县 must not be counted.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict

import pytest

from doudi.accounts.roles import Role
from doudi.cases.models import Case
from doudi.cases.procedures import State
from doudi.conftest import INSIDE_COUNTY, INSIDE_TOWNSHIP, OUTSIDE_COUNTY
from doudi.errors import OutsideJurisdiction
from doudi.registry.models import Household
from doudi.window.models import Intake, Need, Route
from doudi.window.queries import WindowFigures, total_of, window_statistics

pytestmark = pytest.mark.django_db
D = datetime.date.fromisoformat

TOWNSHIP_A = "410821902000"  # 示例镇
VILLAGE_A = "410821902001"
VILLAGE_B = "410821901001"  # 演示街道 演示第一社区
VILLAGE_OUT = "410825902001"


class Month:
    """Collects intakes, needs and cases, then writes each kind with one bulk_create."""

    def __init__(self, user) -> None:
        self.user = user
        self.households: dict[str, Household] = {}
        self.rows: list[tuple[Intake, Need, Case | None]] = []

    def household(self, village: str) -> Household:
        if village not in self.households:
            self.households[village] = Household(region_id=village, address="统计测试")
        return self.households[village]

    def add(
        self,
        village: str,
        received: str,
        route: Route,
        count: int = 1,
        case: dict | None = None,
        **need,
    ) -> None:
        for _ in range(count):
            intake = Intake(
                household=self.household(village),
                region_id=village,
                channel="window",
                received_on=D(received),
                received_by=self.user,
            )
            row_case = None
            if route == Route.APPLICATION:
                row_case = Case(
                    household=intake.household,
                    region_id=village,
                    programme="temporary_emergency",
                    channel="window",
                    submitted_by=self.user,
                    submitted_on=D(received),
                    **(case or {}),
                )
            if route == Route.REFERRAL:
                need = {"department": "housing", "sent_on": D(received), **need}
            self.rows.append(
                (intake, Need(position=0, description="诉求", route=route, **need), row_case)
            )

    def save(self) -> None:
        Household.objects.bulk_create(self.households.values())
        Case.objects.bulk_create(case for _i, _n, case in self.rows if case)
        Intake.objects.bulk_create(intake for intake, _n, _c in self.rows)
        for intake, need, case in self.rows:
            need.intake, need.case = intake, case
        Need.objects.bulk_create(need for _i, need, _c in self.rows)


def closed(on: str, due: str | None) -> dict:
    deadline = D(due) if due else None
    return {
        "state": State.APPROVED,
        "closed_on": D(on),
        "due_on": deadline,
        "deadline_at_closing": deadline,
    }


@pytest.fixture
def march(make_user) -> Month:
    month = Month(make_user(Role.TOWNSHIP_HANDLER))
    # 示例镇: 108 accepted and completed, 24 of them committed, every one on time.
    month.add(VILLAGE_A, "2026-03-02", Route.ON_THE_SPOT, 50, answer="当场办结")
    month.add(VILLAGE_A, "2026-03-20", Route.ON_THE_SPOT, 34, answer="当场办结")
    month.add(
        VILLAGE_A,
        "2026-03-03",
        Route.REFERRAL,
        14,
        due_on=D("2026-03-17"),
        answered_on=D("2026-03-10"),
        answer="已办结",
    )
    month.add(
        VILLAGE_A, "2026-03-04", Route.APPLICATION, 9, case=closed("2026-03-25", "2026-04-15")
    )
    month.add(
        VILLAGE_A, "2026-03-05", Route.APPLICATION, 1, case=closed("2026-03-31", "2026-03-31")
    )  # on the deadline is on time
    # 演示街道: the edges.
    month.add(VILLAGE_B, "2026-03-31", Route.ON_THE_SPOT, 3, answer="当场办结")
    month.add(
        VILLAGE_B,
        "2026-02-25",
        Route.REFERRAL,
        2,
        due_on=D("2026-03-11"),
        answered_on=D("2026-03-20"),
        answer="逾期答复",
    )  # completed in March, late
    month.add(VILLAGE_B, "2026-03-02", Route.REFERRAL, 1, due_on=D("2026-03-16"))  # open
    month.add(
        VILLAGE_B, "2026-02-26", Route.APPLICATION, 1, case=closed("2026-03-05", None)
    )  # no deadline: on time
    month.add(
        VILLAGE_B,
        "2026-03-03",
        Route.APPLICATION,
        1,
        case={"state": State.ACCEPTED, "due_on": D("2026-04-14")},
    )  # still open
    month.add(
        VILLAGE_B, "2026-03-06", Route.APPLICATION, 1, case=closed("2026-03-30", "2026-03-27")
    )  # late
    month.add(VILLAGE_B, "2026-04-01", Route.ON_THE_SPOT, 1, answer="四月")
    month.add(
        VILLAGE_B,
        "2026-02-02",
        Route.REFERRAL,
        1,
        due_on=D("2026-02-13"),
        answered_on=D("2026-02-10"),
        answer="二月办结",
    )
    month.add(
        VILLAGE_B, "2026-02-02", Route.APPLICATION, 1, case=closed("2026-04-02", "2026-04-10")
    )  # closed in April
    # 温县: outside the county asked for.
    month.add(VILLAGE_OUT, "2026-03-02", Route.ON_THE_SPOT, 5, answer="当场办结")
    month.save()
    return month


EXPECTED_A = WindowFigures(
    TOWNSHIP_A,
    "示例镇",
    accepted=108,
    committed=24,
    on_the_spot=84,
    completed=108,
    committed_completed=24,
    committed_on_time=24,
)
EXPECTED_B = WindowFigures(
    "410821901000",
    "演示街道",
    accepted=6,
    committed=3,
    on_the_spot=3,
    completed=7,
    committed_completed=4,
    committed_on_time=1,
)


def test_the_month_by_township_within_the_county(make_user, march, django_assert_num_queries):
    county = make_user(Role.COUNTY_APPROVER)
    with django_assert_num_queries(2):  # the figures, then the townships' names
        rows = window_statistics(county, INSIDE_COUNTY, "2026-03")
    assert rows == [EXPECTED_B, EXPECTED_A]
    total = total_of(rows, INSIDE_COUNTY, "修武县")
    assert (total.accepted, total.completed, total.committed_on_time) == (114, 115, 25)


def test_a_township_sees_its_own_window_and_nothing_beyond(make_user, march):
    handler = make_user(Role.TOWNSHIP_HANDLER, INSIDE_TOWNSHIP, "own_handler")
    assert window_statistics(handler, INSIDE_TOWNSHIP, D("2026-03-15")) == [EXPECTED_A]
    assert window_statistics(handler, VILLAGE_A, "2026-03") == [EXPECTED_A]
    with pytest.raises(OutsideJurisdiction):
        window_statistics(handler, INSIDE_COUNTY, "2026-03")


def test_the_city_sees_every_county(make_user, march):
    city = make_user(Role.CITY_SUPERVISOR)
    rows = window_statistics(city, "410800000000", "2026-03")
    assert [row.township_code for row in rows] == ["410821901000", TOWNSHIP_A, "410825902000"]
    assert asdict(rows[2])["accepted"] == 5 and rows[2].completed == 5
    assert window_statistics(city, OUTSIDE_COUNTY, "2026-04") == []


def test_other_months(make_user, march):
    county = make_user(Role.COUNTY_APPROVER)
    april = {row.township_code: row for row in window_statistics(county, INSIDE_COUNTY, "2026-04")}
    assert april["410821901000"] == WindowFigures(
        "410821901000",
        "演示街道",
        accepted=1,
        on_the_spot=1,
        completed=2,
        committed_completed=1,
        committed_on_time=1,
    )
    assert TOWNSHIP_A not in april
