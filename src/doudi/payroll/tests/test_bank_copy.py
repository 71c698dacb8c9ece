"""The bank's files by COPY on PostgreSQL: the payment file byte for byte the writer's, and a
result file recorded in bulk only when the exact reader would record it the same way."""

from __future__ import annotations

import pytest
from django.db import connection

from doudi.errors import DoudiError, ValidationFailed
from doudi.payroll import bank_copy, bank_files, services
from doudi.payroll.models import LineKind, LineStatus, Payroll, PayrollState
from doudi.payroll.tests.test_payroll import APRIL, COUNTY, result_csv, sent

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's"),
]


def approved(parties) -> Payroll:
    payroll = services.generate(parties.civil_affairs, "minimum_living", APRIL, COUNTY)
    services.submit(parties.civil_affairs, payroll.pk)
    return services.approve(parties.finance, payroll.pk)


def written(payroll: Payroll) -> bytes:
    """The file as the row-by-row writer writes it."""
    lines = payroll.lines.order_by("id").values_list(
        "id", "payee_name", "card", "amount_fen", "pay_month", "kind"
    )
    return bank_files.write(bank_files.payment_rows(payroll, lines), "csv")


@pytest.mark.parametrize(
    "names",
    [
        ("户主一", "户主二", "户主三"),
        ('=HYPERLINK("http://x")', "-1+2", "@SUM(A1)"),
        ("张,三", 'say "hi"', ""),
        (" 李四 ", "+86", "王\t五"),
    ],
)
def test_the_copied_payment_file_is_the_writers_byte_for_byte(parties, on_benefit, clock, names):
    clock.at("2026-03-25")
    payroll = approved(parties)
    lines = list(payroll.lines.order_by("id"))
    for line, name, kind in zip(
        lines, names, (LineKind.REGULAR, LineKind.ARREARS, LineKind.REGULAR), strict=True
    ):
        line.payee_name, line.kind = name, kind
        line.save(update_fields=["payee_name", "kind"])
    lines[2].card = "=6217"
    lines[2].save(update_fields=["card"])
    copied = bank_copy.payment_file(payroll)
    assert copied is not None
    assert copied == written(payroll)
    assert services.bank_file(parties.bank, payroll.pk, "csv") == copied


def test_a_line_break_in_a_name_leaves_the_file_to_the_writer(parties, on_benefit, clock):
    clock.at("2026-03-25")
    payroll = approved(parties)
    payroll.lines.filter(pk=payroll.lines.order_by("id")[0].pk).update(payee_name="王\n五")
    assert bank_copy.payment_file(payroll) is None
    assert services.bank_file(parties.bank, payroll.pk, "csv") == written(payroll)


def test_a_clean_result_is_recorded_in_bulk(parties, on_benefit, clock):
    clock.at("2026-03-25")
    payroll = sent(parties)
    first = payroll.lines.order_by("id").first()
    data = result_csv(payroll, failed={first.pk: " 卡已挂失 "}).replace(b"\n", b"\r\n") + b"\r\n"
    assert bank_copy.record_result(payroll, data) == (first.amount_fen, 1)
    first.refresh_from_db()
    assert (first.status, first.bank_reason) == (LineStatus.FAILED, "卡已挂失")
    assert {line.status for line in payroll.lines.exclude(pk=first.pk)} == {LineStatus.PAID}
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('pg_temp.bank_result_rows')")
        assert cursor.fetchone() == (None,)


@pytest.mark.parametrize(
    ("reason", "recorded"),
    [("账户 冻结", "账户 冻结"), ("账户冻结\u3000", "账户冻结"), ("\t账户冻结", "账户冻结")],
)
def test_a_cell_is_trimmed_only_at_its_edges(parties, on_benefit, clock, reason, recorded):
    clock.at("2026-03-25")
    payroll = sent(parties)
    first = payroll.lines.order_by("id").first()
    data = result_csv(payroll, failed={first.pk: reason})
    assert bank_copy.record_result(payroll, data) == (first.amount_fen, 1)
    first.refresh_from_db()
    assert first.bank_reason == recorded


