"""Re-checks (复核): every recipient has its next re-check date from its last decision and its
category's interval; the due and overdue lists; a re-check case keeps, changes or stops the
benefit; the bulk start opens each case once; and who may do what."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.test import Client
from django.utils import translation

from doudi.accounts.roles import Role
from doudi.audit.models import AuditEvent
from doudi.benefits.models import Benefit
from doudi.cases import services
from doudi.cases.documents import render
from doudi.cases.models import Case
from doudi.cases.procedures import CaseKind, ReviewOutcome, State
from doudi.cases.tests.helpers import investigate, open_case, refused
from doudi.cases.tests.test_documents import text_of
from doudi.conftest import OUTSIDE_TOWNSHIP, household_form, member_form
from doudi.errors import NotPermitted, OutsideJurisdiction
from doudi.policy.models import RegionalValue, ValueStatus
from doudi.rechecks import services as rechecks_services
from doudi.rechecks.queries import recheck_lists
from doudi.rechecks.schedule import Cadence
from doudi.rechecks.services import start_rechecks
from doudi.registry.services import add_money_fact, create_household, end_membership

pytestmark = pytest.mark.django_db
D = datetime.date.fromisoformat


def decided(staff, case: Case, day: str) -> Case:
    services.accept(staff.handler, case.pk)
    investigate(staff, case, day)
    services.request_check(staff.handler, case.pk)
    services.record_check(staff.county, case.pk, result="consistent")
    services.give_opinion(staff.handler, case.pk, recommends_approval=True, text="拟同意")
    return services.approve(staff.county, case.pk, reasons="符合条件")


def receiving(staff, household, clock, day: str = "2026-03-02") -> Benefit:
    """The household on 低保 from a decision on ``day`` (no notice: a change of nothing)."""
    clock.at(day)
    case = open_case(staff, household)
    services.accept(staff.handler, case.pk)
    investigate(staff, case, day)
    services.request_check(staff.handler, case.pk)
    services.record_check(staff.county, case.pk, result="consistent")
    services.give_opinion(staff.handler, case.pk, recommends_approval=True, text="拟同意")
    clock.at(_after_notice(day))
    services.approve(staff.county, case.pk, reasons="符合条件")
    return Benefit.objects.get(household=household, ended_by__isnull=True)


def _after_notice(day: str) -> str:
    return (D(day) + datetime.timedelta(days=8)).isoformat()


def listed(user, day: str, clock) -> tuple[list[int], list[int]]:
    clock.at(day)
    lists = recheck_lists(user)
    return (
        [row.household_id for row in lists.overdue],
        [row.household_id for row in lists.due],
    )


def test_next_recheck_six_months_after_the_decision_where_members_can_work(staff, household, clock):
    benefit = receiving(staff, household, clock)  # decided 2026-03-10; both members farm
    (row,) = [r for r in recheck_lists(staff.handler, today=D("2026-09-10")).due]
    assert (row.cadence, row.months, row.last_on) == (Cadence.IRREGULAR, 6, D("2026-03-10"))
    assert row.benefit_id == benefit.pk and row.next_on == D("2026-09-10")

    assert listed(staff.handler, "2026-08-31", clock) == ([], [])  # not yet due
    assert listed(staff.handler, "2026-09-01", clock) == ([], [household.pk])  # due this month
    assert listed(staff.handler, "2026-09-10", clock) == ([], [household.pk])  # due today
    assert listed(staff.handler, "2026-09-11", clock) == ([household.pk], [])  # overdue


def test_yearly_where_income_is_stable(staff, clock):
    clock.at("2026-01-05")
    retired = [
        member_form("41082119500101001", "张老汉", employment="retired"),
        member_form("41082119520202002", "李老太", relation="spouse", employment="retired"),
    ]
    household, _ = create_household(
        staff.handler, household_form(members=retired, incomes=[]), reason="登记"
    )
    receiving(staff, household, clock)
    assert listed(staff.handler, "2026-09-30", clock) == ([], [])
    assert listed(staff.handler, "2027-03-01", clock) == ([], [household.pk])
    (row,) = recheck_lists(staff.handler, today=D("2027-03-01")).due
    assert (row.cadence, row.months, row.next_on) == (Cadence.STABLE, 12, D("2027-03-10"))


def adopted(staff, parameter: str, start: str, value: int, reference: str) -> None:
    """修武县's own value of a parameter from ``start``, adopted."""
    RegionalValue.objects.create(
        parameter=parameter,
        region_id="410821000000",
        start=D(start),
        value=value,
        reference=f"修武县民政局：{reference}",
        document_number="修民〔2026〕1号",
        status=ValueStatus.ADOPTED,
        proposed_by=staff.county,
    )


