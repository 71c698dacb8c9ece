"""The catalogue of sources (数据来源) and their versioned data contracts (数据接口约定).

Each department exports its own table in its own columns (docs/checks.md, "The twelve
sources"). A contract version names those columns exactly as the department's header has them
and maps each to one of our fields with a type; a department's new export (a renamed or added
column, a new value) is a new version appended to its source's ``versions``, nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from doudi.errors import DoudiError

StrOrPromise = str | Promise


class Kind(StrEnum):
    """How a department's cell is read (the type table of docs/checks.md)."""

    ID_NUMBER = "id_number"  # 身份证号: stored only as person_hash
    TEXT = "text"
    CHOICE = "choice"  # one of the listed department values, stored as our code
    YUAN = "yuan"  # 元 with two decimals, thousands separators allowed → int fen
    WAN_YUAN = "wan_yuan"  # 万元 → int fen
    DATE = "date"  # in the column's format → date32
    MONTH = "month"  # YYYYMM → date32, first of the month
    DECIMAL2 = "decimal2"  # two decimals → int hundredths (floor area in 0.01 m²)
    INTEGER = "integer"
    REGION_CODE = "region_code"  # 6 or 12 digits → 12 digits


# The date formats departments use, as strptime formats.
YYYYMMDD = "%Y%m%d"
YYYY_MM_DD = "%Y-%m-%d"

# Fields every snapshot has first, whatever the source (docs/checks.md, "The snapshot"). A
# contract column mapped to one of them fills it instead of the ID number's digits.
COMMON_FIELDS = ("row", "person_hash", "id_valid", "name", "birth_date", "sex", "place_code")
SEX = MappingProxyType({"男": "male", "女": "female"})
YES_NO = MappingProxyType({"是": True, "否": False})


@dataclass(frozen=True)
class Column:
    """One column of a department's export and the field of ours it fills."""

    header: str  # exactly as in the department's header row
    field: str  # our field: English, our units
    kind: Kind
    required: bool = False
    choices: Mapping[str, str | bool] = field(default_factory=lambda: MappingProxyType({}))
    date_format: str = YYYY_MM_DD

    def __post_init__(self) -> None:
        if self.kind == Kind.CHOICE and not self.choices:
            raise ValueError(f"choice column {self.header} lists no values")

    @property
    def is_boolean(self) -> bool:
        """A choice whose codes are True/False (是/否) is stored as a bool."""
        return bool(self.choices) and all(isinstance(code, bool) for code in self.choices.values())


@dataclass(frozen=True)
class Contract:
    """One version of a source's export: its columns, in the department's order."""

    version: int
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # our fields that no two rows may share (duplicate detection)
    # The field holding the data's own date (数据日期), the delivery's date when none is given.
    date_field: str | None = None

    def __post_init__(self) -> None:
        fields = [column.field for column in self.columns]
        if len(set(fields)) != len(fields) or len({c.header for c in self.columns}) != len(fields):
            raise ValueError(f"contract version {self.version} repeats a header or a field")
        if sum(column.kind == Kind.ID_NUMBER for column in self.columns) != 1:
            raise ValueError(f"contract version {self.version} needs exactly one ID column")
        if "name" not in fields:
            raise ValueError(f"contract version {self.version} needs the person's name")
        if not set(self.key) <= set(fields) or (self.date_field and self.date_field not in fields):
            raise ValueError(f"contract version {self.version} names an unknown field")

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(column.header for column in self.columns)

    @property
    def id_column(self) -> Column:
        return next(column for column in self.columns if column.kind == Kind.ID_NUMBER)

    @property
    def own_columns(self) -> tuple[Column, ...]:
        """The source's own fields: every column but the ID number and the common fields."""
        return tuple(
            column
            for column in self.columns
            if column.kind != Kind.ID_NUMBER and column.field not in COMMON_FIELDS
        )

    def column(self, field_name: str) -> Column | None:
        return next((column for column in self.columns if column.field == field_name), None)


