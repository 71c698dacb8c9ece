"""doudi.spreadsheets: one way to open an uploaded workbook, one size limit, one refusal."""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from doudi import spreadsheets
from doudi.errors import DoudiError
from doudi.spreadsheets import MAX_XLSX_BYTES, open_workbook, safe_cell, safe_row, sheet_rows
from doudi.tests.crafted import two_million_empty_rows, with_dimension, with_rows_after


def workbook_bytes(*rows: list[object]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_workbook_opens_with_its_values():
    book = open_workbook(workbook_bytes(["行号", "金额（元）"], [1, 12.5]))
    try:
        assert list(book.worksheets[0].iter_rows(values_only=True)) == [
            ("行号", "金额（元）"),
            (1, 12.5),
        ]
    finally:
        book.close()


def _zip_without_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"line,card,amount\n1,6217,12.00\n",  # a CSV saved as .xlsx
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,  # an old .xls (OLE)
        _zip_without_workbook(),
    ],
)
def test_what_is_not_a_workbook_is_refused_in_one_sentence_naming_the_field(data):
    with pytest.raises(DoudiError) as caught:
        open_workbook(data, field="result_file")
    assert caught.value.field == "result_file"
    assert caught.value.render("en") == (
        "The file is not an Excel workbook (.xlsx). Save it as .xlsx and try again."
    )


def test_a_file_over_the_limit_is_refused_before_it_is_read(monkeypatch):
    data = workbook_bytes(["x"] * 50)
    assert MAX_XLSX_BYTES == 20 * 2**20
    monkeypatch.setattr(spreadsheets, "MAX_XLSX_BYTES", len(data) - 1)
    with pytest.raises(DoudiError) as caught:
        open_workbook(data)
    assert caught.value.field == "file" and "larger than" in caught.value.render("en")
    monkeypatch.setattr(spreadsheets, "MAX_XLSX_BYTES", len(data))
    open_workbook(data).close()  # exactly at the limit is taken


# ------------------------------------------------- rows as the file holds them, within limits


def ten_rows() -> bytes:
    return workbook_bytes(
        ["行号", "金额（元）", "结果"], *([n, n * 1.5, "成功"] for n in range(1, 10))
    )


def test_a_sheet_that_under_states_its_dimension_is_read_to_its_last_row():
    crafted = with_dimension(ten_rows(), "A1:C2")
    book = open_workbook(crafted)
    try:
        rows = list(sheet_rows(book.worksheets[0], max_rows=100))
    finally:
        book.close()
    assert [number for number, _values in rows] == list(range(1, 11))
    assert rows[-1][1] == (9, 13.5, "成功")


def test_two_million_empty_rows_are_refused_at_the_row_limit_naming_it():
    crafted = two_million_empty_rows(ten_rows())
    assert len(crafted) < 400_000  # small on the wire, two million rows inside
    book = open_workbook(crafted)
    try:
        with pytest.raises(DoudiError) as caught:
            for _row in sheet_rows(book.worksheets[0], max_rows=1_000, field="result_file"):
                pass
    finally:
        book.close()
    assert caught.value.field == "result_file"
    assert caught.value.render("en") == (
        "Sheet “Sheet” goes on past row 1000 (empty rows count too); delete the rows below "
        "the data or split the file into several."
    )
    assert "1000" in caught.value.render("zh-hans")


def test_one_row_far_below_the_data_is_refused_without_reading_the_gap():
    crafted = with_rows_after(ten_rows(), '<row r="1048576"><c r="A1048576"><v>1</v></c></row>')
    book = open_workbook(crafted)
    try:
        numbers = []
        with pytest.raises(DoudiError):
            for number, _values in sheet_rows(book.worksheets[0], max_rows=20):
                numbers.append(number)
    finally:
        book.close()
    assert numbers == list(range(1, 21))  # the empty rows of the gap count as rows


def test_the_row_limit_never_exceeds_the_setting(settings):
    settings.IMPORT_MAX_ROWS = 5
    book = open_workbook(ten_rows())
    try:
        with pytest.raises(DoudiError) as caught:
            list(sheet_rows(book.worksheets[0], max_rows=1_000))
    finally:
        book.close()
    assert "past row 5 " in caught.value.render("en")


def test_cells_are_capped_by_the_setting(settings):
    settings.IMPORT_MAX_CELLS = 30  # ten rows of three cells
    book = open_workbook(ten_rows())
    assert len(list(sheet_rows(book.worksheets[0], max_rows=100))) == 10
    book.close()
    settings.IMPORT_MAX_CELLS = 29
    book = open_workbook(ten_rows())
    try:
        with pytest.raises(DoudiError) as caught:
            list(sheet_rows(book.worksheets[0], max_rows=100))
    finally:
        book.close()
    assert caught.value.render("en") == (
        "Sheet “Sheet” has more than 29 cells; split the file into several."
    )


