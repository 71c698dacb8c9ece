"""The payroll pages, as the three parties and an auditor use them."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client

from doudi.accounts.roles import Role
from doudi.audit.anchors import read_anchors
from doudi.audit.models import AuditChainHead
from doudi.conftest import OUTSIDE_COUNTY
from doudi.payroll.models import Payroll, PayrollState
from doudi.payroll.tests.conftest import COUNTY
from doudi.regions.models import Region
from doudi.tests.layout import assert_count, assert_laid_out, assert_money

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_three_parties_walk_a_payroll_through_the_pages(parties, on_benefit, clock, make_user):
    clock.at("2026-03-25")
    civil = client_for(parties.civil_affairs)
    response = civil.post(
        "/payroll/generate/", {"programme": "minimum_living", "month": "2026-04", "region": COUNTY}
    )
    payroll = Payroll.objects.get()
    assert response.status_code == 302 and response.url == f"/payroll/{payroll.pk}/"
    page = civil.get(f"/payroll/{payroll.pk}/").content.decode()
    assert payroll.number in page and "410821197001" not in page  # no ID numbers
    civil.post(f"/payroll/{payroll.pk}/submit/")
    auditor = client_for(make_user(Role.AUDITOR))
    assert auditor.get(f"/payroll/{payroll.pk}/").status_code == 200
    assert auditor.post(f"/payroll/{payroll.pk}/approve/").status_code == 302
    assert Payroll.objects.get().state == PayrollState.SUBMITTED  # refused, nothing changed
    client_for(parties.finance).post(f"/payroll/{payroll.pk}/approve/")
    bank = client_for(parties.bank)
    payment = bank.get(f"/payroll/{payroll.pk}/bank.csv")
    assert payment["Content-Type"].startswith("text/csv")
    rows = payment.content.decode("utf-8-sig").strip().splitlines()
    result = (
        ["行号,社保卡号,金额（元）,结果,原因"]
        + [
            f"{line},{card},{amount},成功,"
            for line, _n, card, amount, *_r in (row.split(",") for row in rows[2:-1])
        ]
        + [",".join(rows[-1].split(",")[:3])]
    )
    upload = io.BytesIO("\n".join(result).encode("utf-8"))
    upload.name = "result.csv"
    bank.post(f"/payroll/{payroll.pk}/reconcile/", {"file": upload})
    payroll.refresh_from_db()
    assert (payroll.state, payroll.paid_fen) == (PayrollState.RECONCILED, payroll.total_fen)
    book = openpyxl.load_workbook(
        io.BytesIO(civil.get(f"/payroll/{payroll.pk}/report.xlsx").content)
    )
    assert book.active.cell(row=book.active.max_row, column=6).value == 3
    assert_laid_out(book.active, header_row=2)  # the title, then the header, stay in view
    assert_count(book.active.cell(row=3, column=4))
    assert_money(book.active.cell(row=book.active.max_row, column=7))
    name, code = book.active.cell(row=3, column=2).value, book.active.cell(row=3, column=3).value
    assert name == Region.objects.get(code=code).name  # the place by name, its code beside
    # The report carries a signed anchor of the audit chain's end, also in the anchor file.
    (anchored,) = [row for row in book.worksheets[1].values][1:]
    head = AuditChainHead.objects.get(pk=1)
    assert anchored[:2] == (head.last_seq, head.last_hash)
    assert (read_anchors()[-1].seq, read_anchors()[-1].mac) == (head.last_seq, anchored[3])


def test_a_refused_step_shows_its_message(parties, on_benefit, clock):
    clock.at("2026-03-25")
    civil = client_for(parties.civil_affairs)
    civil.post(
        "/payroll/generate/", {"programme": "minimum_living", "month": "2026-04", "region": COUNTY}
    )
    response = civil.post(
        "/payroll/generate/",
        {"programme": "minimum_living", "month": "2026-04", "region": COUNTY},
        follow=True,
    )
    html = response.content.decode()
    assert "无人可发" in html or "Nobody is left" in html
    assert html.count('data-testid="reason"') == 3  # each of the three, already paid


def test_another_county_does_not_see_the_payroll(parties, on_benefit, clock, make_user):
    clock.at("2026-03-25")
    civil = client_for(parties.civil_affairs)
    civil.post(
        "/payroll/generate/", {"programme": "minimum_living", "month": "2026-04", "region": COUNTY}
    )
    payroll = Payroll.objects.get()
    elsewhere = client_for(make_user(Role.FINANCE_OFFICER, OUTSIDE_COUNTY, "far_finance"))
    assert elsewhere.get(f"/payroll/{payroll.pk}/").status_code == 404
    assert elsewhere.get(f"/payroll/{payroll.pk}/bank.csv").status_code == 404
    for path in ("/payroll/", "/payroll/follow-up/", "/payroll/budgets/", "/grants/"):
        assert civil.get(path).status_code == 200


def test_a_refused_form_names_the_field_it_refuses(parties, clock):
    clock.at("2026-03-25")
    civil = client_for(parties.civil_affairs)
    page = civil.post(
        "/payroll/generate/",
        {"programme": "minimum_living", "month": "2026-13", "region": COUNTY},
        follow=True,
    ).content.decode()
    assert "月份：" in page and "2026-13" in page
    budget = civil.post(
        "/payroll/budgets/",
        {"programme": "minimum_living", "year": "2026", "region": COUNTY, "amount": "五百"},
        follow=True,
    ).content.decode()
    assert "金额（元）：" in budget
