"""The departments' exports (部门数据), generated from the synthetic population.

Each of the twelve files has exactly the header and the habits of the department's sample
export (UTF-8 with BOM, CRLF, amounts in yuan, the odd 15-digit number, a lower-case ``x``,
spaces around a number, thousands separators). Rows are of three sorts:

- background: what the registry already knows, told again by the department (the population's
  own cars, homes, businesses, deposits, pensions, wages, disabilities, medical costs) — a check
  must find nothing in them;
- other residents of the city, who are not in the registry at all;
- planted truths: deviations put on purpose on chosen registry members (a death, a car, a
  second home, a business, wages, a monitored household, a mistyped ID number), listed in the
  manifest with the file and line of each row, so tests and benchmarks know what must be found.
  Given ``recipients`` (members whose household receives a benefit, as the demo's do), the
  first few truths of each kind a check of recipients finds are drawn from them, with their
  ID numbers typed right, so that a campaign over the demo finds each kind.

Everything is drawn from one generator seeded by ``seed``: the same population, seed and date
always give byte-identical files.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from doudi.demo import population as pop
from doudi.demo.population import Population, Table
from doudi.registry.choices import AssetType, Employment, ExpenseType, Relation

DEATHS = "公安_死亡注销.csv"
VEHICLES = "车管_机动车.csv"
REAL_ESTATE = "不动产_登记.csv"
BUSINESSES = "市场监管_市场主体.csv"
PROVIDENT_FUND = "公积金_缴存.csv"
PENSIONS = "社保_养老待遇.csv"
EMPLOYMENT = "人社_就业失业.csv"
DISABILITY = "残联_残疾人证.csv"
MEDICAL = "医保_费用结算.csv"
MONITORING = "乡村振兴_监测对象.csv"
BANK = "银行_存款.csv"
TAX = "税务_个人所得.csv"

HEADERS: dict[str, tuple[str, ...]] = {
    DEATHS: (
        "公民身份号码",
        "姓名",
        "性别",
        "出生日期",
        "户籍地行政区划代码",
        "注销类别",
        "注销日期",
        "数据日期",
    ),
    VEHICLES: (
        "所有人身份证明号码",
        "所有人姓名",
        "号牌号码",
        "号牌种类",
        "车辆类型",
        "使用性质",
        "初次登记日期",
        "机动车状态",
        "数据日期",
    ),
    REAL_ESTATE: (
        "权利人证件号",
        "权利人名称",
        "不动产单元号",
        "坐落",
        "用途",
        "建筑面积(㎡)",
        "登记时间",
        "权利状态",
        "共有情况",
    ),
    BUSINESSES: (
        "统一社会信用代码",
        "主体名称",
        "主体类型",
        "经营者证件号码",
        "经营者姓名",
        "注册资本(万元)",
        "成立日期",
        "登记状态",
    ),
    PROVIDENT_FUND: (
        "证件号码",
        "姓名",
        "单位名称",
        "缴存基数(元)",
        "月缴存额(元)",
        "账户状态",
        "最近缴存月份",
        "账户余额(元)",
    ),
    PENSIONS: (
        "社会保障号码",
        "姓名",
        "险种",
        "待遇类型",
        "月待遇金额(元)",
        "待遇开始年月",
        "待遇状态",
    ),
    EMPLOYMENT: (
        "身份证号",
        "姓名",
        "登记类型",
        "单位名称",
        "登记日期",
        "月工资(元)",
        "失业保险金(元/月)",
    ),
    DISABILITY: ("身份证号", "姓名", "残疾类别", "残疾等级", "发证日期", "有效期至", "证件状态"),
    MEDICAL: (
        "身份证号",
        "姓名",
        "就诊类型",
        "医疗机构",
        "入院日期",
        "出院日期",
        "医疗总费用(元)",
        "基本医保支付(元)",
        "大病保险支付(元)",
        "医疗救助支付(元)",
        "个人自付(元)",
        "结算日期",
    ),
    MONITORING: (
        "证件号码",
        "姓名",
        "户编号",
        "与户主关系",
        "监测对象类别",
        "识别时间",
        "风险类型",
        "风险是否消除",
    ),
    BANK: ("证件号码", "姓名", "金融机构", "账户类型", "余额(元)", "余额日期"),
    TAX: ("纳税人识别号", "姓名", "所得项目", "所属期起", "所属期止", "收入额(元)", "已缴税额(元)"),
}
FILE_NAMES = tuple(HEADERS)
# The source of the check platform (doudi.sources.contracts) each file is delivered as.
SOURCE_OF_FILE = {
    DEATHS: "deaths",
    VEHICLES: "vehicles",
    REAL_ESTATE: "real_estate",
    BUSINESSES: "businesses",
    PROVIDENT_FUND: "provident_fund",
    PENSIONS: "pensions",
    EMPLOYMENT: "employment",
    DISABILITY: "disability",
    MEDICAL: "medical",
    MONITORING: "poverty_monitoring",
    BANK: "bank",
    TAX: "tax",
}
# The column holding the person's ID number and the one holding the name, per file.
ID_COLUMN = {name: 3 if name == BUSINESSES else 0 for name in FILE_NAMES}
NAME_COLUMN = {name: 4 if name == BUSINESSES else 1 for name in FILE_NAMES}


@dataclass(frozen=True)
class Habit:
    """How a department writes ID numbers: shares of rows with each quirk."""

    old_numbers: float = 0.0  # 15 digits, for people born before 2000
    lower_x: float = 0.0
    spaces: float = 0.0


# The quirks each sample shows (README.md of the samples).
HABITS = {
    MONITORING: Habit(old_numbers=0.04),
    EMPLOYMENT: Habit(old_numbers=0.04, lower_x=0.3),
    BUSINESSES: Habit(old_numbers=0.05),
    VEHICLES: Habit(old_numbers=0.03, spaces=0.03),
    TAX: Habit(old_numbers=0.04),
    BANK: Habit(lower_x=0.3),
    MEDICAL: Habit(spaces=0.08),
    PENSIONS: Habit(spaces=0.06),
}

KINDS = ("death", "car", "second_home", "business", "wages", "monitoring", "id_typo")
# A mistyped number is planted on rows that are findings of their own kind.
TYPO_FILES = {DEATHS: "death", VEHICLES: "car", BUSINESSES: "business"}

COUNTY_NAMES = {
    "410802": "解放区",
    "410803": "中站区",
    "410804": "马村区",
    "410811": "山阳区",
    "410821": "修武县",
    "410822": "博爱县",
    "410823": "武陟县",
    "410825": "温县",
    "410882": "沁阳市",
    "410883": "孟州市",
}
COUNTY_CODES = np.array([int(code) for code in COUNTY_NAMES])
# Truths of each kind drawn from ``recipients`` first: enough to show every kind in a campaign,
# few enough that most recipients stay rightly covered.
RECIPIENT_TRUTHS = 2
CAPITAL_LINE_FEN = 10_000_000  # 10万元: a business above it is planted as a finding
OUTSIDERS_PER_MEMBER = 0.5


@dataclass
class Sheet:
    """Rows of one file under construction: cells per column, and who each row is about."""

    columns: list[np.ndarray]
    member: np.ndarray  # row in population.members; -1 for someone not in the registry
    planted: np.ndarray  # kind name, "" for background rows
    typo: np.ndarray | None = field(default=None)  # bool: the ID cell has a mistyped digit

    def __post_init__(self) -> None:
        if self.typo is None:
            self.typo = np.zeros(len(self.member), bool)


@dataclass
class Context:
    """What every file's builder draws on."""

    population: Population
    rng: np.random.Generator
    data_date: np.datetime64
    outsiders: Table
    registry_ids: np.ndarray
    taken: np.ndarray  # members already planted in some file (one truth per person)
    planted_count: int
    recipients: np.ndarray  # bool per member: drawn first for a truth (none by default)

    @property
    def m(self) -> Table:
        return self.population.members


