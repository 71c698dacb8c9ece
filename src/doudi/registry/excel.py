"""The household registry in Excel: the import template, reading a filled one, the export.

One workbook carries many households. Each member is a row of sheet 成员, grouped into
households by 户编号 (a number used only inside the file); incomes (收入), rigid spending (刚性支出)
and assets (财产) are rows of their own sheets naming the same 户编号. Reading turns each
household into the JSON form that ``form_input.parse_household`` checks — the same check as the
API and the pages, so Excel cannot accept anything they refuse — and remembers which cell every
form field came from, so each fault comes back as a ``CellError`` naming sheet, row and column
(column ``成员!身份证号``, row as Excel numbers it).

Choice columns take the code (``head``) or a Chinese label (户主); amounts are yuan with at most
two decimals, converted to integer fen exactly.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple

import openpyxl
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from doudi.dates import month_text
from doudi.errors import CellError, DoudiError
from doudi.identity.numbers import mask
from doudi.money import yuan_to_fen
from doudi.registry.choices import (
    AssetType,
    DisabilityCategory,
    Education,
    Employment,
    ExclusionReason,
    ExpenseType,
    HukouType,
    IncomeType,
    LeaveReason,
    MaritalStatus,
    Relation,
    SelfCareItem,
    Sex,
    VehicleType,
)
from doudi.registry.rules import age_on
from doudi.spreadsheets import (
    EMPTY_ROWS_ALLOWED,
    CellKind,
    add_table,
    new_workbook,
    open_workbook,
    sheet_rows,
    workbook_bytes,
)
from doudi.spreadsheets import Column as ExportColumn
from doudi.text import is_digits

MAX_MEMBER_ROWS = 20_000
MAX_FACT_ROWS = 10 * MAX_MEMBER_ROWS  # a year of monthly incomes for a good share of them

# The Chinese names each coded value is known by; the first is the one the template offers.
# (Until the zh-hans catalogue translates the registry labels, these are the Chinese labels.)
ZH_ALIASES: dict[type[models.TextChoices], dict[str, tuple[str, ...]]] = {
    Relation: {
        "head": ("户主", "本人"),
        "spouse": ("配偶", "妻子", "丈夫", "妻", "夫"),
        "child": ("子女", "儿子", "女儿", "子", "女", "长子", "长女", "次子", "次女"),
        "child_in_law": ("儿媳或女婿", "儿媳", "女婿", "子女配偶"),
        "grandchild": ("孙子女", "孙子", "孙女", "外孙子女", "外孙", "外孙女"),
        "parent": ("父母", "父亲", "母亲", "父", "母"),
        "parent_in_law": ("公婆或岳父母", "公公", "婆婆", "岳父", "岳母", "配偶父母"),
        "grandparent": ("祖父母", "祖父", "祖母", "外祖父母", "外祖父", "外祖母"),
        "sibling": ("兄弟姐妹", "兄", "弟", "姐", "妹", "哥哥", "弟弟", "姐姐", "妹妹"),
        "other": ("其他亲属", "其他"),
    },
    Sex: {"male": ("男",), "female": ("女",)},
    HukouType: {
        "urban": ("城镇", "城镇户口", "非农业", "非农业户口", "城市"),
        "rural": ("农村", "农村户口", "农业", "农业户口"),
    },
    MaritalStatus: {
        "unmarried": ("未婚",),
        "married": ("已婚", "有配偶", "初婚", "再婚"),
        "divorced": ("离异", "离婚"),
        "widowed": ("丧偶",),
    },
    DisabilityCategory: {
        "visual": ("视力", "视力残疾"),
        "hearing": ("听力", "听力残疾"),
        "speech": ("言语", "言语残疾"),
        "physical": ("肢体", "肢体残疾"),
        "intellectual": ("智力", "智力残疾"),
        "mental": ("精神", "精神残疾"),
        "multiple": ("多重", "多重残疾"),
    },
    SelfCareItem: {
        "eating": ("进食", "吃饭"),
        "dressing": ("穿衣",),
        "transfer": ("上下床", "床椅转移"),
        "toileting": ("如厕", "上厕所"),
        "walking": ("室内行走", "行走"),
        "bathing": ("洗澡",),
    },
    Education: {
        "none": ("未上学", "文盲", "无"),
        "preschool": ("学前教育", "学前", "幼儿园"),
        "primary": ("小学",),
        "junior": ("初中",),
        "senior": ("高中", "普通高中"),
        "vocational": ("中专", "中职", "技校", "职业高中"),
        "college": ("大专", "专科"),
        "bachelor": ("本科", "大学本科"),
        "postgraduate": ("研究生", "硕士", "博士"),
    },
    Employment: {
        "employed": ("就业", "在职", "受雇"),
        "flexible": ("灵活就业",),
        "farming": ("务农",),
        "self_employed": ("个体经营", "个体"),
        "unemployed": ("失业", "无业"),
        "retired": ("退休",),
        "student": ("在校学生", "学生"),
        "not_working_age": ("非劳动年龄",),
    },
    LeaveReason: {
        "death": ("死亡",),
        "moved_out": ("迁出",),
        "split": ("分户",),
        "married_out": ("婚出", "出嫁"),
        "correction": ("误录", "录入错误"),
    },
    ExclusionReason: {
        "clergy": ("宗教教职人员", "出家"),
        "prisoner": ("服刑人员", "服刑"),
        "compulsory_rehab": ("强制隔离戒毒", "强制隔离戒毒人员"),
        "missing": ("宣告失踪", "宣告失踪人员"),
    },
    IncomeType: {
        "wage": ("工资性收入", "工资"),
        "business": ("经营净收入", "经营性收入", "经营收入"),
        "property": ("财产净收入", "财产性收入", "财产收入"),
        "transfer": ("转移净收入", "转移性收入", "转移收入"),
        "special_care": ("优抚对象抚恤补助", "优抚金", "优待抚恤金"),
        "family_planning": ("计划生育奖励与扶助金", "计划生育奖励"),
        "scholarship": ("奖学金", "奖助学金"),
        "bravery_award": ("见义勇为奖励", "见义勇为奖金"),
        "social_assistance": ("社会救助金", "救助金"),
        "central_basic_pension": ("基础养老金", "城乡居民基础养老金"),
        "support_siblings_elderly": ("兄弟姐妹或老年人给付的赡养费",),
    },
    ExpenseType: {
        "medical": ("医疗费用", "医疗支出", "自付医疗费"),
        "education": ("教育费用", "教育支出"),
        "rehabilitation": ("康复费用", "康复支出"),
        "flexible_employment": ("灵活就业必要支出", "就业成本"),
    },
    AssetType: {
        "deposit": ("银行存款", "存款"),
        "securities": ("有价证券", "证券", "基金", "股票"),
        "insurance": ("商业保险",),
        "claim": ("债权",),
        "online_finance": ("互联网金融资产", "网络理财"),
        "vehicle": ("机动车辆", "车辆"),
        "home": ("房屋", "住房", "房产"),
        "business": ("工商注册", "市场主体登记", "企业"),
        "other": ("其他财产", "其他"),
    },
    VehicleType: {
        "car": ("小汽车", "轿车"),
        "truck": ("货车",),
        "motorcycle": ("摩托车",),
        "agricultural": ("农用车", "农用机动车"),
        "disability": ("残疾人专用车", "残疾人机动轮椅车"),
    },
}
TRUE_WORDS = {"是", "在校", "y", "yes", "true", "1", "√"}
FALSE_WORDS = {"否", "不在校", "n", "no", "false", "0", "×"}
GRADE_WORDS = {"一": 1, "二": 2, "三": 3, "四": 4}
LIST_SEPARATORS = re.compile(r"[,，、;；\s]+")


# ------------------------------------------------------------------------------ the layout

# Column kinds: how a cell becomes a form value.
KEY, TEXT, ID, CHOICE, CHOICES, GRADE, BOOL, DATE, MONTH, YUAN, DECIMAL, MEMBER = (
    "key",
    "text",
    "id",
    "choice",
    "choices",
    "grade",
    "bool",
    "date",
    "month",
    "yuan",
    "decimal",
    "member",
)
TEXT_KINDS = {KEY, TEXT, ID, MONTH, MEMBER}  # formatted as text, so Excel keeps every digit


class Cell(NamedTuple):
    sheet: str
    row: int
    header: str

    @property
    def column(self) -> str:
        """How a fault names the column: ``成员!身份证号`` (sheet!column, as Excel writes it)."""
        return f"{self.sheet}!{self.header}"


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # the name in the household form
    kind: str = TEXT
    choices: type[models.TextChoices] | None = None
    required: bool = False  # the header must be there (the 说明 sheet calls it 必备)
    note: str = ""
    width: int = 12
    household: bool = False  # a fact of the household, given on (one of) its member rows


@dataclass(frozen=True)
class Sheet:
    name: str
    items: str  # the list of the form the rows become
    columns: tuple[Column, ...]
    max_rows: int

    def cell(self, row: int, field: str) -> Cell:
        """The cell of this sheet, on this row, that gives this form field (for a field of no
        column, the row's 户编号)."""
        headers = {column.field: column.header for column in self.columns}
        return Cell(self.name, row, headers.get(field, headers["key"]))


HOUSEHOLD_KEY = Column(
    "户编号",
    "key",
    KEY,
    required=True,
    width=10,
    household=True,
    note="同一家庭的各行填相同的编号（任意编号，只在本文件内使用）",
)
MEMBER_ID = Column(
    "成员身份证号",
    "member",
    MEMBER,
    width=21,
    note="属于某位成员时填其身份证号（须在成员表同一户中）；属于全户则留空",
)


def _money_sheet(name: str, items: str, types: type[models.TextChoices]) -> Sheet:
    return Sheet(
        name,
        items,
        (
            HOUSEHOLD_KEY,
            MEMBER_ID,
            Column("月份", "month", MONTH, required=True, width=10, note="YYYY-MM，如 2026-09"),
            Column("类型", "type", CHOICE, types, required=True, width=22),
            Column(
                "金额（元）",
                "amount_fen",
                YUAN,
                required=True,
                note="单位：元，最多两位小数；不得为负",
            ),
            Column("备注", "note", width=20),
        ),
        MAX_FACT_ROWS,
    )


MEMBERS = Sheet(
    "成员",
    "members",
    (
        HOUSEHOLD_KEY,
        Column(
            "居住地区划代码",
            "region",
            required=True,
            width=15,
            household=True,
            note="家庭居住的村（社区）的 12 位统计用区划代码；同户各行相同，可只填第一行",
        ),
        Column("地址", "address", width=24, household=True, note="同户各行相同，可只填第一行"),
        Column("姓名", "name", required=True),
        Column(
            "身份证号",
            "id_number",
            ID,
            required=True,
            width=21,
            note="18 位居民身份证号码，请以文本填写；性别、出生日期由号码得出",
        ),
        Column(
            "与户主关系",
            "relation",
            CHOICE,
            Relation,
            required=True,
            note="每户须有且只有一位在册的户主",
        ),
        Column("户籍地区划代码", "hukou_region", width=15, note="12 位；留空则同居住地"),
        Column("户籍性质", "hukou_type", CHOICE, HukouType, required=True),
        Column(
            "居住地区划代码（成员）",
            "residence_region",
            width=15,
            note="本人居住地，12 位；留空则同家庭居住地",
        ),
        Column("婚姻状况", "marital_status", CHOICE, MaritalStatus, required=True),
        Column("电话", "phone"),
        Column(
            "残疾类别",
            "disability_category",
            CHOICE,
            DisabilityCategory,
            note="持残疾人证者填写，并填残疾等级",
        ),
        Column("残疾等级", "disability_grade", GRADE, note="1–4 级"),
        Column("重大疾病", "serious_illness", width=16, note="经认定的重大疾病名称"),
        Column(
            "生活自理失能项",
            "self_care_failed",
            CHOICES,
            SelfCareItem,
            width=16,
            note="不能自理的项目，多项用顿号或逗号分隔",
        ),
        Column("文化程度", "education", CHOICE, Education, required=True),
        Column("在校", "in_school", BOOL, note="是 / 否；留空为否"),
        Column("就业状况", "employment", CHOICE, Employment, required=True),
        Column("死亡日期", "death_date", DATE, note="YYYY-MM-DD；填写即结束其成员身份"),
        Column("加入日期", "joined_on", DATE, note="成为本户成员的日期，YYYY-MM-DD；留空为今天"),
        Column("离开日期", "left_on", DATE, note="已不在本户的成员填写，并填离开原因"),
        Column("离开原因", "leave_reason", CHOICE, LeaveReason),
        Column("社保卡号", "social_security_card", width=21),
        Column(
            "不计入原因",
            "excluded_reason",
            CHOICE,
            ExclusionReason,
            note="登记但不计入共同生活家庭成员的原因",
        ),
    ),
    MAX_MEMBER_ROWS,
)
INCOMES = _money_sheet("收入", "incomes", IncomeType)
EXPENSES = _money_sheet("刚性支出", "expenses", ExpenseType)
ASSETS = Sheet(
    "财产",
    "assets",
    (
        HOUSEHOLD_KEY,
        MEMBER_ID,
        Column("类型", "type", CHOICE, AssetType, required=True, width=16),
        Column("价值（元）", "value_fen", YUAN, required=True, note="单位：元，最多两位小数"),
        Column("车辆类型", "vehicle_type", CHOICE, VehicleType, note="类型为机动车辆时必填"),
        Column("住房面积（平方米）", "floor_area_m2", DECIMAL, note="类型为房屋时必填"),
        Column("注册资本（元）", "registered_capital_fen", YUAN, note="类型为工商注册时必填"),
        Column("备注", "note", width=20),
    ),
    MAX_FACT_ROWS,
)
SHEETS = (MEMBERS, INCOMES, EXPENSES, ASSETS)
GUIDE_SHEET = "说明"
OPTIONS_SHEET = "选项"

# Where each reported column sorts: sheet order, then column order.
_COLUMN_ORDER = {
    f"{sheet.name}!{column.header}": (i, j)
    for i, sheet in enumerate(SHEETS)
    for j, column in enumerate(sheet.columns)
}


def as_cell_error(problem: DoudiError, cell: Cell) -> CellError:
    """The same refusal, placed in the cell it came from."""
    return CellError(problem.message, row=cell.row, column=cell.column, **problem.params)


def sort_problems(problems: Iterable[CellError]) -> list[CellError]:
    """Sheet by sheet, row by row, column by column: the order the user reads the file in."""

    def where(problem: CellError) -> tuple[int, int, int]:
        sheet, column = _COLUMN_ORDER.get(problem.column, (len(SHEETS), 0))
        return sheet, problem.row, column

    return sorted(problems, key=where)


# ------------------------------------------------------------------------ the coded values


def zh_label(choices: type[models.TextChoices], code: str) -> str:
    """The Chinese name of a coded value, as the template and the export show it."""
    return ZH_ALIASES[choices].get(code, (code,))[0] if code else ""


@cache
def _names_of(choices: type[models.TextChoices]) -> dict[str, str]:
    """Every name a coded value may be given by: its code, its labels, its Chinese aliases."""
    names: dict[str, str] = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            names.update((str(choice.label).casefold(), choice.value) for choice in choices)
    names.update((code, code) for code in choices.values)
    for code, aliases in ZH_ALIASES[choices].items():
        names.update((alias, code) for alias in aliases)
    return names


def _choice(choices: type[models.TextChoices], text: str) -> str:
    code = _names_of(choices).get(text.strip().casefold())
    if code is None:  # named with the Chinese labels, which the person filling in sees
        raise DoudiError(
            _("“%(value)s” is not one of: %(allowed)s."),
            value=text,
            allowed="、".join(zh_label(choices, code) for code in choices.values),
        )
    return code


def _allowed_values(column: Column) -> str:
    if column.choices is not None:
        return "、".join(
            f"{zh_label(column.choices, code)}（{code}）" for code in column.choices.values
        )
    return {BOOL: "是、否", GRADE: "1、2、3、4（或 一级 … 四级）"}.get(column.kind, "")


# ------------------------------------------------------------------------- cell values


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object) -> str:
    """A cell as text. Numbers are written as Excel shows them (15 significant digits), so
    0.1 + 0.2 reads as "0.3" and a code typed as a number keeps its digits."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else str(value).strip()


def _id_text(value: object) -> str:
    if isinstance(value, float):
        raise DoudiError(
            _(
                "the ID number was stored as a number and has lost digits; format "
                "the column as text and type it again."
            )
        )
    return re.sub(r"\s+", "", _text(value)).upper()


def _grade(value: object) -> int | str:
    text = _text(value).removesuffix("级")
    text = str(GRADE_WORDS.get(text, text))
    return int(text) if is_digits(text) else text  # anything else: parse_household refuses it


def _boolean(value: object) -> bool | str:
    if isinstance(value, bool):
        return value
    text = _text(value).casefold()
    if text in TRUE_WORDS or text in FALSE_WORDS:
        return text in TRUE_WORDS
    return text  # parse_household refuses it


def _month(value: object) -> str:
    if isinstance(value, datetime.date):  # Excel turns a typed 2026-09 into 2026-09-01
        return month_text(value)
    return _text(value)


def _convert(column: Column, value: object) -> Any:
    """A non-empty cell as the form expects it; raises DoudiError if it cannot be read."""
    if column.kind == ID:
        return _id_text(value)
    if column.kind == CHOICE:
        return _choice(column.choices, _text(value))
    if column.kind == CHOICES:
        return [
            _choice(column.choices, part) for part in LIST_SEPARATORS.split(_text(value)) if part
        ]
    if column.kind == GRADE:
        return _grade(value)
    if column.kind == BOOL:
        return _boolean(value)
    if column.kind == MONTH:
        return _month(value)
    if column.kind == YUAN:
        return yuan_to_fen(_text(value))
    return _text(value)


# ----------------------------------------------------------------------------- reading


@dataclass
class WorkbookHousehold:
    """One 户编号 of the file as a household form, and where each of its fields was read."""

    number: str
    form: dict[str, Any]
    cells: dict[str, Cell]  # the household's own fields
    rows: dict[str, tuple[Sheet, int]] = field(default_factory=dict)  # item path → its row
    faults: list[DoudiError] = field(default_factory=list)  # cells that could not be read
    member_keys: dict[str, str] = field(default_factory=dict)  # ID number → member key

    def locate(self, path: str | None) -> Cell:
        """The cell a form path (``members[2].id_number``) came from; for a path of no cell,
        the household's first row."""
        path = path or ""
        if path in self.cells:
            return self.cells[path]
        item, _dot, name = path.partition(".")
        if item in self.rows:
            sheet, row = self.rows[item]
            return sheet.cell(row, name)
        return self.cells[""]

    def place(self, problem: DoudiError) -> CellError:
        """A problem (or warning) of the form, placed in its cell."""
        return as_cell_error(problem, self.locate(problem.field))

    def cell_errors(self, problems: Iterable[DoudiError]) -> list[CellError]:
        """The faults of reading and these problems of the form, each placed in its cell.
        A cell that could not be read is reported once, not again as missing."""
        unread = {fault.field for fault in self.faults}
        return [
            self.place(problem)
            for problem in [*self.faults, *(p for p in problems if p.field not in unread)]
        ]

    def add_row(self, sheet: Sheet, row: int, values: dict[Column, object]) -> dict[str, Any]:
        """One row of a sheet as the next item of its list in the form."""
        items = self.form[sheet.items]
        path = f"{sheet.items}[{len(items)}]"
        self.rows[path] = (sheet, row)
        item: dict[str, Any] = {"key": f"row{row}"} if sheet is MEMBERS else {}
        for column, value in values.items():
            if not column.household and not _blank(value):
                self._put(item, f"{path}.{column.field}", column, value)
        items.append(item)
        return item

    def _put(self, item: dict[str, Any], where: str, column: Column, value: object) -> None:
        try:
            if column.kind == MEMBER:
                text = _id_text(value)
                # Not a member of this household: named back masked, like any ID number shown.
                item[column.field] = self.member_keys.get(text) or (
                    mask(text) if len(text) > 10 else text
                )
            else:
                item[column.field] = _convert(column, value)
        except DoudiError as error:
            self.faults.append(DoudiError(error.message, field=where, **error.params))


