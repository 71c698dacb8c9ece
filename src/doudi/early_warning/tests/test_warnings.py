"""Warnings: each department signal over a monitored household raises one warning with its
severity, facts and deadline in working days; the same signal again is merged, not doubled; a
household outside the monitored population or a signal outside its window raises nothing; a
visit raises one by hand; each face refuses who may not."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from doudi.accounts.roles import Role
from doudi.audit.actions import AuditAction
from doudi.audit.models import AuditEvent
from doudi.conftest import INSIDE_COUNTY, api_as, household_form, member_form
from doudi.early_warning import queries, services, steps
from doudi.early_warning.models import EarlyWarning, SignalKind
from doudi.errors import DoudiError, NotPermitted, OutsideJurisdiction
from doudi.monitoring.services import report_risk
from doudi.registry.models import Household
from doudi.registry.services import create_household
from doudi.sources.services import deliver
from doudi.sources.tests.conftest import private_snapshots  # noqa: F401
from doudi.workdays.calendar import WorkingCalendar

pytestmark = pytest.mark.django_db


def _household(handler, first17: str, *, monthly_income_fen: int = 0) -> Household:
    incomes = (
        [
            {
                "member": first17,
                "month": f"{month:%Y-%m}",
                "type": "wage",
                "amount_fen": monthly_income_fen,
            }
            for month in _last_months(3)
        ]
        if monthly_income_fen
        else []
    )
    form = household_form(members=[member_form(first17, "赵" + first17[-3:])], incomes=incomes)
    household, _warnings = create_household(handler, form, reason="登记")
    return household


def _last_months(count: int) -> list[datetime.date]:
    first = timezone.localdate().replace(day=1)
    months = []
    for _ in range(count):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
        months.append(first)
    return months


def _number(household: Household) -> str:
    return household.members.get().reveal_id_number()


def _csv(header: str, lines: list[str]) -> bytes:
    return "\n".join([header, *lines]).encode("utf-8")


def _deaths(rows: list[tuple[str, datetime.date]]) -> bytes:
    return _csv(
        "公民身份号码,姓名,性别,出生日期,户籍地行政区划代码,注销类别,注销日期,数据日期",
        [f"{n},某人,男,,410821000000,死亡,{on},{timezone.localdate()}" for n, on in rows],
    )


def _unemployed(rows: list[tuple[str, datetime.date]]) -> bytes:
    return _csv(
        "身份证号,姓名,登记类型,单位名称,登记日期,月工资(元),失业保险金(元/月)",
        [f"{n},某人,失业,,{on},,1500.00" for n, on in rows],
    )


def _medical(rows: list[tuple[str, str, datetime.date]]) -> bytes:
    return _csv(
        "身份证号,姓名,就诊类型,医疗机构,入院日期,出院日期,医疗总费用(元),基本医保支付(元),"
        "大病保险支付(元),医疗救助支付(元),个人自付(元),结算日期",
        [
            f"{n},某人,住院,焦作市人民医院,,,{paid},0.00,0.00,0.00,{paid},{on}"
            for n, paid, on in rows
        ],
    )


@pytest.fixture
def city(make_user):
    return make_user(Role.CITY_SUPERVISOR)


def test_a_death_in_a_monitored_household_raises_one_warning_and_a_repeat_merges(
    staff,
    city,
    private_snapshots,  # noqa: F811
):
    watched = _household(staff.handler, "41082119500101001")
    unwatched = _household(staff.handler, "41082119510101002")
    report_risk(staff.handler, watched.pk, "独居老人")
    today = timezone.localdate()
    died = today - datetime.timedelta(days=2)
    old = today - datetime.timedelta(days=200)  # outside the 30-day window
    deliver(
        city, "deaths", _deaths([(_number(watched), died), (_number(unwatched), died)]), "d.csv"
    )

    ran = services.run_daily(staff.county, INSIDE_COUNTY)
    assert ran.raised == {"death": 1} and ran.merged == 0
    warning = EarlyWarning.objects.get()
    assert warning.household == watched and warning.severity == 3
    assert warning.facts == {"member": watched.members.get().pk, "on": died.isoformat()}
    assert warning.due_on == WorkingCalendar.current().add_working_days(today, 3)

    again = services.run_daily(staff.county, INSIDE_COUNTY)
    assert again.raised == {} and again.merged == 1
    assert EarlyWarning.objects.get().times_seen == 1  # the same day counts once
    services.run_daily(staff.county, INSIDE_COUNTY, today + datetime.timedelta(days=1))
    assert EarlyWarning.objects.get().times_seen == 2
    assert AuditEvent.objects.filter(action=AuditAction.WARNINGS_RUN).count() == 3

    deliver(city, "deaths", _deaths([(_number(unwatched), old)]), "d2.csv")
    EarlyWarning.objects.all().delete()
    assert services.run_daily(staff.county, INSIDE_COUNTY).raised == {}


def test_unemployment_and_medical_costs_beyond_the_share_raise_their_warnings(
    staff,
    city,
    private_snapshots,  # noqa: F811
):
    jobless = _household(staff.handler, "41082119800101003")
    costly = _household(staff.handler, "41082119700101004", monthly_income_fen=100_000)
    cheap = _household(staff.handler, "41082119600101005", monthly_income_fen=100_000)
    for household in (jobless, costly, cheap):
        report_risk(staff.handler, household.pk, "监测")
    today = timezone.localdate()
    deliver(city, "employment", _unemployed([(_number(jobless), today)]), "e.csv")
    # Three months' income of 1,000 yuan: 3,000 yuan; 50% of it is 1,500 yuan.
    deliver(
        city,
        "medical",
        _medical([(_number(costly), "1500.00", today), (_number(cheap), "1499.99", today)]),
        "m.csv",
    )
    ran = services.run_daily(staff.county, INSIDE_COUNTY)
    # Both stays were their household's main earner's (test_more_signals.py): their illness too.
    assert ran.raised == {"unemployment": 1, "medical_costs": 1, "main_earner_illness": 2}
    medical = EarlyWarning.objects.get(kind=SignalKind.MEDICAL_COSTS)
    assert medical.household == costly
    assert medical.facts == {"paid_fen": 150_000, "income_fen": 300_000, "share_percent": 50}


def test_a_visit_raises_a_warning_once_and_adds_to_it(staff, make_user):
    household = _household(staff.handler, "41082119700101001")
    grid = make_user(Role.GRID_WORKER)
    with pytest.raises(DoudiError) as refused:
        services.raise_from_visit(grid, household.pk, 2, " ")
    assert refused.value.field == "note"
    first = services.raise_from_visit(grid, household.pk, 2, "屋顶漏雨，老人行动不便")
    second = services.raise_from_visit(staff.village, household.pk, 3, "复查：情况加重")
    assert first.pk == second.pk and second.severity == 3
    assert second.facts["notes"] == ["屋顶漏雨，老人行动不便", "复查：情况加重"]
    assert EarlyWarning.objects.count() == 1 and second.raised_by == grid


def test_who_may_not_is_refused(staff, make_user):
    household = _household(staff.handler, "41082119700101001")
    with pytest.raises(NotPermitted):
        services.raise_from_visit(staff.reviewer, household.pk, 1, "走访")
    with pytest.raises(NotPermitted):
        services.run_daily(staff.handler, INSIDE_COUNTY)
    outside = make_user(Role.GRID_WORKER, "410825902001", "outside_grid")
    with pytest.raises(OutsideJurisdiction):
        services.raise_from_visit(outside, household.pk, 1, "走访")
    assert not EarlyWarning.objects.exists()
    client = Client()
    client.force_login(make_user(Role.FINANCE_OFFICER))
    assert client.get("/warnings/").status_code == 403


def test_the_page_and_the_api_show_the_township_its_warnings(staff, make_user):
    household = _household(staff.handler, "41082119700101001")
    services.raise_from_visit(staff.village, household.pk, 2, "失去收入来源")
    client = Client()
    client.force_login(staff.handler)
    html = client.get("/warnings/").content.decode()
    assert household.file_number in html and "失去收入来源" in html and "走访发现" in html
    assert 'action="/warnings/run/"' not in html
    client.force_login(staff.county)
    assert 'action="/warnings/run/"' in client.get("/warnings/").content.decode()
    listed = api_as(staff.reviewer).get("/api/v1/warnings/").json()["results"]
    assert [row["household"] for row in listed] == [household.pk]
    assert listed[0]["description"] == "失去收入来源"
    made = api_as(staff.village).post(
        "/api/v1/warnings/", {"household": household.pk, "severity": 9, "note": "x"}, format="json"
    )
    assert made.status_code == 400 and "severity" in made.content.decode()


def _visit_warning(staff, first17: str = "41082119700101001"):
    household = _household(staff.handler, first17)
    return services.raise_from_visit(staff.village, household.pk, 2, "家中主要劳动力住院")


def test_each_route_closes_one_warning_and_only_once(staff):
    from doudi.cases.models import Case
    from doudi.window.models import Need, Route

    applied = _visit_warning(staff, "41082119700101001")
    warning = services.apply_policy(
        staff.handler,
        applied.pk,
        programme="temporary_expenditure",
        note="申请临时救助",
        requested_amount_fen=300_000,
    )
    case = Case.objects.get(household=applied.household)
    assert warning.state == "closed" and warning.route == "apply_policy"
    assert case.channel == "discovery" and case.programme == "temporary_expenditure"
    assert warning.intake.needs.get().case == case
    with pytest.raises(DoudiError):
        services.verify(staff.handler, applied.pk, note="再次")

    referred = _visit_warning(staff, "41082119800101003")
    services.refer(staff.handler, referred.pk, department="employment", note="转人社部门就业帮扶")
    need = Need.objects.get(route=Route.REFERRAL)
    assert need.department == "employment" and need.due_on is not None

    coordinated = _visit_warning(staff, "41082119600101005")
    with pytest.raises(NotPermitted):
        services.decide_by_county(staff.handler, coordinated.pk, note="自定")
    sent = services.send_to_county(
        staff.handler, coordinated.pk, note="支出远超标准，请县级一事一议"
    )
    assert sent.state == "with_county"
    with pytest.raises(DoudiError):
        services.verify(staff.handler, coordinated.pk, note="乡镇不能再关")
    decided = services.decide_by_county(staff.county, coordinated.pk, note="县级研究同意救助")
    assert decided.state == "closed" and decided.route == "county"

    verified = _visit_warning(staff, "41082119500101007")
    closed = services.verify(staff.handler, verified.pk, note="核实：已由子女赡养，无需救助")
    assert closed.route == "verify" and closed.closed_on == timezone.localdate()
    assert AuditEvent.objects.filter(action=AuditAction.WARNING_HANDLED).count() == 4
    figures = {f.route: f.handled for f in queries.figures(staff.county)}
    assert figures == {"apply_policy": 1, "refer": 1, "county": 1, "verify": 1}


def test_an_overdue_warning_climbs_to_the_county(staff):
    warning = _visit_warning(staff)
    today = timezone.localdate()
    assert not queries.for_the_county(staff.county, today).exists()
    EarlyWarning.objects.filter(pk=warning.pk).update(due_on=today - datetime.timedelta(days=1))
    assert list(queries.for_the_county(staff.county, today)) == [warning]
    client = Client()
    client.force_login(staff.county)
    home = client.get("/").content.decode()
    assert "预警" in home and warning.household.file_number in home


def test_every_handling_is_offered_on_the_page_and_the_api_to_who_may_take_it(staff):
    """Walks the one table: each handling's form is on the page for its role and state, absent
    for others, and its API endpoint takes the same input."""
    client = Client()
    for number, handling in enumerate(steps.HANDLINGS):
        warning = _visit_warning(staff, f"410821197001{number + 10:02d}{number + 100:03d}")
        if handling.state == "with_county":
            services.send_to_county(staff.handler, warning.pk, note="请县级研究")
        taker = staff.county if handling.permission == "warnings.coordinate" else staff.handler
        client.force_login(staff.village)
        assert f'data-handling="{handling.name}"' not in client.get("/warnings/").content.decode()
        client.force_login(taker)
        page = client.get("/warnings/").content.decode()
        assert f'action="/warnings/{warning.pk}/{handling.name}/"' in page
        body = {"note": "处置", "programme": "minimum_living", "department": "housing"}
        if number % 2:
            response = client.post(f"/warnings/{warning.pk}/{handling.name}/", body)
            assert response.status_code == 302
        else:
            response = api_as(taker).post(
                f"/api/v1/warnings/{warning.pk}/{handling.name}/", body, format="json"
            )
            assert response.status_code == 200, response.content
        warning.refresh_from_db()
        assert warning.state == ("with_county" if handling.name == "send_to_county" else "closed")
    api = api_as(staff.handler)
    assert api.post("/api/v1/warnings/999/verify/", {"note": "x"}, format="json").status_code == 404
    assert api.post("/api/v1/warnings/1/nonsense/", {}, format="json").status_code == 404