# ---------------------------------------------------------------------------------- entry


def generate_departments(
    population: Population,
    seed: int,
    as_of: datetime.date,
    recipients: np.ndarray | None = None,
) -> tuple[dict[str, bytes], dict]:
    """The twelve files (name → bytes) and the manifest of planted truths.

    ``manifest["planted"]`` maps each kind of ``KINDS`` to entries ``{household, member,
    member_of_household, file, line}``; an ``id_typo`` entry names also the ``finding`` its row
    carries (death, car or business), which is then not listed again under that kind.
    ``recipients`` (rows of ``population.members``: the payees) carry up to
    ``RECIPIENT_TRUTHS`` of each kind but the poverty monitoring (which finds people who
    receive nothing), never mistyped, a death before the data date's month.
    """
    context = _context(population, seed, as_of, recipients)
    sheets = {name: build(context) for name, build in BUILDERS.items()}
    _plant_typos(context, sheets)
    files, planted = {}, {kind: [] for kind in KINDS}
    for name in FILE_NAMES:
        files[name] = _render(context, name, sheets[name], planted)
    for kind in KINDS:
        planted[kind].sort(key=lambda entry: (entry["household"], entry["member"]))
    manifest = {
        "seed": seed,
        "population_seed": population.seed,
        "as_of": as_of.isoformat(),
        "data_date": str(context.data_date),
        "households": len(population.households["kind"]),
        "member_index": "member: row of Population.members; member_of_household: its place "
        "in the household (0: the first member)",
        "planted": planted,
    }
    return files, manifest


def write_departments(
    population: Population, seed: int, as_of: datetime.date, out: Path
) -> dict[str, int]:
    """Write the files and planted.json into ``out``; return the row count of each file."""
    return save_departments(*generate_departments(population, seed, as_of), out)


