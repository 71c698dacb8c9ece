"""A monthly payroll under three-party control: exact, paid at most once, refused whole when
the bank's result does not match."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest

from doudi.audit.models import AuditEvent
from doudi.cases import services as cases
from doudi.cases.tests.helpers import investigate, open_case
from doudi.errors import DoudiError, NotPermitted, ValidationFailed
from doudi.payroll import generation, queries, services
from doudi.payroll.models import LineKind, LineStatus, Payroll, PayrollLine, PayrollState
from doudi.payroll.tests.conftest import (
    APRIL,
    COUNTY,
    MAY,
    approve_minimum_living,
    household_with_card,
)
from doudi.registry.services import end_membership
from doudi.tests.layout import assert_laid_out

pytestmark = pytest.mark.django_db


def sent(parties, month=APRIL) -> Payroll:
    payroll = services.generate(parties.civil_affairs, "minimum_living", month, COUNTY)
    services.submit(parties.civil_affairs, payroll.pk)
    services.approve(parties.finance, payroll.pk)
    services.bank_file(parties.bank, payroll.pk, "csv")
    return Payroll.objects.get(pk=payroll.pk)


def result_csv(
    payroll: Payroll, *, failed: dict[int, str] | None = None, rows=None, footer=None
) -> bytes:
    failed = failed or {}
    lines = (
        rows
        if rows is not None
        else [
            [
                str(line.pk),
                line.card,
                f"{line.amount_fen / 100:.2f}",
                "失败" if line.pk in failed else "成功",
                failed.get(line.pk, ""),
            ]
            for line in payroll.lines.order_by("id")
        ]
    )
    total = footer or ["合计", str(payroll.line_count), f"{payroll.total_fen / 100:.2f}"]
    text = "\n".join(
        ",".join(row) for row in [["行号", "社保卡号", "金额（元）", "结果", "原因"], *lines, total]
    )
    return text.encode("utf-8")


def test_generated_from_the_benefits_in_force_and_totals_add_up(parties, on_benefit, clock):
    clock.at("2026-03-25")
    payroll = services.generate(parties.civil_affairs, "minimum_living", APRIL, COUNTY)
    lines = list(payroll.lines.all())
    assert len(lines) == payroll.line_count == 3
    assert sum(line.amount_fen for line in lines) == payroll.total_fen
    assert {line.benefit_id for line in lines} == {b.pk for b in on_benefit}
    assert {line.kind for line in lines} == {"regular"}
    with pytest.raises(DoudiError) as caught:
        services.generate(parties.civil_affairs, "minimum_living", APRIL, COUNTY)
    assert "Nobody is left to pay" in caught.value.render("en")
    assert Payroll.objects.count() == 1 and PayrollLine.objects.count() == 3


def test_no_benefit_before_its_first_month(parties, on_benefit, clock):
    clock.at("2026-03-03")
    with pytest.raises(DoudiError):
        services.generate(
            parties.civil_affairs, "minimum_living", datetime.date(2026, 3, 1), COUNTY
        )


def test_a_crash_mid_generation_leaves_nothing(parties, on_benefit, clock, monkeypatch):
    clock.at("2026-03-25")
    monkeypatch.setattr(generation, "ARREARS", "INSERT INTO no_such_table VALUES (1)")
    with pytest.raises(Exception):  # noqa: B017 — any database error will do
        services.generate(parties.civil_affairs, "minimum_living", APRIL, COUNTY)
    assert not Payroll.objects.exists() and not PayrollLine.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="payroll.").exists()
    monkeypatch.undo()
    assert services.generate(parties.civil_affairs, "minimum_living", APRIL, COUNTY).line_count == 3


def test_a_dead_recipient_is_not_paid(staff, parties, on_benefit, clock):
    clock.at("2026-03-20")
    end_membership(
        staff.handler,
        on_benefit[0].payee_id,
        left_on=datetime.date(2026, 3, 18),
        leave_reason="death",
        death_date=datetime.date(2026, 3, 18),
        reason="死亡",
    )
    payroll = services.generate(parties.civil_affairs, "minimum_living", APRIL, COUNTY)
    assert payroll.line_count == 2
    assert on_benefit[0].pk not in set(payroll.lines.values_list("benefit_id", flat=True))


def test_each_party_does_only_its_own_step(parties, on_benefit, clock):
    clock.at("2026-03-25")
    payroll = services.generate(parties.civil_affairs, "minimum_living", APRIL, COUNTY)
    with pytest.raises(NotPermitted):
        services.submit(parties.finance, payroll.pk)
    services.submit(parties.civil_affairs, payroll.pk)
    with pytest.raises(NotPermitted):
        services.approve(parties.civil_affairs, payroll.pk)
    with pytest.raises(DoudiError):
        services.bank_file(parties.bank, payroll.pk, "csv")  # not yet approved by finance
    services.approve(parties.finance, payroll.pk)
    with pytest.raises(NotPermitted):
        services.bank_file(parties.finance, payroll.pk, "csv")
    data = services.bank_file(parties.bank, payroll.pk, "csv").decode("utf-8-sig")
    footer = data.strip().splitlines()[-1].split(",")
    assert footer == ["合计", "3", f"{payroll.total_fen / 100:.2f}"]
    first_line = data.strip().splitlines()[2].split(",")
    assert first_line[-1] == str(LineKind.REGULAR.label) != "regular"  # the kind in words
    assert Payroll.objects.get(pk=payroll.pk).state == PayrollState.SENT
    actions = AuditEvent.objects.filter(object_type="payroll").values_list("action", flat=True)
    assert list(actions.order_by("seq")) == [
        "payroll.generate",
        "payroll.submit",
        "payroll.approve",
        "payroll.send",
    ]


def test_failed_lines_are_reissued_once(parties, on_benefit, clock):
    clock.at("2026-03-25")
    april = sent(parties)
    first = april.lines.order_by("id").first()
    services.reconcile(
        parties.bank, april.pk, result_csv(april, failed={first.pk: "卡已挂失"}), "csv"
    )
    april.refresh_from_db()
    assert (april.state, april.failed_fen) == (PayrollState.RECONCILED, first.amount_fen)
    assert april.paid_fen == april.total_fen - first.amount_fen
    assert PayrollLine.objects.get(pk=first.pk).bank_reason == "卡已挂失"

    clock.at("2026-04-25")
    may = services.generate(parties.civil_affairs, "minimum_living", MAY, COUNTY)
    reissue = may.lines.get(kind="reissue")
    assert (reissue.reissue_of_id, reissue.pay_month) == (first.pk, APRIL)
    assert may.line_count == 4
    with pytest.raises(DoudiError):  # the re-issue is not issued again, nor May twice
        services.generate(parties.civil_affairs, "minimum_living", MAY, COUNTY)


@pytest.mark.parametrize("fault", ["totals", "unknown card", "unknown line", "duplicate line"])
def test_a_malformed_result_file_is_refused_whole(parties, on_benefit, clock, fault):
    clock.at("2026-03-25")
    payroll = sent(parties)
    lines = [
        [str(line.pk), line.card, f"{line.amount_fen / 100:.2f}", "成功", ""]
        for line in payroll.lines.order_by("id")
    ]
    footer = None
    if fault == "totals":
        footer = ["合计", "3", f"{payroll.total_fen / 100 + 0.01:.2f}"]
    elif fault == "unknown card":
        lines[1][1] = "6217999999999999"
    elif fault == "unknown line":
        lines[2][0] = "999999"
    else:
        lines[2] = lines[1]
    with pytest.raises(ValidationFailed) as caught:
        services.reconcile(
            parties.bank, payroll.pk, result_csv(payroll, rows=lines, footer=footer), "csv"
        )
    assert "nothing was recorded" in caught.value.render("en")
    assert Payroll.objects.get(pk=payroll.pk).state == PayrollState.SENT
    assert set(payroll.lines.values_list("status", flat=True)) == {LineStatus.PENDING}


def test_arrears_for_a_late_approval(staff, parties, on_benefit, clock):
    clock.at("2026-03-25")
    services.generate(parties.civil_affairs, "minimum_living", APRIL, COUNTY)
    late = approve_minimum_living(staff, household_with_card(staff, 4), "2026-03-25")
    assert late.start_month == APRIL  # decided in March, but after April's payroll was made
    clock.at("2026-04-25")
    may = services.generate(parties.civil_affairs, "minimum_living", MAY, COUNTY)
    arrears = may.lines.get(kind="arrears")
    assert (arrears.benefit_id, arrears.pay_month) == (late.pk, APRIL)
    assert may.lines.filter(benefit=late).count() == 2  # April's arrears and May


def test_finance_is_warned_before_the_budget_is_exceeded(parties, on_benefit, clock):
    clock.at("2026-03-25")
    payroll = services.generate(parties.civil_affairs, "minimum_living", APRIL, COUNTY)
    services.set_budget(
        parties.finance,
        "minimum_living",
        2026,
        COUNTY,
        payroll.total_fen - 1,
        reason="2026 年低保预算",
    )
    services.submit(parties.civil_affairs, payroll.pk)
    with pytest.raises(DoudiError) as caught:
        services.approve(parties.finance, payroll.pk)
    assert "0.01" in caught.value.render("en")
    services.approve(parties.finance, payroll.pk, over_budget_reason="追加预算已报批")


def test_the_xlsx_bank_file_matches_the_csv(parties, on_benefit, clock):
    clock.at("2026-03-25")
    payroll = sent(parties)
    book = openpyxl.load_workbook(io.BytesIO(services.bank_file(parties.bank, payroll.pk, "xlsx")))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[-1][:3] == ("合计", "3", f"{payroll.total_fen / 100:.2f}")
    assert len(rows) == 3 + 3  # title, header, three lines, footer
    # The bank's format keeps its text cells; the sheet still freezes the header and sizes.
    assert_laid_out(book.active, header_row=2)


def test_recovery_of_a_month_paid_after_the_stop(staff, parties, on_benefit, clock):
    clock.at("2026-03-25")
    april = sent(parties)
    services.reconcile(parties.bank, april.pk, result_csv(april), "csv")
    stopped = on_benefit[0]
    stopped.end_month = datetime.date(2026, 3, 1)  # as a termination decided late would set it
    stopped.save()
    owed = list(queries.recoveries(parties.civil_affairs, COUNTY))
    assert [(line.benefit_id, line.pay_month) for line in owed] == [(stopped.pk, APRIL)]


def test_those_left_out_of_a_payroll_are_listed(staff, parties, on_benefit, clock):
    clock.at("2026-03-20")
    end_membership(
        staff.handler,
        on_benefit[1].payee_id,
        left_on=datetime.date(2026, 3, 18),
        leave_reason="death",
        death_date=datetime.date(2026, 3, 18),
        reason="死亡",
    )
    left_out = queries.left_out(parties.civil_affairs, "minimum_living", APRIL, COUNTY)
    assert [row.payee_name for row in left_out] == [on_benefit[1].payee.name]
    assert [row.reason_code for row in left_out] == ["died"]


def test_the_report_matches_the_lines_to_the_fen(parties, on_benefit, clock):
    clock.at("2026-03-25")
    april = sent(parties)
    first = april.lines.order_by("id").first()
    services.reconcile(
        parties.bank, april.pk, result_csv(april, failed={first.pk: "户名不符"}), "csv"
    )
    rows = queries.report(queries.lines_of(parties.finance, april.pk))
    assert len(rows) == 1
    row = rows[0]
    assert (row.place, row.people, row.households, row.lines) == ("410821902000", 3, 3, 3)
    assert row.amount_fen == april.total_fen
    assert (row.paid_fen, row.failed_fen) == (april.total_fen - first.amount_fen, first.amount_fen)
    month = queries.report(queries.month_lines(parties.finance, APRIL, COUNTY), place_digits=6)
    assert month[0].amount_fen == april.total_fen and month[0].place == COUNTY


def test_a_stopped_benefit_is_not_paid_after_its_last_month(staff, parties, on_benefit, clock):
    clock.at("2026-04-10")
    stop = open_case(staff, on_benefit[0].household, kind="termination")
    cases.accept(staff.handler, stop.pk)
    investigate(staff, stop, "2026-04-10")
    cases.request_check(staff.handler, stop.pk)
    cases.record_check(staff.county, stop.pk, result="discrepancy", findings="有稳定收入")
    cases.give_opinion(staff.handler, stop.pk, recommends_approval=True, text="拟停保")
    cases.approve(staff.county_colleague, stop.pk, reasons="收入超标")  # paid April, not May
    clock.at("2026-04-25")
    may = services.generate(parties.civil_affairs, "minimum_living", MAY, COUNTY)
    assert may.line_count == 2
    assert on_benefit[0].pk not in set(may.lines.values_list("benefit_id", flat=True))


def _as_xlsx(csv_data: bytes) -> bytes:
    book = openpyxl.Workbook()
    for line in csv_data.decode("utf-8").splitlines():
        book.active.append(line.split(","))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_bank_result_in_xlsx_is_read_under_the_one_size_limit(
    parties, on_benefit, clock, monkeypatch
):
    """The result workbook was once opened with no size limit at all; it now comes through
    ``doudi.spreadsheets`` like the registry's workbook."""
    from doudi import spreadsheets

    clock.at("2026-03-25")
    payroll = sent(parties)
    data = _as_xlsx(result_csv(payroll))
    with pytest.raises(DoudiError) as caught:
        services.reconcile(parties.bank, payroll.pk, b"PK\x03\x04 not really", "xlsx")
    assert caught.value.field == "file" and "not an Excel workbook" in caught.value.render("en")
    monkeypatch.setattr(spreadsheets, "MAX_XLSX_BYTES", len(data) - 1)
    with pytest.raises(DoudiError) as caught:
        services.reconcile(parties.bank, payroll.pk, data, "xlsx")
    assert caught.value.field == "file" and "larger than" in caught.value.render("en")
    assert Payroll.objects.get(pk=payroll.pk).state == PayrollState.SENT
    monkeypatch.setattr(spreadsheets, "MAX_XLSX_BYTES", len(data))
    services.reconcile(parties.bank, payroll.pk, data, "xlsx")
    assert set(payroll.lines.values_list("status", flat=True)) == {LineStatus.PAID}