def _rows(payroll: Payroll) -> list[list[str]]:
    return [
        [str(line.pk), line.card, f"{line.amount_fen / 100:.2f}", "成功", ""]
        for line in payroll.lines.order_by("id")
    ]


FAULTS = {
    "unknown line": lambda rows: rows[0].__setitem__(0, "999999"),
    "duplicate line": lambda rows: rows.__setitem__(2, list(rows[1])),
    "wrong card": lambda rows: rows[1].__setitem__(1, "6217999999999999"),
    "wrong amount": lambda rows: rows[1].__setitem__(2, "1.00"),
    "bad line number": lambda rows: rows[1].__setitem__(0, "第二行"),
    "bad status": lambda rows: rows[1].__setitem__(3, "不知道"),
    "failed without reason": lambda rows: rows[1].__setitem__(3, "失败"),
    "bad amount": lambda rows: rows[1].__setitem__(2, "三百"),
    "short row": lambda rows: rows[1].pop(),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_a_faulty_result_is_left_to_the_exact_reader_and_changes_nothing(
    parties, on_benefit, clock, fault
):
    clock.at("2026-03-25")
    payroll = sent(parties)
    rows = _rows(payroll)
    FAULTS[fault](rows)
    data = result_csv(payroll, rows=rows)
    assert bank_copy.record_result(payroll, data) is None
    if fault == "short row":  # the exact reader takes a row without its empty last cell
        assert services.reconcile(parties.bank, payroll.pk, data, "csv").failed_fen == 0
        return
    with pytest.raises(ValidationFailed) as caught:
        services.reconcile(parties.bank, payroll.pk, data, "csv")
    assert any(problem.row for problem in caught.value.problems)
    assert Payroll.objects.get(pk=payroll.pk).state == PayrollState.SENT
    assert set(payroll.lines.values_list("status", flat=True)) == {LineStatus.PENDING}


@pytest.mark.parametrize(
    "data",
    [
        lambda text: text.replace(",成功,", ',"成功",', 1),  # a quoted cell
        lambda text: text.replace("\n", "\n\n", 2),  # an empty row
        lambda text: text.replace("00,成功", "0,成功", 1),  # 377.0 yuan, not "377.00"
        lambda text: text.replace("\n", "\n00", 1),  # line 0042, not 42
    ],
)
def test_a_result_the_bulk_path_does_not_read_is_recorded_by_the_exact_reader(
    parties, on_benefit, clock, data
):
    clock.at("2026-03-25")
    payroll = sent(parties)
    shaped = data(result_csv(payroll).decode()).encode()
    assert bank_copy.record_result(payroll, shaped) is None
    services.reconcile(parties.bank, payroll.pk, shaped, "csv")
    assert set(payroll.lines.values_list("status", flat=True)) == {LineStatus.PAID}


def test_a_footer_that_does_not_add_up_is_refused_by_the_exact_reader(parties, on_benefit, clock):
    clock.at("2026-03-25")
    payroll = sent(parties)
    data = result_csv(payroll, footer=["合计", str(payroll.line_count), "1.00"])
    assert bank_copy.record_result(payroll, data) is None
    with pytest.raises(DoudiError):
        services.reconcile(parties.bank, payroll.pk, data, "csv")
    assert set(payroll.lines.values_list("status", flat=True)) == {LineStatus.PENDING}


def test_the_result_rewrites_no_index(parties, on_benefit, clock):
    """Half of each page of lines is left free and no index holds the status or the bank's
    reason: recording the result updates every line in place (HOT), no index written."""
    clock.at("2026-03-25")
    payroll = sent(parties)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'payroll_payrollline'")
        assert cursor.fetchone()[0] == ["fillfactor=50"]
        services.reconcile(parties.bank, payroll.pk, result_csv(payroll), "csv")
        cursor.execute(
            "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables "
            "WHERE relname = 'payroll_payrollline'"
        )
        assert cursor.fetchone() == (payroll.line_count, payroll.line_count)
