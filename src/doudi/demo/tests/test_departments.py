"""The departments' exports: deterministic, in the departments' own formats, agreeing with the
registry, and with every planted truth really where the manifest says."""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import Decimal
from importlib import resources

import numpy as np
import pytest
from django.core.management import call_command
from stdnum.cn import ric

from doudi.demo import departments as dep
from doudi.demo import population as pop

AS_OF = datetime.date(2026, 12, 3)
DATA_DATE = datetime.date(2026, 11, 30)
SEED = 410800

YUAN = re.compile(r"\d+\.\d{2}|\d{1,3}(,\d{3})+\.\d{2}")
# Column → how it must read; columns not named here are free text (ID and name checked apart).
FORMATS: dict[str, dict[str, str]] = {
    dep.DEATHS: {
        "性别": "sex",
        "出生日期": "yyyymmdd",
        "户籍地行政区划代码": "region",
        "注销日期": "date",
        "数据日期": "date",
    },
    dep.VEHICLES: {"初次登记日期": "date", "数据日期": "date"},
    dep.REAL_ESTATE: {"建筑面积(㎡)": "yuan", "登记时间": "date"},
    dep.BUSINESSES: {"注册资本(万元)": "wan_yuan", "成立日期": "date"},
    dep.PROVIDENT_FUND: {
        "缴存基数(元)": "yuan",
        "月缴存额(元)": "yuan",
        "最近缴存月份": "month",
        "账户余额(元)": "yuan",
    },
    dep.PENSIONS: {"月待遇金额(元)": "yuan", "待遇开始年月": "month"},
    dep.EMPLOYMENT: {"登记日期": "date", "月工资(元)": "yuan?", "失业保险金(元/月)": "yuan?"},
    dep.DISABILITY: {"发证日期": "date", "有效期至": "date"},
    dep.MEDICAL: {
        "入院日期": "date?",
        "出院日期": "date?",
        "医疗总费用(元)": "yuan",
        "基本医保支付(元)": "yuan",
        "大病保险支付(元)": "yuan",
        "医疗救助支付(元)": "yuan",
        "个人自付(元)": "yuan",
        "结算日期": "date",
    },
    dep.MONITORING: {"户编号": "region", "识别时间": "date"},
    dep.BANK: {"余额(元)": "yuan", "余额日期": "date"},
    dep.TAX: {"所属期起": "date", "所属期止": "date", "收入额(元)": "yuan", "已缴税额(元)": "yuan"},
}


@pytest.fixture(scope="module")
def population() -> pop.Population:
    return pop.generate(1500, SEED, as_of=AS_OF)


@pytest.fixture(scope="module")
def generated(population):
    return dep.generate_departments(population, SEED, AS_OF)


@pytest.fixture(scope="module")
def files(generated) -> dict[str, bytes]:
    return generated[0]


@pytest.fixture(scope="module")
def manifest(generated) -> dict:
    return generated[1]


@pytest.fixture(scope="module")
def tables(files) -> dict[str, list[dict[str, str]]]:
    return {name: _rows(data) for name, data in files.items()}


def _rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _normalise(cell: str) -> str:
    """The 18-character number a department's cell stands for (15 digits: century 19)."""
    value = cell.strip().upper()
    if len(value) == 15:
        body = value[:6] + "19" + value[6:]
        return body + _check_character(body)
    return value


def _check_character(body: str) -> str:
    # stdnum computes over all but the last character of what it is given.
    return ric.calc_check_digit(body + "0")


def _valid(number: str) -> bool:
    return (
        len(number) == 18 and number[:17].isdigit() and number[17] == _check_character(number[:17])
    )


def _row(tables, entry: dict) -> dict[str, str]:
    return tables[entry["file"]][entry["line"] - 2]


def _id_cell(name: str, row: dict[str, str]) -> str:
    return row[dep.HEADERS[name][dep.ID_COLUMN[name]]]


def _name_cell(name: str, row: dict[str, str]) -> str:
    return row[dep.HEADERS[name][dep.NAME_COLUMN[name]]]


# ------------------------------------------------------------------------------- tests


def test_same_seed_same_bytes_other_seed_other_bytes(population, files, manifest):
    again, again_manifest = dep.generate_departments(population, SEED, AS_OF)
    assert again == files
    assert again_manifest == manifest
    other, _other_manifest = dep.generate_departments(population, SEED + 1, AS_OF)
    assert all(other[name] != files[name] for name in files)


def test_file_names_and_headers_are_the_samples(files):
    samples = resources.files("doudi.demo.tests").joinpath("data/departments")
    names = sorted(entry.name for entry in samples.iterdir() if entry.name.endswith(".csv"))
    assert sorted(files) == names
    for name in names:
        sample_header = samples.joinpath(name).read_bytes().split(b"\r\n")[0]
        assert files[name].split(b"\r\n")[0] == sample_header, name
        assert files[name].endswith(b"\r\n")