@dataclass
class HouseholdsWorkbook:
    households: list[WorkbookHousehold]
    problems: list[CellError]  # faults outside any one household's form


def read_households_workbook(data: bytes) -> HouseholdsWorkbook:
    """Every household of the file as a form to check. Refuses a file that is not a workbook
    of the template's shape; faults in cells are returned for the caller to report."""
    book = open_workbook(data)
    try:
        positions = {sheet: _positions(book, sheet) for sheet in SHEETS}
        problems: list[CellError] = []
        households = _read_members(book, positions[MEMBERS], problems)
        for sheet in (INCOMES, EXPENSES, ASSETS):
            _read_facts(book, sheet, positions[sheet], households, problems)
    finally:
        book.close()
    if not households and not problems:
        raise DoudiError(
            _("The sheet “%(sheet)s” lists no members."), field="file", sheet=MEMBERS.name
        )
    return HouseholdsWorkbook(list(households.values()), problems)


def _header_name(value: object) -> str:
    name = re.sub(r"\s+", "", _text(value)).rstrip("*")
    return name.replace("(", "（").replace(")", "）")


def _positions(book, sheet: Sheet) -> dict[Column, int]:
    """Where each column of the sheet is; an optional column may be left out."""
    if sheet.name not in book.sheetnames:
        raise DoudiError(
            _("The workbook has no sheet named “%(sheet)s”; start from the template."),
            field="file",
            sheet=sheet.name,
        )
    # Through sheet_rows, so a sheet whose XML breaks off in the first row is refused too.
    header = next(sheet_rows(book[sheet.name], max_rows=1), (1, ()))[1]
    found: dict[str, int] = {}
    for index, value in enumerate(header):
        found.setdefault(_header_name(value), index)
    missing = [c.header for c in sheet.columns if c.required and c.header not in found]
    if missing:
        raise DoudiError(
            _("The first row of sheet “%(sheet)s” lacks the columns: %(columns)s."),
            field="file",
            sheet=sheet.name,
            columns="、".join(missing),
        )
    return {c: found[c.header] for c in sheet.columns if c.header in found}


