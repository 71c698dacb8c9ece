"""Every sample export reads into its snapshot; a faulty file is refused whole, naming each row
and column."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from doudi.conftest import valid_id_number, with_wrong_check_digit
from doudi.errors import CellError, ValidationFailed
from doudi.identity.protection import lookup_hash
from doudi.sources.contracts import SOURCES, Column, Contract, Kind
from doudi.sources.reading import read_delivery, snapshot_schema
from doudi.sources.tests.conftest import SAMPLES, sample

pytestmark = pytest.mark.django_db  # the hash key may come from the database's settings


def _read(source: str, data: bytes, filename: str = "export.csv"):
    return read_delivery(SOURCES[source].latest, data, filename)


def _rows(source: str, data: bytes | None = None) -> list[dict]:
    return _read(source, data or sample(source)).table.to_pylist()


def _refusal(source: str, data: bytes, filename: str = "export.csv") -> list[tuple]:
    with pytest.raises(ValidationFailed) as caught:
        _read(source, data, filename)
    return [
        (p.row, p.column) if isinstance(p, CellError) else (None, p.field)
        for p in caught.value.problems
    ]


def _csv(source: str, *rows: str) -> bytes:
    header = ",".join(SOURCES[source].latest.headers)
    return "\ufeff".join(["", "\n".join([header, *rows]) + "\n"]).encode()


@pytest.mark.parametrize("source", SAMPLES)
def test_every_sample_export_reads_into_the_snapshot_schema(source):
    reading = _read(source, sample(source))
    assert reading.rows == reading.table.num_rows > 0
    assert reading.table.schema == snapshot_schema(SOURCES[source].latest)
    assert reading.table.column_names[:7] == [
        "row",
        "person_hash",
        "id_valid",
        "name",
        "birth_date",
        "sex",
        "place_code",
    ]
    assert reading.table["row"].to_pylist()[0] == 2  # the header is line 1
    assert reading.rows_without_valid_id == 0
    assert all(reading.table["person_hash"].to_pylist())
    assert all(len(code) == 6 for code in reading.table["place_code"].to_pylist())


@pytest.mark.parametrize("source", SAMPLES)
def test_no_id_number_is_written_in_clear(source):
    table = _read(source, sample(source)).table
    text = str(table.to_pylist())
    lines = sample(source).decode("utf-8-sig").splitlines()
    where = lines[0].split(",").index(SOURCES[source].latest.id_column.header)
    for line in lines[1:]:
        number = line.split(",")[where].strip()
        assert number not in text and number.upper() not in text and number[6:] not in text


def test_yuan_with_thousands_separators_become_fen():
    first = _rows("provident_fund")[0]
    assert first["base_fen"] == 450400  # "4,504.00"
    assert first["monthly_contribution_fen"] == 108096  # 1080.96
    assert first["balance_fen"] == 1095847  # "10,958.47"
    assert first["last_paid_month"] == datetime.date(2026, 9, 1)  # 202609
    assert first["account_state"] == "sealed"  # 封存


def test_wan_yuan_become_fen_and_an_old_15_digit_number_its_18_digit_hash():
    first = _rows("businesses")[0]
    assert first["registered_capital_fen"] == 10_000_000  # 10 万元
    # 410822841020244 is the old number of 41082219841020244?
    assert first["person_hash"] == lookup_hash(valid_id_number("41082219841020244"))
    assert first["birth_date"] == datetime.date(1984, 10, 20)
    assert first["id_valid"] is True


def test_a_lower_case_x_and_spaces_around_the_number_hash_as_the_clean_number():
    employment = _rows("employment")
    assert employment[1]["person_hash"] == lookup_hash("41082319970207588X")
    assert employment[1]["monthly_wage_fen"] is None  # empty: does not apply
    assert employment[1]["unemployment_benefit_fen"] == 173700
    medical = _rows("medical")
    assert medical[1]["person_hash"] == lookup_hash("410823199809195005")
    assert medical[0]["admitted_on"] is None


def test_the_file_s_own_sex_birth_date_and_place_fill_the_common_fields():
    first = _rows("deaths")[0]
    assert first["birth_date"] == datetime.date(1981, 12, 21)  # YYYYMMDD
    assert first["sex"] == "male"
    assert first["place_code"] == "410882"  # from 410882000000
    assert first["cancellation"] == "death"
    assert first["cancelled_on"] == datetime.date(2025, 10, 2)
    assert _read("deaths", sample("deaths")).data_date == datetime.date(2026, 11, 30)


def test_choices_decimals_and_booleans_are_our_codes():
    estate = _rows("real_estate")[0]
    assert estate["floor_area_hundredths"] == 10393  # 103.93 m²
    assert (estate["use"], estate["state"], estate["sharing"]) == (
        "residential",
        "current",
        "joint",
    )
    assert _rows("poverty_monitoring")[0]["risk_removed"] is True  # 是
    assert _rows("disability")[0]["grade"] == "4"  # 四级


def test_an_invalid_id_number_is_no_fault_but_has_no_hash():
    number = with_wrong_check_digit(valid_id_number("41082119800101001"))
    data = _csv(
        "bank", f"{number},王五,某银行,活期,12.00,2026-11-30", ",赵六,某银行,活期,1,2026-11-30"
    )
    with pytest.raises(ValidationFailed):  # the empty ID cell of the second row is
        _read("bank", data)
    data = _csv("bank", f"{number},王五,某银行,活期,12.00,2026-11-30")
    reading = _read("bank", data)
    row = reading.table.to_pylist()[0]
    assert (row["id_valid"], row["person_hash"]) == (False, None)
    assert row["birth_date"] == datetime.date(1980, 1, 1)  # the digits still tell it
    assert row["place_code"] == "410821"
    assert reading.rows_without_valid_id == 1


def test_a_wrong_header_names_the_unknown_and_the_missing_column():
    data = sample("bank").replace("余额(元)".encode(), "余额".encode())
    assert _refusal("bank", data) == [(1, "余额"), (1, "余额(元)")]


def test_every_bad_cell_is_named_by_row_and_column():
    number = valid_id_number("41082119800101001")
    data = _csv(
        "provident_fund",
        f'{number},王五,某单位,"4,504.00",1080.96,正常,202609,100',
        f"{number},王五,某单位,12.345,1080.96,冻结,202613,abc",
        f"{number},,某单位,1,1,正常,202601,1",
    )
    assert _refusal("provident_fund", data) == [
        (3, "缴存基数(元)"),
        (3, "账户状态"),
        (3, "最近缴存月份"),
        (3, "账户余额(元)"),
        (4, "姓名"),
    ]


def test_a_bad_date_is_refused_also_when_strptime_would_roll_it_over():
    number = valid_id_number("41082119800101001")
    data = _csv(
        "tax",
        f"{number},王五,经营所得,2026-02-30,2026-10-31,1.00,0.00",
        f"{number},王五,经营所得,20260101,2026-10-31,1.00,0.00",
    )
    assert _refusal("tax", data) == [(2, "所属期起"), (3, "所属期起")]


def test_a_duplicate_plate_is_refused_naming_both_rows():
    lines = sample("vehicles").decode("utf-8-sig").splitlines()
    data = ("\ufeff" + "\n".join([*lines, lines[1]]) + "\n").encode()
    with pytest.raises(ValidationFailed) as caught:
        _read("vehicles", data)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (len(lines) + 1, "号牌号码")
    assert problem.params["other"] == 2


def test_an_unknown_choice_value_is_refused():
    data = sample("vehicles").replace("非营运".encode(), "租赁".encode(), 1)
    assert _refusal("vehicles", data) == [(3, "使用性质")]


def test_a_file_that_is_not_what_its_name_claims_is_refused():
    assert _refusal("bank", sample("bank"), "export.xlsx") == [(None, "file")]
    assert _refusal("bank", b"PK\x03\x04\x00\x00binary", "export.csv") == [(None, "file")]
    assert _refusal("bank", b"a,b\x00c\n", "export.csv") == [(None, "file")]
    assert _refusal("bank", sample("bank"), "export.parquet") == [(None, "file")]
    assert _refusal("bank", sample("bank"), "export.pdf") == [(None, "file")]


def test_a_line_with_more_cells_than_the_header_is_refused():
    number = valid_id_number("41082119800101001")
    data = _csv("bank", f"{number},王五,某银行,活期,12.00,2026-11-30,多余")
    assert _refusal("bank", data) == [(2, "余额日期")]


def test_gb18030_csv_reads_as_utf8():
    text = sample("bank").decode("utf-8-sig")
    assert _read("bank", text.encode("gb18030")).table == _read("bank", sample("bank")).table


def test_an_excel_workbook_reads_as_its_csv():
    text = sample("deaths").decode("utf-8-sig").splitlines()
    book = openpyxl.Workbook()
    sheet = book.active
    for line in text:
        cells = line.split(",")
        sheet.append(cells)
    sheet["D2"] = datetime.datetime(1981, 12, 21)  # a real date cell, not text
    out = io.BytesIO()
    book.save(out)
    from_excel = _read("deaths", out.getvalue(), "export.xlsx").table
    assert from_excel == _read("deaths", sample("deaths")).table


def test_a_parquet_file_reads_as_its_csv():
    text = sample("medical").decode("utf-8-sig")
    import csv

    rows = list(csv.reader(io.StringIO(text)))
    table = pa.table({header: [row[i] for row in rows[1:]] for i, header in enumerate(rows[0])})
    out = io.BytesIO()
    pq.write_table(table, out)
    csv_table = _read("medical", sample("medical")).table
    assert _read("medical", out.getvalue(), "export.parquet").table == csv_table


def test_a_new_contract_version_is_only_a_new_entry():
    contract = Contract(
        2,
        (
            Column("证件号码", "id_number", Kind.ID_NUMBER, required=True),
            Column("客户姓名", "name", Kind.TEXT, required=True),
            Column("余额(万元)", "balance_fen", Kind.WAN_YUAN),
        ),
    )
    number = valid_id_number("41082119800101001")
    data = f"证件号码,客户姓名,余额(万元)\n{number},王五,3.5\n".encode()
    assert read_delivery(contract, data, "v2.csv").table["balance_fen"].to_pylist() == [3_500_000]


def test_a_delivery_of_no_rows_reads_as_an_empty_snapshot():
    reading = _read("deaths", _csv("deaths"))
    assert (reading.rows, reading.rows_without_valid_id, reading.data_date) == (0, 0, None)
    assert reading.table.schema == snapshot_schema(SOURCES["deaths"].latest)


@pytest.mark.parametrize(
    ("cell", "valid"),
    [
        ("410821800101001", True),  # 15 digits: century 19, check digit computed
        (" 41082119800101001x ", None),  # the check character as the file has it
        ("4108211980010100", False),  # 16 digits
        ("410821198002300011", False),  # 30 February
        ("41082119800101001A", False),
    ],
)
def test_id_cells_agree_with_the_registry_s_own_check(cell, valid):
    from doudi.identity.numbers import InvalidIdNumber, parse_id_number
    from doudi.sources.identity import facts, normalise

    found = facts(cell)
    try:
        number = parse_id_number(normalise(cell))
    except InvalidIdNumber:
        number = None
    assert found.valid is (number is not None)
    if valid is not None:
        assert found.valid is valid
    assert found.person_hash == (lookup_hash(number.value) if number else None)


@pytest.mark.parametrize("source", SAMPLES)
def test_the_fast_and_the_line_by_line_parser_read_a_file_alike(source):
    from doudi.sources import reading

    text = sample(source).decode("utf-8-sig")
    fast = reading._arrow_csv_cells(text)
    assert fast is not None  # the usual file takes the fast way
    slow = reading._python_csv_cells(text)
    assert fast.headers == slow.headers and fast.lines == slow.lines
    assert all(fast.columns[h] == slow.columns[h] for h in fast.headers)


def test_blank_lines_and_a_cell_spanning_lines_keep_the_file_s_line_numbers():
    number = valid_id_number("41082119800101001")
    data = _csv(
        "bank",
        f"{number},王五,某银行,活期,12.00,2026-11-30",
        "",
        f'{number},王五,"某银行\n营业部",活期,12.00,2026-11-30',
        f"{number},王五,某银行,活期,x,2026-11-30",
    )
    assert _refusal("bank", data) == [(6, "余额(元)")]
