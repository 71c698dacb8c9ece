"""The demo's recipients are walked through the whole 低保 procedure by the real services on
past working days; the departments' data delivered at load make a campaign find something."""

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
from doudi.benefits.models import Benefit
from doudi.campaigns import queries as campaign_queries
from doudi.campaigns.models import CampaignState, Finding, FindingState, PaymentHold
from doudi.campaigns.services import close_finding, start_campaign
from doudi.cases import deadlines
from doudi.cases import services as case_services
from doudi.cases.models import Case
from doudi.dates import last_day, month_before
from doudi.demo import departments as dep
from doudi.demo import recipients
from doudi.demo.management.commands import demo as command
from doudi.jobs.services import run
from doudi.payroll import queries as payroll_queries
from doudi.payroll.models import LineStatus, Payroll, PayrollState
from doudi.rechecks.queries import recheck_lists
from doudi.registry.services import end_membership
from doudi.sources.models import Delivery
from doudi.sources.services import receive
from doudi.workdays.calendar import WorkingCalendar

pytestmark = pytest.mark.django_db

COUNTY = "410821000000"
# The walk, step by step (the submission, then acceptance on the same day).
WALK = ["submit", "accept", "investigate", "request_check", "record_check", "give_opinion"]
WALK += ["approve", "notify"]


@pytest.fixture
def demo(monkeypatch) -> str:
    """``doudi demo load`` on an empty database, with a smaller registry to stay fast."""
    monkeypatch.setattr(command, "DEMO_HOUSEHOLDS", 1000)
    out = io.StringIO()
    call_command("demo", "load", stdout=out)
    return out.getvalue()


def _benefits() -> list[Benefit]:
    month = timezone.localdate().replace(day=1)
    return list(Benefit.objects.in_force(month).select_related("payee", "decision__case"))


def test_recipients_are_approved_in_the_past_through_every_step(demo):
    today = timezone.localdate()
    benefits = _benefits()
    assert len(benefits) >= 10
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    calendar = WorkingCalendar.current()
    for benefit in benefits:
        case = benefit.decision.case
        assert benefit.start_month <= last_month  # in force since an earlier month
        assert case.region_id.startswith(recipients.TOWNSHIP[:9])
        steps = list(case.transitions.order_by("id").values_list("action", flat=True))
        assert steps == WALK
        assert case.notice_ends_on < benefit.decision.decided_on < last_month
        assert case.notice_ends_on - case.notice_starts_on == datetime.timedelta(days=6)
        assert calendar.is_working_day(case.submitted_on)
        assert case.submitted_on == case.accepted_on < benefit.decision.decided_on
        assert benefit.decision.decided_on <= case.due_on  # within the whole time limit
        assert benefit.decision.notified_on <= benefit.decision.notify_due_on
        check = case.data_checks.get()
        assert check.answered_on <= check.due_on and check.report.as_of == check.requested_on
        assert benefit.payee.social_security_card.startswith(recipients.CARD_PREFIX)
        assert not case.step_due_on  # told of the decision: nothing overdue
    assert "/demo-departments" in demo
    assert verify_chain().intact


def test_last_month_is_paid_and_this_months_payroll_pays_every_recipient(demo):
    benefits = {benefit.pk for benefit in _benefits()}
    this_month = timezone.localdate().replace(day=1)
    last = Payroll.objects.get(programme=recipients.PROGRAMME)
    assert last.month == month_before(this_month) and last.state == PayrollState.RECONCILED
    assert last.paid_fen == last.total_fen > 0
    assert set(last.lines.values_list("benefit_id", flat=True)) == benefits
    assert not last.lines.exclude(status=LineStatus.PAID).exists()
    # This month's is left to generate; civil affairs, finance and the bank take it through.
    assert not Payroll.objects.filter(programme=recipients.PROGRAMME, month=this_month).exists()
    paid = recipients.pay_month(this_month)
    assert paid.state == PayrollState.RECONCILED and paid.paid_fen == paid.total_fen > 0
    assert set(paid.lines.values_list("benefit_id", flat=True)) == benefits


def test_a_grant_s_payroll_waits_for_finance(demo):
    waiting = Payroll.objects.get(programme="one_off_grant")
    assert waiting.state == PayrollState.SUBMITTED and waiting.grant.name == recipients.GRANT_NAME
    assert waiting.line_count == len({benefit.household_id for benefit in _benefits()})
    finance = User.objects.get(username="finance")
    assert list(payroll_queries.awaiting(finance)) == [waiting]