def _rows(
    book, sheet: Sheet, positions: dict[Column, int]
) -> Iterator[tuple[int, dict[Column, object]]]:
    """The non-empty rows, numbered as Excel numbers them, each cell under its column."""
    width = max(positions.values()) + 1
    count = 0
    for number, cells in sheet_rows(
        book[sheet.name],
        min_row=2,
        width=width,
        max_rows=1 + sheet.max_rows + EMPTY_ROWS_ALLOWED,
    ):
        if all(_blank(value) for value in cells):
            continue  # an empty row, without building its columns (they may be many)
        values = {
            c: cells[positions[c]] if c in positions and positions[c] < len(cells) else None
            for c in sheet.columns
        }
        if all(_blank(value) for value in values.values()):
            continue
        count += 1
        if count > sheet.max_rows:
            raise DoudiError(
                _("Sheet “%(sheet)s” has more than %(max)d rows; split the file into several."),
                field="file",
                sheet=sheet.name,
                max=sheet.max_rows,
            )
        yield number, values


def _read_members(
    book, positions: dict[Column, int], problems: list[CellError]
) -> dict[str, WorkbookHousehold]:
    households: dict[str, WorkbookHousehold] = {}
    for number, values in _rows(book, MEMBERS, positions):
        key = _text(values[HOUSEHOLD_KEY])
        if not key:
            problems.append(
                CellError(_("is required."), row=number, column=MEMBERS.cell(number, "key").column)
            )
            continue
        if key not in households:
            households[key] = _new_household(key, number)
        household = households[key]
        for column in (c for c in MEMBERS.columns if c.household and c != HOUSEHOLD_KEY):
            _household_value(
                household, column, values[column], MEMBERS.cell(number, column.field), problems
            )
        member = household.add_row(MEMBERS, number, values)
        if isinstance(member.get("id_number"), str):
            household.member_keys.setdefault(member["id_number"], member["key"])
    return households