def save_departments(files: dict[str, bytes], manifest: dict, out: Path) -> dict[str, int]:
    """Write generated files and planted.json into ``out``; return the row count of each."""
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (out / name).write_bytes(data)
    (out / "planted.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return {name: data.count(b"\r\n") - 1 for name, data in files.items()}


def _context(
    population: Population, seed: int, as_of: datetime.date, recipients: np.ndarray | None
) -> Context:
    # A generator of its own: the population's draws stay as they are.
    rng = np.random.default_rng([seed, 0xD0D1])
    today = np.datetime64(as_of, "D")
    data_date = today.astype("datetime64[M]").astype("datetime64[D]") - np.timedelta64(1, "D")
    size = len(population.members["household"])
    registry_ids = np.sort(population.members["id_number"])
    outsiders = _outsiders(rng, max(60, int(size * OUTSIDERS_PER_MEMBER)), today, registry_ids)
    households = len(population.households["kind"])
    preferred = np.zeros(size, bool)
    if recipients is not None:
        preferred[recipients] = True
    return Context(
        population,
        rng,
        data_date,
        outsiders,
        registry_ids,
        np.zeros(size, bool),
        max(3, households // 250),
        preferred,
    )


# ------------------------------------------------------------------------------ outsiders


def _outsiders(
    rng: np.random.Generator, size: int, today: np.datetime64, registry_ids: np.ndarray
) -> Table:
    """Other residents of the city: valid numbers that are nobody's in the registry."""
    age = pop._between(rng, 18, 90, size)
    birth = pop._births(rng, age, today)
    male = rng.random(size) < 0.5
    place = COUNTY_CODES[rng.integers(0, len(COUNTY_CODES), size)]
    ids = pop.id_numbers(rng, place, birth, male)
    at = np.searchsorted(registry_ids, ids).clip(max=len(registry_ids) - 1)
    keep = registry_ids[at] != ids
    surnames = np.array(pop.SURNAMES)[pop._choice(rng, pop.SURNAME_WEIGHTS, size)]
    given_chars = np.array(list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"))
    given = np.strings.add(
        np.where(rng.random(size) < 0.3, "", given_chars[rng.integers(0, len(given_chars), size)]),
        given_chars[rng.integers(0, len(given_chars), size)],
    )
    return {
        "id_number": ids[keep],
        "name": np.strings.add(surnames, given)[keep],
        "birth": birth[keep],
        "male": male[keep],
        "age": age[keep],
    }


def _pick_outsiders(context: Context, size: int) -> np.ndarray:
    """Distinct outsiders: nobody dies twice or holds two certificates."""
    pool = len(context.outsiders["id_number"])
    return np.sort(context.rng.choice(pool, min(size, pool), replace=False))


# ------------------------------------------------------------------------------- helpers


def _days_before(context: Context, low: int, high: int, size: int) -> np.ndarray:
    days = pop._between(context.rng, low, high, size).astype("timedelta64[D]")
    return context.data_date - days


def _date(days: np.ndarray, compact: bool = False) -> np.ndarray:
    text = np.datetime_as_string(days.astype("datetime64[D]"), unit="D")
    text = np.where(np.isnat(days), "", text)
    return np.strings.replace(text, "-", "") if compact else text


def _month(days: np.ndarray) -> np.ndarray:
    return np.strings.replace(np.datetime_as_string(days.astype("datetime64[M]")), "-", "")


def _yuan(fen: np.ndarray, thousands: str = "never") -> np.ndarray:
    """Fen as yuan with two decimals; ``thousands``: "never", "always" or "large" (≥ 1,000)."""
    fen = np.asarray(fen, np.int64)
    # Python's formatting of a list is several times faster than numpy's string functions.
    pairs = zip((fen // 100).tolist(), (fen % 100).tolist(), strict=True)
    if thousands == "never":
        return np.array([f"{w}.{c:02d}" for w, c in pairs], dtype=str)
    least = 0 if thousands == "always" else 1000
    return np.array(
        [f'"{w:,}.{c:02d}"' if w >= least else f"{w}.{c:02d}" for w, c in pairs], dtype=str
    )


def _wan_yuan(fen: np.ndarray) -> np.ndarray:
    """Registered capital in 万元, without trailing zeros (1 万元 = 1,000,000 fen)."""
    return np.array(
        [
            f"{c // 1_000_000}.{c % 1_000_000:06d}".rstrip("0").rstrip(".")
            for c in np.asarray(fen, np.int64).tolist()
        ],
        dtype=str,
    )


def _full(value: str, size: int) -> np.ndarray:
    return np.full(size, value)


def _among(context: Context, values: tuple[str, ...], shares, size: int) -> np.ndarray:
    return np.array(values)[pop._choice(context.rng, shares, size)]


def _choose(
    context: Context,
    eligible: np.ndarray,
    *,
    per_household: bool = True,
    recipients_first: bool = True,
) -> np.ndarray:
    """Members to plant a truth on: eligible, alive, not yet planted, one per household; a few
    recipients first (without changing the draws, so files without recipients stay as they
    were)."""
    m = context.m
    candidates = np.flatnonzero(eligible & np.isnat(m["left"]) & ~context.taken)
    candidates = candidates[context.rng.permutation(len(candidates))]
    if per_household:
        _unique, first = np.unique(m["household"][candidates], return_index=True)
        candidates = candidates[np.sort(first)]
    if recipients_first:
        preferred = candidates[context.recipients[candidates]][:RECIPIENT_TRUTHS]
        candidates = np.r_[preferred, candidates[~np.isin(candidates, preferred)]]
    chosen = np.sort(candidates[: context.planted_count])
    context.taken[chosen] = True
    return chosen


def _people(context: Context, members: np.ndarray, outsiders: np.ndarray) -> dict:
    """ID number, name, birth, sex of registry members then outsiders, and member index."""
    m, o = context.m, context.outsiders
    return {
        "id": np.r_[m["id_number"][members], o["id_number"][outsiders]],
        "name": np.r_[m["name"][members], o["name"][outsiders]],
        "birth": np.r_[m["birth"][members], o["birth"][outsiders]],
        "male": np.r_[m["male"][members], o["male"][outsiders]],
        "member": np.r_[members, np.full(len(outsiders), -1)].astype(np.int64),
    }


def _sheet(people: dict, planted: np.ndarray, *columns: np.ndarray) -> Sheet:
    return Sheet([people["id"], people["name"], *columns], people["member"], planted)


def _kinds(background: int, planted: int, outsiders: int, kind: str) -> np.ndarray:
    return np.r_[_full("", background), _full(kind, planted), _full("", outsiders)]


def _member_mean(population: Population, note: str, table: str = "incomes") -> np.ndarray:
    """Each member's monthly amount (fen) of one kind of income, over the months on file."""
    rows = getattr(population, table)
    notes = pop.INCOME_NOTES if table == "incomes" else pop.EXPENSE_NOTES
    who = (rows["member"] >= 0) & (rows["note"] == pop._code(notes, note))
    size = len(population.members["household"])
    total = np.bincount(rows["member"][who], weights=rows["amount"][who], minlength=size)
    return np.round(total / pop.INCOME_MONTHS).astype(np.int64)


def _assets_of(population: Population, kind: str) -> np.ndarray:
    return np.flatnonzero(population.assets["kind"] == pop._code(pop.ASSET_TYPES, kind))


def _households_with(population: Population, rows: np.ndarray) -> np.ndarray:
    """How many of the asset ``rows`` each household has."""
    return np.bincount(
        population.assets["household"][rows], minlength=len(population.households["kind"])
    )


def _of_household(context: Context, counts: np.ndarray) -> np.ndarray:
    """A member-level view of a household-level array."""
    return counts[context.m["household"]]


def _adults(context: Context, low: int = 18, high: int = 75) -> np.ndarray:
    return (context.m["age"] >= low) & (context.m["age"] <= high)


# --------------------------------------------------------------------------------- files


def _deaths(context: Context) -> Sheet:
    m = context.m
    known = np.flatnonzero(~np.isnat(m["death"]) & (m["death"] <= context.data_date))
    planted = _choose(context, _adults(context, 30, 95))
    outsiders = _pick_outsiders(context, max(10, len(m["age"]) // 200))
    people = _people(context, np.r_[known, planted], outsiders)
    size = len(people["id"])
    cancelled = np.r_[
        m["death"][known],
        _before_last_month(context, planted, _days_before(context, 1, 90, len(planted))),
        _days_before(context, 1, 720, len(outsiders)),
    ]
    reason = np.r_[
        _full("死亡", len(known) + len(planted)),
        _among(context, ("死亡", "迁出", "其他"), [7, 2, 1], len(outsiders)),
    ]
    region = np.strings.add(np.strings.slice(people["id"], 0, 6), "000000")
    return _sheet(
        people,
        _kinds(len(known), len(planted), len(outsiders), "death"),
        np.where(people["male"], "男", "女"),
        _date(people["birth"], compact=True),
        region,
        reason,
        _date(cancelled),
        _full(str(context.data_date), size),
    )


def _before_last_month(context: Context, members: np.ndarray, days: np.ndarray) -> np.ndarray:
    """A recipient's death falls before the data date's month (31 days earlier), so that the
    payment of that month is one to recover."""
    first = context.data_date.astype("datetime64[M]").astype("datetime64[D]")
    late = context.recipients[members] & (days >= first)
    return np.where(late, days - np.timedelta64(31, "D"), days)


VEHICLE_LOOKS = {  # population vehicle code → plate kind, vehicle type
    1: ("小型汽车", "K33 轿车"),
    2: ("大型汽车", "H21 中型普通货车"),
    3: ("普通摩托车", "M21 普通二轮摩托车"),
    4: ("低速车", "N11 三轮汽车"),
    5: ("小型汽车", "K31 小型普通客车"),
}


def _vehicles(context: Context) -> Sheet:
    population, m = context.population, context.m
    rows = _assets_of(population, AssetType.VEHICLE)
    owners = population.assets["member"][rows]
    code = population.assets["vehicle"][rows]
    without = _of_household(context, _households_with(population, rows)) == 0
    planted = _choose(context, without & _adults(context, 20, 70))
    old = _choose_background(context, _adults(context, 25, 90), 0.02)
    outsiders = _pick_outsiders(context, max(10, len(m["age"]) // 20))
    people = _people(context, np.r_[owners, planted, old], outsiders)
    n_known, n_new, n_old, n_out = len(owners), len(planted), len(old), len(outsiders)
    plate_kind = np.r_[
        np.array([VEHICLE_LOOKS[c][0] for c in code.tolist()], dtype="U8"),
        _full("小型汽车", n_new),
        _among(context, ("小型汽车", "普通摩托车"), [3, 1], n_old + n_out),
    ]
    vehicle_type = np.r_[
        np.array([VEHICLE_LOOKS[c][1] for c in code.tolist()], dtype="U16"),
        _full("K33 轿车", n_new),
        _among(context, ("K33 轿车", "K31 小型普通客车", "M21 普通二轮摩托车"), [4, 3, 2], n_old),
        _among(context, ("K33 轿车", "K31 小型普通客车", "H21 中型普通货车"), [4, 3, 1], n_out),
    ]
    use = np.r_[
        np.where(code == pop._code(pop.VEHICLES, "disability"), "残疾人专用", "非营运"),
        _full("非营运", n_new),
        _among(context, ("非营运", "营运"), [4, 1], n_old + n_out),
    ]
    state = np.r_[
        _full("正常", n_known + n_new),
        _among(context, ("报废", "注销"), [2, 1], n_old),
        _among(context, ("正常", "报废", "注销"), [6, 2, 1], n_out),
    ]
    size = len(people["id"])
    return _sheet(
        people,
        _kinds(n_known, n_new, n_old + n_out, "car"),
        _plates(context, size),
        plate_kind,
        vehicle_type,
        use,
        _date(_days_before(context, 30, 6000, size)),
        state,
        _full(str(context.data_date), size),
    )


def _choose_background(context: Context, eligible: np.ndarray, share: float) -> np.ndarray:
    """Registry members with a record that tells nothing new (a scrapped car, a sold home)."""
    alive = eligible & np.isnat(context.m["left"]) & ~context.taken
    return np.flatnonzero(alive & (context.rng.random(len(alive)) < share))


PLATE_CHARACTERS = np.array(list("0123456789ABCDEFGHJK"))


def _plates(context: Context, size: int) -> np.ndarray:
    """Unique plates 豫H + five characters."""
    serial = context.rng.choice(len(PLATE_CHARACTERS) ** 5, size, replace=False)
    powers = len(PLATE_CHARACTERS) ** np.arange(4, -1, -1)
    digits = (serial[:, None] // powers) % len(PLATE_CHARACTERS)
    text = _full("豫H", size)
    for column in range(5):
        text = np.strings.add(text, PLATE_CHARACTERS[digits[:, column]])
    return text


def _locations(context: Context, ids: np.ndarray) -> np.ndarray:
    county = np.strings.slice(ids, 0, 6)
    names = np.array([COUNTY_NAMES.get(code, "解放区") for code in county.tolist()], dtype="U4")
    number = pop._text(pop._between(context.rng, 1, 300, len(ids)))
    return np.strings.add(np.strings.add(np.strings.add(names, "某路"), number), "号")


def _real_estate(context: Context) -> Sheet:
    population, m = context.population, context.m
    rows = _assets_of(population, AssetType.HOME)
    owners = population.assets["member"][rows]
    one_home = _of_household(context, _households_with(population, rows)) == 1
    planted = _choose(context, one_home & (m["relation"] == pop._code(pop.RELATIONS, "head")))
    sold = _choose_background(context, _adults(context, 30, 90), 0.02)
    outsiders = _pick_outsiders(context, max(10, len(m["age"]) // 8))
    people = _people(context, np.r_[owners, planted, sold], outsiders)
    size, n_known, n_new = len(people["id"]), len(owners), len(planted)
    n_rest = len(sold) + len(outsiders)
    area = np.r_[
        population.assets["area"][rows],
        pop._between(context.rng, 6000, 14000, n_new),
        pop._between(context.rng, 1500, 16000, n_rest),
    ]
    use = np.r_[
        _full("住宅", n_known + n_new + len(sold)),
        _among(context, ("住宅", "商业", "车位", "办公"), [12, 2, 2, 1], len(outsiders)),
    ]
    state = np.r_[
        _full("现势", n_known + n_new),
        _full("注销", len(sold)),
        _among(context, ("现势", "注销"), [4, 1], len(outsiders)),
    ]
    serial = context.rng.permutation(size) + 1
    unit = np.strings.add(
        np.strings.add(
            np.strings.add(
                np.strings.slice(people["id"], 0, 6),
                np.strings.add("001", pop._text(pop._between(context.rng, 100, 999, size))),
            ),
            np.strings.add(
                "GB", np.strings.zfill(pop._text(context.rng.integers(0, 10**5, size)), 5)
            ),
        ),
        np.strings.add("F", np.strings.zfill(pop._text(serial), 8)),
    )
    return _sheet(
        people,
        _kinds(n_known, n_new, n_rest, "second_home"),
        unit,
        _locations(context, people["id"]),
        use,
        _yuan(area),  # hundredths of a square metre print like fen as yuan
        _date(_days_before(context, 60, 7000, size)),
        state,
        _among(context, ("单独所有", "共同共有", "按份共有"), [5, 4, 1], size),
    )


CREDIT_CHARACTERS = np.array(list("0123456789ABCDEFGHJKLMNPQRTUWXY"))


def _credit_codes(context: Context, ids: np.ndarray) -> np.ndarray:
    """统一社会信用代码-like: 92, the county, then ten characters unique by a serial."""
    size = len(ids)
    serial = context.rng.choice(31**6, size, replace=False)
    head = context.rng.integers(0, 31, (size, 4))
    digits = np.c_[head, (serial[:, None] // 31 ** np.arange(5, -1, -1)) % 31]
    text = np.strings.add("92", np.strings.slice(ids, 0, 6))
    for column in range(10):
        text = np.strings.add(text, CREDIT_CHARACTERS[digits[:, column]])
    return text


def _businesses(context: Context) -> Sheet:
    population, m = context.population, context.m
    rows = _assets_of(population, AssetType.BUSINESS)
    owners = population.assets["member"][rows]
    without = _of_household(context, _households_with(population, rows)) == 0
    planted = _choose(context, without & _adults(context, 22, 65))
    outsiders = _pick_outsiders(context, max(10, len(m["age"]) // 25))
    people = _people(context, np.r_[owners, planted], outsiders)
    size, n_known, n_new, n_out = len(people["id"]), len(owners), len(planted), len(outsiders)
    capital = np.r_[
        population.assets["capital"][rows],
        pop._between(context.rng, 11, 500, n_new) * 1_000_000,
        np.array([1, 3, 5, 10, 50, 100, 200])[context.rng.integers(0, 7, n_out)] * 1_000_000,
    ]
    trade = _among(context, ("五金店", "便利店", "养殖场", "餐馆", "商贸有限公司"), [1] * 5, size)
    kind = np.r_[
        _full("个体工商户", n_known),
        _full("有限责任公司(自然人独资)", n_new),
        _among(
            context,
            ("个体工商户", "有限责任公司(自然人独资)", "农民专业合作社"),
            [6, 3, 1],
            n_out,
        ),
    ]
    state = np.r_[
        _full("存续", n_known + n_new), _among(context, ("存续", "吊销", "注销"), [5, 1, 2], n_out)
    ]
    return Sheet(
        [
            _credit_codes(context, people["id"]),
            np.strings.add(np.strings.add("焦作市", people["name"]), trade),
            kind,
            people["id"],
            people["name"],
            _wan_yuan(capital),
            _date(_days_before(context, 60, 6000, size)),
            state,
        ],
        people["member"],
        _kinds(n_known, n_new, n_out, "business"),
    )


def _wages(context: Context) -> np.ndarray:
    return _member_mean(context.population, "工资")


def _employed(context: Context) -> np.ndarray:
    m = context.m
    employed = m["employment"] == pop._code(pop.EMPLOYMENT, Employment.EMPLOYED)
    return np.flatnonzero(employed & np.isnat(m["left"]) & (_wages(context) > 0))


EMPLOYERS = ("焦作市某公司", "焦作市某机械有限公司", "某县人民医院", "某镇人民政府")


def _provident_fund(context: Context) -> Sheet:
    employed = _employed(context)
    members = employed[context.rng.random(len(employed)) < 0.5]
    outsiders = _pick_outsiders(context, max(10, len(context.m["age"]) // 15))
    people = _people(context, members, outsiders)
    size = len(people["id"])
    base = np.r_[
        _wages(context)[members] // 100 * 100,
        pop._between(context.rng, 2000, 9000, len(outsiders)) * 100,
    ]
    state = np.r_[
        _full("正常", len(members)), _among(context, ("正常", "封存"), [1, 1], len(outsiders))
    ]
    last_paid = np.where(
        state == "正常", context.data_date, _days_before(context, 40, 400, size)
    ).astype("datetime64[D]")
    return _sheet(
        people,
        _full("", size),
        _among(context, EMPLOYERS[1:], [1, 1, 1], size),
        _yuan(base, "always"),
        _yuan(base * 24 // 100),
        state,
        _month(last_paid),
        _yuan(pop._between(context.rng, 100000, 9000000, size), "always"),
    )


def _pensions(context: Context) -> Sheet:
    m = context.m
    alive = np.isnat(m["left"])
    workers = _member_mean(context.population, "养老金")
    residents = _member_mean(context.population, "城乡居民基础养老金")
    retired = np.flatnonzero(alive & (workers > 0))
    basic = np.flatnonzero(alive & (residents > 0) & (workers == 0))
    outsiders = _pick_outsiders(context, max(10, len(m["age"]) // 10))
    people = _people(context, np.r_[retired, basic], outsiders)
    n_known = len(retired) + len(basic)
    scheme = np.r_[
        _full("城镇职工基本养老保险", len(retired)),
        _full("城乡居民基本养老保险", len(basic)),
        _among(context, ("城镇职工基本养老保险", "城乡居民基本养老保险"), [1, 2], len(outsiders)),
    ]
    amount = np.r_[
        workers[retired],
        residents[basic],
        np.where(
            scheme[n_known:] == "城镇职工基本养老保险",
            pop._between(context.rng, 180000, 450000, len(outsiders)),
            pop._between(context.rng, 14300, 30000, len(outsiders)),
        ),
    ]
    sixty = people["birth"].astype("datetime64[M]") + np.timedelta64(60 * 12 + 1, "M")
    start = np.minimum(sixty, context.data_date.astype("datetime64[M]"))
    state = np.r_[
        _full("正常发放", n_known),
        _among(context, ("正常发放", "暂停发放", "终止"), [6, 1, 2], len(outsiders)),
    ]
    return _sheet(
        people,
        _full("", len(people["id"])),
        scheme,
        _full("基本养老金", len(people["id"])),
        _yuan(amount),
        _month(start),
        state,
    )


def _employment(context: Context) -> Sheet:
    m, population = context.m, context.population
    employed = _employed(context)
    low_band = np.isin(
        population.households["band"],
        [pop.BAND_NAMES.index(name) for name in ("none", "well_below", "just_below", "at_line")],
    )
    not_employed = m["employment"] != pop._code(pop.EMPLOYMENT, Employment.EMPLOYED)
    planted = _choose(context, low_band[m["household"]] & not_employed & _adults(context, 20, 55))
    outsiders = _pick_outsiders(context, max(10, len(m["age"]) // 10))
    people = _people(context, np.r_[employed, planted], outsiders)
    size, n_known, n_new, n_out = len(people["id"]), len(employed), len(planted), len(outsiders)
    registration = np.r_[
        _full("就业", n_known + n_new), _among(context, ("就业", "失业"), [2, 1], n_out)
    ]
    working = registration == "就业"
    wage = np.r_[
        _wages(context)[employed],
        pop._between(context.rng, 3000, 8000, n_new) * 100,
        pop._between(context.rng, 2000, 7000, n_out) * 100,
    ]
    benefit = pop._between(context.rng, 1400, 1800, size) * 100
    return _sheet(
        people,
        _kinds(n_known, n_new, n_out, "wages"),
        registration,
        np.where(working, _among(context, EMPLOYERS, [3, 1, 1, 1], size), ""),
        _date(_days_before(context, 10, 1000, size)),
        np.where(working, _yuan(wage), ""),
        np.where(working, "", _yuan(benefit)),
    )


DISABILITY_NAMES = ("", "视力", "听力", "言语", "肢体", "智力", "精神", "多重")
GRADE_NAMES = ("", "一级", "二级", "三级", "四级")


def _disability(context: Context) -> Sheet:
    m, rng = context.m, context.rng
    members = np.flatnonzero((m["disability"] > 0) & (rng.random(len(m["age"])) < 0.95))
    outsiders = _pick_outsiders(context, max(10, len(m["age"]) // 30))
    people = _people(context, members, outsiders)
    size, n_out = len(people["id"]), len(outsiders)
    category = np.r_[m["disability"][members], rng.integers(1, 8, n_out)]
    grade = np.r_[m["grade"][members], rng.integers(1, 5, n_out)]
    issued = np.r_[
        _days_before(context, 30, 3400, len(members)), _days_before(context, 30, 5000, n_out)
    ]
    valid_until = issued.astype("datetime64[M]") + np.timedelta64(120, "M")
    valid_until = valid_until.astype("datetime64[D]") + (
        issued - issued.astype("datetime64[M]").astype("datetime64[D]")
    )
    alive = np.r_[np.isnat(m["left"][members]), rng.random(n_out) < 0.9]
    state = np.select([~alive, valid_until < context.data_date], ["注销", "过期"], "有效")
    return _sheet(
        people,
        _full("", size),
        np.array(DISABILITY_NAMES)[category],
        np.array(GRADE_NAMES)[grade],
        _date(issued),
        _date(valid_until),
        state,
    )


def _medical(context: Context) -> Sheet:
    population, rng = context.population, context.rng
    expenses = population.expenses
    medical = pop._code(pop.EXPENSE_TYPES, ExpenseType.MEDICAL)
    rows = np.flatnonzero((expenses["kind"] == medical) & (expenses["member"] >= 0))
    outsiders = _pick_outsiders(context, max(10, len(context.m["age"]) // 40))
    people = _people(context, expenses["member"][rows], outsiders)
    size, n_out = len(people["id"]), len(outsiders)
    own = np.r_[expenses["amount"][rows], pop._between(rng, 50000, 4000000, n_out)]
    inpatient = np.r_[
        expenses["note"][rows] == pop._code(pop.EXPENSE_NOTES, "住院自付"), rng.random(n_out) < 0.5
    ]
    total = own * 10 // 3
    basic = total * 6 // 10
    critical = total - basic - own
    month_start = np.r_[
        expenses["month"][rows].astype("datetime64[D]"),
        _days_before(context, 30, 700, n_out).astype("datetime64[M]").astype("datetime64[D]"),
    ]
    admitted = month_start + pop._between(rng, 0, 14, size).astype("timedelta64[D]")
    discharged = admitted + pop._between(rng, 3, 13, size).astype("timedelta64[D]")
    # Nothing is settled after the data's date.
    discharged = np.minimum(discharged, context.data_date)
    admitted = np.minimum(admitted, discharged)
    nat = np.datetime64("NaT", "D")
    return _sheet(
        people,
        _full("", size),
        np.where(inpatient, "住院", "门诊慢特病"),
        _among(context, ("焦作市人民医院", "某县人民医院", "某镇卫生院"), [2, 2, 1], size),
        _date(np.where(inpatient, admitted, nat)),
        _date(np.where(inpatient, discharged, nat)),
        _yuan(total),
        _yuan(basic),
        _yuan(critical),
        _yuan(np.zeros(size, np.int64)),
        _yuan(own),
        _date(np.where(inpatient, discharged, admitted)),
    )


RELATION_NAMES = {
    Relation.HEAD: ("户主", "户主"),
    Relation.SPOUSE: ("配偶", "配偶"),
    Relation.CHILD: ("之女", "之子"),
    Relation.CHILD_IN_LAW: ("之儿媳", "之女婿"),
    Relation.GRANDCHILD: ("之孙女", "之孙子"),
    Relation.PARENT: ("之母", "之父"),
}


def _relation_names(relation: np.ndarray, male: np.ndarray) -> np.ndarray:
    table = np.array(
        [RELATION_NAMES.get(value, ("其他", "其他")) for value in pop.RELATIONS], dtype="U4"
    )
    return table[relation, male.astype(np.int64)]


def _monitoring(context: Context) -> Sheet:
    m, population, rng = context.m, context.population, context.rng
    rural = ~population.households["urban"]
    head = m["relation"] == pop._code(pop.RELATIONS, Relation.HEAD)
    # Whole households are monitored: none of their members may carry another truth.
    clear = np.bincount(m["household"], weights=context.taken, minlength=len(rural)) == 0
    # Those who receive nothing: never a recipient.
    monitored = (rural & clear)[m["household"]] & head & ~context.recipients
    heads = _choose(context, monitored, recipients_first=False)
    chosen_households = np.zeros(len(rural), bool)
    chosen_households[m["household"][heads]] = True
    members = np.flatnonzero(chosen_households[m["household"]] & np.isnat(m["left"]))
    context.taken[members] = True
    outsiders = _pick_outsiders(context, max(12, len(m["age"]) // 60))
    people = _people(context, members, outsiders)
    n_new, n_out = len(members), len(outsiders)
    outsider_household = np.arange(n_out) // 3 + len(rural)
    household = np.r_[m["household"][members], outsider_household]
    number = np.strings.add(
        np.strings.slice(people["id"], 0, 6), np.strings.zfill(pop._text(household % 10**6), 6)
    )
    # Outsiders' households: the first of each three is the head.
    outsider_relation = np.where(np.arange(n_out) % 3 == 0, 0, pop._code(pop.RELATIONS, "child"))
    relation = _relation_names(np.r_[m["relation"][members], outsider_relation], people["male"])
    by_household = rng.integers(0, 3, len(rural) + n_out + 1)[household]
    category = np.array(("脱贫不稳定户", "边缘易致贫户", "突发严重困难户"))[by_household]
    identified = (context.data_date - (household % 1200).astype("timedelta64[D]")).astype(
        "datetime64[D]"
    )
    risk = np.array(("因病", "因残", "因学", "因灾", "缺劳动力", "因意外事故"))[
        rng.integers(0, 6, len(rural) + n_out + 1)[household]
    ]
    removed = np.r_[_full("否", n_new), np.where(outsider_household % 2 == 0, "是", "否")]
    return _sheet(
        people,
        _kinds(0, n_new, n_out, "monitoring"),
        number,
        relation,
        category,
        _date(identified),
        risk,
        removed,
    )


def _bank(context: Context) -> Sheet:
    population = context.population
    deposits = _assets_of(population, AssetType.DEPOSIT)
    securities = _assets_of(population, AssetType.SECURITIES)
    rows = np.r_[deposits, securities]
    owners = population.assets["member"][rows]
    outsiders = _pick_outsiders(context, max(10, len(context.m["age"]) // 5))
    people = _people(context, owners, outsiders)
    size, n_dep, n_out = len(people["id"]), len(deposits), len(outsiders)
    banks = pop.ASSET_NOTES[1:5]
    institution = np.r_[
        np.array(pop.ASSET_NOTES)[population.assets["note"][deposits]],
        _full("中原证券焦作营业部", len(securities)),
        _among(context, (*banks, "河南省农村信用社"), [1] * 5, n_out),
    ]
    kind = np.r_[
        _among(context, ("活期", "定期"), [1, 1], n_dep),
        _full("理财", len(securities)),
        _among(context, ("活期", "定期", "理财"), [3, 2, 1], n_out),
    ]
    balance = np.r_[
        population.assets["value"][rows],
        np.exp(context.rng.uniform(np.log(1000), np.log(20_000_000), n_out)).astype(np.int64),
    ]
    return _sheet(
        people,
        _full("", size),
        institution,
        kind,
        _yuan(balance, "large"),
        _full(str(context.data_date), size),
    )


def _tax(context: Context) -> Sheet:
    employed = _employed(context)
    outsiders = _pick_outsiders(context, max(10, len(context.m["age"]) // 10))
    people = _people(context, employed, outsiders)
    size = len(people["id"])
    period_end = context.data_date.astype("datetime64[M]").astype("datetime64[D]") - 1
    period_start = period_end.astype("datetime64[Y]").astype("datetime64[D]")
    months = int(period_end.astype("datetime64[M]") - period_start.astype("datetime64[M]")) + 1
    income = np.r_[
        _wages(context)[employed] * months,
        pop._between(context.rng, 500000, 15000000, len(outsiders)),
    ]
    tax = np.maximum(0, income - 500000 * months) * 3 // 100
    return _sheet(
        people,
        _full("", size),
        np.r_[
            _full("工资薪金所得", len(employed)),
            _among(
                context, ("工资薪金所得", "劳务报酬所得", "经营所得"), [3, 1, 1], len(outsiders)
            ),
        ],
        _full(str(period_start), size),
        _full(str(period_end), size),
        _yuan(income),
        _yuan(tax),
    )


BUILDERS: dict[str, Callable[[Context], Sheet]] = {
    DEATHS: _deaths,
    VEHICLES: _vehicles,
    REAL_ESTATE: _real_estate,
    BUSINESSES: _businesses,
    PROVIDENT_FUND: _provident_fund,
    PENSIONS: _pensions,
    EMPLOYMENT: _employment,
    DISABILITY: _disability,
    MEDICAL: _medical,
    MONITORING: _monitoring,
    BANK: _bank,
    TAX: _tax,
}


# -------------------------------------------------------------------------------- typos


def mistype(ids: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Change one sequence digit (the 15th or 16th character): the check character no longer
    fits (its weight is prime to 11), while birth date and sex (17th) stay right."""
    chars = np.array([list(value) for value in ids.tolist()], dtype="U1").reshape(len(ids), 18)
    position = rng.integers(14, 16, len(ids))
    old = chars[np.arange(len(ids)), position].astype(np.int64)
    new = (old + rng.integers(1, 10, len(ids))) % 10
    chars[np.arange(len(ids)), position] = new.astype(str)
    return np.array(["".join(row) for row in chars.tolist()], dtype="U18")


def _plant_typos(context: Context, sheets: dict[str, Sheet]) -> None:
    """Turn some planted rows of a few files into rows with a mistyped ID number."""
    for name in TYPO_FILES:
        sheet = sheets[name]
        planted = np.flatnonzero(sheet.planted != "")
        share = max(1, len(planted) // 3)
        shuffled = planted[context.rng.permutation(len(planted))]
        # Recipients' truths last (a stable sort): they are to be found by their number.
        shuffled = shuffled[np.argsort(context.recipients[sheet.member[shuffled]], kind="stable")]
        chosen = shuffled[:share]
        column = ID_COLUMN[name]
        sheet.columns[column] = sheet.columns[column].astype("U18")
        sheet.columns[column][chosen] = mistype(sheet.columns[column][chosen], context.rng)
        sheet.typo[chosen] = True


# ------------------------------------------------------------------------------- writing


def _with_habits(context: Context, name: str, sheet: Sheet) -> np.ndarray:
    """The ID column as the department writes it; a mistyped number is left as it is."""
    habit, rng = HABITS.get(name, Habit()), context.rng
    ids = sheet.columns[ID_COLUMN[name]].astype("U20")
    size = len(ids)
    before_2000 = np.strings.slice(ids, 6, 8) == "19"
    old = before_2000 & ~sheet.typo & (rng.random(size) < habit.old_numbers)
    short = np.strings.add(np.strings.slice(ids, 0, 6), np.strings.slice(ids, 8, 17))
    ids = np.where(old, short, ids)
    lower = (np.strings.slice(ids, 17, 18) == "X") & (rng.random(size) < habit.lower_x)
    ids[lower] = np.strings.lower(ids[lower])
    spaced = rng.random(size) < habit.spaces
    return np.where(spaced, np.strings.add(np.strings.add(" ", ids), " "), ids)


def _note_planted(
    context: Context, name: str, sheet: Sheet, line_of: np.ndarray, planted: dict[str, list]
) -> None:
    households = context.m["household"]
    first_member = np.searchsorted(
        households, np.arange(len(context.population.households["kind"]))
    )
    for row in np.flatnonzero(sheet.planted != "").tolist():
        kind, member = str(sheet.planted[row]), int(sheet.member[row])
        entry = {"household": int(households[member]), "member": member, "file": name}
        entry["member_of_household"] = member - int(first_member[households[member]])
        entry["line"] = int(line_of[row])
        if sheet.typo[row]:
            entry["finding"] = kind
        planted["id_typo" if sheet.typo[row] else kind].append(entry)


def _render(context: Context, name: str, sheet: Sheet, planted: dict[str, list]) -> bytes:
    """The file's bytes, rows shuffled; planted rows are noted with their line (header = 1)."""
    size = len(sheet.member)
    order = context.rng.permutation(size)
    columns = list(sheet.columns)
    columns[ID_COLUMN[name]] = _with_habits(context, name, sheet)
    # Joining Python strings row by row beats growing numpy string arrays column by column.
    cells = [column[order].astype(str).tolist() for column in columns]
    lines = [",".join(row) for row in zip(*cells, strict=True)]
    _note_planted(context, name, sheet, np.argsort(order) + 2, planted)
    header = ",".join(HEADERS[name])
    body = "\r\n".join([header, *lines]) + "\r\n"
    return ("\ufeff" + body).encode("utf-8")