def test_twelve_deliveries_and_their_files(demo, private_var_dir):
    deliveries = Delivery.objects.all()
    assert sorted(deliveries.values_list("source", flat=True)) == sorted(
        dep.SOURCE_OF_FILE.values()
    )
    assert AuditEvent.objects.filter(action="source.delivered", actor_username="city").count() == 12
    folder = private_var_dir / "demo-departments"
    assert {path.name for path in folder.iterdir()} == {*dep.FILE_NAMES, "planted.json"}
    # A county user uploads one again, as on the page.
    county = User.objects.get(username="county")
    again = receive(county, "vehicles", (folder / dep.VEHICLES).read_bytes(), dep.VEHICLES)
    assert again.rows == Delivery.objects.filter(source="vehicles").order_by("id").first().rows
    assert again.delivered_by.username == "county"


def test_a_campaign_finds_each_kind_on_recipients_routed_to_their_township(make_user, demo):
    campaign = start_campaign(User.objects.get(username="county"), COUNTY)
    run(campaign.job_id)
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.DONE
    paid = {benefit.household_id for benefit in _benefits()}
    handler = User.objects.get(username="handler")
    tasks = set(campaign_queries.township_tasks(handler).values_list("pk", flat=True))
    for kind in (
        "death_still_paid",
        "vehicles_over_limit",
        "homes_over_limit",
        "business_over_limit",
    ):
        found = Finding.objects.filter(kind=kind, household__in=paid)
        assert found.exists(), kind
        assert {f.region_id for f in found} == {recipients.TOWNSHIP}
        assert {f.pk for f in found} <= tasks
    _confirm_a_payees_death(handler, paid)
    other_township = make_user(Role.TOWNSHIP_HANDLER, "410821901000", "handler901")
    other_county = make_user(Role.COUNTY_APPROVER, "410822000000", "county822")
    assert not campaign_queries.township_tasks(other_township).filter(household__in=paid)
    assert not campaign_queries.visible_findings(other_county).exists()


def test_loading_again_adds_no_recipient_and_no_delivery(demo):
    cases, deliveries = Case.objects.count(), Delivery.objects.count()
    call_command("demo", "load", stdout=io.StringIO())
    assert (Case.objects.count(), Delivery.objects.count()) == (cases, deliveries)


def test_as_if_changes_the_day_of_the_case_services_and_restores_it():
    day = datetime.date(2026, 3, 2)
    with recipients.as_if(day):
        assert case_services._today() == day
        assert deadlines.timezone.localdate() == day
        assert deadlines.timezone.now() > timezone.make_aware(datetime.datetime(2026, 3, 3))
    assert case_services._today() == timezone.localdate()
    with pytest.raises(RuntimeError), recipients.as_if(day):
        raise RuntimeError
    assert deadlines.timezone is timezone


def _confirm_a_payees_death(handler: User, paid: set[int]) -> None:
    """The township confirms a death still paid and records it: last month's payment is listed
    to recover."""
    payees = Benefit.objects.filter(household__in=paid).values("payee")
    death = Finding.objects.filter(kind="death_still_paid", member__in=payees).first()
    assert PaymentHold.objects.filter(benefit__payee=death.member).exists()
    closed = close_finding(handler, death.pk, outcome="confirmed", note="经核实已死亡")
    assert closed.state == FindingState.CONFIRMED
    assert closed.case.household_id == death.household_id and closed.case.channel == "discovery"
    died = datetime.date.fromisoformat(death.detail)
    others = death.household.members.filter(left_on__isnull=True).exclude(pk=death.member_id)
    end_membership(
        handler,
        death.member_id,
        left_on=died,
        death_date=died,
        leave_reason="death",
        reason="公安死亡注销",
        new_head=others.values_list("pk", flat=True).first(),
    )
    recovered = campaign_queries.recoveries_of(closed)
    last_month = month_before(timezone.localdate().replace(day=1))
    assert list(recovered.values_list("pay_month", flat=True)) == [last_month]


@pytest.mark.parametrize(
    "today",
    ["2026-12-03", "2026-11-01", "2026-10-31", "2027-03-01", "2026-02-28", "2027-01-01"],
)
def test_the_schedule_keeps_the_limits_and_approves_before_last_month(today):
    today = datetime.date.fromisoformat(today)
    days = recipients.schedule(today)
    calendar = WorkingCalendar.current()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    steps = [days.submitted, days.investigated, days.check_requested, days.checked, days.opinion]
    assert all(calendar.is_working_day(day) for day in [*steps, days.approved, days.notified])
    assert steps == sorted(set(steps))
    assert days.approved > days.opinion + datetime.timedelta(days=6)  # the notice is over
    assert days.approved < last_month and days.notified < today
    assert calendar.working_days_between(days.submitted, days.approved) <= 30


def test_two_recipients_are_due_for_their_re_check(demo):
    """Approved long ago: one overdue, one due by the end of the month (or, late in a month
    whose last days the schedule could not reach, overdue too)."""
    lists = recheck_lists(User.objects.get(username="county"))
    assert len(lists.all) == 2 and lists.overdue
    for row in lists.all:
        assert row.next_on <= last_day(timezone.localdate())
        assert row.open_case_id is None  # nothing started: the county starts them