def _new_household(number: str, row: int) -> WorkbookHousehold:
    return WorkbookHousehold(
        number,
        form={"members": [], **{sheet.items: [] for sheet in (INCOMES, EXPENSES, ASSETS)}},
        # Faults of the whole household point at its first row (those of its members as a
        # group, such as the count of heads, at the relation column).
        cells={
            "": MEMBERS.cell(row, "key"),
            "region": MEMBERS.cell(row, "region"),
            "address": MEMBERS.cell(row, "address"),
            "members": MEMBERS.cell(row, "relation"),
        },
    )


def _household_value(
    household: WorkbookHousehold,
    column: Column,
    value: object,
    cell: Cell,
    problems: list[CellError],
) -> None:
    """The household's place and address: given on its first row, or repeated identically."""
    text = _text(value)
    if not text:
        return
    known = household.form.get(column.field)
    if known is None:
        household.form[column.field] = text
        household.cells[column.field] = cell
    elif text != known:
        problems.append(
            CellError(
                _("differs from row %(first)d of the same household (“%(value)s”)."),
                row=cell.row,
                column=cell.column,
                first=household.cells[column.field].row,
                value=known,
            )
        )


def _read_facts(
    book,
    sheet: Sheet,
    positions: dict[Column, int],
    households: dict[str, WorkbookHousehold],
    problems: list[CellError],
) -> None:
    for number, values in _rows(book, sheet, positions):
        key = _text(values[HOUSEHOLD_KEY])
        household = households.get(key)
        if household is None:
            where = sheet.cell(number, "key").column
            problems.append(
                CellError(
                    _("no member on sheet “%(sheet)s” has the household number “%(key)s”."),
                    row=number,
                    column=where,
                    sheet=MEMBERS.name,
                    key=key,
                )
                if key
                else CellError(_("is required."), row=number, column=where)
            )
            continue
        household.add_row(sheet, number, values)