def test_a_county_may_set_quarterly_from_a_date(staff, household, clock, make_user):
    adopted(staff, "procedure.review.irregular_months", "2026-01-01", 3, "每季度核查一次")
    receiving(staff, household, clock)
    assert listed(staff.handler, "2026-06-10", clock) == ([], [household.pk])


def test_a_household_whose_benefit_ended_or_whose_members_died_is_not_listed(
    staff, household, clock
):
    receiving(staff, household, clock)
    clock.at("2026-05-04")
    for member in household.members.order_by("-id"):
        end_membership(
            staff.handler,
            member.pk,
            left_on=D("2026-05-01"),
            leave_reason="death",
            death_date=D("2026-05-01"),
            reason="死亡",
            new_head=None,
        )
    assert listed(staff.handler, "2026-09-15", clock) == ([], [])


def test_a_stopped_benefit_is_not_listed(staff, household, clock):
    receiving(staff, household, clock)
    clock.at("2026-06-01")
    decided(staff, open_case(staff, household, kind="termination"), "2026-06-01")
    assert listed(staff.handler, "2026-09-15", clock) == ([], [])


def earning(staff, household, fen: int) -> None:
    """The head found earning ``fen`` a month over the summer."""
    head = household.members.get(relation="head")
    for month in ("2026-06", "2026-07", "2026-08"):
        add_money_fact(
            staff.handler,
            household.pk,
            "income",
            {"member": str(head.pk), "month": month, "type": "wage", "amount_fen": fen},
            reason="复核发现收入",
        )


def reviewed(staff, case_id: int, day: str, outcome: str) -> Case:
    services.accept(staff.handler, case_id)
    investigate(staff, Case.objects.get(pk=case_id), day)
    services.request_check(staff.handler, case_id)
    services.record_check(staff.county, case_id, result="consistent")
    case = services.give_opinion(staff.handler, case_id, recommends_approval=True, text="意见")
    assert case.state == State.REVIEW_PROPOSED and case.notice_ends_on is None
    return services.decide_review(staff.county, case_id, outcome=outcome, reasons="复核")


def test_a_recheck_that_keeps_the_amount_moves_the_next_date(staff, household, clock):
    benefit = receiving(staff, household, clock)
    clock.at("2026-09-14")
    (case_id,) = start_rechecks(staff.handler)
    case = reviewed(staff, case_id, "2026-09-14", ReviewOutcome.KEEP)
    assert case.state == State.REVIEWED and case.kind == CaseKind.REVIEW
    assert case.decision.review_outcome == ReviewOutcome.KEEP
    assert list(Benefit.objects.filter(household=household)) == [benefit]
    benefit.refresh_from_db()
    assert benefit.ended_by is None
    assert listed(staff.handler, "2026-09-30", clock) == ([], [])
    (row,) = recheck_lists(staff.handler, today=D("2027-03-01")).due
    assert (row.last_on, row.next_on) == (D("2026-09-14"), D("2027-03-14"))
    services.notify(staff.handler, case_id, told_on=D("2026-09-14"), how="书面告知")
    assert Case.objects.get(pk=case_id).decision.notified_on == D("2026-09-14")