def test_the_unique_index_is_the_last_guard(parties, on_benefit, clock):
    """Generation skips whoever is paid through the unique index itself; written past it, a
    second first payment of the same person, programme and month is refused by the database,
    and so is a second re-issue of one failed line."""
    from django.db import IntegrityError, transaction

    clock.at("2026-03-25")
    april = services.generate(parties.civil_affairs, "minimum_living", APRIL, COUNTY)
    line = april.lines.order_by("id").first()

    def copy(**changes) -> PayrollLine:
        fields = {f.attname: getattr(line, f.attname) for f in PayrollLine._meta.fields}
        return PayrollLine(**{**fields, "id": None, **changes})

    with pytest.raises(IntegrityError), transaction.atomic():
        copy().save()
    copy(kind=LineKind.REISSUE, reissue_of_id=line.pk).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        copy(kind=LineKind.REISSUE, reissue_of_id=line.pk).save()
    assert PayrollLine.objects.filter(payee_id=line.payee_id).count() == 2


def test_a_payee_of_two_benefits_in_one_statement_is_paid_once(parties, on_benefit, clock):
    """The probe of the guard cannot see a line of its own statement: a payee with two benefits
    of the programme in force (which the cases never make) breaks the unique index, the
    probing insert is undone, and the guard itself skips the second."""
    from doudi.benefits.models import Benefit

    Benefit.objects.filter(pk=on_benefit[1].pk).update(payee_id=on_benefit[0].payee_id)
    clock.at("2026-03-25")
    april = services.generate(parties.civil_affairs, "minimum_living", APRIL, COUNTY)
    assert april.line_count == 2
    assert april.lines.filter(payee_id=on_benefit[0].payee_id).count() == 1
    assert april.total_fen == sum(line.amount_fen for line in april.lines.all())
