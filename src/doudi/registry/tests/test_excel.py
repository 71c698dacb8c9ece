"""Households in Excel: the template, import all-or-nothing with every fault placed, export."""

from __future__ import annotations

import datetime
import hashlib
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from doudi import spreadsheets
from doudi.accounts.roles import Role
from doudi.audit.models import AuditEvent
from doudi.conftest import (
    INSIDE_VILLAGE,
    OUTSIDE_TOWNSHIP,
    OUTSIDE_VILLAGE,
    household_form,
    member_form,
    valid_id_number,
    with_wrong_check_digit,
)
from doudi.errors import DoudiError, NotPermitted, ValidationFailed
from doudi.registry import excel, services
from doudi.registry.imports import export_households, import_households
from doudi.registry.models import Asset, Expense, Household, Income, Member
from doudi.registry.queries import HouseholdFilter
from doudi.tests.crafted import two_million_empty_rows, with_dimension
from doudi.tests.layout import assert_count, assert_laid_out

pytestmark = pytest.mark.django_db

SECOND_VILLAGE = "410821902002"
TODAY = datetime.date(2026, 10, 15)


@pytest.fixture
def handler(make_user):
    return make_user(Role.TOWNSHIP_HANDLER)


def member(
    household: str, first17: str, name: str, relation: str = "户主", **cells: object
) -> dict[str, object]:
    """A member row of sheet 成员, by column header; ``first17`` fixes the ID number."""
    return {
        "户编号": household,
        "居住地区划代码": INSIDE_VILLAGE,
        "姓名": name,
        "身份证号": valid_id_number(first17),
        "与户主关系": relation,
        "户籍性质": "农村",
        "婚姻状况": "已婚",
        "文化程度": "初中",
        "就业状况": "务农",
        "加入日期": "2020-01-01",
        **cells,
    }


def fill(sheets: dict[str, list[dict[str, object]]]) -> bytes:
    """The downloadable template with these rows appended (values by column header)."""
    book = openpyxl.load_workbook(io.BytesIO(excel.template_workbook()))
    for name, rows in sheets.items():
        worksheet = book[name]
        headers = [cell.value for cell in worksheet[1]]
        for row in rows:
            assert set(row) <= set(headers), set(row) - set(headers)
            worksheet.append([row.get(header) for header in headers])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def refusal(actor, data: bytes) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        import_households(actor, data, "file.xlsx", today=TODAY)
    return caught.value


def cells_of(error: ValidationFailed) -> list[tuple[int, str]]:
    return [(problem.row, problem.column) for problem in error.problems]


def nothing_was_written() -> bool:
    return not (
        Household.objects.exists()
        or Member.objects.exists()
        or AuditEvent.objects.filter(action="household.import").exists()
    )


# ---------------------------------------------------------------------------- the template


def test_the_template_has_every_column_a_guide_and_drop_downs():
    book = openpyxl.load_workbook(io.BytesIO(excel.template_workbook()))
    assert book.sheetnames[:5] == ["成员", "收入", "刚性支出", "财产", "说明"]
    for sheet in excel.SHEETS:
        assert [c.value for c in book[sheet.name][1]] == [c.header for c in sheet.columns]
    guide = {row[1] for row in book["说明"].iter_rows(values_only=True)}
    assert {c.header for sheet in excel.SHEETS for c in sheet.columns} <= guide
    assert "户主（head）" in str(list(book["说明"].values))
    relation = next(v for v in book["成员"].data_validations.dataValidation if "F2" in str(v.sqref))
    assert relation.type == "list" and not relation.showErrorMessage
    assert book["成员"].column_dimensions["E"].number_format == "@"  # ID numbers stay text


