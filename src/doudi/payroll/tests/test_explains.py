"""A payroll that explains itself: who is left out and why, person by person; finance returns a
payroll with a reason and civil affairs submits it again; every step says what it did; the bank
sees no budgets or grants."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from doudi.audit.models import AuditEvent
from doudi.benefits.models import Benefit
from doudi.campaigns.models import Campaign, Finding, PaymentHold
from doudi.conftest import api_as
from doudi.errors import DoudiError, NotPermitted
from doudi.payroll import queries, services
from doudi.payroll.models import Payroll, PayrollState
from doudi.payroll.tests.conftest import (
    APRIL,
    COUNTY,
    approve_minimum_living,
    household_with_card,
)
from doudi.registry.models import Member
from doudi.registry.services import end_membership

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _hold(benefit: Benefit, actor) -> None:
    """A death found by a campaign holds the benefit (as campaigns.services._hold does)."""
    campaign = Campaign.objects.create(region_id=COUNTY, started_by=actor, as_of=MARCH)
    finding = Finding.objects.create(
        campaign=campaign,
        kind="death",
        household_id=benefit.household_id,
        member_id=benefit.payee_id,
        region_id=benefit.household.region_id[:9] + "000",
        due_on=APRIL,
    )
    PaymentHold.objects.create(benefit=benefit, finding=finding, from_month=APRIL)


@pytest.fixture
def awkward(staff, parties, clock) -> dict[str, Benefit]:
    """Seven households on 低保 from April: one payee died, one has no card, one left the
    household, one's benefit stopped in March, one is held by a campaign; two are paid by
    April's payroll."""
    clock.at("2026-03-02")
    names = ("died", "no_card", "left", "stopped", "held", "paid", "paid_too")
    benefits = {
        name: approve_minimum_living(staff, household_with_card(staff, n), "2026-03-02")
        for n, name in enumerate(names, start=1)
    }
    clock.at("2026-03-20")
    end_membership(
        staff.handler,
        benefits["died"].payee_id,
        left_on=datetime.date(2026, 3, 18),
        leave_reason="death",
        death_date=datetime.date(2026, 3, 18),
        reason="死亡",
    )
    end_membership(
        staff.handler,
        benefits["left"].payee_id,
        left_on=datetime.date(2026, 3, 19),
        leave_reason="moved_out",
        reason="迁出",
    )
    Member.objects.filter(pk=benefits["no_card"].payee_id).update(social_security_card="")
    Benefit.objects.filter(pk=benefits["stopped"].pk).update(start_month=MARCH, end_month=MARCH)
    _hold(benefits["held"], staff.county)
    return benefits


def _reasons(rows) -> dict[int, str]:
    return {row.household_id: row.reason_code for row in rows}


def test_each_person_left_out_is_named_with_the_reason(staff, parties, awkward, clock):
    april = services.generate(parties.civil_affairs, "minimum_living", APRIL, COUNTY)
    paid = {awkward["paid"].household_id, awkward["paid_too"].household_id}
    assert set(april.lines.values_list("household_id", flat=True)) == paid

    with pytest.raises(services.NobodyToPay) as caught:
        services.generate(parties.civil_affairs, "minimum_living", APRIL, COUNTY)
    expected = {benefit.household_id: name for name, benefit in awkward.items()}
    expected |= dict.fromkeys(paid, "paid")
    assert _reasons(caught.value.left_out) == expected
    assert len(caught.value.problems) == 7
    assert Payroll.objects.count() == 1  # the refused one was not kept
    # Named by the name and the masked ID number only.
    message = caught.value.problems[0].render()
    head = Member.objects.get(pk=awkward["died"].payee_id)
    assert head.name in message and head.id_number_masked in message
    assert "197001" not in message  # the birth date, hidden by the mask

    # The payroll's own page: those not in it, and why (its own payees are not "paid elsewhere").
    on_page = queries.left_out(
        parties.finance, "minimum_living", APRIL, COUNTY, payroll_id=april.pk
    )
    assert _reasons(on_page) == {k: v for k, v in expected.items() if v != "paid"}


def test_the_follow_up_list_leaves_out_those_paid(parties, awkward):
    services.generate(parties.civil_affairs, "minimum_living", APRIL, COUNTY)
    rows = queries.left_out(
        parties.civil_affairs, "minimum_living", APRIL, COUNTY, count_paid=False
    )
    assert sorted(_reasons(rows).values()) == ["died", "held", "left", "no_card", "stopped"]


def test_the_refusal_is_shown_as_a_table_and_in_the_api(parties, awkward):
    services.generate(parties.civil_affairs, "minimum_living", APRIL, COUNTY)
    form = {"programme": "minimum_living", "month": "2026-04", "region": COUNTY}
    page = _web(parties.civil_affairs).post("/payroll/generate/", form)
    assert page.status_code == 400
    html = page.content.decode()
    assert 'data-testid="left-out"' in html
    assert html.count('data-testid="reason"') == 7
    assert "因专项治理发现的问题暂停发放" in html and "待遇在该月前已停发" in html
    assert 'value="2026-04"' in html  # what was typed is kept

    answer = api_as(parties.civil_affairs).post(
        "/api/v1/payrolls/",
        {"programme": "minimum_living", "month": "2026-04", "place": COUNTY},
        format="json",
    )
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["field"] == "month" and len(error["problems"]) == 7
    assert any("no social-security card" in p["message_en"] for p in error["problems"])