@dataclass(frozen=True)
class Source:
    """A department's table the check platform receives (docs/checks.md)."""

    key: str
    department: str  # the owner department, as it calls itself
    versions: tuple[Contract, ...]
    # What the source holds, for people (a lazy translation): pages never show the key.
    title: StrOrPromise = field(kw_only=True)

    @property
    def label(self) -> str:
        """The source as a page names it: what it holds and who delivers it."""
        return gettext("%(title)s (%(department)s)") % {
            "title": self.title,
            "department": self.department,
        }

    @property
    def latest(self) -> Contract:
        return max(self.versions, key=lambda contract: contract.version)

    def contract(self, version: int | None = None) -> Contract:
        """The named version, or the latest when none is named."""
        if version is None:
            return self.latest
        for contract in self.versions:
            if contract.version == version:
                return contract
        raise DoudiError(
            _("Source “%(source)s” has no contract version %(version)d."),
            field="version",
            source=self.title,
            version=version,
        )


def _id(header: str) -> Column:
    return Column(header, "id_number", Kind.ID_NUMBER, required=True)


def _name(header: str = "姓名") -> Column:
    return Column(header, "name", Kind.TEXT, required=True)


def _text(header: str, field_name: str, *, required: bool = False) -> Column:
    return Column(header, field_name, Kind.TEXT, required=required)


def _choice(header: str, field_name: str, choices: dict[str, str | bool]) -> Column:
    return Column(header, field_name, Kind.CHOICE, required=True, choices=MappingProxyType(choices))


def _date(
    header: str, field_name: str, *, required: bool = True, date_format: str = YYYY_MM_DD
) -> Column:
    return Column(header, field_name, Kind.DATE, required=required, date_format=date_format)


def _yuan(header: str, field_name: str, *, required: bool = True) -> Column:
    return Column(header, field_name, Kind.YUAN, required=required)


def _month(header: str, field_name: str) -> Column:
    return Column(header, field_name, Kind.MONTH, required=True)


DEATHS = Source(
    "deaths",
    "公安局户籍管理部门",
    (
        Contract(
            1,
            (
                _id("公民身份号码"),
                _name(),
                Column("性别", "sex", Kind.CHOICE, choices=SEX),
                _date("出生日期", "birth_date", required=False, date_format=YYYYMMDD),
                Column("户籍地行政区划代码", "place_code", Kind.REGION_CODE),
                _choice(
                    "注销类别",
                    "cancellation",
                    {"死亡": "death", "迁出": "moved_out", "其他": "other"},
                ),
                _date("注销日期", "cancelled_on"),
                _date("数据日期", "data_date"),
            ),
            date_field="data_date",
        ),
    ),
    title=_("Deaths and hukou cancellations"),
)

VEHICLES = Source(
    "vehicles",
    "公安局交通管理部门车辆管理所",
    (
        Contract(
            1,
            (
                _id("所有人身份证明号码"),
                _name("所有人姓名"),
                _text("号牌号码", "plate", required=True),
                _text("号牌种类", "plate_kind"),
                _text("车辆类型", "vehicle_type"),
                _choice(
                    "使用性质",
                    "use",
                    {"营运": "commercial", "非营运": "private", "残疾人专用": "disability"},
                ),
                _date("初次登记日期", "first_registered_on"),
                _choice(
                    "机动车状态",
                    "state",
                    {"正常": "normal", "注销": "cancelled", "报废": "scrapped"},
                ),
                _date("数据日期", "data_date"),
            ),
            key=("plate",),
            date_field="data_date",
        ),
    ),
    title=_("Motor vehicles"),
)