def test_a_filled_template_round_trips_into_the_registry(handler):
    head, spouse, child = "41082119700101001", "41082119720202002", "41082120150303003"
    data = fill(
        {
            "成员": [
                member("A", head, "张三", 地址="示例一村 3 组 12 号"),
                member("A", spouse, "李四", "spouse", 婚姻状况="married"),
                member(
                    "A",
                    child,
                    "张小",
                    "子女",
                    婚姻状况="未婚",
                    文化程度="小学",
                    在校="是",
                    就业状况="在校学生",
                    残疾类别="肢体",
                    残疾等级="二级",
                    生活自理失能项="洗澡、dressing",
                    加入日期=datetime.datetime(2015, 3, 3),
                ),
                member(
                    "B",
                    "41082119500505005",
                    "王五",
                    居住地区划代码=SECOND_VILLAGE,
                    婚姻状况="丧偶",
                    文化程度="未上学",
                    就业状况="非劳动年龄",
                ),
            ],
            "收入": [
                {
                    "户编号": "A",
                    "成员身份证号": valid_id_number(head),
                    "月份": "2026-09",
                    "类型": "工资性收入",
                    "金额（元）": 800,
                },
                {
                    "户编号": "B",
                    "月份": datetime.datetime(2026, 9, 1),
                    "类型": "business",
                    "金额（元）": "1,200.50",
                    "备注": "小卖部",
                },
            ],
            "刚性支出": [
                {
                    "户编号": "A",
                    "成员身份证号": valid_id_number(spouse).lower(),
                    "月份": "2026-09",
                    "类型": "医疗费用",
                    "金额（元）": 300.25,
                }
            ],
            "财产": [
                {"户编号": "A", "类型": "机动车辆", "价值（元）": 30000, "车辆类型": "小汽车"},
                {"户编号": "B", "类型": "房屋", "价值（元）": "150000", "住房面积（平方米）": 86.5},
            ],
        }
    )
    summary = import_households(handler, data, "村里.xlsx", today=TODAY)
    assert (
        summary.households,
        summary.members,
        summary.incomes,
        summary.expenses,
        summary.assets,
        summary.warnings,
    ) == (2, 4, 2, 1, 2, ())
    a, b = Household.objects.order_by("id")
    assert (a.region_id, a.address, b.region_id) == (
        INSIDE_VILLAGE,
        "示例一村 3 组 12 号",
        SECOND_VILLAGE,
    )
    kid = a.members.get(name="张小")
    assert (kid.relation, kid.in_school, kid.education, kid.employment) == (
        "child",
        True,
        "primary",
        "student",
    )
    assert (kid.disability_category, kid.disability_grade) == ("physical", 2)
    assert kid.self_care_failed == ["dressing", "bathing"]
    assert kid.joined_on == datetime.date(2015, 3, 3) and kid.sex == "male"
    wage = Income.objects.get(household=a)
    assert (wage.member.name, wage.income_type, wage.amount_fen) == ("张三", "wage", 80000)
    business = Income.objects.get(household=b)
    assert (business.member, business.amount_fen, business.note) == (None, 120050, "小卖部")
    assert Expense.objects.get().member.name == "李四"
    assert Expense.objects.get().amount_fen == 30025
    car, home = Asset.objects.order_by("id")
    assert (car.vehicle_type, car.value_fen) == ("car", 3000000)
    assert (home.floor_area_m2, home.value_fen) == (86.5, 15000000)
    assert {h.versions.get().version for h in (a, b)} == {1}
    event = AuditEvent.objects.get(action="household.import")
    assert event.object_type == "household_import"
    assert event.object_id == hashlib.sha256(data).hexdigest()[:16]
    assert event.region_code == "410821902000"  # the township holding both villages
    assert event.after["household_ids"] == [a.pk, b.pk] and event.after["members"] == 4
    assert event.reason == "村里.xlsx"
    assert valid_id_number(head) not in str(event.after)


# ------------------------------------------------------------------ the acceptance test


def thousand_members(bad_index: int | None = None) -> bytes:
    """1,000 member rows in 334 households of three (one of one) across two villages."""
    book = openpyxl.Workbook(write_only=True)
    rows = book.create_sheet("成员")
    rows.append([c.header for c in excel.MEMBERS.columns])
    headers = [c.header for c in excel.MEMBERS.columns]
    born = datetime.date(1940, 1, 1)
    for index in range(1000):
        first17 = f"410821{born + datetime.timedelta(days=index * 20):%Y%m%d}{index:03d}"
        number = valid_id_number(first17)
        if index == bad_index:
            number = with_wrong_check_digit(number)
        values = member(
            f"H{index // 3}",
            first17,
            f"成员{index}",
            "户主" if index % 3 == 0 else "子女",
            居住地区划代码=INSIDE_VILLAGE if index // 3 % 2 else SECOND_VILLAGE,
        )
        values["身份证号"] = number
        rows.append([values.get(header) for header in headers])
    for sheet in (excel.INCOMES, excel.EXPENSES, excel.ASSETS):
        book.create_sheet(sheet.name).append([c.header for c in sheet.columns])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def test_one_bad_checksum_among_a_thousand_rows_imports_nothing_and_names_its_cell(
    handler, django_assert_max_num_queries
):
    error = refusal(handler, thousand_members(bad_index=500))
    (problem,) = error.problems
    assert (problem.row, problem.column, problem.field) == (502, "成员!身份证号", "成员!身份证号")
    assert problem.render("en").startswith("Row 502, column “成员!身份证号”: ")
    assert "check digit" in problem.render("en")
    assert nothing_was_written()
    good = thousand_members()
    with django_assert_max_num_queries(60):  # bulk writes in batches, never a query per row
        summary = import_households(handler, good, "good.xlsx", today=TODAY)
    assert (summary.households, summary.members) == (334, 1000)
    assert Member.objects.count() == 1000 and Household.objects.count() == 334
    assert AuditEvent.objects.filter(action="household.import").count() == 1