# ---------------------------------------------------------------------------- the template


def template_workbook() -> bytes:
    """The empty import template: the four data sheets, the 说明 sheet, drop-down lists."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    options = _Options(book.create_sheet(OPTIONS_SHEET))
    for sheet in SHEETS:
        _template_sheet(book.create_sheet(sheet.name, len(book.sheetnames) - 1), sheet, options)
    _guide_sheet(book.create_sheet(GUIDE_SHEET, len(book.sheetnames) - 1))
    options.sheet.sheet_state = "hidden"
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


class _Options:
    """The hidden sheet holding each drop-down's list, one column per list."""

    def __init__(self, sheet) -> None:
        self.sheet = sheet
        self.ranges: dict[str, str] = {}

    def range_for(self, column: Column) -> str | None:
        if column.kind == CHOICE:
            name, values = (
                column.choices.__name__,
                [zh_label(column.choices, code) for code in column.choices.values],
            )
        elif column.kind in (BOOL, GRADE):
            name, values = column.kind, (["是", "否"] if column.kind == BOOL else [1, 2, 3, 4])
        else:
            return None
        if name not in self.ranges:
            letter = get_column_letter(len(self.ranges) + 1)
            for row, value in enumerate(values, start=1):
                self.sheet[f"{letter}{row}"] = value
            self.ranges[name] = f"'{OPTIONS_SHEET}'!${letter}$1:${letter}${len(values)}"
        return self.ranges[name]