def test_a_generated_payroll_page_lists_who_is_not_in_it(parties, awkward):
    april = services.generate(parties.civil_affairs, "minimum_living", APRIL, COUNTY)
    page = _web(parties.finance).get(f"/payroll/{april.pk}/")
    assert page.content.decode().count('data-testid="reason"') == 5
    detail = api_as(parties.finance).get(f"/api/v1/payrolls/{april.pk}/").json()
    assert sorted(row["reason_code"] for row in detail["left_out"]) == [
        "died",
        "held",
        "left",
        "no_card",
        "stopped",
    ]


def test_finance_returns_with_a_reason_and_civil_affairs_submits_again(parties, on_benefit):
    april = services.generate(parties.civil_affairs, "minimum_living", APRIL, COUNTY)
    services.submit(parties.civil_affairs, april.pk)
    finance = _web(parties.finance)
    assert "退回民政" in finance.get(f"/payroll/{april.pk}/").content.decode()

    refused = finance.post(f"/payroll/{april.pk}/return/", {"reason": "  "}, follow=True)
    assert Payroll.objects.get(pk=april.pk).state == PayrollState.SUBMITTED
    assert "原因" in refused.content.decode()

    page = finance.post(f"/payroll/{april.pk}/return/", {"reason": "第3户卡号待核"}, follow=True)
    april.refresh_from_db()
    assert (april.state, april.return_reason) == (PayrollState.RETURNED, "第3户卡号待核")
    assert f"花名册 {april.number} 已连同您填写的原因退回民政" in page.content.decode()
    event = AuditEvent.objects.get(action="payroll.return")
    assert (event.reason, event.before, event.after["state"]) == (
        "第3户卡号待核",
        {"state": "submitted"},
        "returned",
    )

    # It is on civil affairs' to-do list again, no longer on finance's.
    assert list(queries.awaiting(parties.civil_affairs)) == [april]
    assert not queries.awaiting(parties.finance).exists()

    # Finance cannot approve nor return it again; civil affairs sees why and submits again.
    with pytest.raises(DoudiError):
        services.approve(parties.finance, april.pk)
    with pytest.raises(DoudiError):
        services.return_to_civil_affairs(parties.finance, april.pk, reason="再退")
    civil = _web(parties.civil_affairs)
    html = civil.get(f"/payroll/{april.pk}/").content.decode()
    assert "第3户卡号待核" in html and "退回民政的原因" not in html
    page = civil.post(f"/payroll/{april.pk}/submit/", follow=True)
    assert f"花名册 {april.number} 已提交财政" in page.content.decode()
    april.refresh_from_db()
    assert (april.state, april.return_reason) == (PayrollState.SUBMITTED, "")

    answer = api_as(parties.finance).post(
        f"/api/v1/payrolls/{april.pk}/approve/", {}, format="json"
    )
    assert answer.status_code == 200 and answer.json()["state"] == "approved"


def test_only_finance_returns_and_only_a_submitted_payroll(parties, on_benefit):
    april = services.generate(parties.civil_affairs, "minimum_living", APRIL, COUNTY)
    with pytest.raises(DoudiError):  # not submitted yet
        services.return_to_civil_affairs(parties.finance, april.pk, reason="退回")
    services.submit(parties.civil_affairs, april.pk)
    for someone in (parties.civil_affairs, parties.bank):
        with pytest.raises(NotPermitted):
            services.return_to_civil_affairs(someone, april.pk, reason="退回")
    html = _web(parties.bank).get(f"/payroll/{april.pk}/").content.decode()
    assert "退回民政" not in html
    answer = api_as(parties.bank).post(
        f"/api/v1/payrolls/{april.pk}/return/", {"reason": "退回"}, format="json"
    )
    assert answer.status_code == 403
    assert not AuditEvent.objects.filter(action="payroll.return").exists()


def test_every_step_confirms_what_it_did(parties, on_benefit):
    civil, finance = _web(parties.civil_affairs), _web(parties.finance)
    form = {"programme": "minimum_living", "month": "2026-04", "region": COUNTY}
    page = civil.post("/payroll/generate/", form, follow=True)
    april = Payroll.objects.get()
    assert f"花名册 {april.number} 已生成：共 3 条" in page.content.decode()
    civil.post(f"/payroll/{april.pk}/submit/")
    page = finance.post(f"/payroll/{april.pk}/approve/", follow=True)
    assert f"花名册 {april.number} 已审核同意发放" in page.content.decode()
    bank = _web(parties.bank)
    bank.get(f"/payroll/{april.pk}/bank.csv")
    assert "银行发放文件已下载" in bank.get(f"/payroll/{april.pk}/").content.decode()


def test_the_bank_sees_no_budgets_nor_grants(parties):
    bank = _web(parties.bank)
    listing = bank.get("/payroll/").content.decode()
    assert "/payroll/budgets/" not in listing and "/grants/" not in listing
    assert bank.get("/payroll/budgets/").status_code == 403
    assert bank.get("/grants/").status_code == 403
    finance = _web(parties.finance).get("/payroll/").content.decode()
    assert "/payroll/budgets/" in finance and "/grants/" in finance
