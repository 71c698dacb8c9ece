"""doudi.spreadsheets: one way to open an uploaded workbook, one size limit, one refusal."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from doudi import spreadsheets
from doudi.errors import DoudiError
from doudi.spreadsheets import MAX_XLSX_BYTES, open_workbook


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