# ---------------------------------------------------------------- refusals, all at once


def test_every_fault_in_every_sheet_is_named_at_once_and_nothing_is_written(handler):
    head = "41082119700101001"
    data = fill(
        {
            "成员": [
                member("A", head, "张三"),
                member("A", "41082119720202002", "李四", "堂兄"),
                {},  # a blank row is skipped, and the rows below keep their Excel numbers
                member("A", "41082119900303003", "", "子女", 居住地区划代码=SECOND_VILLAGE),
                member("", "41082119900404004", "无户"),
            ],
            "收入": [
                {"户编号": "A", "月份": "2026-09", "类型": "工资", "金额（元）": "1.005"},
                {"户编号": "A", "月份": "2026-13", "类型": "工资", "金额（元）": 10},
                {
                    "户编号": "A",
                    "成员身份证号": valid_id_number("41082119990909009"),
                    "月份": "2026-09",
                    "类型": "工资",
                    "金额（元）": 10,
                },
            ],
            "刚性支出": [{"户编号": "Z", "月份": "2026-09", "类型": "医疗费用", "金额（元）": 1}],
            "财产": [{"户编号": "A", "类型": "机动车辆", "价值（元）": 1000}],
        }
    )
    error = refusal(handler, data)
    assert cells_of(error) == [
        (3, "成员!与户主关系"),
        (5, "成员!居住地区划代码"),  # differs from the household's first row
        (5, "成员!姓名"),
        (6, "成员!户编号"),
        (2, "收入!金额（元）"),
        (3, "收入!月份"),
        (4, "收入!成员身份证号"),
        (2, "刚性支出!户编号"),
        (2, "财产!车辆类型"),
    ]
    english = [problem.render("en") for problem in error.problems]
    assert "“堂兄” is not one of: 户主、配偶、子女" in english[0]
    assert "at most two decimals" in english[4]
    assert "4108*************" in english[6]  # the unknown member's ID number, masked
    assert "differs from row 2" in english[1]
    assert error.render("en") == "The file was not imported: 9 problems found."
    assert nothing_was_written()


def test_an_id_number_active_in_the_database_or_twice_in_the_file_is_refused(handler):
    services.create_household(handler, household_form())  # 张三 41082119700101001
    data = fill(
        {
            "成员": [
                member("A", "41082119800101001", "王五"),
                member("A", "41082119700101001", "张三", "父母"),
                member("B", "41082119800101001", "王五"),
            ]
        }
    )
    error = refusal(handler, data)
    assert cells_of(error) == [(3, "成员!身份证号"), (4, "成员!身份证号")]
    clash = error.problems[0].render("en")
    assert "already an active member" in clash and "修武县示例镇示例一村" in clash
    assert "household on row 2" in error.problems[1].render("en")
    assert valid_id_number("41082119700101001") not in str([p.render("en") for p in error.problems])
    assert Household.objects.count() == 1


def test_a_former_member_may_appear_in_two_households(handler):
    data = fill(
        {
            "成员": [
                member("A", "41082119800101001", "王五"),
                member("B", "41082119600101001", "王大"),
                member(
                    "B", "41082119800101001", "王五", "子女", 离开日期="2025-01-01", 离开原因="分户"
                ),
            ]
        }
    )
    assert import_households(handler, data, "f.xlsx", today=TODAY).members == 3