def test_a_recheck_finding_income_reduces_the_amount_from_next_month(staff, household, clock):
    benefit = receiving(staff, household, clock)
    clock.at("2026-09-14")
    (case_id,) = start_rechecks(staff.handler)
    earning(staff, household, 20_000)
    with refused("decide that"):
        reviewed(staff, case_id, "2026-09-14", ReviewOutcome.KEEP)
    case = services.decide_review(
        staff.county, case_id, outcome=ReviewOutcome.REDUCE, reasons="有零工收入"
    )
    benefit.refresh_from_db()
    new = case.decision.benefit
    assert (benefit.end_month, benefit.ended_by) == (D("2026-09-01"), case.decision)
    assert new.start_month == D("2026-10-01")
    assert 0 < new.monthly_amount_fen < benefit.monthly_amount_fen


def test_a_recheck_finding_income_above_the_line_stops_the_benefit(staff, household, clock):
    benefit = receiving(staff, household, clock)
    clock.at("2026-09-14")
    (case_id,) = start_rechecks(staff.handler)
    earning(staff, household, 900_000)
    case = reviewed(staff, case_id, "2026-09-14", ReviewOutcome.STOP)
    benefit.refresh_from_db()
    assert (benefit.end_month, benefit.ended_by) == (D("2026-09-01"), case.decision)
    assert not Benefit.objects.filter(household=household, ended_by__isnull=True).exists()
    assert listed(staff.handler, "2027-03-15", clock) == ([], [])
    text = text_of(render("approval", case))  # the household is told, with the reasons
    with translation.override("zh-hans"):
        stopped = str(ReviewOutcome.STOP.label)  # 停发
    assert "复核决定通知书" in text and stopped in text and "2026年09月" in text
    # What it receives is nothing now: a new application, not another re-check.
    with refused("receives nothing"):
        open_case(staff, household, kind="review")


def test_a_recheck_after_the_standard_rose_increases_the_amount(staff, household, clock):
    benefit = receiving(staff, household, clock)
    adopted(staff, "minimum_living.standard.rural", "2026-07-01", 40_000, "400 元/人·月")
    clock.at("2026-09-14")
    (case_id,) = start_rechecks(staff.handler)
    case = reviewed(staff, case_id, "2026-09-14", ReviewOutcome.INCREASE)
    assert case.decision.benefit.monthly_amount_fen > benefit.monthly_amount_fen
    assert case.decision.benefit.start_month == D("2026-10-01")


def test_bulk_start_twice_starts_nothing_twice(staff, household, clock):
    receiving(staff, household, clock)
    clock.at("2026-09-14")
    started = start_rechecks(staff.county)
    assert len(started) == 1
    case = Case.objects.get(pk=started[0])
    assert (case.kind, case.channel, case.state) == ("review", "schedule", State.SUBMITTED)
    assert case.authorisation_signed_on == D("2026-01-05")  # carried over from the application
    assert case.transitions.get().action == "submit"
    (event,) = AuditEvent.objects.filter(action="recheck.start")
    assert event.after["cases"] == started
    assert start_rechecks(staff.county) == []
    assert start_rechecks(staff.handler) == []
    assert Case.objects.filter(kind="review").count() == 1
    assert AuditEvent.objects.filter(action="recheck.start").count() == 1
    (row,) = recheck_lists(staff.handler).overdue
    assert row.open_case_id == case.pk


def test_permission_denials(staff, household, clock, make_user):
    receiving(staff, household, clock)
    clock.at("2026-09-14")
    elsewhere = make_user(Role.TOWNSHIP_HANDLER, OUTSIDE_TOWNSHIP, "elsewhere")
    assert recheck_lists(elsewhere).all == []
    assert start_rechecks(elsewhere) == []
    with pytest.raises(OutsideJurisdiction):
        start_rechecks(elsewhere, "410821902000")
    with pytest.raises(NotPermitted):
        start_rechecks(staff.village)
    (case_id,) = start_rechecks(staff.handler)
    with pytest.raises(OutsideJurisdiction):
        services.accept(elsewhere, case_id)
    services.accept(staff.handler, case_id)
    investigate(staff, Case.objects.get(pk=case_id), "2026-09-14")
    services.request_check(staff.handler, case_id)
    services.record_check(staff.county, case_id, result="consistent")
    services.give_opinion(staff.handler, case_id, recommends_approval=True, text="意见")
    with pytest.raises(NotPermitted):
        services.decide_review(staff.village, case_id, outcome="keep", reasons="复核")
    with refused("confirmed by the county"):  # even where the township confirms applications
        services.decide_review(staff.reviewer, case_id, outcome="keep", reasons="复核")
    with refused("not one of"):
        services.decide_review(staff.county, case_id, outcome="raise", reasons="复核")
    assert Case.objects.get(pk=case_id).state == State.REVIEW_PROPOSED


