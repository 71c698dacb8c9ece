"""A synthetic, Jiaozuo-like population (合成人口) for the demo and for benchmarks.

Everything is drawn with numpy from one ``np.random.default_rng(seed)``, column by column for
the whole population at once, so a million households take seconds and the same
(households, seed, as-of date) always gives byte-identical arrays. Nothing here touches the
database: ``bulk_load`` writes a ``Population`` out.

What makes it useful for testing the rules rather than merely large:

- households of the kinds a bureau meets — many 1–2 person elderly households in the villages
  (空巢老人), grandparents raising grandchildren (留守儿童), three generations, single parents;
- valid ID numbers (GB 11643) whose place code is the county of the household, or another
  Henan county for families whose hukou is elsewhere (人户分离), birth date and sex agreeing
  with the member's columns, and sequence digits unique per (place, birth date, sex), so no two
  people ever share a number;
- disability (about 6 % of people, more among the old), recognised serious illness (about 2 %),
  failed self-care items, schooling and work that fit the age;
- counted income per person placed on purpose around the 低保 line of the place (urban 600,
  rural 377 yuan a month): well below, just below, exactly at, just above, below and at 1.5×
  (低保边缘), and far above; non-counted income (basic pension, awards, scholarships);
- financial assets around 24 months of the standard per person, some cars, homes, businesses,
  a few far above any plausible limit; rigid medical, rehabilitation and schooling spending.

Per-person counted income means the household's counted income of the last three complete
months, divided by three and by the members who are counted (not excluded, not departed).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np

from doudi.demo.loader import demo_regions_csv
from doudi.regions.codes import Level
from doudi.regions.importer import read_region_csv
from doudi.regions.models import Classification
from doudi.registry.choices import (
    AssetType,
    DisabilityCategory,
    Education,
    Employment,
    ExclusionReason,
    ExpenseType,
    IncomeType,
    LeaveReason,
    MaritalStatus,
    Relation,
    SelfCareItem,
    VehicleType,
)

Table = dict[str, np.ndarray]

# 低保 standards in fen per person and month (DOMAIN.md §3, seed 002).
URBAN_STANDARD_FEN = 60000
RURAL_STANDARD_FEN = 37700
INCOME_MONTHS = 3
ASSET_MONTHS = 24  # financial assets up to 24 months of the standard per person (an example)

# ------------------------------------------------------------------------ code vocabularies
# Columns hold small integer codes into these tuples; "" first where the field may be blank.

RELATIONS = tuple(Relation.values)
MARITAL = tuple(MaritalStatus.values)
DISABILITIES = ("", *DisabilityCategory.values)
SELF_CARE_ITEMS = tuple(SelfCareItem.values)
EDUCATION = tuple(Education.values)
EMPLOYMENT = tuple(Employment.values)
LEAVE_REASONS = ("", *LeaveReason.values)
EXCLUSIONS = ("", *ExclusionReason.values)
INCOME_TYPES = tuple(IncomeType.values)
EXPENSE_TYPES = tuple(ExpenseType.values)
ASSET_TYPES = tuple(AssetType.values)
VEHICLES = ("", *VehicleType.values)
ILLNESSES = (
    "",
    "恶性肿瘤",
    "尿毒症",
    "白血病",
    "重性精神病",
    "耐多药肺结核",
    "先天性心脏病",
    "血友病",
    "器官移植术后",
    "肝硬化失代偿期",
    "脑卒中后遗症",
)
INCOME_NOTES = (
    "",
    "工资",
    "种植收入",
    "经营收入",
    "养老金",
    "土地流转收入",
    "子女赡养费",
    "城乡居民基础养老金",
    "计划生育奖励扶助金",
    "优抚金",
    "国家助学金",
    "兄弟姐妹资助",
)
EXPENSE_NOTES = ("", "住院自付", "门诊慢特病自付", "康复训练", "学费", "住宿费", "社保自缴")
ASSET_NOTES = (
    "",
    "中国邮政储蓄银行",
    "农村商业银行",
    "中国农业银行",
    "中国建设银行",
    "个体工商户",
    "余额宝",
    "商业养老保险",
)


def _code(vocabulary: tuple[str, ...], value: str) -> int:
    return vocabulary.index(value)


# Kinds of household. Each row: share among rural households, share among urban ones.
KINDS = {
    "lone_elder": (0.20, 0.14),  # 独居老人
    "elder_couple": (0.18, 0.16),  # 老年夫妇
    "lone_adult": (0.07, 0.12),  # 单身成年人 (often ill or disabled)
    "nuclear": (0.21, 0.31),  # 夫妻和子女
    "single_parent": (0.04, 0.07),  # 单亲家庭
    "three_generations": (0.13, 0.09),
    "with_parents": (0.09, 0.08),  # 夫妻、子女和老人
    "skipped_generation": (0.08, 0.03),  # 祖孙家庭 (留守儿童)
}
KIND_NAMES = tuple(KINDS)
LONE_ELDER, ELDER_COUPLE, LONE_ADULT, NUCLEAR, SINGLE_PARENT, THREE_GEN, WITH_PARENTS, SKIPPED = (
    range(len(KIND_NAMES))
)
# Head of household by kind: youngest and oldest age, share of men.
HEAD_AGES = np.array(
    [
        (60, 95, 0.40),
        (60, 90, 0.90),
        (22, 59, 0.62),
        (26, 58, 0.85),
        (25, 55, 0.30),
        (48, 75, 0.85),
        (30, 55, 0.85),
        (52, 78, 0.70),
    ]
)

# Rough relative sizes of Jiaozuo's county-level units, and the urban share of each.
COUNTIES = {
    "410802": (0.08, 0.90),
    "410803": (0.04, 0.80),
    "410804": (0.05, 0.80),
    "410811": (0.10, 0.90),
    "410821": (0.07, 0.35),
    "410822": (0.11, 0.35),
    "410823": (0.18, 0.30),
    "410825": (0.12, 0.35),
    "410882": (0.13, 0.40),
    "410883": (0.10, 0.40),
}
# Other Henan counties, where families living in Jiaozuo keep their hukou (人户分离);
# the neighbours (新乡, 郑州, 洛阳, 济源) come up more often.
ORIGIN_COUNTIES = (
    "410702",
    "410724",
    "410727",
    "410781",
    "410102",
    "410122",
    "410181",
    "410304",
    "410322",
    "419001",
    "410522",
    "410923",
    "411023",
    "411623",
    "411721",
    "411323",
    "411421",
    "411521",
    "410225",
    "410422",
    "410621",
)
ORIGIN_WEIGHTS = np.array([6, 5, 3, 4, 5, 3, 4, 3, 3, 6, 2, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1], float)

SURNAMES = (
    "王",
    "李",
    "张",
    "刘",
    "陈",
    "杨",
    "赵",
    "郭",
    "孙",
    "周",
    "马",
    "吴",
    "宋",
    "朱",
    "许",
    "徐",
    "范",
    "韩",
    "程",
    "田",
    "冯",
    "贾",
    "胡",
    "董",
    "史",
    "杜",
    "岳",
    "秦",
    "薛",
    "毋",
    "原",
    "卫",
    "苗",
    "申",
    "牛",
    "侯",
    "崔",
    "魏",
    "吕",
    "常",
)
SURNAME_WEIGHTS = np.array(
    [
        10,
        9,
        9,
        6,
        4,
        4,
        3,
        3,
        2.5,
        2,
        2,
        1.5,
        1.5,
        1.5,
        1.2,
        1.2,
        1,
        1.2,
        1,
        1,
        1.2,
        1,
        1.2,
        1,
        0.8,
        0.8,
        0.6,
        0.6,
        0.6,
        0.3,
        0.4,
        0.4,
        0.5,
        0.5,
        0.5,
        0.5,
        0.6,
        0.6,
        0.6,
        0.5,
    ]
)
# Characters of given names by birth cohort (born before 1965, 1965–1994, 1995 on) and sex.
GIVEN_FIRST = {
    (0, True): "建国志德春长振保福永占金天",
    (0, False): "秀桂玉凤翠淑素春兰美爱巧",
    (1, True): "建海红国小卫伟志永新晓俊",
    (1, False): "丽晓红艳玉海春秀小慧彩雪",
    (2, True): "浩子宇俊一博家梓明天嘉皓",
    (2, False): "欣梓诗雨子佳可思梦语紫一",
}
GIVEN_SECOND = {
    (0, True): "国强胜生江华福来山林堂成",
    (0, False): "英兰珍花梅芝荣琴香云芳娥",
    (1, True): "军伟涛鹏刚强磊勇明杰峰辉",
    (1, False): "娟丽霞敏静燕芳红萍娜琳华",
    (2, True): "然轩航杰鸣豪文宇泽辰睿阳",
    (2, False): "怡涵桐琪瑶嫣彤萱然悦琳欣",
}

# Shares of counted income per person, relative to the standard S of the household's place:
# (name, share of households, lowest and highest multiple of S). A single multiple is exact.
INCOME_BANDS = (
    ("none", 0.06, 0.0, 0.0),
    ("well_below", 0.14, 0.10, 0.85),
    ("just_below", 0.13, 0.85, 1.0),  # up to one fen below S
    ("at_line", 0.03, 1.0, 1.0),
    ("just_above", 0.12, 1.0, 1.15),  # from one fen above S
    ("edge", 0.14, 1.15, 1.5),  # 低保边缘: below 1.5 S
    ("at_edge_line", 0.02, 1.5, 1.5),
    ("above_edge", 0.08, 1.5, 1.7),  # from one fen above 1.5 S
    ("well_above", 0.28, 1.7, 5.0),
)
BAND_NAMES = tuple(band[0] for band in INCOME_BANDS)
# Financial assets relative to the limit L = 24 months of S per counted person.
DEPOSIT_BANDS = (
    ("none", 0.12, 0.0, 0.0),
    ("small", 0.62, 0.01, 0.5),
    ("near_limit", 0.10, 0.8, 1.0),
    ("at_limit", 0.02, 1.0, 1.0),
    ("just_over", 0.08, 1.0, 1.3),  # from one fen over
    ("far_over", 0.06, 1.5, 10.0),  # spread evenly on a log scale
)
DEPOSIT_NAMES = tuple(band[0] for band in DEPOSIT_BANDS)


@dataclass(frozen=True)
class Place:
    """A village or community of the demo tree where households live."""

    code: str
    name: str
    urban: bool

    @property
    def county(self) -> str:
        return self.code[:6]


@dataclass
class Population:
    """The generated population as columns (numpy arrays of equal length per table).

    Rows of members and money facts are grouped by household in ascending order; ``household``
    columns index households, ``member`` columns index members (-1: the whole household);
    small integer columns are codes into the vocabularies above. The columns:

    - households: place (into ``places``), urban, kind (``KINDS``), origin (into
      ``ORIGIN_COUNTIES``, -1: local), hukou_place, hukou_urban, address, since (when the
      household was formed), counted (members counted), band (``INCOME_BANDS``);
    - members: household, relation, male, age, marital, birth, joined, death, left,
      leave_reason, excluded, id_place, id_number, name, hukou_region, residence_region,
      hukou_urban, phone, disability, grade, illness, self_care (bit mask of
      ``SELF_CARE_ITEMS``), education, in_school, employment;
    - incomes and expenses: household, member, month, kind, amount (fen), note;
    - assets: household, member, kind, value (fen), vehicle, area (hundredths of a square
      metre, -1: none), capital (fen, -1: none), note.
    """

    seed: int
    as_of: datetime.date
    places: tuple[Place, ...]
    households: Table
    members: Table
    incomes: Table
    expenses: Table
    assets: Table

    def tables(self) -> dict[str, Table]:
        return {
            "households": self.households,
            "members": self.members,
            "incomes": self.incomes,
            "expenses": self.expenses,
            "assets": self.assets,
        }

    def counts(self) -> dict[str, int]:
        return {name: len(next(iter(table.values()))) for name, table in self.tables().items()}


def demo_places() -> tuple[Place, ...]:
    """The villages and communities of the demo tree, read from its CSV (not the database)."""
    rows = read_region_csv(demo_regions_csv(), set())
    return tuple(
        Place(row.code, row.name, row.classification == Classification.URBAN)
        for row in rows
        if row.level == Level.VILLAGE
    )


def generate(households: int, seed: int, *, as_of: datetime.date) -> Population:
    """Draw ``households`` households living in the demo villages; the same arguments always
    give the same arrays. ``as_of`` is the day ages and the months of income count back from."""
    if households < 1:
        raise ValueError("at least one household")
    rng = np.random.default_rng(seed)
    places = demo_places()
    today = np.datetime64(as_of, "D")
    hh = _households(rng, households, places)
    members = _members(rng, hh, today)
    _identity(rng, hh, members, places)
    _health(rng, hh, members)
    _schooling_and_work(rng, hh, members)
    members["excluded"] = _exclusions(rng, members)
    hh["counted"] = counted_members(hh, members)
    hh["band"], per_person = _per_person_target(rng, hh)
    months = _recent_months(as_of)
    incomes = _concat_sorted(
        [
            _counted_incomes(rng, hh, members, per_person * hh["counted"], months),
            *_uncounted_incomes(rng, hh, members, months),
        ]
    )
    expenses = _expenses(rng, hh, members, months)
    assets = _assets(rng, hh, members)
    return Population(seed, as_of, places, hh, members, incomes, expenses, assets)


# ------------------------------------------------------------------------------ helpers


def _pick(rng: np.random.Generator, shares: np.ndarray, group: np.ndarray) -> np.ndarray:
    """One category per row, with the shares of the row's group (``shares[group]``)."""
    cumulative = np.cumsum(shares / shares.sum(axis=-1, keepdims=True), axis=-1)
    return (
        (rng.random(len(group))[:, None] >= cumulative[group])
        .sum(axis=1)
        .clip(max=shares.shape[-1] - 1)
    )