def test_a_household_outside_the_importers_jurisdiction_is_refused(handler):
    data = fill(
        {
            "成员": [
                member("A", "41082119800101001", "王五", 居住地区划代码=OUTSIDE_VILLAGE),
                member("B", "41082119800202002", "赵六", 居住地区划代码="410821901001"),
                member("C", "41082119800303003", "孙七", 居住地区划代码=OUTSIDE_TOWNSHIP),
                member("D", "41082119800404004", "周八", 居住地区划代码="410821902000"),
                member("E", "41082119800505005", "吴九", 居住地区划代码="410821902009"),
            ]
        }
    )
    error = refusal(handler, data)
    assert cells_of(error) == [(row, "成员!居住地区划代码") for row in range(2, 7)]
    english = [problem.render("en") for problem in error.problems]
    assert all("outside your jurisdiction" in text for text in english[:3])
    assert all("is not one" in text for text in english[3:])  # not a village, or no place
    assert nothing_was_written()


def test_a_role_without_the_import_permission_is_refused(make_user):
    village_worker = make_user(Role.VILLAGE_WORKER)
    with pytest.raises(NotPermitted):
        import_households(village_worker, fill({"成员": []}), "f.xlsx")


SHAPE_FAULTS = [
    ("not a workbook", lambda data: b"name,id\n", "not an Excel workbook"),
    ("no sheet", lambda data: _without_sheet(data, "财产"), "no sheet named “财产”"),
    ("no header", lambda data: _without_header(data, "身份证号"), "lacks the columns: 身份证号"),
    ("empty", lambda data: fill({}), "lists no members"),
]


@pytest.mark.parametrize(
    ("label", "change", "message"), SHAPE_FAULTS, ids=[fault[0] for fault in SHAPE_FAULTS]
)
def test_a_file_not_shaped_like_the_template_is_refused_whole(handler, label, change, message):
    data = fill({"成员": [member("A", "41082119800101001", "王五")]})
    with pytest.raises(DoudiError) as caught:
        import_households(handler, change(data), "f.xlsx")
    assert caught.value.field == "file" and message in caught.value.render("en")
    assert nothing_was_written()


def _without_sheet(data: bytes, name: str) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    book.remove(book[name])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _without_header(data: bytes, header: str) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    next(c for c in book["成员"][1] if c.value == header).value = "备用"
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


@pytest.mark.slow
def test_files_over_the_row_and_size_limits_are_refused(handler, monkeypatch):
    book = openpyxl.Workbook(write_only=True)
    rows = book.create_sheet("成员")
    rows.append([c.header for c in excel.MEMBERS.columns])
    for index in range(excel.MAX_MEMBER_ROWS + 1):
        rows.append([f"H{index}"])
    for sheet in (excel.INCOMES, excel.EXPENSES, excel.ASSETS):
        book.create_sheet(sheet.name).append([c.header for c in sheet.columns])
    output = io.BytesIO()
    book.save(output)
    with pytest.raises(DoudiError) as caught:
        import_households(handler, output.getvalue(), "big.xlsx")
    assert "more than 20000 rows" in caught.value.render("en")
    monkeypatch.setattr(spreadsheets, "MAX_XLSX_BYTES", 1000)
    with pytest.raises(DoudiError) as caught:
        import_households(handler, output.getvalue(), "big.xlsx")
    assert "larger than" in caught.value.render("en")


def ten_households(bad_tenth: bool = False) -> bytes:
    rows = [member(f"H{n}", f"410821198001{n + 10:02d}{n:03d}", f"成员{n}") for n in range(1, 11)]
    if bad_tenth:
        rows[-1]["与户主关系"] = "堂兄"
    return fill({"成员": rows})


def test_a_sheet_under_stating_its_dimension_is_imported_whole_or_refused_whole(handler):
    """The file claims the member sheet ends at row 2; it was once imported as one household."""
    error = refusal(handler, with_dimension(ten_households(bad_tenth=True), "A1:C2"))
    assert cells_of(error) == [(11, "成员!与户主关系")]
    assert nothing_was_written()
    crafted = with_dimension(ten_households(), "A1:C2")
    summary = import_households(handler, crafted, "crafted.xlsx", today=TODAY)
    assert summary.households == 10 and Household.objects.count() == 10