def test_the_page_lists_exports_and_starts(staff, household, clock):
    receiving(staff, household, clock)
    clock.at("2026-09-10")
    client = Client()
    client.force_login(staff.handler)
    page = client.get("/rechecks/").content.decode()
    assert f'data-household="{household.pk}"' in page.split('data-testid="due"')[1]
    assert 'data-testid="start"' in page
    home = client.get("/").content.decode()
    assert "/rechecks/" in home

    response = client.get("/rechecks/due.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    due = book.worksheets[1]
    rows = list(due.iter_rows(min_row=3, values_only=True))
    assert rows[0][0] == household.pk and rows[0][10].date() == D("2026-09-10")
    assert "4108" in rows[0][5] and "*" in rows[0][5]

    response = client.post("/rechecks/start/", {"place": ""})
    assert response.status_code == 302
    assert Case.objects.filter(kind="review", household=household).count() == 1

    village = Client()
    village.force_login(staff.village)
    assert 'data-testid="start"' not in village.get("/rechecks/").content.decode()
    assert village.post("/rechecks/start/", {"place": ""}).status_code == 403


def test_a_start_interrupted_keeps_its_batches_and_the_next_completes_it(
    staff, household, clock, monkeypatch
):
    clock.at("2026-01-05")
    other, _ = create_household(
        staff.handler,
        household_form(
            members=[
                member_form("41082119800101003", "王五"),
                member_form("41082119820202004", "赵六", relation="spouse"),
            ],
            incomes=[],
        ),
        reason="登记",
    )
    receiving(staff, household, clock)
    receiving(staff, other, clock)
    clock.at("2026-09-14")
    monkeypatch.setattr(rechecks_services, "BATCH", 1)
    opened = rechecks_services._case

    def crash_on_the_second(actor, benefit, due_on, today):
        if benefit.household_id == other.pk:
            raise RuntimeError("the server stopped")
        return opened(actor, benefit, due_on, today)

    monkeypatch.setattr(rechecks_services, "_case", crash_on_the_second)
    with pytest.raises(RuntimeError):
        start_rechecks(staff.handler)
    assert list(Case.objects.filter(kind="review").values_list("household", flat=True)) == [
        household.pk
    ]
    monkeypatch.setattr(rechecks_services, "_case", opened)
    (second,) = start_rechecks(staff.handler)
    assert Case.objects.get(pk=second).household == other
    assert Case.objects.filter(kind="review").count() == 2
    assert AuditEvent.objects.filter(action="recheck.start").count() == 2


def test_the_api_lists_and_starts_as_the_page_does(staff, household, clock):
    from doudi.conftest import api_as

    receiving(staff, household, clock)
    clock.at("2026-09-10")
    lists = api_as(staff.handler).get("/api/v1/rechecks/due/").json()
    (row,) = lists["due"]
    assert row["household"] == household.pk and row["next_on"] == "2026-09-10"
    assert row["open_case"] is None and lists["overdue"] == []
    assert (
        api_as(staff.village).post("/api/v1/rechecks/start/", {}, format="json").status_code == 403
    )
    started = api_as(staff.handler).post("/api/v1/rechecks/start/", {}, format="json").json()
    assert Case.objects.get(pk=started["cases"][0]).kind == "review"
    again = api_as(staff.handler).post("/api/v1/rechecks/start/", {}, format="json").json()
    assert again == {"cases": []}