REAL_ESTATE = Source(
    "real_estate",
    "自然资源和规划局不动产登记中心",
    (
        Contract(
            1,
            (
                _id("权利人证件号"),
                _name("权利人名称"),
                _text("不动产单元号", "unit_number", required=True),
                _text("坐落", "location"),
                _choice(
                    "用途",
                    "use",
                    {
                        "住宅": "residential",
                        "商业": "commercial",
                        "办公": "office",
                        "工业": "industrial",
                        # A parking space (车位) is no home: counted with "other" property.
                        "车位": "other",
                        "其他": "other",
                    },
                ),
                Column("建筑面积(㎡)", "floor_area_hundredths", Kind.DECIMAL2, required=True),
                _date("登记时间", "registered_on"),
                _choice("权利状态", "state", {"现势": "current", "注销": "cancelled"}),
                _choice(
                    "共有情况",
                    "sharing",
                    {"单独所有": "sole", "共同共有": "joint", "按份共有": "shared"},
                ),
            ),
            key=("unit_number",),
        ),
    ),
    title=_("Real estate"),
)

BUSINESSES = Source(
    "businesses",
    "市场监督管理局",
    (
        Contract(
            1,
            (
                _text("统一社会信用代码", "credit_code", required=True),
                _text("主体名称", "business_name", required=True),
                _text("主体类型", "business_type"),
                _id("经营者证件号码"),
                _name("经营者姓名"),
                Column("注册资本(万元)", "registered_capital_fen", Kind.WAN_YUAN),
                _date("成立日期", "founded_on"),
                _choice(
                    "登记状态", "state", {"存续": "active", "吊销": "revoked", "注销": "cancelled"}
                ),
            ),
            key=("credit_code",),
        ),
    ),
    title=_("Businesses"),
)

PROVIDENT_FUND = Source(
    "provident_fund",
    "住房公积金管理中心",
    (
        Contract(
            1,
            (
                _id("证件号码"),
                _name(),
                _text("单位名称", "employer"),
                _yuan("缴存基数(元)", "base_fen"),
                _yuan("月缴存额(元)", "monthly_contribution_fen"),
                _choice(
                    "账户状态",
                    "account_state",
                    {"正常": "normal", "封存": "sealed", "销户": "closed"},
                ),
                _month("最近缴存月份", "last_paid_month"),
                _yuan("账户余额(元)", "balance_fen"),
            ),
        ),
    ),
    title=_("Housing provident fund"),
)

PENSIONS = Source(
    "pensions",
    "人力资源和社会保障局社会保险中心",
    (
        Contract(
            1,
            (
                _id("社会保障号码"),
                _name(),
                _text("险种", "scheme", required=True),
                _text("待遇类型", "benefit_kind"),
                _yuan("月待遇金额(元)", "monthly_amount_fen"),
                _month("待遇开始年月", "start_month"),
                _choice(
                    "待遇状态",
                    "state",
                    {"正常发放": "paid", "暂停发放": "suspended", "终止": "ended"},
                ),
            ),
        ),
    ),
    title=_("Pensions"),
)

EMPLOYMENT = Source(
    "employment",
    "人力资源和社会保障局就业服务中心",
    (
        Contract(
            1,
            (
                _id("身份证号"),
                _name(),
                _choice("登记类型", "registration", {"就业": "employed", "失业": "unemployed"}),
                _text("单位名称", "employer"),
                _date("登记日期", "registered_on"),
                # Empty where it does not apply: no wage when unemployed, no benefit when in work.
                _yuan("月工资(元)", "monthly_wage_fen", required=False),
                _yuan("失业保险金(元/月)", "unemployment_benefit_fen", required=False),
            ),
        ),
    ),
    title=_("Employment and unemployment"),
)

DISABILITY = Source(
    "disability",
    "残疾人联合会",
    (
        Contract(
            1,
            (
                _id("身份证号"),
                _name(),
                _text("残疾类别", "category", required=True),
                _choice("残疾等级", "grade", {"一级": "1", "二级": "2", "三级": "3", "四级": "4"}),
                _date("发证日期", "issued_on"),
                _date("有效期至", "valid_until", required=False),
                _choice(
                    "证件状态", "state", {"有效": "valid", "过期": "expired", "注销": "cancelled"}
                ),
            ),
        ),
    ),
    title=_("Disability certificates"),
)

