"""The demo's history: on the first start every role has work waiting, and the 低保 procedure
has a case in every state it reaches, each walked through the real services on past working
days."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from doudi.accounts.models import User
from doudi.accounts.roles import Role
from doudi.audit.models import AuditEvent
from doudi.audit.verification import verify_chain
from doudi.cases import services
from doudi.cases.models import Case
from doudi.cases.presentation import current_finding
from doudi.cases.procedures import EDGES, MINIMUM_LIVING, Action, State
from doudi.demo import history, recipients
from doudi.demo.loader import DEMO_ACCOUNTS
from doudi.grants.models import Grant
from doudi.payroll.models import Payroll
from doudi.registry.models import Member
from doudi.web.home import tasks_for
from doudi.workdays.calendar import WorkingCalendar

FIELD_ROLES = {Role.VILLAGE_WORKER, Role.GRID_WORKER}


def test_every_township_with_field_workers_has_a_handler_and_a_reviewer():
    township_staff = {
        (account.region_code, account.role)
        for account in DEMO_ACCOUNTS
        if account.role in {Role.TOWNSHIP_HANDLER, Role.TOWNSHIP_REVIEWER}
    }
    townships = {f"{a.region_code[:9]}000" for a in DEMO_ACCOUNTS if a.role in FIELD_ROLES}
    assert len(townships) == 2
    for township in townships:
        assert (township, Role.TOWNSHIP_HANDLER) in township_staff, township
        assert (township, Role.TOWNSHIP_REVIEWER) in township_staff, township
    assert set(history.STAFF) == townships


def _reached_states() -> set[str]:
    """Every state the 低保 procedure's steps lead to (the opinion to the notice, or to the
    confirmation when a refusal is proposed)."""
    actions = MINIMUM_LIVING.actions() - {Action.BULK_APPROVE}
    targets = {EDGES[action][1] for action in actions} - {None}
    return {*targets, State.ON_NOTICE, State.AWAITING_CONFIRMATION}


@pytest.fixture
def demo() -> None:
    call_command("demo", "load", stdout=io.StringIO())


@pytest.mark.slow
@pytest.mark.django_db
def test_the_minimum_living_procedure_has_a_demo_case_in_every_state_and_loads_once(demo):
    today = timezone.localdate()
    states = set(Case.objects.filter(programme="minimum_living").values_list("state", flat=True))
    assert _reached_states() <= states
    assert State.PAID_AWAITING_PAPERS not in _reached_states()  # no paying first in 低保
    opened = Case.objects.filter(
        need__in=(history.NEED, history.HARDSHIP_NEED, history.EMERGENCY_NEED)
    )
    assert opened.count() == sum(len(plan) for plan in history.PLAN.values())
    calendar = WorkingCalendar.current()
    for case in opened:
        assert calendar.is_working_day(case.submitted_on) and case.submitted_on <= today
    approved = opened.filter(state=State.APPROVED)
    assert approved.filter(decision__notified_on__isnull=True).exists()  # not yet told
    assert approved.filter(decision__notified_on__isnull=False).exists()  # told
    refused = opened.get(state=State.REFUSED)
    assert refused.decision.reasons == history.REFUSAL
    assert opened.filter(programme="extreme_hardship", spot_check_selected=True).exists()
    assert opened.filter(region__code__startswith="410821901").count() == len(
        history.PLAN["410821901000"]
    )
    # Nothing of the history starts paying before next month, and the month's payroll waits.
    assert not approved.filter(decision__start_month__lte=today).exists()
    assert Grant.objects.filter(name=recipients.GRANT_NAME).count() == 1
    counts = Case.objects.count(), AuditEvent.objects.count(), Payroll.objects.count()
    call_command("demo", "load", stdout=io.StringIO())
    assert (Case.objects.count(), AuditEvent.objects.count(), Payroll.objects.count()) == counts
    assert verify_chain().intact


@pytest.mark.slow
@pytest.mark.django_db
def test_the_county_approves_a_case_whose_notice_ended_and_every_worker_has_work(demo):
    today = timezone.localdate()
    for name in ("handler", "handler2", "reviewer", "reviewer2", "county", "finance"):
        assert tasks_for(User.objects.get(username=name), today), name
    ended = Case.objects.filter(
        programme="minimum_living", state=State.ON_NOTICE, notice_ends_on__lt=today
    )
    assert {case.region_id[:9] for case in ended} == {"410821901", "410821902"}
    county = User.objects.get(username="county")
    case = services.approve(county, ended.first().pk, reasons=history.APPROVAL)
    assert case.state == State.APPROVED and case.decision.decided_on == today


@pytest.mark.slow
@pytest.mark.django_db
def test_the_county_spot_checks_the_hardship_case_then_approves_it(demo):
    today = timezone.localdate()
    case = Case.objects.get(need=history.HARDSHIP_NEED)
    assert case.programme == history.HARDSHIP and case.spot_check_selected
    assert case.state == State.ON_NOTICE and case.notice_ends_on < today
    # The investigation found no capable supporter, and kept it in the person's record.
    assert case.facts == {"members": {str(case.member_id): {"has_capable_supporter": False}}}
    assert not Member.objects.get(pk=case.member_id).has_capable_supporter
    county = User.objects.get(username="county")
    assert current_finding(county, case).eligible is True
    refusal = services.confirmation_refusal(county, case)
    assert refusal is not None and refusal.field == "state"  # the spot check comes first
    services.spot_check(county, case.pk, agrees=True, findings="抽查核实：情况属实。")
    case.refresh_from_db()
    assert services.confirmation_refusal(county, case) is None
    case = services.approve(county, case.pk, reasons=history.HARDSHIP_APPROVAL)
    assert case.state == State.APPROVED and case.decision.monthly_amount_fen > 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "today",
    ["2026-12-04", "2026-12-06", "2026-11-02", "2026-10-08", "2027-02-01", "2027-03-01"],
)
def test_the_days_end_the_notice_before_today_and_decide_within_the_month(today):
    today = datetime.date.fromisoformat(today)
    days = history.Days(today, WorkingCalendar.current())
    walked = days.notice_over()
    assert all(days.calendar.is_working_day(day) for day in walked)
    assert walked == sorted(set(walked))
    notice_ends = walked[-1] + datetime.timedelta(days=6)
    assert notice_ends < today
    decided = days.decided(notice_ends)
    assert notice_ends < decided <= today and decided.month == today.month
    yesterday, last = days.recent(2)
    assert yesterday < last <= today and days.calendar.is_working_day(last)