def test_a_cell_far_to_the_right_counts_every_cell_before_it(settings):
    settings.IMPORT_MAX_CELLS = 10_000
    crafted = with_rows_after(ten_rows(), '<row r="11"><c r="XFD11"><v>1</v></c></row>')
    book = open_workbook(crafted)
    try:
        with pytest.raises(DoudiError) as caught:
            list(sheet_rows(book.worksheets[0], max_rows=100, width=3))
    finally:
        book.close()
    assert "more than 10000 cells" in caught.value.render("en")


def test_a_file_that_unpacks_to_too_much_is_refused_before_it_is_parsed(monkeypatch):
    crafted = two_million_empty_rows(ten_rows())
    monkeypatch.setattr(spreadsheets, "MAX_XLSX_UNPACKED_BYTES", 1_000_000)
    with pytest.raises(DoudiError) as caught:
        open_workbook(crafted)
    assert caught.value.field == "file" and "unpacks to more than" in caught.value.render("en")


# -------------------------------------------------------------- values safe for a spreadsheet


@pytest.mark.parametrize(
    "typed",
    [
        '=HYPERLINK("http://x","y")',
        "+1+1",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1",
        "\r=1",
    ],
)
def test_text_a_spreadsheet_would_run_is_neutralised(typed):
    assert safe_cell(typed) == "'" + typed


@pytest.mark.parametrize(
    "value",
    ["张三", "示例一村 3 组", "", None, -12, -0.5, Decimal("-1.20"), 0, datetime.date(2026, 1, 1)],
)
def test_other_values_and_numbers_negative_ones_too_stay_as_they_are(value):
    assert safe_cell(value) == value
    assert safe_row([value, "=1"]) == [value, "'=1"]


def test_a_neutralised_value_is_written_to_xlsx_as_text_not_a_formula():
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("x")
    sheet.append(safe_row(['=HYPERLINK("http://x","y")', -3]))
    out = io.BytesIO()
    book.save(out)
    read = openpyxl.load_workbook(io.BytesIO(out.getvalue()))  # not data_only: formulas show
    cell, number = read["x"]["A1"], read["x"]["B1"]
    assert cell.data_type == "s" and cell.value == '\'=HYPERLINK("http://x","y")'
    assert number.value == -3 and number.data_type == "n"


# ------------------------------------------------------------------------ writing a workbook


def test_a_table_freezes_its_header_sizes_its_columns_and_keeps_numbers_numbers():
    from doudi.spreadsheets import CellKind, Column, add_table, new_workbook, workbook_bytes
    from doudi.tests.layout import assert_count, assert_laid_out, assert_money

    columns = [
        Column("姓名"),
        Column("区划代码", CellKind.CODE),
        Column("人数", CellKind.NUMBER),
        Column("金额（元）", CellKind.MONEY),
        Column("日期", CellKind.DATE),
        Column("电话", CellKind.PHONE),
        Column("身份证号", CellKind.ID_NUMBER),
        Column("备注"),
    ]
    book = new_workbook()
    rows = [
        ["=HYPERLINK(1)", "410821902001", 3, 123456, datetime.date(2026, 3, 2), "13812345678"],
        ["王五" * 40, "410821902002", 1, 5, "出生时", "", "410821197001010011", None],
        ["合计", "", 4, 123461],
    ]
    add_table(book, "表", columns, rows, above=["2026年3月"])
    sheet = openpyxl.load_workbook(io.BytesIO(workbook_bytes(book)))["表"]
    assert_laid_out(sheet, header_row=2)
    assert [cell.value for cell in sheet[2]] == [column.header for column in columns]
    assert sheet["A3"].value == "'=HYPERLINK(1)"  # text typed by people stays text
    assert (sheet["B3"].data_type, sheet["B3"].number_format) == ("s", "@")  # every digit kept
    assert_count(sheet["C3"])
    assert_money(sheet["D3"])
    assert sheet["D3"].value == 1234.56 and sheet["D5"].value == 1234.61
    assert sheet["E3"].is_date and sheet["E3"].number_format == "yyyy-mm-dd"
    assert sheet["E4"].value == "出生时"
    assert sheet["F3"].value == "138****5678" and sheet["F4"].value is None
    assert sheet["G4"].value == "4108*************1"
    assert sheet.column_dimensions["A"].width == 50  # capped
    assert sheet.column_dimensions["D"].width == len("1,234.56") + 4  # the header's 10 + 2


def test_a_phone_number_keeps_its_first_three_and_last_four_digits():
    from doudi.identity.numbers import mask_phone

    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0391-1234567") == "039*****4567"
    assert mask_phone("123") == "***"
