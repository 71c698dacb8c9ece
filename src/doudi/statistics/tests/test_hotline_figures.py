"""The hotline's figures on the dashboards, the API and the monthly report: counted from the
tickets of the place, each township's adding up to its county's."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest

from doudi.conftest import INSIDE_COUNTY, INSIDE_TOWNSHIP, INSIDE_VILLAGE, api_as
from doudi.hotline import services as hotline
from doudi.hotline.models import OPEN_STATES, Ticket, TicketState
from doudi.statistics import queries

pytestmark = pytest.mark.django_db

OTHER_TOWNSHIP = "410821901000"
AUGUST, SEPTEMBER = datetime.date(2026, 8, 1), datetime.date(2026, 9, 1)
TODAY = datetime.date(2026, 9, 15)


def _receive(staff, township: str, category: str, day: str) -> Ticket:
    return hotline.receive(
        staff.county,
        source="call",
        category=category,
        content="来电反映",
        township=township,
        received_on=datetime.date.fromisoformat(day),
    )


@pytest.fixture
def tickets(staff, clock) -> list[Ticket]:
    clock.at(TODAY.isoformat())
    made = [
        _receive(staff, INSIDE_TOWNSHIP, "complaint", "2026-08-03"),
        _receive(staff, INSIDE_TOWNSHIP, "complaint", "2026-08-20"),
        _receive(staff, INSIDE_TOWNSHIP, "enquiry", "2026-08-31"),
        _receive(staff, INSIDE_TOWNSHIP, "enquiry", "2026-09-14"),
        _receive(staff, OTHER_TOWNSHIP, "report", "2026-08-10"),
        _receive(staff, OTHER_TOWNSHIP, "report", "2026-09-01"),
    ]
    for ticket in (made[0], made[3], made[5]):  # late, on time, on time
        hotline.close(staff.county, ticket.pk, answer="已答复", satisfaction="satisfied")
    hotline.escalate_overdue(None, INSIDE_COUNTY, TODAY)
    return list(Ticket.objects.order_by("id"))


def _expected(tickets: list[Ticket], prefix: str, month: datetime.date) -> dict[str, int]:
    of_month = [
        t
        for t in tickets
        if t.region_id.startswith(prefix) and t.received_on.replace(day=1) == month
    ]
    return {
        "received": len(of_month),
        "closed": sum(t.state == TicketState.CLOSED for t in of_month),
        "on_time": sum(bool(t.answered_on_time) for t in of_month),
        "open_overdue": sum(t.state in OPEN_STATES and t.due_on < TODAY for t in of_month),
        "escalated": sum(t.escalated_on is not None for t in of_month),
    }


def test_the_figures_are_the_tickets_and_the_townships_add_up_to_the_county(tickets, staff):
    for month in (AUGUST, SEPTEMBER):
        county = queries.dashboard(staff.county, INSIDE_COUNTY, month, TODAY).hotline
        assert vars(county.month) == _expected(tickets, "410821", month)
        townships = {}
        for code in (INSIDE_TOWNSHIP, OTHER_TOWNSHIP):
            own = queries.dashboard(staff.county, code, month, TODAY).hotline
            assert vars(own.month) == _expected(tickets, code[:9], month)
            assert own.children == []  # the tickets are the township's own
            townships[code] = vars(own.month)
        summed = {
            name: sum(t[name] for t in townships.values()) for name in townships[OTHER_TOWNSHIP]
        }
        assert summed == vars(county.month)
        assert {child.code: vars(child.measures) for child in county.children} == townships
        by_category = {value: vars(m) for value, _label, m in county.by_category}
        assert sum(row["received"] for row in by_category.values()) == county.month.received
    august = queries.dashboard(staff.county, INSIDE_COUNTY, AUGUST, TODAY).hotline
    assert vars(august.month) == {"received": 4, "closed": 1, "on_time": 0, "open_overdue": 3,
                                  "escalated": 3}  # fmt: skip
    categories = {value: m.received for value, _label, m in august.by_category}
    assert categories == {"enquiry": 1, "application_help": 0, "complaint": 2, "report": 1,
                          "objection": 0}  # fmt: skip
    september = queries.dashboard(staff.county, INSIDE_COUNTY, SEPTEMBER, TODAY).hotline
    assert [m.received for m in september.trend[-2:]] == [4, 2]
    assert september.month.on_time == 2
    assert queries.dashboard(staff.county, INSIDE_VILLAGE, SEPTEMBER, TODAY).hotline is None


def test_the_page_the_api_and_the_report_show_the_hotline_figures(tickets, staff, client):
    client.force_login(staff.county)
    page = client.get(f"/statistics/{INSIDE_COUNTY}/?month=2026-08").content.decode()
    assert 'data-testid="hotline-received">4<' in page and 'id="chart-hotline"' in page
    answer = api_as(staff.county).get(f"/api/v1/statistics/{INSIDE_COUNTY}/?month=2026-08")
    figures = answer.json()["hotline"]
    assert figures["month"]["received"] == 4 and figures["month"]["open_overdue"] == 3
    assert {row["code"]: row["received"] for row in figures["children"]} == {
        OTHER_TOWNSHIP: 1,
        INSIDE_TOWNSHIP: 3,
    }
    assert figures["trend"][-1] == {**figures["month"], "month": "2026-08"}
    report = client.get(f"/statistics/{INSIDE_COUNTY}/report.xlsx?month=2026-08")
    book = openpyxl.load_workbook(io.BytesIO(report.content))
    by_place = list(book.worksheets[-2].iter_rows(min_row=3, values_only=True))
    assert [row[2] for row in by_place] == [1, 3, 4]  # the townships, then the county in all
    assert by_place[-1][1] == INSIDE_COUNTY and by_place[-1][5] == 3
    by_category = list(book.worksheets[-1].iter_rows(min_row=3, values_only=True))
    assert sum(row[1] for row in by_category[:-1]) == by_category[-1][1] == 4
