"""The monitored population: who enters, who leaves and why, dated; twice is once; staff
report and remove households at risk within their jurisdiction; the page and its Excel."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from doudi.accounts.roles import Role
from doudi.audit.actions import AuditAction
from doudi.audit.models import AuditEvent
from doudi.benefits.tests.factories import approved_benefit
from doudi.cases.procedures import CaseProgramme
from doudi.conftest import (
    INSIDE_COUNTY,
    INSIDE_TOWNSHIP,
    OUTSIDE_VILLAGE,
    household_form,
    member_form,
)
from doudi.errors import DoudiError, NotPermitted, OutsideJurisdiction
from doudi.monitoring import queries, services
from doudi.monitoring.models import EntrySource, ExitReason, MonitoredCategory, MonitoredEntry
from doudi.policy.models import EvaluationResult, EvaluationRun
from doudi.registry.models import Household
from doudi.registry.services import create_household, end_membership
from doudi.sources.services import deliver
from doudi.sources.tests.conftest import private_snapshots  # noqa: F401

pytestmark = pytest.mark.django_db


def _household(handler, first17: str, region: str | None = None) -> Household:
    form = household_form(members=[member_form(first17, "王" + first17[-3:])], incomes=[])
    if region:
        form["region"] = region
    household, _warnings = create_household(handler, form, reason="登记")
    return household


def _run(place: str, found: dict[int, str], *, when: datetime.datetime | None = None):
    """A finished whole-place evaluation of ``place`` finding ``found`` (household → programme)."""
    now = when or timezone.now()
    run = EvaluationRun.objects.create(
        month=timezone.localdate().replace(day=1),
        place_code=place,
        started_by="test",
        started_at=now,
        finished_at=now,
        households=len(found),
        persons=len(found),
        results=len(found),
    )
    EvaluationResult.objects.bulk_create(
        EvaluationResult(run=run, household_id=h, programme=p, amount_fen=0)
        for h, p in found.items()
    )
    return run


def _open(household: Household) -> set[str]:
    return set(
        MonitoredEntry.objects.filter(household=household, left_on__isnull=True).values_list(
            "category", flat=True
        )
    )


@pytest.fixture
def month_start() -> datetime.date:
    return timezone.localdate().replace(day=1)


def test_refresh_enters_from_benefits_and_the_latest_evaluation_and_twice_is_once(
    staff, month_start
):
    low = _household(staff.handler, "41082119700101001")
    hardship = _household(staff.handler, "41082119500101002")
    edge = _household(staff.handler, "41082119800101003")
    rigid = _household(staff.handler, "41082119900101004")
    nobody = _household(staff.handler, "41082119600101005")
    approved_benefit(staff.county, low.members.get(), month_start)
    approved_benefit(
        staff.county,
        hardship.members.get(),
        month_start,
        programme=CaseProgramme.EXTREME_HARDSHIP,
    )
    run = _run(
        INSIDE_COUNTY,
        {edge.pk: "minimum_living_edge", rigid.pk: "rigid_spending_hardship", low.pk: "orphan"},
    )

    done = services.refresh(staff.county, INSIDE_COUNTY)

    assert done.entered == {
        "minimum_living": 1,
        "extreme_hardship": 1,
        "edge": 1,
        "rigid_spending": 1,
    }
    assert done.run == run
    assert _open(low) == {"minimum_living"} and _open(hardship) == {"extreme_hardship"}
    assert _open(edge) == {"edge"} and _open(rigid) == {"rigid_spending"}
    assert _open(nobody) == set()
    entry = MonitoredEntry.objects.get(household=edge)
    assert entry.source == EntrySource.EVALUATION and entry.run == run
    assert (
        entry.entered_on == timezone.localdate()
        and entry.why == f"{run.month.year}年{run.month.month}月全域测算认定"
    )

    again = services.refresh(staff.county, INSIDE_COUNTY)
    assert again.entered == {} and again.left == {}
    assert MonitoredEntry.objects.count() == 4
    events = AuditEvent.objects.filter(action=AuditAction.MONITORING_REFRESHED)
    assert events.count() == 2
    assert events.order_by("pk").first().after["entered"]["edge"] == 1


def test_an_ended_benefit_leaves_dated_and_a_new_one_enters_again(staff, month_start):
    household = _household(staff.handler, "41082119700101001")
    last_month = (month_start - datetime.timedelta(days=1)).replace(day=1)
    earlier = (last_month - datetime.timedelta(days=1)).replace(day=1)
    benefit = approved_benefit(staff.county, household.members.get(), earlier)
    services.refresh(staff.county, INSIDE_COUNTY, day=earlier)
    assert _open(household) == {"minimum_living"}

    benefit.end_month = last_month
    benefit.save(update_fields=["end_month"])
    done = services.refresh(staff.county, INSIDE_COUNTY)
    assert done.left == {ExitReason.BENEFIT_ENDED: 1}
    ended = MonitoredEntry.objects.get(household=household)
    assert ended.left_on == timezone.localdate() and ended.entered_on == earlier

    approved_benefit(staff.county, household.members.get(), month_start)
    services.refresh(staff.county, INSIDE_COUNTY)
    assert MonitoredEntry.objects.filter(household=household).count() == 2  # history kept
    assert _open(household) == {"minimum_living"}


def test_a_household_whose_members_all_died_leaves_every_category(staff, month_start):
    household = _household(staff.handler, "41082119300101001")
    member = household.members.get()
    approved_benefit(staff.county, member, month_start)
    services.refresh(staff.county, INSIDE_COUNTY)
    services.report_risk(staff.handler, household.pk, "大病支出，收入骤减")
    assert _open(household) == {"minimum_living", "return_risk"}

    died = timezone.localdate() - datetime.timedelta(days=3)
    end_membership(
        staff.handler,
        member.pk,
        left_on=died,
        leave_reason="death",
        death_date=died,
        reason="死亡",
    )
    done = services.refresh(staff.county, INSIDE_COUNTY)
    assert done.left == {ExitReason.HOUSEHOLD_EMPTY: 2}
    assert _open(household) == set()
    # The benefit is still in force this month: an empty household does not enter again.
    assert services.refresh(staff.county, INSIDE_COUNTY).entered == {}


def test_a_later_evaluation_that_no_longer_finds_a_household_closes_its_entry(staff):
    edge = _household(staff.handler, "41082119800101003")
    _run(INSIDE_COUNTY, {edge.pk: "minimum_living_edge"})
    services.refresh(staff.county, INSIDE_COUNTY)
    # A township's evaluation does not cover the county: it is not the one compared against.
    _run(INSIDE_TOWNSHIP, {})
    assert services.refresh(staff.county, INSIDE_COUNTY).left == {}

    _run(INSIDE_COUNTY, {})
    done = services.refresh(staff.county, INSIDE_COUNTY)
    assert done.left == {ExitReason.NO_LONGER_FOUND: 1}
    assert _open(edge) == set()


def test_without_any_evaluation_the_evaluated_categories_are_left_as_they_are(staff):
    edge = _household(staff.handler, "41082119800101003")
    run = _run(INSIDE_COUNTY, {edge.pk: "minimum_living_edge"})
    services.refresh(staff.county, INSIDE_COUNTY)
    MonitoredEntry.objects.update(run=None)
    EvaluationResult.objects.filter(run=run).delete()
    EvaluationRun.objects.filter(pk=run.pk).delete()
    assert services.refresh(staff.county, INSIDE_COUNTY).left == {}
    assert _open(edge) == {"edge"}


def test_refresh_is_the_county_and_city_work_within_their_places(staff, make_user):
    with pytest.raises(NotPermitted):
        services.refresh(staff.handler, INSIDE_TOWNSHIP)
    outside = make_user(Role.COUNTY_APPROVER, "410825000000", "outside_county")
    with pytest.raises(OutsideJurisdiction):
        services.refresh(outside, INSIDE_COUNTY)


def test_staff_report_a_household_at_risk_once_and_take_it_off_with_a_reason(staff):
    household = _household(staff.handler, "41082119700101001")
    with pytest.raises(DoudiError) as refused:
        services.report_risk(staff.handler, household.pk, "  ")
    assert refused.value.field == "reason"
    entry = services.report_risk(staff.handler, household.pk, "主要劳动力重病")
    assert entry.why == "主要劳动力重病" and entry.entered_by == staff.handler
    with pytest.raises(DoudiError) as twice:
        services.report_risk(staff.county, household.pk, "再次")
    assert twice.value.field == "household"

    with pytest.raises(DoudiError) as no_reason:
        services.remove(staff.handler, entry.pk, "")
    assert no_reason.value.field == "reason"
    removed = services.remove(staff.handler, entry.pk, "已就业，收入稳定")
    assert removed.left_on == timezone.localdate() and removed.exit_reason == ExitReason.REMOVED
    with pytest.raises(DoudiError):
        services.remove(staff.handler, entry.pk, "再次")
    assert AuditEvent.objects.filter(action=AuditAction.MONITORING_REMOVED).count() == 1


def test_only_reported_entries_are_removed_by_hand(staff, month_start):
    household = _household(staff.handler, "41082119700101001")
    approved_benefit(staff.county, household.members.get(), month_start)
    services.refresh(staff.county, INSIDE_COUNTY)
    entry = MonitoredEntry.objects.get(household=household)
    with pytest.raises(DoudiError) as refused:
        services.remove(staff.county, entry.pk, "不再监测")
    assert refused.value.field == "entry"
    assert _open(household) == {"minimum_living"}


def test_reporting_is_refused_to_a_village_worker_and_outside_the_township(
    staff, make_user, places
):
    household = _household(staff.handler, "41082119700101001")
    with pytest.raises(NotPermitted):
        services.report_risk(staff.village, household.pk, "风险")
    other = make_user(Role.TOWNSHIP_HANDLER, "410825902000", "other_handler")
    outside = _household(other, "41082519700101009", OUTSIDE_VILLAGE)
    with pytest.raises(OutsideJurisdiction):
        services.report_risk(staff.handler, outside.pk, "风险")
    with pytest.raises(OutsideJurisdiction):
        services.report_risk(staff.handler, 999_999, "风险")
    assert not MonitoredEntry.objects.exists()


def test_each_user_reads_only_their_places(staff, make_user):
    inside = _household(staff.handler, "41082119700101001")
    services.report_risk(staff.handler, inside.pk, "风险")
    other = make_user(Role.TOWNSHIP_HANDLER, "410825902000", "other_handler")
    outside = _household(other, "41082519700101009", OUTSIDE_VILLAGE)
    services.report_risk(other, outside.pk, "风险")
    assert [e.household_id for e in queries.entries(staff.reviewer)] == [inside.pk]
    assert [e.household_id for e in queries.entries(other)] == [outside.pk]
    assert {c.category: c.households for c in queries.counts(staff.county)}["return_risk"] == 1
    with pytest.raises(DoudiError) as refused:
        list(queries.entries(staff.county, place="41082"))
    assert refused.value.field == "place"


def test_the_page_offers_each_role_what_it_may_do(staff, make_user, month_start):
    household = _household(staff.handler, "41082119700101001")
    approved_benefit(staff.county, household.members.get(), month_start)
    services.refresh(staff.county, INSIDE_COUNTY)
    services.report_risk(staff.handler, household.pk, "风险")
    client = Client()

    client.force_login(staff.county)
    html = client.get("/monitoring/").content.decode()
    assert "更新" in html and household.file_number in html
    assert client.post("/monitoring/refresh/", follow=True).status_code == 200

    client.force_login(staff.village)
    html = client.get("/monitoring/").content.decode()
    assert household.file_number in html
    assert (
        'action="/monitoring/refresh/"' not in html and 'action="/monitoring/report/"' not in html
    )

    client.force_login(staff.handler)
    html = client.get("/monitoring/").content.decode()
    assert 'action="/monitoring/report/"' in html and "/remove/" in html
    response = client.post("/monitoring/report/", {"household": "abc", "reason": "x"}, follow=True)
    assert "请填写家庭编号" in response.content.decode()
    assert MonitoredEntry.objects.filter(category=MonitoredCategory.RETURN_RISK).count() == 1

    detail = client.get(f"/households/{household.pk}/").content.decode()
    assert "防止返贫监测对象" in detail and "低保家庭" in detail

    client.force_login(make_user(Role.FINANCE_OFFICER))
    assert client.get("/monitoring/").status_code == 403


def test_the_excel_export_lists_the_entries_without_id_numbers(staff):
    household = _household(staff.handler, "41082119700101001")
    services.report_risk(staff.handler, household.pk, "主要劳动力重病")
    client = Client()
    client.force_login(staff.county)
    response = client.get("/monitoring/population.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.active.values)
    assert rows[1][0] == household.file_number and rows[1][5] == "主要劳动力重病"
    text = " ".join(str(cell) for row in rows for cell in row if cell is not None)
    assert household.members.get().reveal_id_number() not in text


def test_the_api_lists_reports_refreshes_and_removes(staff):
    from doudi.conftest import api_as

    household = _household(staff.handler, "41082119700101001")
    handler = api_as(staff.handler)
    bad = handler.post("/api/v1/monitoring/entries/", {"household": household.pk}, format="json")
    assert bad.status_code == 400 and "reason" in bad.content.decode()
    made = handler.post(
        "/api/v1/monitoring/entries/",
        {"household": household.pk, "reason": "主要劳动力重病"},
        format="json",
    )
    assert made.status_code == 201 and made.json()["category"] == "return_risk"
    listed = handler.get("/api/v1/monitoring/entries/?category=return_risk").json()
    assert [row["household"] for row in listed["results"]] == [household.pk]
    counts = {
        row["category"]: row["households"]
        for row in handler.get("/api/v1/monitoring/counts/").json()
    }
    assert counts["return_risk"] == 1 and counts["minimum_living"] == 0
    assert handler.post("/api/v1/monitoring/refresh/").status_code == 403
    refreshed = api_as(staff.county).post("/api/v1/monitoring/refresh/")
    assert refreshed.status_code == 200 and refreshed.json()["entered"] == {}
    removed = handler.post(
        f"/api/v1/monitoring/entries/{made.json()['id']}/remove/",
        {"reason": "已就业"},
        format="json",
    )
    assert removed.status_code == 200 and removed.json()["exit_reason"] == "removed"


def _monitoring_list(rows: list[tuple[str, str, str]]) -> bytes:
    """The rural revitalisation bureau's list: (ID number, name, 风险是否消除)."""
    header = "证件号码,姓名,户编号,与户主关系,监测对象类别,识别时间,风险类型,风险是否消除"
    lines = [
        f"{number},{name},410821000001,户主,边缘易致贫户,2026-03-01,因病,{removed}"
        for number, name, removed in rows
    ]
    return "\n".join([header, *lines]).encode("utf-8")