MEDICAL = Source(
    "medical",
    "医疗保障局",
    (
        Contract(
            1,
            (
                _id("身份证号"),
                _name(),
                _text("就诊类型", "visit_kind", required=True),
                _text("医疗机构", "institution"),
                # Empty for an outpatient settlement: there is no stay.
                _date("入院日期", "admitted_on", required=False),
                _date("出院日期", "discharged_on", required=False),
                _yuan("医疗总费用(元)", "total_fen"),
                _yuan("基本医保支付(元)", "basic_insurance_fen"),
                _yuan("大病保险支付(元)", "critical_illness_fen"),
                _yuan("医疗救助支付(元)", "assistance_fen"),
                _yuan("个人自付(元)", "out_of_pocket_fen"),
                _date("结算日期", "settled_on"),
            ),
        ),
    ),
    title=_("Medical costs"),
)

POVERTY_MONITORING = Source(
    "poverty_monitoring",
    "乡村振兴局",
    (
        Contract(
            1,
            (
                _id("证件号码"),
                _name(),
                _text("户编号", "household_number", required=True),
                _text("与户主关系", "relation"),
                _text("监测对象类别", "category", required=True),
                _date("识别时间", "identified_on"),
                _text("风险类型", "risk_kind"),
                Column("风险是否消除", "risk_removed", Kind.CHOICE, required=True, choices=YES_NO),
            ),
        ),
    ),
    title=_("Poverty monitoring"),
)

BANK = Source(
    "bank",
    "银行、证券机构",
    (
        Contract(
            1,
            (
                _id("证件号码"),
                _name(),
                _text("金融机构", "institution", required=True),
                _text("账户类型", "account_kind", required=True),
                _yuan("余额(元)", "balance_fen"),
                _date("余额日期", "balance_on"),
            ),
            date_field="balance_on",
        ),
    ),
    title=_("Bank and securities balances"),
)

TAX = Source(
    "tax",
    "税务局",
    (
        Contract(
            1,
            (
                _id("纳税人识别号"),
                _name(),
                _text("所得项目", "income_item", required=True),
                _date("所属期起", "period_start"),
                _date("所属期止", "period_end"),
                _yuan("收入额(元)", "income_fen"),
                _yuan("已缴税额(元)", "tax_paid_fen"),
            ),
        ),
    ),
    title=_("Income tax"),
)

# 家庭经济困难学生认定 (教育部等六部门《关于做好家庭经济困难学生认定工作的指导意见》,
# 教财〔2018〕16号, 2018-10-30): three grades of hardship, certified by the school each year.
EDUCATION = Source(
    "education",
    "教育局学生资助管理中心",
    (
        Contract(
            1,
            (
                _id("身份证号"),
                _name(),
                _text("学校", "school", required=True),
                _text("学段", "stage", required=True),
                _choice(
                    "认定等级",
                    "hardship_level",
                    {"特别困难": "especially", "困难": "hardship", "一般困难": "general"},
                ),
                _date("认定日期", "certified_on"),
                _text("资助项目", "aid"),
            ),
        ),
    ),
    title=_("Students certified in financial hardship"),
)

SOURCES: Mapping[str, Source] = MappingProxyType(
    {
        source.key: source
        for source in (
            DEATHS,
            VEHICLES,
            REAL_ESTATE,
            BUSINESSES,
            PROVIDENT_FUND,
            PENSIONS,
            EMPLOYMENT,
            DISABILITY,
            MEDICAL,
            POVERTY_MONITORING,
            BANK,
            TAX,
            EDUCATION,
        )
    }
)


def get_source(key: str) -> Source:
    try:
        return SOURCES[key]
    except KeyError:
        raise DoudiError(
            _("There is no source “%(source)s”; the sources are: %(known)s."),
            field="source",
            source=key,
            known=", ".join(SOURCES),
        ) from None