def test_every_row_reads_in_the_files_format(files, tables):
    for name, rows in tables.items():
        header = dep.HEADERS[name]
        assert len(rows) > 5, name
        for line, row in enumerate(rows, start=2):
            assert None not in row and all(row[column] is not None for column in header), (
                name,
                line,
            )
            for column, kind in FORMATS[name].items():
                assert _reads(kind, row[column]), (name, line, column, row[column])


def _reads(kind: str, cell: str) -> bool:
    if kind.endswith("?"):
        return cell == "" or _reads(kind[:-1], cell)
    if kind == "yuan":
        return bool(YUAN.fullmatch(cell.strip()))
    if kind == "wan_yuan":
        return Decimal(cell) > 0
    if kind == "date":
        return bool(datetime.date.fromisoformat(cell)) and len(cell) == 10
    if kind == "yyyymmdd":
        return bool(datetime.datetime.strptime(cell, "%Y%m%d")) and len(cell) == 8
    if kind == "month":
        return bool(datetime.datetime.strptime(cell + "01", "%Y%m%d")) and len(cell) == 6
    if kind == "region":
        return len(cell) == 12 and cell.isdigit()
    if kind == "sex":
        return cell in ("男", "女")
    raise AssertionError(kind)


def test_registry_members_numbers_are_their_own(population, tables, manifest):
    m = population.members
    name_of = dict(zip(m["id_number"].tolist(), m["name"].tolist(), strict=True))
    typo_lines = {(entry["file"], entry["line"]) for entry in manifest["planted"]["id_typo"]}
    seen = {"registry": 0, "outsider": 0, "old": 0, "lower": 0, "spaces": 0}
    for name, rows in tables.items():
        for line, row in enumerate(rows, start=2):
            cell = _id_cell(name, row)
            number = _normalise(cell)
            if not _valid(number):
                assert (name, line) in typo_lines, (name, line, cell)
                continue
            assert (name, line) not in typo_lines
            seen["old"] += len(cell.strip()) == 15
            seen["lower"] += cell.strip().endswith("x")
            seen["spaces"] += cell != cell.strip()
            if number in name_of:
                seen["registry"] += 1
                assert _name_cell(name, row) == name_of[number], (name, line)
            else:
                seen["outsider"] += 1
    assert all(count > 0 for count in seen.values()), seen


def test_old_numbers_only_for_people_born_before_2000(tables):
    for name, rows in tables.items():
        for row in rows:
            cell = _id_cell(name, row).strip()
            if len(cell) == 15:
                assert _normalise(cell)[6:8] == "19"


def test_every_kind_is_planted_with_its_row(population, tables, manifest):
    planted = manifest["planted"]
    assert set(planted) == set(dep.KINDS)
    m = population.members
    for kind, entries in planted.items():
        assert entries, kind
        for entry in entries:
            member = entry["member"]
            assert m["household"][member] == entry["household"]
            assert np.isnat(m["left"][member]), (kind, entry)  # alive in the registry
            row = _row(tables, entry)
            number = _normalise(_id_cell(entry["file"], row))
            assert _name_cell(entry["file"], row) == m["name"][member]
            if kind == "id_typo":
                assert not _valid(number)
                assert number[:17] != m["id_number"][member][:17]
                assert number[6:14] == m["id_number"][member][6:14]  # birth date
                assert int(number[16]) % 2 == int(m["id_number"][member][16]) % 2  # sex
            else:
                assert number == m["id_number"][member], (kind, entry)
            check = entry.get("finding", kind)
            assert CHECKS[check](population, row, entry), (kind, entry, row)


def _death(population, row, entry) -> bool:
    cancelled = datetime.date.fromisoformat(row["注销日期"])
    recent = DATA_DATE - datetime.timedelta(days=120) <= cancelled <= DATA_DATE
    return entry["file"] == dep.DEATHS and row["注销类别"] == "死亡" and recent


def _household_assets(population, household: int, kind: str) -> int:
    assets = population.assets
    code = pop._code(pop.ASSET_TYPES, kind)
    return int(((assets["household"] == household) & (assets["kind"] == code)).sum())


def _car(population, row, entry) -> bool:
    declared = _household_assets(population, entry["household"], "vehicle")
    return (
        entry["file"] == dep.VEHICLES
        and (row["机动车状态"], row["使用性质"]) == ("正常", "非营运")
        and declared == 0
    )


def _second_home(population, row, entry) -> bool:
    declared = _household_assets(population, entry["household"], "home")
    return (
        entry["file"] == dep.REAL_ESTATE
        and (row["用途"], row["权利状态"]) == ("住宅", "现势")
        and declared == 1
    )


def _business(population, row, entry) -> bool:
    declared = _household_assets(population, entry["household"], "business")
    return (
        entry["file"] == dep.BUSINESSES
        and row["登记状态"] == "存续"
        and Decimal(row["注册资本(万元)"]) > 10
        and declared == 0
    )