def _template_sheet(worksheet, sheet: Sheet, options: _Options) -> None:
    worksheet.append([column.header for column in sheet.columns])
    last_row = sheet.max_rows + 1
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        header = worksheet.cell(row=1, column=index)
        header.font = Font(bold=True, color="B42318" if column.required else None)
        dimension = worksheet.column_dimensions[letter]
        dimension.width = column.width
        if column.kind in TEXT_KINDS:
            dimension.number_format = "@"
        source = options.range_for(column)
        if source is not None:
            # A drop-down that still lets a code (or another accepted name) be typed.
            validation = DataValidation(
                type="list", formula1=source, allow_blank=True, showErrorMessage=False
            )
            validation.add(f"{letter}2:{letter}{last_row}")
            worksheet.add_data_validation(validation)
    worksheet.freeze_panes = "A2"


GUIDE_TEXT = (
    "家庭信息批量导入说明",
    "1. 成员表每位家庭成员填一行；同一家庭的成员填相同的户编号。家庭的居住地区划代码和地址可只填"
    "该户第一行。",
    "2. 收入、刚性支出、财产表每条记录一行，用户编号对应到成员表中的家庭；属于某位成员的，填该成员"
    "的身份证号。",
    "3. 选择类的列可以填中文名称，也可以填代码（见下表）；金额以元为单位，最多两位小数；日期填 "
    "YYYY-MM-DD，月份填 YYYY-MM。",
    "4. 身份证号、区划代码请以文本填写（模板已设为文本格式），否则 Excel 会丢失末尾数字。",
    "5. 文件中只要有一处错误，整个文件都不导入；系统会按工作表、行、列列出全部问题，"
    "改正后重新导入。",
    "6. 标红的列名为必备列，不得删除或改名；其余列可以留空。",
)


