"""The main earner's serious illness, a sharp fall in income, a student's hardship and the main
earner's death: each raises one warning over a monitored household (twice the same signal:
still one), none outside its window or for a household not monitored."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation

from doudi.conftest import INSIDE_COUNTY, household_form, member_form
from doudi.early_warning import services
from doudi.early_warning.models import EarlyWarning, SignalKind
from doudi.early_warning.presentation import describe, member_names
from doudi.early_warning.tests.test_warnings import (
    _csv,
    _deaths,
    _household,
    _last_months,
    _number,
    city,  # noqa: F401
)
from doudi.monitoring.services import report_risk
from doudi.policy.models import RegionalValue, ValueStatus
from doudi.registry.models import Household
from doudi.registry.services import create_household
from doudi.sources.services import deliver
from doudi.sources.tests.conftest import private_snapshots  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_snapshots")]
TODAY = timezone.localdate


def _couple(handler, first: str, second: str, head_fen: int, spouse_fen: int) -> Household:
    """A household of two with each one's monthly income on record for the last three months."""
    incomes = [
        {"member": key, "month": f"{month:%Y-%m}", "type": "wage", "amount_fen": fen}
        for key, fen in ((first, head_fen), (second, spouse_fen))
        if fen
        for month in _last_months(3)
    ]
    members = [
        member_form(first, "钱" + first[-3:]),
        member_form(second, "孙" + second[-3:], relation="spouse"),
    ]
    household, _ = create_household(
        handler, household_form(members=members, incomes=incomes), reason="登记"
    )
    return household


def _number_of(household: Household, relation: str) -> str:
    return household.members.get(relation=relation).reveal_id_number()


def _watched(handler, *households: Household) -> None:
    for household in households:
        report_risk(handler, household.pk, "监测")


def _medical(rows: list[tuple[str, str, datetime.date]]) -> bytes:
    """Settlements (number, visit kind, day): 1,000 yuan, the critical-illness insurance paying
    part of a 大病 one."""
    return _csv(
        "身份证号,姓名,就诊类型,医疗机构,入院日期,出院日期,医疗总费用(元),基本医保支付(元),"
        "大病保险支付(元),医疗救助支付(元),个人自付(元),结算日期",
        [
            f"{n},某人,{kind},焦作市人民医院,,,1000.00,600.00,"
            f"{'200.00' if kind == '大病' else '0.00'},0.00,200.00,{on}"
            for n, kind, on in rows
        ],
    )


def _students(rows: list[tuple[str, str, datetime.date]]) -> bytes:
    return _csv(
        "身份证号,姓名,学校,学段,认定等级,认定日期,资助项目",
        [f"{n},某生,修武县第一中学,高中,{level},{on},国家助学金" for n, level, on in rows],
    )


def _employed(rows: list[tuple[str, str]]) -> bytes:
    on = TODAY() - datetime.timedelta(days=20)
    return _csv(
        "身份证号,姓名,登记类型,单位名称,登记日期,月工资(元),失业保险金(元/月)",
        [f"{n},某人,就业,某公司,{on},{wage}," for n, wage in rows],
    )


def _pensions(rows: list[tuple[str, str, str]]) -> bytes:
    return _csv(
        "社会保障号码,姓名,险种,待遇类型,月待遇金额(元),待遇开始年月,待遇状态",
        [
            f"{n},某人,城乡居民基本养老保险,基本养老金,{amount},202001,{state}"
            for n, amount, state in rows
        ],
    )


def _taxed(rows: list[tuple[str, str, datetime.date, datetime.date, str]]) -> bytes:
    return _csv(
        "纳税人识别号,姓名,所得项目,所属期起,所属期止,收入额(元),已缴税额(元)",
        [f"{n},某人,{item},{start},{end},{amount},0.00" for n, item, start, end, amount in rows],
    )


def _run(staff) -> dict[str, int]:
    return services.run_daily(staff.county, INSIDE_COUNTY).raised


def _described(warning: EarlyWarning) -> str:
    """The warning's facts in words, in English (the words the translation JSON carries)."""
    with translation.override("en"):
        return describe(warning, member_names([warning]))