def test_the_bureaus_monitoring_list_enters_and_clears_households_at_risk(
    staff,
    make_user,
    private_snapshots,  # noqa: F811
):
    listed = _household(staff.handler, "41082119700101001")
    cleared = _household(staff.handler, "41082119800101003")
    number = listed.members.get().reveal_id_number()
    other = cleared.members.get().reveal_id_number()
    city = make_user(Role.CITY_SUPERVISOR)
    first = deliver(
        city,
        "poverty_monitoring",
        _monitoring_list(
            [(number, "王001", "否"), (other, "王003", "是"), ("410821199001011234", "外人", "否")]
        ),
        "乡村振兴_监测对象.csv",
    )
    done = services.refresh(staff.county, INSIDE_COUNTY)
    assert done.entered == {"return_risk": 1} and done.delivery == first
    entry = MonitoredEntry.objects.get(household=listed)
    assert entry.source == EntrySource.DEPARTMENT and "乡村振兴" in entry.why
    assert _open(cleared) == set()
    # Staff reported the other household themselves: the bureau's list does not touch it.
    services.report_risk(staff.handler, cleared.pk, "走访发现")

    deliver(city, "poverty_monitoring", _monitoring_list([(number, "王001", "是")]), "第二批.csv")
    done = services.refresh(staff.county, INSIDE_COUNTY)
    assert done.left == {ExitReason.RISK_REMOVED: 1}
    assert _open(listed) == set() and _open(cleared) == {"return_risk"}