def _guide_sheet(worksheet) -> None:
    for line in GUIDE_TEXT:
        worksheet.append([line])
    worksheet["A1"].font = Font(bold=True, size=14)
    worksheet.append([])
    worksheet.append(["工作表", "列名", "必备", "说明", "可填写的值（中文名称或代码）"])
    for cell in worksheet[worksheet.max_row]:
        cell.font = Font(bold=True)
    for sheet in SHEETS:
        for column in sheet.columns:
            worksheet.append(
                [
                    sheet.name,
                    column.header,
                    "是" if column.required else "",
                    column.note,
                    _allowed_values(column),
                ]
            )
    for letter, width in zip("ABCDE", (10, 22, 6, 50, 80), strict=True):
        worksheet.column_dimensions[letter].width = width


# ------------------------------------------------------------------------------ the export

EXPORT_SHEET = "家庭成员"
EXPORT_COLUMNS = (
    ExportColumn("档案号", CellKind.CODE),
    ExportColumn("区划代码", CellKind.CODE),
    ExportColumn("区划名称"),
    ExportColumn("地址"),
    ExportColumn("户人数", CellKind.NUMBER),
    ExportColumn("姓名"),
    ExportColumn("身份证号（脱敏）", CellKind.ID_NUMBER),
    ExportColumn("与户主关系"),
    ExportColumn("性别"),
    # Not the birth date: beside the masked number it would give the number back.
    ExportColumn("年龄", CellKind.NUMBER),
    ExportColumn("户籍地区划代码", CellKind.CODE),
    ExportColumn("户籍性质"),
    ExportColumn("居住地区划代码（成员）", CellKind.CODE),
    ExportColumn("婚姻状况"),
    ExportColumn("电话（脱敏）", CellKind.PHONE),
    ExportColumn("残疾类别"),
    ExportColumn("残疾等级", CellKind.NUMBER),
    # As the disability federation last delivered it (registry.certificates), never typed.
    ExportColumn("残疾人证有效期至", CellKind.DATE),
    ExportColumn("重大疾病"),
    ExportColumn("生活自理失能项"),
    ExportColumn("文化程度"),
    ExportColumn("在校"),
    ExportColumn("就业状况"),
    ExportColumn("加入日期", CellKind.DATE),
    ExportColumn("社保卡号（脱敏）", CellKind.ID_NUMBER),
    ExportColumn("不计入原因"),
)
EXPORT_HEADERS = tuple(column.header for column in EXPORT_COLUMNS)


