"""Work comes to the worker: each demo role's home page lists the steps it can take now, late
ones first, and nothing it cannot act on or outside its place."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone, translation

from doudi.accounts.models import User
from doudi.accounts.roles import Role
from doudi.campaigns.models import Finding, FindingKind, FindingState
from doudi.cases.models import Case
from doudi.cases.procedures import State
from doudi.conftest import household_form, member_form
from doudi.demo.cases import PLAN, load_demo_cases
from doudi.demo.loader import load_demo
from doudi.linkage.models import ReviewPair
from doudi.payroll.models import Payroll, PayrollProgramme, PayrollState
from doudi.registry.models import Household, Member
from doudi.registry.services import create_household
from doudi.web.home import tasks_for

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

LOADED_ON = "2026-03-02"  # a Monday


@pytest.fixture
def demo(clock, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    clock.at(LOADED_ON)
    load_demo()
    handler = User.objects.get(username="handler")
    for n in range(len(PLAN) + 1):  # the demo cases' households, and the emergency's
        head = member_form(f"410821197001{n + 10:02d}001", f"户主{n}")
        create_household(handler, household_form(members=[head], incomes=[]), reason="登记")
    load_demo_cases()


def _home(username: str) -> dict[str, list[str]]:
    """Each kind on the user's to-do list with its items (step | subject), in English."""
    user = User.objects.get(username=username)
    with translation.override("en"):
        return {
            task_list.title: [f"{task.step} | {task.subject}" for task in task_list.tasks]
            for task_list in tasks_for(user, timezone.localdate())
        }


def _cases_of(home: dict[str, list[str]]) -> list[str]:
    return [item.split(" | ")[0] for item in home.get("Cases waiting for you", [])]


def test_the_handler_sees_each_case_at_its_next_step_and_no_other(demo):
    steps = _cases_of(_home("handler"))
    assert sorted(steps) == [
        "Accept",
        "Complete the papers",
        "Give the township's opinion",
        "Record the investigation",
        "Request the data check",
    ]


def test_the_county_sees_the_checks_and_after_the_notice_the_confirmations(demo, clock):
    assert sorted(_cases_of(_home("county"))) == [
        "Record the data-check result",
        "Request the data check",
    ]
    notice_ends = Case.objects.filter(state=State.ON_NOTICE).first().notice_ends_on
    clock.at((notice_ends + datetime.timedelta(days=1)).isoformat())
    confirming = [s for s in _cases_of(_home("county")) if s == "Approve、Refuse"]
    assert len(confirming) == 3


def test_roles_without_a_step_now_have_an_empty_list(demo):
    for username in ("reviewer", "village", "grid", "finance", "bank", "auditor", "admin"):
        assert _cases_of(_home(username)) == [], username
    client = Client()
    client.force_login(User.objects.get(username="village"))
    assert 'data-testid="todo-empty"' in client.get("/").content.decode()


def test_another_township_sees_none_of_these_cases(demo):
    other = User.objects.create_user(
        username="other_handler",
        password="Correct-Horse-2026",
        role=Role.TOWNSHIP_HANDLER,
        region_id="410821901000",
        full_name="演示街道经办",
    )
    assert tasks_for(other, timezone.localdate()) == []
    assert _cases_of(_home("handler"))  # while the demo township's handler has work


def test_payrolls_wait_for_finance_then_the_bank(demo):
    county = User.objects.get(username="county")
    payroll = Payroll.objects.create(
        programme=PayrollProgramme.MINIMUM_LIVING,
        month=datetime.date(2026, 3, 1),
        region_id="410821000000",
        generated_by=county,
        line_count=0,
        total_fen=0,
        state=PayrollState.SUBMITTED,
    )
    assert _home("finance")["Payrolls waiting for you"] == [
        "Approve for payment | 修武县, Minimum living guarantee (低保), 2026-03"
    ]
    assert "Payrolls waiting for you" not in _home("bank")
    assert "Payrolls waiting for you" not in _home("county")
    payroll.state = PayrollState.APPROVED
    payroll.save()
    assert _home("bank")["Payrolls waiting for you"][0].startswith("Payment file for the bank")
    assert "Payrolls waiting for you" not in _home("finance")


def test_late_cases_come_first_and_are_counted(demo, clock):
    clock.at("2026-04-20")  # past the acceptance's and the investigation's limits
    handler = User.objects.get(username="handler")
    (cases,) = [t for t in tasks_for(handler, timezone.localdate()) if t.url == "/cases/"]
    flags = [task.overdue for task in cases.tasks]
    assert any(flags) and flags == sorted(flags, reverse=True)
    assert cases.overdue == sum(flags) and cases.count == len(cases.tasks)


def _finding(household: Household, due_on: str) -> Finding:
    return Finding.objects.create(
        kind=FindingKind.VEHICLES_OVER_LIMIT,
        household=household,
        region_id=household.region_id[:9] + "000",
        due_on=datetime.date.fromisoformat(due_on),
    )


def test_open_findings_go_to_their_own_township_late_first(demo):
    ours = Household.objects.filter(region_id="410821902001").order_by("id")
    late, later = _finding(ours[0], "2026-02-20"), _finding(ours[1], "2026-03-20")
    closed = _finding(ours[2], "2026-03-10")
    closed.state = FindingState.CLEARED
    closed.save()
    for username in ("handler", "reviewer", "county"):
        findings = _home(username)["Campaign findings to close"]
        assert [item.split(" · ")[1] for item in findings] == [
            late.household.file_number,
            later.household.file_number,
        ], username
    for username in ("village", "finance", "city"):
        assert "Campaign findings to close" not in _home(username), username
    other = User.objects.create_user(
        username="other_reviewer",
        password="Correct-Horse-2026",
        role=Role.TOWNSHIP_REVIEWER,
        region_id="410821901000",
        full_name="演示街道审核",
    )
    assert tasks_for(other, timezone.localdate()) == []


def test_the_county_reviews_the_pending_pairs(demo):
    member = Member.objects.filter(household__region_id="410821902001").first()
    ReviewPair.objects.create(
        source_key="vehicles", delivery_id=1, record_row=2, member=member, probability=0.7
    )
    assert _home("county")["Pairs to review"] == [
        f"Decide whether they are the same person | {member.name} · {member.household.file_number}"
    ]
    for username in ("handler", "reviewer", "city", "finance"):
        assert "Pairs to review" not in _home(username), username


def test_the_home_page_shows_the_list_with_links_to_the_steps(demo):
    client = Client()
    client.force_login(User.objects.get(username="handler"))
    page = client.get("/").content.decode()
    assert 'data-testid="todo-1"' in page
    accepted = Case.objects.get(state=State.SUBMITTED)
    assert f'href="/cases/{accepted.pk}/"' in page
