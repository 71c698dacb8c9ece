"""Uploaded and generated spreadsheets: one way in, one way out.

Every uploaded Excel workbook (.xlsx) is opened by ``open_workbook`` and its rows read by
``sheet_rows``: one size limit, one refusal for a file that is not a workbook, and limits on rows
and cells that hold whatever the file claims about itself. Every file Doudi writes for people to
open in Excel or a bank's system passes its values through ``safe_cell``, so that text typed by
someone (a name, an address) is never run as a formula by the reader's spreadsheet.

Every workbook Doudi writes is laid out by ``add_table``: the header row frozen, columns as wide
as their content (capped), amounts in 元 as numbers shown ``#,##0.00``, counts as whole numbers,
dates as dates, division codes as text (so no digit is lost), phone and ID numbers masked.
"""

from __future__ import annotations

import datetime
import io
import itertools
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

import openpyxl
from django.conf import settings
from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook

from doudi.errors import DoudiError
from doudi.identity.numbers import mask, mask_phone
from doudi.money import fen_to_decimal

# 20 MB holds the template's 20,000 members with their facts, and a county's bank result file of
# well over 100,000 lines (about 30 bytes a line, compressed); a larger file is split.
MAX_XLSX_BYTES = 20 * 1024 * 1024
# What the parts of a workbook may hold once unpacked. Real workbooks compress about ten times;
# a file that unpacks to far more (a "zip bomb") is refused before any part is parsed.
MAX_XLSX_UNPACKED_BYTES = 25 * MAX_XLSX_BYTES
# Rows an import may leave empty between or below its data on top of the rows it may hold.
EMPTY_ROWS_ALLOWED = 1_000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A spreadsheet reads a cell beginning with one of these as a formula (or, from CSV, as the
# start of one): OWASP's list for CSV injection.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

NOT_A_WORKBOOK = _("The file is not an Excel workbook (.xlsx). Save it as .xlsx and try again.")


def open_workbook(data: bytes, *, field: str = "file") -> Workbook:
    """The workbook in ``data``, read-only with cell values (not formulas); the caller closes
    it. Refuses, naming ``field``, a file over ``MAX_XLSX_BYTES``, one that unpacks to more than
    ``MAX_XLSX_UNPACKED_BYTES`` or one that is not .xlsx.

    Each sheet's ``<dimension>`` (the size the file claims) is forgotten, so its rows are read
    as they are in the file: a file that under-states it is not imported in part. Read the rows
    with ``sheet_rows``, which stops at the limits."""
    if len(data) > MAX_XLSX_BYTES:
        raise DoudiError(
            _("The file is larger than %(max)d MB; split it into several files."),
            field=field,
            max=MAX_XLSX_BYTES // 2**20,
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_XLSX_UNPACKED_BYTES:
            raise DoudiError(
                _("The file unpacks to more than %(max)d MB; split it into several files."),
                field=field,
                max=MAX_XLSX_UNPACKED_BYTES // 2**20,
            )
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    # What openpyxl raises for bytes that are not a workbook: not a zip, a zip without the
    # workbook's parts, parts that are not its XML.
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, SyntaxError):
        raise DoudiError(NOT_A_WORKBOOK, field=field) from None
    for sheet in book.worksheets:
        sheet.reset_dimensions()
    return book


def row_limit(rows: int) -> int:
    """The last row number a sheet (or CSV file) may reach: ``rows`` wanted, never more than
    ``settings.IMPORT_MAX_ROWS``."""
    return min(rows, settings.IMPORT_MAX_ROWS)


def too_many_rows(limit: int, *, field: str = "file", sheet: str = "") -> DoudiError:
    return DoudiError(
        _(
            "Sheet “%(sheet)s” goes on past row %(max)d (empty rows count too); delete the "
            "rows below the data or split the file into several."
        )
        if sheet
        else _(
            "The file goes on past row %(max)d (empty rows count too); delete the rows below "
            "the data or split the file into several."
        ),
        field=field,
        sheet=sheet,
        max=limit,
    )


def sheet_rows(
    sheet: Any,
    *,
    max_rows: int,
    min_row: int = 1,
    width: int | None = None,
    field: str = "file",
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """Every row of a sheet opened by ``open_workbook``, numbered as Excel numbers them, from
    ``min_row`` on, cut to ``width`` cells if given.

    Stops with a refusal naming the limit at a row numbered past ``row_limit(max_rows)`` — empty
    rows count, since they cost as much to read, so a small file of two million empty rows is
    refused at once rather than read for half a minute — and after
    ``settings.IMPORT_MAX_CELLS`` cells (counted up to each row's last cell)."""
    limit = row_limit(max_rows)
    max_cells = settings.IMPORT_MAX_CELLS
    cells = 0
    try:
        for number, values in enumerate(
            sheet.iter_rows(min_row=min_row, values_only=True), min_row
        ):
            if number > limit:
                raise too_many_rows(limit, field=field, sheet=sheet.title)
            cells += len(values)
            if cells > max_cells:
                raise DoudiError(
                    _(
                        "Sheet “%(sheet)s” has more than %(max)d cells; "
                        "split the file into several."
                    ),
                    field=field,
                    sheet=sheet.title,
                    max=max_cells,
                )
            yield number, values[:width] if width is not None else values
    # A part that breaks off or is not XML shows only once it is read.
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, SyntaxError):
        raise DoudiError(NOT_A_WORKBOOK, field=field) from None


def safe_cell(value: Any) -> Any:
    """``value`` as it may go into a file for Excel or a bank's system: text that a
    spreadsheet would run as a formula (``=HYPERLINK(…)``, ``+1``, ``@SUM(…)``, ``-2+3``) gets a
    leading apostrophe, so it shows as the text it is. Only text is touched: numbers (negative
    ones too), dates and blanks stay what they are."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """A row for ``csv.writer.writerow`` or an openpyxl sheet's ``append``, each cell safe."""
    return [safe_cell(value) for value in values]


# ------------------------------------------------------------------------ writing a workbook


class CellKind(StrEnum):
    """What a column holds, and so how its cells are written."""

    TEXT = "text"  # typed by people: made safe by ``safe_cell``
    CODE = "code"  # a division code, a file or card number: text, every digit kept
    NUMBER = "number"  # a count or a row number: a whole number
    MONEY = "money"  # integer fen in, a number of 元 out, shown #,##0.00
    DATE = "date"  # a date, shown yyyy-mm-dd; text (出生时) stays text
    PHONE = "phone"  # masked: 138****5678
    ID_NUMBER = "id_number"  # masked as everywhere: 4108*************X


@dataclass(frozen=True)
class Column:
    header: str
    kind: CellKind = CellKind.TEXT


MONEY_FORMAT = "#,##0.00"
NUMBER_FORMAT = "0"
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
FORMATS = {
    CellKind.MONEY: MONEY_FORMAT,
    CellKind.NUMBER: NUMBER_FORMAT,
    CellKind.DATE: DATE_FORMAT,
    CellKind.CODE: TEXT_FORMAT,
}
# Widths in Excel's units (about one Latin character; a Chinese one takes two). The widths come
# from the header and the first rows: a streamed export cannot look further before writing.
MAX_COLUMN_WIDTH = 50
MIN_COLUMN_WIDTH = 6
WIDTH_SAMPLE_ROWS = 500
BOLD = Font(bold=True)


def new_workbook() -> Workbook:
    """A workbook written row by row (write-only), so a large export is never held whole."""
    return openpyxl.Workbook(write_only=True)


def workbook_bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_value(kind: CellKind, value: Any) -> Any:
    """``value`` as the cell of a ``kind`` column holds it."""
    if value is None or value == "":
        return None
    if isinstance(value, Promise):
        value = str(value)
    if kind == CellKind.MONEY and isinstance(value, int):
        return fen_to_decimal(value)
    if kind == CellKind.PHONE:
        return mask_phone(str(value))
    if kind == CellKind.ID_NUMBER:
        return mask(str(value))
    if kind == CellKind.CODE:
        return safe_cell(str(value))
    return safe_cell(value)


def _shown(value: Any) -> str:
    if isinstance(value, datetime.date):
        return "0000-00-00"
    if isinstance(value, float | int | Decimal) and not isinstance(value, bool):
        return f"{value:,.2f}"
    return "" if value is None else str(value)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def column_widths(columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> list[int]:
    """Each column as wide as its widest header or cell (plus a margin), within the caps."""
    widths = [_width(column.header) for column in columns]
    for row in rows:
        for index, value in enumerate(row[: len(columns)]):
            widths[index] = max(widths[index], _width(_shown(value)))
    return [min(max(width + 2, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH) for width in widths]


def _cell(sheet: Any, kind: CellKind, value: Any, *, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value)
    if bold:
        cell.font = BOLD
    # A DATE column's text (出生时) is no date: it keeps the general format.
    dated = kind != CellKind.DATE or isinstance(value, datetime.date)
    if value is not None and kind in FORMATS and dated:
        cell.number_format = FORMATS[kind]
    return cell


def add_table(
    book: Workbook,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    above: Sequence[Any] = (),
) -> None:
    """A sheet ``title`` of ``book`` (from ``new_workbook``): the row ``above`` (a caption,
    if any), the header, then ``rows`` — one value per column, in the column's terms (money in
    fen) — and the header frozen in view. A row may be shorter than the columns (a footer)."""
    sheet = book.create_sheet(str(title))
    converted = (
        [export_value(column.kind, value) for column, value in zip(columns, row, strict=False)]
        for row in rows
    )
    sample = list(itertools.islice(converted, WIDTH_SAMPLE_ROWS))
    for index, width in enumerate(column_widths(columns, sample), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{3 if above else 2}"
    if above:
        sheet.append([_cell(sheet, CellKind.TEXT, safe_cell(value), bold=True) for value in above])
    sheet.append([_cell(sheet, CellKind.TEXT, str(column.header), bold=True) for column in columns])
    kinds = [column.kind for column in columns]
    for row in itertools.chain(sample, converted):
        sheet.append([_cell(sheet, kind, value) for kind, value in zip(kinds, row, strict=False)])


def xlsx_response(data: bytes, name: str) -> HttpResponse:
    """The workbook ``data`` as a download named ``name`` (ASCII: no name or code of a person)."""
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