def test_two_million_empty_rows_are_refused_at_the_row_limit(handler):
    crafted = two_million_empty_rows(ten_households())
    assert len(crafted) < 400_000
    with pytest.raises(DoudiError) as caught:
        import_households(handler, crafted, "empty-rows.xlsx", today=TODAY)
    limit = 1 + excel.MAX_MEMBER_ROWS + spreadsheets.EMPTY_ROWS_ALLOWED
    assert caught.value.field == "file"
    assert caught.value.render("en").startswith(f"Sheet “成员” goes on past row {limit} ")
    assert nothing_was_written()


# --------------------------------------------------------------------------- the values


def _with_raw_number(data: bytes, placeholder: str, raw: str) -> bytes:
    """Put a number into the file exactly as Excel writes a computed one (17 digits)."""
    source, output = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(output, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            target.writestr(
                item, content.replace(f"<v>{placeholder}</v>".encode(), f"<v>{raw}</v>".encode())
            )
    return output.getvalue()


def test_yuan_become_exact_fen_and_a_third_decimal_is_refused(handler):
    amounts = [0.1, 0.2, 0.29, 19.99, 1.15, "1234.56", "0.10", 777.125]
    data = fill(
        {
            "成员": [member("A", "41082119800101001", "王五")],
            "收入": [
                {"户编号": "A", "月份": "2026-09", "类型": "工资", "金额（元）": amount}
                for amount in amounts
            ],
        }
    )
    # 0.1 + 0.2 computed in Excel is stored as 0.30000000000000004: Excel shows 0.3.
    data = _with_raw_number(data, "777.125", "0.30000000000000004")
    import_households(handler, data, "f.xlsx", today=TODAY)
    assert list(Income.objects.order_by("id").values_list("amount_fen", flat=True)) == [
        10,
        20,
        29,
        1999,
        115,
        123456,
        10,
        30,
    ]
    for amount in ("1.005", 12.345):
        data = fill(
            {
                "成员": [member("B", "41082119900101001", "赵六")],
                "财产": [{"户编号": "B", "类型": "存款", "价值（元）": amount}],
            }
        )
        error = refusal(handler, data)
        assert cells_of(error) == [(2, "财产!价值（元）")]
        assert "at most two decimals" in error.problems[0].render("en")


def test_chinese_labels_and_codes_are_both_accepted():
    by_label = member(
        "A",
        "41082119800101001",
        "王五",
        "户主",
        户籍性质="城镇",
        婚姻状况="离异",
        文化程度="大专",
        就业状况="灵活就业",
        残疾类别="视力",
        残疾等级=1,
        生活自理失能项="进食，如厕",
        在校="否",
        不计入原因="服刑人员",
    )
    by_code = member(
        "B",
        "41082119900101001",
        "赵六",
        "head",
        户籍性质="urban",
        婚姻状况="divorced",
        文化程度="college",
        就业状况="flexible",
        残疾类别="visual",
        残疾等级="1",
        生活自理失能项="eating toileting",
        在校=False,
        不计入原因="prisoner",
    )
    workbook = excel.read_households_workbook(fill({"成员": [by_label, by_code]}))
    forms = [h.form["members"][0] for h in workbook.households]
    for form in forms:
        del form["key"], form["id_number"], form["name"]
    assert (
        forms[0]
        == forms[1]
        == {
            "relation": "head",
            "hukou_type": "urban",
            "marital_status": "divorced",
            "education": "college",
            "employment": "flexible",
            "disability_category": "visual",
            "disability_grade": 1,
            "self_care_failed": ["eating", "toileting"],
            "in_school": False,
            "excluded_reason": "prisoner",
            "joined_on": "2020-01-01",
        }
    )


def test_an_unknown_birthplace_is_a_warning_and_the_household_is_imported(handler):
    data = fill({"成员": [member("A", "41999919800101001", "王五")]})
    summary = import_households(handler, data, "f.xlsx", today=TODAY)
    (warning,) = summary.warnings
    assert (warning.row, warning.column) == (2, "成员!身份证号")
    assert "birthplace code 419999" in warning.render("en")
    assert Household.objects.count() == 1


# ---------------------------------------------------------------------------- the export


def test_the_export_holds_the_jurisdictions_households_with_masked_numbers_only(handler, make_user):
    inside, _ = services.create_household(handler, household_form())
    card = valid_id_number("41082119900909009")
    other, _ = services.create_household(
        handler,
        household_form(
            region=SECOND_VILLAGE,
            incomes=[],
            members=[
                member_form(
                    "41082119900909009", "王五", social_security_card=card, phone="13812345678"
                )
            ],
        ),
    )
    outsider = make_user(Role.TOWNSHIP_HANDLER, OUTSIDE_TOWNSHIP, username="wen_handler")
    outside, _ = services.create_household(
        outsider,
        household_form(
            region=OUTSIDE_VILLAGE, incomes=[], members=[member_form("41082519800101001", "孙七")]
        ),
    )
    content = export_households(handler, HouseholdFilter())
    rows = list(openpyxl.load_workbook(io.BytesIO(content))["家庭成员"].values)
    assert rows[0] == excel.EXPORT_HEADERS
    assert {row[0] for row in rows[1:]} == {inside.file_number, other.file_number}
    assert outside.file_number not in {row[0] for row in rows}
    assert [row[5] for row in rows[1:]] == ["张三", "李四", "王五"]
    assert rows[1][6] == Member.objects.get(name="张三").id_number_masked
    assert (rows[1][4], rows[1][7], rows[2][7], rows[1][8]) == (2, "户主", "配偶", "男")
    sheet = openpyxl.load_workbook(io.BytesIO(content))["家庭成员"]
    assert_laid_out(sheet)
    assert_count(sheet["E2"])
    assert rows[3][14] == "138****5678"  # phone numbers masked
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        xml = b"".join(book.read(name) for name in book.namelist()).decode()
    for first17 in ("41082119700101001", "41082119720202002", "41082119900909009"):
        assert valid_id_number(first17) not in xml
    named = export_households(handler, HouseholdFilter(name="王"))
    assert [r[5] for r in openpyxl.load_workbook(io.BytesIO(named)).active.values] == [
        "姓名",
        "王五",
    ]
    with pytest.raises(NotPermitted):
        export_households(make_user(Role.FINANCE_OFFICER), HouseholdFilter())


# -------------------------------------------------------------------- command line, pages


def test_the_command_line_imports_or_exits_non_zero_naming_the_row(handler, tmp_path, cli_as):
    cli_as(handler)
    bad = tmp_path / "bad.xlsx"
    row = member("A", "41082119800101001", "王五")
    bad.write_bytes(fill({"成员": [row, {**row, "户编号": "B", "身份证号": "410821198001010"}]}))
    with pytest.raises(CommandError) as caught:
        call_command("households", "import", str(bad), "--user", handler.username)
    assert "Row 3, column “成员!身份证号”" in str(caught.value)
    assert nothing_was_written()
    good = tmp_path / "good.xlsx"
    good.write_bytes(fill({"成员": [row]}))
    out = io.StringIO()
    call_command("households", "import", str(good), "--user", handler.username, stdout=out)
    assert Household.objects.count() == 1 and out.getvalue()
    template = tmp_path / "template.xlsx"
    call_command("households", "template", str(template), stdout=io.StringIO())
    assert openpyxl.load_workbook(template).sheetnames[0] == "成员"


@pytest.fixture
def browser(handler) -> Client:
    client = Client()
    client.force_login(handler)
    return client


def test_the_pages_download_import_and_export(browser, make_user):
    template = browser.get("/households/template/")
    assert template.status_code == 200
    assert template["Content-Type"] == spreadsheets.XLSX_CONTENT_TYPE
    assert browser.get("/households/import/").status_code == 200
    bad = fill({"成员": [member("A", "41082119800101001", "王五", 与户主关系="堂兄")]})
    refused = browser.post("/households/import/", {"file": SimpleUploadedFile("bad.xlsx", bad)})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'data-testid="problems"' in html and "与户主关系" in html and "堂兄" in html
    good = fill({"成员": [member("A", "41082119800101001", "王五")]})
    imported = browser.post("/households/import/", {"file": SimpleUploadedFile("g.xlsx", good)})
    assert imported.status_code == 302 and imported["Location"] == "/households/"
    assert Household.objects.count() == 1
    exported = browser.get("/households/export/?name=王&place=410821")
    assert b"".join(exported.streaming_content).startswith(b"PK")
    by_number = browser.post(
        "/households/export/", {"id_number": valid_id_number("41082119800101001")}
    )
    rows = list(
        openpyxl.load_workbook(io.BytesIO(b"".join(by_number.streaming_content))).active.values
    )
    assert len(rows) == 2 and rows[1][5] == "王五"
    village_worker = Client()
    village_worker.force_login(make_user(Role.VILLAGE_WORKER))
    assert village_worker.get("/households/import/").status_code == 403