def test_the_main_earners_serious_illness_raises_one_warning(staff, city):  # noqa: F811
    earner_ill = _couple(staff.handler, "41082119700101001", "41082119720202002", 100_000, 50_000)
    other_ill = _couple(staff.handler, "41082119700101003", "41082119720202004", 100_000, 50_000)
    big_illness = _couple(staff.handler, "41082119700101005", "41082119720202006", 30_000, 90_000)
    long_ago = _couple(staff.handler, "41082119700101007", "41082119720202008", 100_000, 0)
    no_income = _couple(staff.handler, "41082119700101009", "41082119720202010", 0, 0)
    unwatched = _couple(staff.handler, "41082119700101011", "41082119720202012", 100_000, 0)
    _watched(staff.handler, earner_ill, other_ill, big_illness, long_ago, no_income)
    today, old = TODAY(), TODAY() - datetime.timedelta(days=31)  # the window: 30 days
    rows = [
        (_number_of(earner_ill, "head"), "住院", today),
        (_number_of(other_ill, "spouse"), "住院", today),  # not the main earner
        (_number_of(big_illness, "spouse"), "大病", today),  # the spouse earns more
        (_number_of(long_ago, "head"), "住院", old),
        (_number_of(no_income, "head"), "住院", today),  # no income on record: no main earner
        (_number_of(unwatched, "head"), "住院", today),
        (_number_of(earner_ill, "spouse"), "门诊", today),  # an outpatient visit: not serious
    ]
    deliver(city, "medical", _medical(rows), "m.csv")
    # The medical-costs signal is about shares of income; only the illness is counted here.
    raised = _run(staff)
    assert raised.get(SignalKind.MAIN_EARNER_ILLNESS) == 2
    ill = EarlyWarning.objects.filter(kind=SignalKind.MAIN_EARNER_ILLNESS).order_by("household")
    assert [w.household for w in ill] == [earner_ill, big_illness]
    first = ill[0]
    head = earner_ill.members.get(relation="head")
    assert first.facts == {"member": head.pk, "on": today.isoformat()} and first.severity == 3
    assert head.name in _described(first)

    again = services.run_daily(staff.county, INSIDE_COUNTY)
    assert SignalKind.MAIN_EARNER_ILLNESS not in again.raised
    assert EarlyWarning.objects.filter(kind=SignalKind.MAIN_EARNER_ILLNESS).count() == 2


def test_a_sharp_fall_in_income_raises_one_warning(staff, city):  # noqa: F811
    # 1,000 yuan a month on record; the warning at a fall of 30%: 700 yuan or less.
    fallen = _household(staff.handler, "41082119800101003", monthly_income_fen=100_000)
    at_the_line = _household(staff.handler, "41082119800101005", monthly_income_fen=100_000)
    just_above = _household(staff.handler, "41082119800101007", monthly_income_fen=100_000)
    suspended = _with_income(staff.handler, "41082119500101009", "central_basic_pension")
    farming = _with_income(staff.handler, "41082119500101019", "business")  # no delivery sees it
    taxed = _household(staff.handler, "41082119800101011", monthly_income_fen=100_000)
    stale_tax = _household(staff.handler, "41082119800101013", monthly_income_fen=100_000)
    nothing_on_record = _household(staff.handler, "41082119800101015")
    unwatched = _household(staff.handler, "41082119800101017", monthly_income_fen=100_000)
    _watched(
        staff.handler,
        fallen,
        at_the_line,
        just_above,
        suspended,
        farming,
        taxed,
        stale_tax,
        nothing_on_record,
    )
    deliver(
        city,
        "employment",
        _employed(
            [
                (_number(fallen), "400.00"),
                (_number(at_the_line), "700.00"),
                (_number(just_above), "700.01"),
                (_number(nothing_on_record), "0.00"),
                (_number(unwatched), "100.00"),
            ]
        ),
        "e.csv",
    )
    deliver(
        city,
        "pensions",
        _pensions(
            [(_number(suspended), "900.00", "暂停发放"), (_number(farming), "100.00", "正常发放")]
        ),
        "p.csv",
    )
    year_start = TODAY().replace(month=1, day=1)
    last_year = year_start.replace(year=year_start.year - 2)
    deliver(
        city,
        "tax",
        _taxed(
            [
                # Six months' wages of 4,800 yuan: 800 a month, no fall.
                (_number(taxed), "工资薪金所得", year_start, _month_end(year_start, 6), "4800.00"),
                # Periods ending more than a year ago say nothing about now.
                (_number(stale_tax), "劳务报酬所得", last_year, _month_end(last_year, 3), "1.00"),
            ]
        ),
        "t.csv",
    )
    raised = _run(staff)
    assert raised == {SignalKind.INCOME_FALL: 3}
    falls = EarlyWarning.objects.filter(kind=SignalKind.INCOME_FALL).order_by("household")
    assert [w.household for w in falls] == [fallen, at_the_line, suspended]
    first = falls[0]
    assert first.facts == {"reported_fen": 40_000, "recorded_fen": 100_000, "share_percent": 30}
    assert (first.severity, first.delivery.source) == (2, "employment")
    assert "400.00" in _described(first) and "1,000.00" in _described(first)

    assert services.run_daily(staff.county, INSIDE_COUNTY).raised == {}
    assert EarlyWarning.objects.filter(kind=SignalKind.INCOME_FALL).count() == 3


