"""Reading a department's delivery (CSV, Excel or Parquet) into its snapshot table, all or nothing.

The file's cells become strings first, whatever the format; each column is then read by its
contract type with Arrow's compute functions, a column at a time, so that a file of a million
rows takes seconds. Every faulty cell is collected before the delivery is refused, so one pass
shows the department everything to correct. No ID number in clear leaves this module: the
snapshot keeps only its keyed hash.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from doudi.errors import CellError, DoudiError, ValidationFailed
from doudi.jobs.progress import report
from doudi.sources import identity
from doudi.sources.contracts import YYYYMMDD, Column, Contract, Kind
from doudi.spreadsheets import open_workbook, sheet_rows

REFUSED = _("The delivery was refused: %(count)d problems found; nothing was stored.")
HEADER_ROW = 1
# A value quoted in a message is cut here: enough to recognise it, not a whole address.
QUOTED_LENGTH = 40
FORMS = {YYYYMMDD: "YYYYMMDD", "%Y-%m-%d": "YYYY-MM-DD"}
# What a background job's page shows while a delivery is read (doudi.jobs.progress).
OPENING = _("Opening the file")
READING_ROWS = _("Reading the rows")
CHECKING_COLUMNS = _("Checking the cells, column by column")
# A reader that goes row by row says how far it is every this many rows.
REPORT_EVERY_ROWS = 10_000


@dataclass(frozen=True)
class Reading:
    """A delivery read: the snapshot table and what the Delivery row records of it."""

    table: pa.Table
    rows: int
    rows_without_valid_id: int
    data_date: datetime.date | None  # the latest date of the contract's date field


@dataclass
class _Cells:
    """The file as strings: its header, each column's cells and each row's line in the file."""

    headers: list[str]
    columns: dict[str, pa.Array]  # header → string cells (null when empty)
    lines: pa.Array  # int32, header = 1


def read_delivery(contract: Contract, data: bytes, filename: str) -> Reading:
    """The snapshot of ``data``; raises ValidationFailed listing every fault, or reads it all."""
    report(0, None, OPENING)
    cells, problems = _cells(contract, data, filename)
    if cells is None:
        raise ValidationFailed(REFUSED, problems=problems, count=len(problems))
    problems += _header_problems(contract, cells.headers)
    if problems:
        raise ValidationFailed(REFUSED, problems=problems, count=len(problems))
    table, problems = _convert(contract, cells, problems)
    if problems:
        problems = sorted(problems, key=_order(contract))
        raise ValidationFailed(REFUSED, problems=problems, count=len(problems))
    data_date = None
    if contract.date_field and table.num_rows:
        data_date = pc.max(table[contract.date_field]).as_py()
    return Reading(
        table=table,
        rows=table.num_rows,
        rows_without_valid_id=table.num_rows - pc.sum(table["id_valid"]).as_py()
        if table.num_rows
        else 0,
        data_date=data_date,
    )


def _order(contract: Contract):
    positions = {header: index for index, header in enumerate(contract.headers)}

    def key(problem: DoudiError) -> tuple[int, int]:
        if isinstance(problem, CellError):
            return problem.row, positions.get(problem.column, len(positions))
        return 0, 0

    return key


# Reading each format into strings


def _cells(contract: Contract, data: bytes, filename: str) -> tuple[_Cells | None, list]:
    suffix = PurePath(filename).suffix.lower()
    try:
        if suffix in {".csv", ".txt"}:
            return _csv_cells(data), []
        if suffix == ".xlsx":
            return _xlsx_cells(contract, data), []
        if suffix == ".parquet":
            return _parquet_cells(contract, data), []
    except DoudiError as error:
        return None, [error]
    return None, [
        DoudiError(
            _("Files of type “%(suffix)s” are not read; deliver .csv, .xlsx or .parquet."),
            field="file",
            suffix=suffix or filename,
        )
    ]


def _not_csv() -> DoudiError:
    return DoudiError(
        _("The file is not a CSV text file: it holds binary data. Export the table as CSV."),
        field="file",
    )


def _decode(data: bytes) -> str:
    # A NUL byte never occurs in a text export; an Excel or Parquet file renamed .csv has many.
    if b"\x00" in data or data.startswith((b"PK\x03\x04", b"PAR1")):
        raise _not_csv()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older systems export in the national encoding (GBK and its superset GB18030).
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise DoudiError(
                _("The file is neither UTF-8 nor GB18030 text; export it as UTF-8 CSV."),
                field="file",
            ) from None
    return text.removeprefix("\ufeff")


def _csv_cells(data: bytes) -> _Cells:
    text = _decode(data)
    return _arrow_csv_cells(text) or _python_csv_cells(text)


def _arrow_csv_cells(text: str) -> _Cells | None:
    """Arrow's parser, ten times faster than Python's, for the usual file: one record a line,
    every line as wide as the header. None for anything else (a blank line, a cell spanning
    lines, a short line), which Python's parser then reads line by line to name each fault."""
    first_line = text.split("\n", 1)[0]
    headers = next(csv.reader([first_line]), [])
    if not headers or len(set(headers)) != len(headers) or any(h != h.strip() for h in headers):
        return None
    try:
        table = pacsv.read_csv(
            pa.BufferReader(text.encode()),
            parse_options=pacsv.ParseOptions(newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                column_types={header: pa.string() for header in headers},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowException:
        return None
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if table.column_names != headers or lines != table.num_rows + HEADER_ROW:
        return None  # some line was skipped or joined: the line numbers would be wrong
    report(table.num_rows, table.num_rows, READING_ROWS)
    columns = {header: _strings(table[header].combine_chunks()) for header in headers}
    first_row = HEADER_ROW + 1
    return _Cells(
        headers, columns, pa.array(range(first_row, first_row + table.num_rows), pa.int32())
    )


def _python_csv_cells(text: str) -> _Cells:
    reader = csv.reader(io.StringIO(text, newline=""))
    lines_in_file = text.count("\n") + (0 if text.endswith("\n") else 1)
    headers: list[str] | None = None
    records: list[list[str]] = []
    lines: list[int] = []
    last_line = 0
    try:
        for record in reader:
            line = last_line + 1  # a quoted cell may span lines: the record starts here
            last_line = reader.line_num
            if not "".join(record).strip():
                continue
            if headers is None:
                if line != HEADER_ROW:
                    raise _no_header()
                headers = [cell.strip() for cell in record]
                continue
            records.append(record)
            lines.append(line)
            if len(records) % REPORT_EVERY_ROWS == 0:
                report(line, lines_in_file, READING_ROWS)
    except csv.Error:
        raise _not_csv() from None
    if headers is None:
        raise _no_header()
    return _from_records(headers, records, lines)


def _no_header() -> DoudiError:
    return DoudiError(
        _("The file does not begin with its header row of column names on line 1."),
        field="file",
    )


def _from_records(headers: list[str], records: list[list], lines: list[int]) -> _Cells:
    width = len(headers)
    columns = {
        header: _strings([record[index] if index < len(record) else None for record in records])
        for index, header in enumerate(headers)
    }
    widths = pa.array([len(record) for record in records], pa.int32())
    cells = _Cells(headers, columns, pa.array(lines, pa.int32()))
    # Remembered for the fault of a line with more or fewer cells than the header.
    cells.columns[_WIDTH] = pc.if_else(pc.equal(widths, width), None, widths)
    return cells


_WIDTH = "\x00width"  # not a header any file can have: _decode refuses NUL


def _strings(values: Iterable[str | None] | pa.Array) -> pa.Array:
    """Trimmed strings, an empty cell as null."""
    if not isinstance(values, pa.Array):
        values = pa.array(values, pa.string())
    array = pc.utf8_trim_whitespace(values)
    return pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array)


def _xlsx_cells(contract: Contract, data: bytes) -> _Cells:
    book = open_workbook(data)
    try:
        rows = iter(sheet_rows(book.worksheets[0], max_rows=settings.IMPORT_MAX_ROWS))
        headers: list[str] | None = None
        records: list[list] = []
        lines: list[int] = []
        for number, values in rows:
            if all(value is None or str(value).strip() == "" for value in values):
                continue
            if headers is None:
                if number != HEADER_ROW:
                    raise _no_header()
                headers = [str(value).strip() if value is not None else "" for value in values]
                while headers and not headers[-1]:
                    headers.pop()
                continue
            records.append(list(values[: len(headers)]))
            lines.append(number)
            if len(records) % REPORT_EVERY_ROWS == 0:
                report(number, None, READING_ROWS)  # a sheet's true length is known at its end
    finally:
        book.close()
    if headers is None:
        raise _no_header()
    by_header = {column.header: column for column in contract.columns}
    records = [
        [_xlsx_text(value, by_header.get(headers[index])) for index, value in enumerate(record)]
        for record in records
    ]
    cells = _from_records(headers, records, lines)
    del cells.columns[_WIDTH]  # a sheet's short row is only empty cells at its end
    return cells


def _xlsx_text(value: object, column: Column | None) -> str | None:
    """A cell as the department's CSV would have it: a date in the column's form."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime | datetime.date):
        if column is not None and column.kind == Kind.MONTH:
            return value.strftime("%Y%m")
        return value.strftime(column.date_format if column is not None else "%Y-%m-%d")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _parquet_cells(contract: Contract, data: bytes) -> _Cells:
    if not data.startswith(b"PAR1"):
        raise _not_parquet()
    try:
        table = pq.read_table(pa.BufferReader(data))
    except (pa.ArrowException, OSError):
        raise _not_parquet() from None
    by_header = {column.header: column for column in contract.columns}
    columns = {}
    for header in table.column_names:
        values = table[header].combine_chunks()
        column = by_header.get(header)
        if pa.types.is_date(values.type) or pa.types.is_timestamp(values.type):
            form = column.date_format if column is not None else "%Y-%m-%d"
            if column is not None and column.kind == Kind.MONTH:
                form = "%Y%m"
            values = pc.strftime(values, format=form)
        columns[header] = _strings(pc.cast(values, pa.string()).to_pylist())
    lines = pa.array(range(HEADER_ROW + 1, HEADER_ROW + 1 + table.num_rows), pa.int32())
    return _Cells(list(table.column_names), columns, lines)


def _not_parquet() -> DoudiError:
    return DoudiError(_("The file is not a Parquet file."), field="file")


# The header


def _header_problems(contract: Contract, headers: list[str]) -> list[CellError]:
    problems = []
    seen: set[str] = set()
    expected = set(contract.headers)
    for header in headers:
        if header in seen:
            problems.append(
                CellError(_("this column appears more than once."), row=HEADER_ROW, column=header)
            )
        elif header not in expected:
            problems.append(
                CellError(
                    _("this column is not in contract version %(version)d of this source."),
                    row=HEADER_ROW,
                    column=header,
                    version=contract.version,
                )
            )
        seen.add(header)
    problems += [
        CellError(
            _("this column is missing (contract version %(version)d names it)."),
            row=HEADER_ROW,
            column=header,
            version=contract.version,
        )
        for header in contract.headers
        if header not in seen
    ]
    return problems


# The cells


def _convert(contract: Contract, cells: _Cells, problems: list) -> tuple[pa.Table, list]:
    lines = cells.lines
    problems += _width_problems(contract, cells)
    fields: dict[str, pa.Array] = {}
    for checked, column in enumerate(contract.columns):
        report(checked, len(contract.columns), CHECKING_COLUMNS)
        raw = cells.columns[column.header]
        if column.required:
            problems += _cell_errors(
                pc.is_null(raw), raw, lines, column, _("this cell is required but empty.")
            )
        if column.kind == Kind.ID_NUMBER:
            fields.update(identity.read_id_numbers(raw))
            continue
        values, message, params = READERS[column.kind](raw, column)
        if message is not None:
            bad = pc.and_(pc.is_valid(raw), pc.is_null(values))
            problems += _cell_errors(bad, raw, lines, column, message, **params)
        if column.field == "place_code":  # the county: the first six digits of the place
            values = pc.utf8_slice_codeunits(values, 0, 6)
        fields[column.field] = values
    problems += _duplicate_problems(contract, fields, lines)
    return _snapshot(contract, fields, lines), problems


def _width_problems(contract: Contract, cells: _Cells) -> list[CellError]:
    widths = cells.columns.get(_WIDTH)
    if widths is None:
        return []
    last = cells.headers[-1]
    return [
        CellError(
            _("the line has %(found)d cells where the header has %(expected)d."),
            row=line,
            column=last,
            found=found,
            expected=len(cells.headers),
        )
        for line, found in _where(pc.is_valid(widths), cells.lines, widths)
    ]


def _where(mask: pa.Array, lines: pa.Array, values: pa.Array) -> list[tuple[int, object]]:
    indices = pc.indices_nonzero(pc.fill_null(mask, False))
    return list(
        zip(pc.take(lines, indices).to_pylist(), pc.take(values, indices).to_pylist(), strict=True)
    )


def _cell_errors(mask, raw, lines, column: Column, message, **params) -> list[CellError]:
    return [
        CellError(message, row=line, column=column.header, value=_quoted(value), **params)
        for line, value in _where(mask, lines, raw)
    ]


def _quoted(value: str | None) -> str:
    if value is None:
        return ""
    return value if len(value) <= QUOTED_LENGTH else value[:QUOTED_LENGTH] + "…"


def _text(raw: pa.Array, column: Column):
    return raw, None, {}


def _choice(raw: pa.Array, column: Column):
    codes = list(column.choices.values())
    indices = pc.index_in(raw, value_set=pa.array(list(column.choices), pa.string()))
    code_type = pa.bool_() if column.is_boolean else pa.string()
    values = pc.take(pa.array(codes, code_type), indices)
    allowed = "、".join(column.choices)
    return (
        values,
        _("“%(value)s” is not one of the values this column may hold: %(allowed)s."),
        {"allowed": allowed},
    )


def _fixed_point(raw: pa.Array, *, decimals: int, scale: int, commas: bool) -> pa.Array:
    """Numbers with at most ``decimals`` places, as integers of 10**-scale units (exactly:
    no float ever holds an amount). Null where the cell is not such a number."""
    whole = r"\d{1,3}(?:,\d{3}){1,4}|\d{1,15}" if commas else r"\d{1,15}"
    fraction = rf"(?:\.(?P<fraction>\d{{1,{decimals}}}))?" if decimals else "(?P<fraction>)"
    pattern = rf"^(?P<sign>-?)(?P<whole>{whole}){fraction}$"
    parts = pc.extract_regex(raw, pattern)  # null where the pattern does not match
    sign = pc.struct_field(parts, "sign")
    digits = pc.replace_substring(pc.struct_field(parts, "whole"), ",", "")
    whole_units = pc.multiply(pc.cast(digits, pa.int64()), 10**scale)
    fraction_units = pc.struct_field(parts, "fraction")
    if scale:
        fraction_units = pc.cast(pc.utf8_rpad(fraction_units, scale, "0"), pa.int64())
    else:
        fraction_units = pa.nulls(len(raw), pa.int64()).fill_null(0)
    units = pc.add(whole_units, fraction_units)
    return pc.if_else(pc.equal(sign, "-"), pc.negate(units), units)


def _yuan(raw: pa.Array, column: Column):
    return (
        _fixed_point(raw, decimals=2, scale=2, commas=True),
        _(
            "“%(value)s” is not an amount in yuan with at most two decimals (e.g. 1234.56 or "
            "1,234.56)."
        ),
        {},
    )


def _wan_yuan(raw: pa.Array, column: Column):
    # 1 万元 = 10,000 yuan = 1,000,000 fen: six decimals of 万元 are still whole fen.
    return (
        _fixed_point(raw, decimals=6, scale=6, commas=True),
        _("“%(value)s” is not an amount in 万元 (e.g. 10 or 3.5)."),
        {},
    )


def _decimal2(raw: pa.Array, column: Column):
    return (
        _fixed_point(raw, decimals=2, scale=2, commas=True),
        _("“%(value)s” is not a number with at most two decimals (e.g. 103.93)."),
        {},
    )


def _integer(raw: pa.Array, column: Column):
    return (
        _fixed_point(raw, decimals=0, scale=0, commas=False),
        _("“%(value)s” is not a whole number."),
        {},
    )


def _dates(raw: pa.Array, form: str, text: pa.Array) -> pa.Array:
    stamps = pc.strptime(text, format=form, unit="s", error_is_null=True)
    dates = pc.cast(stamps, pa.date32())
    # strptime rolls 2023-02-30 over to 2 March: only a date that reads back as written is one.
    same = pc.equal(pc.strftime(dates, format=form), text)
    return pc.if_else(pc.fill_null(same, False), dates, pa.scalar(None, pa.date32()))


def _date(raw: pa.Array, column: Column):
    form = column.date_format
    shape = r"^\d{8}$" if form == YYYYMMDD else r"^\d{4}-\d{2}-\d{2}$"
    text = pc.if_else(pc.match_substring_regex(raw, shape), raw, pa.scalar(None, pa.string()))
    return (
        _dates(raw, form, text),
        _("“%(value)s” is not a date in the form %(form)s."),
        {"form": FORMS[form]},
    )


def _month(raw: pa.Array, column: Column):
    text = pc.if_else(pc.match_substring_regex(raw, r"^\d{6}$"), raw, pa.scalar(None, pa.string()))
    days = _dates(raw, YYYYMMDD, pc.binary_join_element_wise(text, "01", ""))
    return days, _("“%(value)s” is not a month in the form YYYYMM."), {}


def _region_code(raw: pa.Array, column: Column):
    ok = pc.match_substring_regex(raw, r"^\d{6}(?:\d{6})?$")
    codes = pc.if_else(ok, pc.utf8_rpad(raw, 12, "0"), pa.scalar(None, pa.string()))
    return codes, _("“%(value)s” is not a division code of 6 or 12 digits."), {}


READERS = {
    Kind.TEXT: _text,
    Kind.CHOICE: _choice,
    Kind.YUAN: _yuan,
    Kind.WAN_YUAN: _wan_yuan,
    Kind.DECIMAL2: _decimal2,
    Kind.INTEGER: _integer,
    Kind.DATE: _date,
    Kind.MONTH: _month,
    Kind.REGION_CODE: _region_code,
}


def _duplicate_problems(contract: Contract, fields: dict, lines: pa.Array) -> list[CellError]:
    if not contract.key:
        return []
    column = contract.column(contract.key[0])
    keys = zip(*(fields[name].to_pylist() for name in contract.key), strict=True)
    first: dict[tuple, int] = {}
    problems = []
    for line, key in zip(lines.to_pylist(), keys, strict=True):
        if any(part is None for part in key):
            continue
        if key in first:
            problems.append(
                CellError(
                    _("this value is also on row %(other)d; each row needs its own."),
                    row=line,
                    column=column.header,
                    other=first[key],
                )
            )
        else:
            first[key] = line
    return problems


# The snapshot

ARROW_TYPES = {
    Kind.TEXT: pa.string(),
    Kind.CHOICE: pa.string(),
    Kind.YUAN: pa.int64(),
    Kind.WAN_YUAN: pa.int64(),
    Kind.DECIMAL2: pa.int64(),
    Kind.INTEGER: pa.int64(),
    Kind.DATE: pa.date32(),
    Kind.MONTH: pa.date32(),
    Kind.REGION_CODE: pa.string(),
}

COMMON_SCHEMA = [
    ("row", pa.int32()),
    ("person_hash", pa.string()),
    ("id_valid", pa.bool_()),
    ("name", pa.string()),
    ("birth_date", pa.date32()),
    ("sex", pa.string()),
    ("place_code", pa.string()),
]


def snapshot_schema(contract: Contract) -> pa.Schema:
    """The snapshot's columns: the common ones first, then the source's own fields."""
    own = [
        (c.field, pa.bool_() if c.is_boolean else ARROW_TYPES[c.kind]) for c in contract.own_columns
    ]
    return pa.schema(COMMON_SCHEMA + own)


def _snapshot(contract: Contract, fields: dict[str, pa.Array], lines: pa.Array) -> pa.Table:
    # The file's own birth date, sex and county first; the ID number's digits where it has none.
    for name in ("birth_date", "sex", "place_code"):
        own = fields.get(name)
        derived = fields[f"id_{name}"]
        fields[name] = derived if own is None else pc.coalesce(own, derived)
    fields["row"] = lines
    schema = snapshot_schema(contract)
    return pa.Table.from_arrays(
        [pc.cast(fields[name], schema.field(name).type) for name in schema.names], schema=schema
    )