def export_workbook(households: Iterable[Any], today: datetime.date | None = None) -> bytes:
    """One row per current member, household columns repeated. ``households`` carry
    ``current_members`` (prefetched) and may be a streaming iterator: rows are written as
    they come (write-only mode), so a large list is never held whole.

    ID numbers appear masked only; social-security card numbers too, as they often are the
    ID number itself; phone numbers as 138****5678. Ages (on ``today``) stand for birth dates,
    which the mask hides.
    """
    today = today or timezone.localdate()
    book = new_workbook()
    add_table(book, EXPORT_SHEET, EXPORT_COLUMNS, _export_rows(households, today))
    return workbook_bytes(book)


def _export_rows(households: Iterable[Any], today: datetime.date) -> Iterator[list[Any]]:
    for household in households:
        head = [
            household.file_number,
            household.region_id,
            household.region.name,
            household.address,
            len(household.current_members),
        ]
        for member in sorted(
            household.current_members, key=lambda m: (m.relation != Relation.HEAD, m.pk)
        ):
            yield head + _export_member(member, today)


def _export_member(member: Any, today: datetime.date) -> list[Any]:
    return [
        member.name,
        member.id_number_masked,
        zh_label(Relation, member.relation),
        zh_label(Sex, member.sex),
        age_on(member.birth_date, today),
        member.hukou_region_code,
        zh_label(HukouType, member.hukou_type),
        member.residence_region_code,
        zh_label(MaritalStatus, member.marital_status),
        member.phone,
        zh_label(DisabilityCategory, member.disability_category),
        member.disability_grade,
        _certificate_until(member),
        member.serious_illness,
        "、".join(zh_label(SelfCareItem, item) for item in member.self_care_failed),
        zh_label(Education, member.education),
        "是" if member.in_school else "否",
        zh_label(Employment, member.employment),
        # A membership from birth would date the birth: said without the day.
        "出生时" if member.joined_on == member.birth_date else member.joined_on,
        member.social_security_card,
        zh_label(ExclusionReason, member.excluded_reason),
    ]


def _certificate_until(member: Any) -> datetime.date | str | None:
    """The certificate's last valid day; 未报送 for a disabled member no delivery has named."""
    if member.disability_certificate_valid_until:
        return member.disability_certificate_valid_until
    return "未报送" if member.disability_category else None