def _choice(rng: np.random.Generator, shares, size: int) -> np.ndarray:
    shares = np.asarray(shares, float)
    return rng.choice(len(shares), size=size, p=shares / shares.sum())


def _between(rng: np.random.Generator, low, high, size: int) -> np.ndarray:
    """Whole numbers from ``low`` to ``high`` inclusive (arrays allowed)."""
    low = np.asarray(low, np.int64)
    high = np.asarray(high, np.int64)
    return low + np.floor(rng.random(size) * (high - low + 1)).astype(np.int64)


def _ordinal(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each household repeated ``counts`` times: its index and the 0-based place in it."""
    owner = np.repeat(np.arange(len(counts)), counts)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return owner, np.arange(len(owner)) - starts


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    years = days.astype("datetime64[Y]").astype(np.int64) + 1970
    months = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    mday = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    return years, months, mday


def _births(rng: np.random.Generator, ages: np.ndarray, today: np.datetime64) -> np.ndarray:
    """Birth dates of people who are ``ages`` full years old on ``today``: up to 364 days
    before the day ``ages`` years back (clamped to the month's end for 29 February)."""
    month = np.datetime64(today, "M") - 12 * ages.astype(np.int64)
    month_days = ((month + 1).astype("datetime64[D]") - month.astype("datetime64[D]")).astype(
        np.int64
    )
    day = np.minimum(int(_ymd(np.array([today]))[2][0]), month_days) - 1
    anniversary = month.astype("datetime64[D]") + day.astype("timedelta64[D]")
    return anniversary - _between(rng, 0, 364, len(ages)).astype("timedelta64[D]")


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """Decimal digits of non-negative integers, most significant first: shape (n, width)."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (values.astype(np.int64)[:, None] // powers) % 10


def _text(values: np.ndarray) -> np.ndarray:
    return values.astype(np.int64).astype(np.str_)


# ----------------------------------------------------------------------------- households


def _households(rng: np.random.Generator, n: int, places: tuple[Place, ...]) -> Table:
    weights = np.array([_place_weight(place, places) for place in places])
    place = _choice(rng, weights, n)
    urban = np.array([p.urban for p in places])[place]
    kind = _pick(rng, np.array(list(KINDS.values())).T, urban.astype(int))
    migrant = rng.random(n) < 0.04
    origin = np.where(migrant, _choice(rng, ORIGIN_WEIGHTS, n), -1)
    # Some local families keep their hukou at another village of the county (人户分离 too).
    elsewhere = ~migrant & (rng.random(n) < 0.05)
    hukou_place = np.where(elsewhere, _other_place_of_county(place, places), place)
    hukou_urban = rng.random(n) < np.where(urban, 0.85, 0.03)
    hukou_urban &= ~(migrant & (rng.random(n) < 0.8))
    return {
        "place": place.astype(np.int16),
        "urban": urban,
        "kind": kind.astype(np.int8),
        "origin": origin.astype(np.int8),
        "hukou_place": hukou_place.astype(np.int16),
        "hukou_urban": hukou_urban,
        "address": _addresses(rng, place, urban, places),
    }


def _place_weight(place: Place, places: tuple[Place, ...]) -> float:
    size, urban_share = COUNTIES[place.county]
    same = sum(1 for p in places if p.county == place.county and p.urban == place.urban)
    return size * (urban_share if place.urban else 1 - urban_share) / same


def _other_place_of_county(place: np.ndarray, places: tuple[Place, ...]) -> np.ndarray:
    """For each place, another village of the same county (the next one in the list)."""
    other = []
    for index, p in enumerate(places):
        siblings = [i for i, q in enumerate(places) if q.county == p.county and i != index]
        other.append(siblings[index % len(siblings)] if siblings else index)
    return np.array(other)[place]


def _addresses(
    rng: np.random.Generator, place: np.ndarray, urban: np.ndarray, places: tuple[Place, ...]
) -> np.ndarray:
    """Village addresses by group and number (3组12号); community ones by block and flat."""
    n = len(place)
    names = np.array([p.name for p in places])[place]
    rural = np.strings.add(np.strings.add(names, _text(_between(rng, 1, 12, n))), "组")
    rural = np.strings.add(np.strings.add(rural, _text(_between(rng, 1, 150, n))), "号")
    flat = _between(rng, 1, 6, n) * 100 + _between(rng, 1, 4, n)
    town = np.strings.add(np.strings.add(names, _text(_between(rng, 1, 30, n))), "号楼")
    town = np.strings.add(np.strings.add(town, _text(_between(rng, 1, 4, n))), "单元")
    town = np.strings.add(np.strings.add(town, _text(flat)), "室")
    return np.where(urban, town, rural).astype("U40")


# -------------------------------------------------------------------------------- members


def _members(rng: np.random.Generator, hh: Table, today: np.datetime64) -> Table:
    """Who lives in each household: relations, sexes, ages, marriages, dates of membership."""
    n, kind = len(hh["kind"]), hh["kind"]
    low, high, male_share = HEAD_AGES[kind].T
    head_age = (low + np.floor(rng.beta(2.0, 2.2, n) * (high - low + 1))).astype(np.int64)
    head_male = rng.random(n) < male_share
    parts = _composition(rng, kind, head_age, head_male)
    household = np.concatenate([p["household"] for p in parts])
    order = np.lexsort(
        (
            np.concatenate([p["ordinal"] for p in parts]),
            np.concatenate([p["slot"] for p in parts]),
            household,
        )
    )
    columns = {
        name: np.concatenate([p[name] for p in parts])[order]
        for name in ("household", "relation", "male", "age", "marital", "dead")
    }
    birth = _births(rng, columns["age"], today)
    since = today - _between(rng, 60, 15 * 365, n).astype("timedelta64[D]")
    hh["since"] = since
    death = np.full(len(order), np.datetime64("NaT"), "datetime64[D]")
    dead = columns.pop("dead")
    span = (today - since[columns["household"][dead]]).astype(np.int64)
    death[dead] = since[columns["household"][dead]] + (
        1 + np.floor(rng.random(dead.sum()) * (span - 1))
    ).astype("timedelta64[D]")
    joined = np.maximum(birth, since[columns["household"]])
    columns.update(
        household=columns["household"].astype(np.int32),
        relation=columns["relation"].astype(np.int8),
        age=columns["age"].astype(np.int16),
        marital=columns["marital"].astype(np.int8),
        birth=birth,
        joined=joined,
        death=death,
        left=death.copy(),
        leave_reason=np.where(dead, _code(LEAVE_REASONS, LeaveReason.DEATH), 0).astype(np.int8),
    )
    return columns


def _composition(
    rng: np.random.Generator, kind: np.ndarray, head_age: np.ndarray, head_male: np.ndarray
) -> list[Table]:
    """The parts of every household, one table per relation to the head."""
    n = len(kind)
    spouse_share = np.select(
        [
            kind == ELDER_COUPLE,
            kind == NUCLEAR,
            kind == THREE_GEN,
            kind == WITH_PARENTS,
            kind == SKIPPED,
        ],
        [1.0, 0.92, 0.80, 0.90, 0.60],
        0.0,
    )
    has_spouse = rng.random(n) < spouse_share
    children = np.select(
        [kind == NUCLEAR, kind == SINGLE_PARENT, kind == THREE_GEN, kind == WITH_PARENTS],
        [
            1 + _choice(rng, [55, 37, 8], n),
            1 + _choice(rng, [70, 30], n),
            1 + _choice(rng, [65, 35], n),
            1 + _choice(rng, [50, 40, 10], n),
        ],
        0,
    )
    eldest = head_age - _between(rng, 22, np.clip(head_age, 22, 36), n)
    eldest = np.where(kind == THREE_GEN, np.maximum(eldest, 20), eldest.clip(min=0))
    child_gap = _between(rng, 2, 5, n)
    in_law = (kind == THREE_GEN) & (eldest >= 22) & (rng.random(n) < 0.75)
    first_child_male = rng.random(n) < 0.55
    grandchildren = np.select(
        [(kind == THREE_GEN) & (eldest >= 24), kind == SKIPPED],
        [1 + _choice(rng, [55, 35, 10], n), 1 + _choice(rng, [60, 40], n)],
        0,
    )
    grand_eldest = np.where(
        kind == SKIPPED,
        _between(rng, 3, 15, n),
        eldest - _between(rng, 22, np.clip(eldest, 22, 32), n),
    ).clip(min=0)
    parents = np.where(kind == WITH_PARENTS, 1 + _choice(rng, [55, 45], n), 0)
    parent_age = np.minimum(head_age + _between(rng, 22, 32, n), 100)
    parent_dies = (parents == 2) & (rng.random(n) < 0.2)
    head_marital = _head_marital(rng, kind, has_spouse, head_male)
    return [
        _part(np.ones(n, int), 0, Relation.HEAD, head_male, head_age, head_marital),
        _spouses(rng, has_spouse, head_male, head_age),
        _children(rng, children, eldest, child_gap, first_child_male, in_law),
        _in_laws(rng, in_law, eldest, first_child_male),
        _grandchildren(rng, grandchildren, grand_eldest),
        _parents(rng, parents, parent_age, parent_dies),
    ]


def _part(counts: np.ndarray, slot: int, relation: str, male, age, marital, dead=None) -> Table:
    """Members of one relation: ``counts`` per household, values given per member."""
    owner, ordinal = _ordinal(counts)
    size = len(owner)
    return {
        "household": owner,
        "ordinal": ordinal,
        "slot": np.full(size, slot),
        "relation": np.full(size, _code(RELATIONS, relation)),
        "male": male,
        "age": age,
        "marital": marital,
        "dead": np.zeros(size, bool) if dead is None else dead,
    }


def _head_marital(
    rng: np.random.Generator, kind: np.ndarray, has_spouse: np.ndarray, head_male: np.ndarray
) -> np.ndarray:
    n = len(kind)
    alone = np.select(
        [kind == LONE_ELDER, kind == LONE_ADULT, kind == SINGLE_PARENT],
        [
            _choice(rng, [22, 0, 10, 68], n),
            _choice(rng, [62, 0, 30, 8], n),
            _choice(rng, [0, 0, 62, 38], n),
        ],
        _choice(rng, [0, 0, 35, 65], n),
    )
    # Old men living alone in the villages are more often never married (五保老人).
    alone = np.where(
        (kind == LONE_ELDER) & head_male & (rng.random(n) < 0.25),
        _code(MARITAL, MaritalStatus.UNMARRIED),
        alone,
    )
    return np.where(has_spouse, _code(MARITAL, MaritalStatus.MARRIED), alone)


def _spouses(
    rng: np.random.Generator, has_spouse: np.ndarray, head_male: np.ndarray, head_age: np.ndarray
) -> Table:
    who = np.flatnonzero(has_spouse)
    gap = np.round(rng.normal(2.0, 3.0, len(who))).astype(np.int64)
    age = np.clip(head_age[who] + np.where(head_male[who], -gap, gap), 20, 100)
    return _part(
        has_spouse.astype(int),
        1,
        Relation.SPOUSE,
        ~head_male[who],
        age,
        np.full(len(who), _code(MARITAL, MaritalStatus.MARRIED)),
    )


def _children(
    rng: np.random.Generator,
    counts: np.ndarray,
    eldest: np.ndarray,
    gap: np.ndarray,
    first_male: np.ndarray,
    in_law: np.ndarray,
) -> Table:
    owner, ordinal = _ordinal(counts)
    age = (eldest[owner] - ordinal * gap[owner]).clip(min=0)
    male = np.where(ordinal == 0, first_male[owner], rng.random(len(owner)) < 0.52)
    single = np.where(
        (age >= 30) & (rng.random(len(owner)) < 0.3),
        _code(MARITAL, MaritalStatus.DIVORCED),
        _code(MARITAL, MaritalStatus.UNMARRIED),
    )
    married = (ordinal == 0) & in_law[owner]
    marital = np.where(married, _code(MARITAL, MaritalStatus.MARRIED), single)
    return _part(counts, 2, Relation.CHILD, male, age, marital)


def _in_laws(
    rng: np.random.Generator, in_law: np.ndarray, eldest: np.ndarray, first_male: np.ndarray
) -> Table:
    who = np.flatnonzero(in_law)
    shift = np.round(rng.normal(0, 2, len(who))).astype(np.int64)
    age = np.clip(eldest[who] + np.where(first_male[who], -shift, shift), 20, 100)
    return _part(
        in_law.astype(int),
        3,
        Relation.CHILD_IN_LAW,
        ~first_male[who],
        age,
        np.full(len(who), _code(MARITAL, MaritalStatus.MARRIED)),
    )


def _grandchildren(rng: np.random.Generator, counts: np.ndarray, eldest: np.ndarray) -> Table:
    owner, ordinal = _ordinal(counts)
    age = (eldest[owner] - ordinal * _between(rng, 1, 4, len(owner))).clip(min=0)
    return _part(
        counts,
        4,
        Relation.GRANDCHILD,
        rng.random(len(owner)) < 0.53,
        age,
        np.full(len(owner), _code(MARITAL, MaritalStatus.UNMARRIED)),
    )


def _parents(
    rng: np.random.Generator, counts: np.ndarray, age: np.ndarray, one_dies: np.ndarray
) -> Table:
    """The head's parents; of two, the second (the mother) may have died (a former member)."""
    owner, ordinal = _ordinal(counts)
    pair = counts[owner] == 2
    male = np.where(pair, ordinal == 0, rng.random(len(owner)) < 0.25)
    years = np.clip(age[owner] - ordinal * _between(rng, 0, 4, len(owner)), 60, 100)
    dead = pair & (ordinal == 1) & one_dies[owner]
    survivor_widowed = pair & (ordinal == 0) & one_dies[owner]
    marital = np.select(
        [pair & ~survivor_widowed, survivor_widowed],
        [_code(MARITAL, MaritalStatus.MARRIED), _code(MARITAL, MaritalStatus.WIDOWED)],
        _code(MARITAL, MaritalStatus.WIDOWED),
    )
    return _part(counts, 5, Relation.PARENT, male, years, marital, dead)


# ------------------------------------------------------------------ ID numbers and names


def _identity(rng: np.random.Generator, hh: Table, m: Table, places: tuple[Place, ...]) -> None:
    """ID numbers, names, hukou and phone numbers."""
    owner = m["household"]
    county = np.array([int(p.county) for p in places])[hh["place"]]
    origin = np.array([int(c) for c in ORIGIN_COUNTIES])
    id_place = np.where(hh["origin"] >= 0, origin[hh["origin"].clip(min=0)], county)[owner]
    m["id_place"] = id_place.astype(np.int32)
    m["id_number"] = id_numbers(rng, id_place, m["birth"], m["male"])
    codes = np.array([p.code for p in places])
    origin_codes = np.array([f"{c}000000" for c in ORIGIN_COUNTIES])
    m["hukou_region"] = np.where(
        hh["origin"] >= 0, origin_codes[hh["origin"].clip(min=0)], codes[hh["hukou_place"]]
    )[owner]
    m["residence_region"] = codes[hh["place"]][owner]
    m["hukou_urban"] = hh["hukou_urban"][owner]
    m["name"] = _names(rng, hh, m)
    adult_alive = (m["age"] >= 16) & np.isnat(m["left"])
    has_phone = adult_alive & (rng.random(len(owner)) < 0.72)
    prefix = np.array(
        [
            130,
            131,
            132,
            135,
            136,
            137,
            138,
            139,
            150,
            151,
            152,
            155,
            156,
            157,
            158,
            159,
            166,
            176,
            177,
            180,
            182,
            183,
            185,
            186,
            187,
            188,
            189,
            199,
        ]
    )
    number = prefix[rng.integers(0, len(prefix), len(owner))] * 10**8 + rng.integers(
        0, 10**8, len(owner)
    )
    m["phone"] = np.where(has_phone, _text(number), "").astype("U11")


WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
CHECK_CHARACTERS = np.frombuffer(b"10X98765432", np.uint8)


def id_numbers(
    rng: np.random.Generator, place: np.ndarray, birth: np.ndarray, male: np.ndarray
) -> np.ndarray:
    """GB 11643 numbers: place 6, birth date 8, sequence 3 (odd for men), check character.

    Sequence numbers are handed out per (place, birth date, sex) from a random start,
    so they are unique within the population by construction.
    """
    size = len(place)
    days = birth.astype(np.int64)
    order = np.lexsort((rng.random(size), male, days, place))
    key = np.stack([place, days, male], axis=1)[order]
    starts = np.flatnonzero(np.r_[True, np.any(key[1:] != key[:-1], axis=1)])
    group_sizes = np.diff(np.r_[starts, size])
    if group_sizes.max() > 499:
        raise ValueError("more than 499 people share a place, birth date and sex")
    rank = np.arange(size) - np.repeat(starts, group_sizes)
    offset = np.repeat(rng.integers(0, 499, len(starts)), group_sizes)
    sequence = np.empty(size, np.int64)
    sequence[order] = 2 * ((offset + rank) % 499) + 1  # odd: 1 … 997
    sequence -= np.where(male, 0, 1)  # even for women: 0 … 996
    sequence = np.where(sequence == 0, 998, sequence)
    year, month, day = _ymd(birth)
    body = np.concatenate(
        [
            _digits(place, 6),
            _digits(year, 4),
            _digits(month, 2),
            _digits(day, 2),
            _digits(sequence, 3),
        ],
        axis=1,
    )
    check = CHECK_CHARACTERS[(body @ WEIGHTS) % 11]
    text = np.concatenate([(body + ord("0")).astype(np.uint8), check[:, None]], axis=1)
    return np.ascontiguousarray(text).view("S18").ravel().astype("U18")


def _names(rng: np.random.Generator, hh: Table, m: Table) -> np.ndarray:
    """Children and grandchildren carry the family's surname (the head's, or the husband's)."""
    owner, size = m["household"], len(m["household"])
    surnames = np.array(SURNAMES)
    own = _choice(rng, SURNAME_WEIGHTS, size)
    relation = m["relation"]
    heads = np.flatnonzero(relation == _code(RELATIONS, Relation.HEAD))
    family = own[heads].copy()
    husbands = (relation == _code(RELATIONS, Relation.SPOUSE)) & m["male"]
    family[owner[husbands]] = own[husbands]
    inherit = np.isin(
        relation, [_code(RELATIONS, Relation.CHILD), _code(RELATIONS, Relation.GRANDCHILD)]
    )
    inherit |= (relation == _code(RELATIONS, Relation.PARENT)) & m["male"]
    surname = surnames[np.where(inherit, family[owner], own)]
    year = m["birth"].astype("datetime64[Y]").astype(np.int64) + 1970
    cohort = np.digitize(year, [1965, 1995])
    given = np.empty(size, "U2")
    for (group, male), firsts in GIVEN_FIRST.items():
        who = np.flatnonzero((cohort == group) & (m["male"] == male))
        first = np.array(list(firsts))[rng.integers(0, len(firsts), len(who))]
        seconds = GIVEN_SECOND[(group, male)]
        second = np.array(list(seconds))[rng.integers(0, len(seconds), len(who))]
        one_character = rng.random(len(who)) < (0.35 if group == 1 else 0.12)
        given[who] = np.where(one_character, second, np.strings.add(first, second))
    return np.strings.add(surname, given).astype("U6")


# -------------------------------------------------------------------------- health, school


def _health(rng: np.random.Generator, hh: Table, m: Table) -> None:
    """Disability (category, grade 1–4), recognised serious illness, failed self-care items."""
    size, age = len(m["age"]), m["age"]
    lone_adult = hh["kind"][m["household"]] == LONE_ADULT
    disabled_share = np.select([age < 16, age < 60, age < 80], [0.015, 0.048, 0.105], 0.18)
    disabled = rng.random(size) < np.where(lone_adult, 0.25, disabled_share)
    category = 1 + _choice(rng, [14, 20, 4, 30, 8, 10, 14], size)  # order of DISABILITIES
    grade = 1 + _choice(rng, [12, 23, 27, 38], size)
    m["disability"] = np.where(disabled, category, 0).astype(np.int8)
    m["grade"] = np.where(disabled, grade, 0).astype(np.int8)
    ill_share = np.select([age < 16, age < 60], [0.004, 0.016], 0.032)
    ill = rng.random(size) < np.where(lone_adult, 0.08, ill_share)
    m["illness"] = np.where(
        ill, 1 + _choice(rng, [30, 14, 6, 12, 4, 6, 2, 3, 8, 15], size), 0
    ).astype(np.int8)
    severe = disabled & (grade <= 2)
    needs_help = rng.random(size) < np.select(
        [severe, age >= 85, age >= 75, ill & (age >= 60)], [0.6, 0.35, 0.10, 0.25], 0.0
    )
    failed = np.where(severe | (age >= 85), _between(rng, 1, 6, size), _between(rng, 1, 3, size))
    rank = np.argsort(rng.random((size, len(SELF_CARE_ITEMS))), axis=1)
    items = rank < np.where(needs_help, failed, 0)[:, None]
    m["self_care"] = (items * (1 << np.arange(len(SELF_CARE_ITEMS)))).sum(axis=1).astype(np.uint8)


def _schooling_and_work(rng: np.random.Generator, hh: Table, m: Table) -> None:
    """Schooling that fits the age and cohort; work that fits age, health and place."""
    size, age = len(m["age"]), m["age"]
    urban = hh["urban"][m["household"]]
    level = {name: _code(EDUCATION, name) for name in EDUCATION}
    teen_school = np.where(rng.random(size) < 0.55, level["senior"], level["vocational"])
    college = np.where(rng.random(size) < 0.5, level["college"], level["bachelor"])
    studying = np.select(
        [age < 3, age < 6, age < 15, age < 18, age < 23],
        [
            False,
            rng.random(size) < 0.85,
            True,
            rng.random(size) < 0.85,
            rng.random(size) < np.where(urban, 0.45, 0.30),
        ],
        False,
    )
    by_cohort = np.select(
        [age >= 70, age >= 50, age >= 30],
        [
            _choice(rng, [30, 0, 45, 20, 5, 0, 0, 0, 0], size),
            _choice(rng, [8, 0, 30, 45, 12, 3, 2, 0, 0], size),
            _choice(rng, [1, 0, 8, 45, 20, 12, 9, 5, 0], size),
        ],
        _choice(rng, [0, 0, 2, 25, 20, 20, 18, 13, 2], size),
    )
    education = np.select(
        [
            age < 3,
            (age < 6) & studying,
            age < 6,
            age < 12,
            age < 15,
            age < 18,
            (age < 23) & studying,
        ],
        [
            level["none"],
            level["preschool"],
            level["none"],
            level["primary"],
            level["junior"],
            np.where(studying, teen_school, level["junior"]),
            college,
        ],
        by_cohort,
    )
    intellectual = m["disability"] == _code(DISABILITIES, DisabilityCategory.INTELLECTUAL)
    education = np.where(
        intellectual & (age >= 12), np.minimum(education, level["primary"]), education
    )
    m["education"] = education.astype(np.int8)
    m["in_school"] = studying & ~(intellectual & (age >= 15))
    m["employment"] = _employment(rng, age, urban, m).astype(np.int8)


def _employment(
    rng: np.random.Generator, age: np.ndarray, urban: np.ndarray, m: Table
) -> np.ndarray:
    size = len(age)
    work = {name: _code(EMPLOYMENT, name) for name in EMPLOYMENT}
    cannot = ((m["grade"] > 0) & (m["grade"] <= 2)) | (m["illness"] > 0)
    # employed, flexible, farming, self-employed, unemployed
    order = np.array(
        [
            work["employed"],
            work["flexible"],
            work["farming"],
            work["self_employed"],
            work["unemployed"],
        ]
    )
    working_age = order[
        np.where(
            urban, _choice(rng, [38, 27, 0, 10, 25], size), _choice(rng, [18, 25, 40, 5, 12], size)
        )
    ]
    working_age = np.where(cannot & (rng.random(size) < 0.8), work["unemployed"], working_age)
    elderly = np.select(
        [
            urban & (rng.random(size) < 0.45),
            ~urban & (age < 75) & (rng.random(size) < 0.35),
            ~urban & (rng.random(size) < 0.03),
        ],
        [work["retired"], work["farming"], work["retired"]],
        work["not_working_age"],
    )
    return np.select(
        [age < 16, m["in_school"], age < 60],
        [work["not_working_age"], work["student"], working_age],
        elderly,
    )


# --------------------------------------------------------------------------------- money


def _recent_months(as_of: datetime.date) -> np.ndarray:
    """The last complete months before ``as_of``, oldest first (first days of month)."""
    this_month = np.datetime64(as_of, "M")
    return (this_month - np.arange(INCOME_MONTHS, 0, -1)).astype("datetime64[D]")


def standard_fen(urban: np.ndarray) -> np.ndarray:
    return np.where(urban, URBAN_STANDARD_FEN, RURAL_STANDARD_FEN).astype(np.int64)


def counted_members(hh: Table, m: Table) -> np.ndarray:
    """Per household: members still present and not excluded (审核确认办法 Art 7)."""
    counted = np.isnat(m["left"]) & (m["excluded"] == 0)
    return np.bincount(m["household"], weights=counted, minlength=len(hh["kind"])).astype(np.int64)


def _per_person_target(rng: np.random.Generator, hh: Table) -> tuple[np.ndarray, np.ndarray]:
    """Each household's income band and its exact counted income per person and month."""
    n = len(hh["kind"])
    band = _choice(rng, [share for _name, share, _low, _high in INCOME_BANDS], n)
    low = np.array([b[2] for b in INCOME_BANDS])[band]
    high = np.array([b[3] for b in INCOME_BANDS])[band]
    s = standard_fen(hh["urban"])
    low_fen = np.round(s * low).astype(np.int64)
    high_fen = np.round(s * high).astype(np.int64)
    # Bands that start at a line start one fen above it; bands that end at one stop short.
    starts_above = np.isin(band, [BAND_NAMES.index("just_above"), BAND_NAMES.index("above_edge")])
    ends_below = np.isin(band, [BAND_NAMES.index("just_below"), BAND_NAMES.index("edge")])
    target = _between(rng, low_fen + starts_above, high_fen - ends_below, n)
    return band.astype(np.int8), target


def _exclusions(rng: np.random.Generator, m: Table) -> np.ndarray:
    """A few adults are recorded but not counted: in prison, in rehabilitation, missing, clergy."""
    size = len(m["age"])
    eligible = (
        (m["relation"] != _code(RELATIONS, Relation.HEAD))
        & (m["age"] >= 18)
        & (m["age"] < 60)
        & np.isnat(m["left"])
    )
    excluded = eligible & (rng.random(size) < 0.006)
    return np.where(excluded, 1 + _choice(rng, [10, 50, 15, 25], size), 0).astype(np.int8)


EARNING = {  # employment → (income type, note)
    Employment.EMPLOYED: (IncomeType.WAGE, "工资"),
    Employment.FLEXIBLE: (IncomeType.WAGE, "工资"),
    Employment.FARMING: (IncomeType.BUSINESS, "种植收入"),
    Employment.SELF_EMPLOYED: (IncomeType.BUSINESS, "经营收入"),
    Employment.RETIRED: (IncomeType.TRANSFER, "养老金"),
}
# The same, as arrays indexed by employment code (-1 / 0 where the work earns nothing).
EARNING_TYPE = np.array(
    [_code(INCOME_TYPES, EARNING[e][0]) if e in EARNING else -1 for e in EMPLOYMENT]
)
EARNING_NOTE = np.array(
    [_code(INCOME_NOTES, EARNING[e][1]) if e in EARNING else 0 for e in EMPLOYMENT]
)


def _counted_incomes(
    rng: np.random.Generator, hh: Table, m: Table, monthly_total: np.ndarray, months: np.ndarray
) -> Table:
    """Split each household's monthly total among its earners, exactly to the fen.

    Earners are counted members who work or draw a pension, plus, for some village households,
    rent for contracted land (土地流转, the household's, no member). A household with income
    but no earner gets support from children (赡养费) booked to its head.
    """
    n = len(hh["kind"])
    earns = (EARNING_TYPE[m["employment"]] >= 0) & np.isnat(m["left"]) & (m["excluded"] == 0)
    earners_of = np.bincount(m["household"], weights=earns, minlength=n)
    land = ~hh["urban"] & (rng.random(n) < 0.3)
    heads = np.flatnonzero(m["relation"] == _code(RELATIONS, Relation.HEAD))
    support = (earners_of == 0) & ~land
    member = np.r_[np.flatnonzero(earns), np.full(land.sum(), -1), heads[support]]
    owner = np.r_[m["household"][earns], np.flatnonzero(land), np.flatnonzero(support)]
    kind = np.r_[
        EARNING_TYPE[m["employment"][earns]],
        np.full(land.sum(), _code(INCOME_TYPES, IncomeType.PROPERTY)),
        np.full(support.sum(), _code(INCOME_TYPES, IncomeType.TRANSFER)),
    ]
    note = np.r_[
        EARNING_NOTE[m["employment"][earns]],
        np.full(land.sum(), _code(INCOME_NOTES, "土地流转收入")),
        np.full(support.sum(), _code(INCOME_NOTES, "子女赡养费")),
    ]
    weight = rng.gamma(2.0, 1.0, len(owner)) * np.where(member < 0, 0.3, 1.0)
    share = weight / np.bincount(owner, weights=weight, minlength=n)[owner]
    amount = np.floor(monthly_total[owner] * share).astype(np.int64)
    first = _first_of_each(owner)
    remainder = monthly_total - np.bincount(owner, weights=amount, minlength=n).astype(np.int64)
    amount[first] += remainder[owner[first]]
    steady = np.isin(
        hh["band"][owner], [BAND_NAMES.index("at_line"), BAND_NAMES.index("at_edge_line")]
    )
    monthly = _monthly_amounts(rng, amount, steady)
    return _by_month(owner, member, kind, note, monthly, months)


def _first_of_each(owner: np.ndarray) -> np.ndarray:
    """Index of the first row of each household that has rows (rows need not be sorted)."""
    _values, first = np.unique(owner, return_index=True)
    return first


def _monthly_amounts(
    rng: np.random.Generator, amount: np.ndarray, steady: np.ndarray
) -> np.ndarray:
    """Three months that vary by up to ±10 % but add up to exactly three times the amount."""
    swing = np.where(steady[:, None], 0.0, rng.uniform(-0.1, 0.1, (len(amount), 2)))
    first_two = np.round(amount[:, None] * (1 + swing)).astype(np.int64)
    return np.column_stack([first_two, 3 * amount - first_two.sum(axis=1)])


def _by_month(owner, member, kind, note, monthly: np.ndarray, months: np.ndarray) -> Table:
    """One row per source and month, dropping months with nothing."""
    count = monthly.shape[1]
    rows = {
        "household": np.repeat(owner, count).astype(np.int32),
        "member": np.repeat(member, count).astype(np.int32),
        "month": np.tile(months[-count:], len(owner)),
        "kind": np.repeat(kind, count).astype(np.int8),
        "amount": monthly.ravel().astype(np.int64),
        "note": np.repeat(note, count).astype(np.int8),
    }
    keep = rows["amount"] > 0
    return {name: values[keep] for name, values in rows.items()}


def _uncounted_incomes(
    rng: np.random.Generator, hh: Table, m: Table, months: np.ndarray
) -> list[Table]:
    """Kept on file but not counted: basic pension, awards, special care, scholarships."""
    size = len(m["age"])
    present = np.isnat(m["left"])
    old = present & (m["age"] >= 60)
    employment = np.array(EMPLOYMENT)[m["employment"]]
    rural = ~hh["urban"][m["household"]]
    students = present & m["in_school"] & (m["age"] >= 18)
    sources = [
        (
            old & (employment != Employment.RETIRED),
            IncomeType.CENTRAL_BASIC_PENSION,
            "城乡居民基础养老金",
            np.full(size, 14300),
            INCOME_MONTHS,
        ),
        (
            old & rural & (rng.random(size) < 0.06),
            IncomeType.FAMILY_PLANNING,
            "计划生育奖励扶助金",
            np.full(size, 8000),
            INCOME_MONTHS,
        ),
        (
            old & (rng.random(size) < 0.006),
            IncomeType.SPECIAL_CARE,
            "优抚金",
            _between(rng, 60000, 200000, size),
            INCOME_MONTHS,
        ),
        (
            students & (rng.random(size) < 0.15),
            IncomeType.SCHOLARSHIP,
            "国家助学金",
            np.full(size, 330000),
            1,
        ),
    ]
    tables = []
    for who, kind, note, amount, month_count in sources:
        rows = np.flatnonzero(who)
        monthly = np.repeat(amount[rows][:, None], month_count, axis=1)
        tables.append(
            _by_month(
                m["household"][rows],
                rows,
                np.full(len(rows), _code(INCOME_TYPES, kind)),
                np.full(len(rows), _code(INCOME_NOTES, note)),
                monthly,
                months,
            )
        )
    helped = np.flatnonzero(rng.random(len(hh["kind"])) < 0.015)
    monthly = np.repeat(_between(rng, 20000, 80000, len(helped))[:, None], INCOME_MONTHS, 1)
    tables.append(
        _by_month(
            helped,
            np.full(len(helped), -1),
            np.full(len(helped), _code(INCOME_TYPES, IncomeType.SUPPORT_FROM_SIBLINGS_OR_ELDERLY)),
            np.full(len(helped), _code(INCOME_NOTES, "兄弟姐妹资助")),
            monthly,
            months,
        )
    )
    return tables


def _concat_sorted(tables: list[Table]) -> Table:
    """All rows of the tables, grouped by household (stable: each source keeps its order)."""
    joined = {name: np.concatenate([t[name] for t in tables]) for name in tables[0]}
    order = np.argsort(joined["household"], kind="stable")
    return {name: values[order] for name, values in joined.items()}


def _expenses(rng: np.random.Generator, hh: Table, m: Table, months: np.ndarray) -> Table:
    """Rigid spending: treatment of serious illness, rehabilitation, schooling, social
    insurance of the flexibly employed."""
    size = len(m["age"])
    present = np.isnat(m["left"])
    employment = np.array(EMPLOYMENT)[m["employment"]]
    education = np.array(EDUCATION)[m["education"]]
    ill = present & (m["illness"] > 0)
    chronic = present & (m["age"] >= 70) & ~ill & (rng.random(size) < 0.03)
    rehab = present & (m["grade"] > 0) & (m["grade"] <= 2) & (rng.random(size) < 0.3)
    college = present & m["in_school"] & np.isin(education, ["college", "bachelor"])
    upper = (
        present
        & m["in_school"]
        & np.isin(education, ["senior", "vocational"])
        & (rng.random(size) < 0.2)
    )
    flexible = present & (employment == Employment.FLEXIBLE) & (rng.random(size) < 0.05)
    sources = [
        (ill, ExpenseType.MEDICAL, "住院自付", 50000, 600000, INCOME_MONTHS),
        (chronic, ExpenseType.MEDICAL, "门诊慢特病自付", 20000, 150000, INCOME_MONTHS),
        (rehab, ExpenseType.REHABILITATION, "康复训练", 20000, 150000, INCOME_MONTHS),
        (college, ExpenseType.EDUCATION, "学费", 400000, 800000, 1),
        (upper, ExpenseType.EDUCATION, "住宿费", 100000, 300000, 1),
        (flexible, ExpenseType.FLEXIBLE_EMPLOYMENT, "社保自缴", 30000, 50000, INCOME_MONTHS),
    ]
    tables = []
    for who, kind, note, low, high, month_count in sources:
        rows = np.flatnonzero(who)
        monthly = _between(rng, low, high, len(rows) * month_count).reshape(-1, month_count)
        tables.append(
            _by_month(
                m["household"][rows],
                rows,
                np.full(len(rows), _code(EXPENSE_TYPES, kind)),
                np.full(len(rows), _code(EXPENSE_NOTES, note)),
                monthly,
                months,
            )
        )
    return _concat_sorted(tables)


def _assets(rng: np.random.Generator, hh: Table, m: Table) -> Table:
    """Deposits around the limit, other financial assets, vehicles, homes, businesses."""
    n = len(hh["kind"])
    heads = np.flatnonzero(m["relation"] == _code(RELATIONS, Relation.HEAD))
    limit = ASSET_MONTHS * standard_fen(hh["urban"]) * hh["counted"]
    band = _choice(rng, [b[1] for b in DEPOSIT_BANDS], n)
    low = np.array([b[2] for b in DEPOSIT_BANDS])[band]
    high = np.array([b[3] for b in DEPOSIT_BANDS])[band]
    factor = rng.uniform(low, high)
    far = band == DEPOSIT_NAMES.index("far_over")
    factor[far] = np.exp(rng.uniform(np.log(low[far]), np.log(high[far])))
    deposit = np.round(limit * factor).astype(np.int64)
    over = band == DEPOSIT_NAMES.index("just_over")
    deposit = np.where(over, np.maximum(deposit, limit + 1), deposit)
    has = np.flatnonzero(deposit > 0)
    bank = rng.integers(1, 5, len(has))  # one of the four banks of ASSET_NOTES
    tables = [_asset_rows(has, heads[has], AssetType.DEPOSIT, deposit[has], note=bank)]
    for kind, share, low_fen, high_fen, note in (
        (AssetType.SECURITIES, 0.04, 100000, 5000000, 0),
        (AssetType.INSURANCE, 0.05, 200000, 3000000, _code(ASSET_NOTES, "商业养老保险")),
        (AssetType.ONLINE_FINANCE, 0.03, 10000, 2000000, _code(ASSET_NOTES, "余额宝")),
        (AssetType.CLAIM, 0.01, 500000, 5000000, 0),
        (AssetType.OTHER, 0.01, 100000, 2000000, 0),
    ):
        who = np.flatnonzero(rng.random(n) < share)
        tables.append(
            _asset_rows(
                who, heads[who], kind, _between(rng, low_fen, high_fen, len(who)), note=note
            )
        )
    tables += [_vehicles(rng, hh, m, heads), *_homes(rng, hh, heads), _businesses(rng, hh, m)]
    return _concat_sorted(tables)


def _asset_rows(
    owner: np.ndarray,
    member: np.ndarray,
    kind: str,
    value: np.ndarray,
    *,
    vehicle=0,
    area=-1,
    capital=-1,
    note=0,
) -> Table:
    size = len(owner)
    return {
        "household": owner.astype(np.int32),
        "member": member.astype(np.int32),
        "kind": np.full(size, _code(ASSET_TYPES, kind), np.int8),
        "value": value.astype(np.int64),
        "vehicle": np.broadcast_to(np.asarray(vehicle, np.int8), size).copy(),
        "area": np.broadcast_to(np.asarray(area, np.int32), size).copy(),
        "capital": np.broadcast_to(np.asarray(capital, np.int64), size).copy(),
        "note": np.broadcast_to(np.asarray(note, np.int8), size).copy(),
    }


def _vehicles(rng: np.random.Generator, hh: Table, m: Table, heads: np.ndarray) -> Table:
    n = len(hh["kind"])
    disabled_member = np.full(n, -1)
    disabled = np.flatnonzero((m["disability"] > 0) & np.isnat(m["left"]))
    disabled_member[m["household"][disabled]] = disabled
    who = np.flatnonzero(rng.random(n) < np.where(hh["urban"], 0.10, 0.08))
    # car, truck, motorcycle, farm vehicle, disability vehicle (the order of VEHICLES)
    kind = 1 + np.where(
        hh["urban"][who],
        _choice(rng, [70, 5, 15, 0, 10], len(who)),
        _choice(rng, [30, 10, 30, 25, 5], len(who)),
    )
    for_disabled = (kind == _code(VEHICLES, VehicleType.DISABILITY)) & (disabled_member[who] >= 0)
    kind = np.where(
        (kind == _code(VEHICLES, VehicleType.DISABILITY)) & ~for_disabled,
        _code(VEHICLES, VehicleType.CAR),
        kind,
    )
    low = np.array([0, 3000000, 5000000, 200000, 500000, 500000])[kind]
    high = np.array([0, 15000000, 20000000, 1000000, 5000000, 3000000])[kind]
    member = np.where(for_disabled, disabled_member[who], heads[who])
    return _asset_rows(
        who, member, AssetType.VEHICLE, _between(rng, low, high, len(who)), vehicle=kind
    )


def _homes(rng: np.random.Generator, hh: Table, heads: np.ndarray) -> list[Table]:
    """Homes in town (a village homestead is not an asset here); some own a second one."""
    n = len(hh["kind"])
    first = np.flatnonzero(rng.random(n) < np.where(hh["urban"], 0.55, 0.12))
    second = first[rng.random(len(first)) < 0.06]
    tables = []
    for who in (first, second):
        area = _between(rng, 3500, 14000, len(who))  # hundredths of a square metre
        price = _between(rng, 300000, 700000, len(who))  # fen per square metre
        tables.append(_asset_rows(who, heads[who], AssetType.HOME, area * price // 100, area=area))
    return tables


def _businesses(rng: np.random.Generator, hh: Table, m: Table) -> Table:
    """Registered businesses (个体工商户) of some self-employed members; a few above 10万."""
    self_employed = np.flatnonzero(
        (m["employment"] == _code(EMPLOYMENT, Employment.SELF_EMPLOYED)) & np.isnat(m["left"])
    )
    who = self_employed[rng.random(len(self_employed)) < 0.4]
    _unique, first = np.unique(m["household"][who], return_index=True)
    who = who[first]
    capital = np.where(
        rng.random(len(who)) < 0.85,
        _between(rng, 1000000, 10000000, len(who)),
        _between(rng, 10000001, 50000000, len(who)),
    )
    value = (capital * rng.uniform(0.3, 1.2, len(who))).astype(np.int64)
    return _asset_rows(
        m["household"][who],
        who,
        AssetType.BUSINESS,
        value,
        capital=capital,
        note=_code(ASSET_NOTES, "个体工商户"),
    )