def _wages(population, row, entry) -> bool:
    line = pop.standard_fen(population.households["urban"][[entry["household"]]])[0] / 100
    return (
        entry["file"] == dep.EMPLOYMENT
        and row["登记类型"] == "就业"
        and Decimal(row["月工资(元)"]) > line
    )


def _monitoring(population, row, entry) -> bool:
    return entry["file"] == dep.MONITORING and row["风险是否消除"] == "否"


CHECKS = {
    "death": _death,
    "car": _car,
    "second_home": _second_home,
    "business": _business,
    "wages": _wages,
    "monitoring": _monitoring,
}


def test_background_agrees_with_the_registry(population, tables):
    m = population.members
    by_number = {number: index for index, number in enumerate(m["id_number"].tolist())}
    disabilities = 0
    for row in tables[dep.DISABILITY]:
        member = by_number.get(_normalise(row["身份证号"]))
        if member is not None:
            disabilities += 1
            assert row["残疾类别"] == dep.DISABILITY_NAMES[m["disability"][member]]
            assert row["残疾等级"] == dep.GRADE_NAMES[m["grade"][member]]
    assert disabilities > 0
    # Every deposit the registry knows is in the bank's file with its exact balance.
    assets = population.assets
    deposits = np.flatnonzero(assets["kind"] == pop._code(pop.ASSET_TYPES, "deposit"))
    balances = {
        (_normalise(row["证件号码"]), row["余额(元)"].replace(",", "")) for row in tables[dep.BANK]
    }
    for row in deposits.tolist():
        number = m["id_number"][assets["member"][row]]
        value = int(assets["value"][row])
        assert (number, f"{value // 100}.{value % 100:02d}") in balances


KEYS = {
    dep.VEHICLES: "号牌号码",
    dep.REAL_ESTATE: "不动产单元号",
    dep.BUSINESSES: "统一社会信用代码",
}


def test_keys_are_unique_and_deaths_are_one_a_person(tables):
    for name, column in KEYS.items():
        values = [row[column] for row in tables[name]]
        assert len(values) == len(set(values)), name
    deaths = [_normalise(row["公民身份号码"]) for row in tables[dep.DEATHS]]
    assert len(deaths) == len(set(deaths))


def test_manifest_places_members_in_their_households(population, manifest):
    household = population.members["household"]
    for entries in manifest["planted"].values():
        for entry in entries:
            first = int(np.searchsorted(household, entry["household"]))
            assert entry["member"] - first == entry["member_of_household"]


def test_manifest_kinds_have_distinct_lines(manifest):
    lines = [(e["file"], e["line"]) for entries in manifest["planted"].values() for e in entries]
    assert len(lines) == len(set(lines))


def test_command_writes_the_files_and_the_manifest(tmp_path):
    out = tmp_path / "departments"
    stdout = io.StringIO()
    call_command(
        "demo",
        "departments",
        "--households",
        "300",
        "--seed",
        "7",
        "--as-of",
        "2026-12-03",
        "--out",
        str(out),
        stdout=stdout,
    )
    written = sorted(path.name for path in out.iterdir())
    assert written == sorted([*dep.FILE_NAMES, "planted.json"])
    expected, _manifest = dep.generate_departments(pop.generate(300, 7, as_of=AS_OF), 7, AS_OF)
    assert all((out / name).read_bytes() == data for name, data in expected.items())
    assert "300" in stdout.getvalue()


def test_recipients_carry_a_few_truths_of_each_kind_typed_right(population, generated):
    """Members of some households named as recipients: each kind a check of recipients finds
    is drawn from them first, never mistyped, a death before last month; the poverty
    monitoring never."""
    recipients = np.flatnonzero(np.isin(population.members["household"], np.arange(0, 1500, 9)))
    files, manifest = dep.generate_departments(population, SEED, AS_OF, recipients=recipients)
    on_recipients = {
        kind: [e for e in entries if e["member"] in set(recipients.tolist())]
        for kind, entries in manifest["planted"].items()
    }
    for kind in ("death", "car", "second_home", "business", "wages"):
        assert 1 <= len(on_recipients[kind]) <= dep.RECIPIENT_TRUTHS, kind
        assert len(manifest["planted"][kind]) >= len(generated[1]["planted"][kind]) - 1
    assert on_recipients["monitoring"] == on_recipients["id_typo"] == []
    assert set(files) == set(generated[0])
    deaths = _rows(files[dep.DEATHS])
    for entry in on_recipients["death"]:
        died = datetime.date.fromisoformat(deaths[entry["line"] - 2]["注销日期"])
        assert died < DATA_DATE.replace(day=1)  # last month's payment is one to recover


def test_no_recipients_changes_nothing(population, files, manifest):
    again, again_manifest = dep.generate_departments(
        population, SEED, AS_OF, recipients=np.array([], np.int64)
    )
    assert again == files and again_manifest == manifest