def _with_income(handler, first17: str, kind: str) -> Household:
    """One person with 1,000 yuan a month of ``kind`` on record for the last three months."""
    incomes = [
        {"member": first17, "month": f"{month:%Y-%m}", "type": kind, "amount_fen": 100_000}
        for month in _last_months(3)
    ]
    form = household_form(members=[member_form(first17, "周" + first17[-3:])], incomes=incomes)
    household, _ = create_household(handler, form, reason="登记")
    return household


def _month_end(first: datetime.date, months: int) -> datetime.date:
    index = first.year * 12 + first.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1) - datetime.timedelta(days=1)


def test_a_students_hardship_raises_one_warning(staff, city):  # noqa: F811
    especially = _household(staff.handler, "41082120080101001")
    hardship = _household(staff.handler, "41082120090101003")
    general = _household(staff.handler, "41082120100101005")
    long_ago = _household(staff.handler, "41082120110101007")
    unwatched = _household(staff.handler, "41082120120101009")
    _watched(staff.handler, especially, hardship, general, long_ago)
    today, old = TODAY(), TODAY() - datetime.timedelta(days=31)
    rows = [
        (_number(especially), "特别困难", today),
        (_number(hardship), "困难", today - datetime.timedelta(days=30)),  # the window's edge
        (_number(general), "一般困难", today),
        (_number(long_ago), "特别困难", old),
        (_number(unwatched), "特别困难", today),
    ]
    deliver(city, "education", _students(rows), "s.csv")
    assert _run(staff) == {SignalKind.STUDENT_HARDSHIP: 2}
    warnings = EarlyWarning.objects.order_by("household")
    assert [w.household for w in warnings] == [especially, hardship]
    assert warnings[0].delivery.source == "education" and warnings[0].severity == 2
    assert warnings[0].facts == {
        "member": especially.members.get().pk,
        "on": today.isoformat(),
    }
    assert "student" in _described(warnings[0])

    deliver(city, "education", _students(rows), "s2.csv")  # delivered again: still one each
    assert _run(staff) == {}
    assert EarlyWarning.objects.count() == 2


def _adopted(staff, parameter: str, value: int) -> None:
    """修武县's own value from 2022, adopted."""
    RegionalValue.objects.create(
        parameter=parameter,
        region_id="410821000000",
        start=datetime.date(2022, 1, 1),
        value=value,
        reference="修武县民政局：预警等级",
        document_number="修民〔2026〕2号",
        status=ValueStatus.ADOPTED,
        proposed_by=staff.county,
    )


def test_the_main_earners_death_is_marked_and_takes_its_severity(staff, city):  # noqa: F811
    _adopted(staff, "warning.death.severity", 2)  # an ordinary death: 2; the main earner's: 3
    earner_died = _couple(staff.handler, "41082119700101001", "41082119720202002", 100_000, 50_000)
    other_died = _couple(staff.handler, "41082119700101003", "41082119720202004", 100_000, 50_000)
    unwatched = _couple(staff.handler, "41082119700101005", "41082119720202006", 100_000, 0)
    _watched(staff.handler, earner_died, other_died)
    died = TODAY() - datetime.timedelta(days=2)
    deliver(
        city,
        "deaths",
        _deaths(
            [
                (_number_of(earner_died, "head"), died),
                (_number_of(other_died, "spouse"), died),
                (_number_of(unwatched, "head"), died),
            ]
        ),
        "d.csv",
    )
    assert _run(staff) == {SignalKind.DEATH: 2}
    marked, plain = EarlyWarning.objects.order_by("household")
    head = earner_died.members.get(relation="head")
    assert marked.facts == {"member": head.pk, "on": died.isoformat(), "main_earner": True}
    assert marked.severity == 3
    assert "main_earner" not in plain.facts and plain.severity == 2
    assert "main earner" in _described(marked) and "main earner" not in _described(plain)
    assert _run(staff) == {}
