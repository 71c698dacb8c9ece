"""Plans, reproducible samples, checklists, findings with rectification tasks in working days,
the relatives register, and who may see and do what."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest

from doudi.accounts.roles import ROLE_LEVELS, ROLE_PERMISSIONS, Permission, Role
from doudi.audit.models import AuditEvent
from doudi.cases.tests.helpers import refused
from doudi.conftest import INSIDE_COUNTY, INSIDE_TOWNSHIP, OUTSIDE_COUNTY, api_as
from doudi.errors import NotPermitted, OutsideJurisdiction
from doudi.regions.codes import Level
from doudi.supervision import draw, queries, services
from doudi.supervision.models import Finding, Rectification, SampleItem
from doudi.supervision.tests.conftest import ALL_YES, make_plan
from doudi.workdays.calendar import WorkingCalendar

pytestmark = pytest.mark.django_db

POPULATION = [(pk, f"41082190{pk % 3}000") for pk in range(1, 1001)]


def test_the_same_seed_draws_the_same_sample_and_another_seed_another():
    first = draw.draw(POPULATION, seed=20260615, share_percent=5, minimum=3)
    again = draw.draw(list(reversed(POPULATION)), seed=20260615, share_percent=5, minimum=3)
    other = draw.draw(POPULATION, seed=20260616, share_percent=5, minimum=3)
    assert first == again  # the order the rows came in does not matter
    assert {pk for pk, _p in first} != {pk for pk, _p in other}
    assert len(first) == len(other) == 3 * 17  # 5 % of 333 or 334, rounded up, per township


def test_each_township_gives_its_share_rounded_up_at_least_the_minimum_at_most_all():
    assert draw.sample_size(334, 5, 3) == 17
    assert draw.sample_size(20, 5, 3) == 3
    assert draw.sample_size(2, 5, 3) == 2
    assert draw.sample_size(10, 100, 0) == 10
    chosen = draw.draw([(1, "a"), (2, "a"), (3, "b")], seed=1, share_percent=1, minimum=1)
    assert sorted(place for _pk, place in chosen) == ["a", "b"]


def test_a_drawn_sample_is_kept_and_redrawn_alike(scene, staff):
    plan = scene.plan
    first = services.draw_sample(
        staff.county, plan.pk, kind="households", seed=7, share_percent=50, minimum=1
    )
    again = services.draw_sample(
        staff.county, plan.pk, kind="households", seed=7, share_percent=50, minimum=1
    )
    items = list(first.items.values_list("household_id", "rank"))
    assert first.population == 3 and len(items) == 2  # half of three, rounded up
    assert items == list(again.items.values_list("household_id", "rank"))
    recipients = {b.household_id for b in scene.recipients}
    assert {h for h, _r in items} <= recipients
    event = AuditEvent.objects.filter(action="supervision.sample_draw").first()
    assert event.after["seed"] == 7 and event.after["drawn"] == 2
    assert event.after["digest"] == draw.digest(
        (SampleItem.objects.get(sample=first, rank=r).household_id, "") for _h, r in items
    )


def test_a_sample_of_cases_takes_those_decided_in_the_period(scene, staff):
    sample = services.draw_sample(
        staff.county, scene.plan.pk, kind="cases", seed=1, share_percent=100, minimum=0
    )
    assert sample.items.count() == 3 and all(i.case_id for i in sample.items.all())
    autumn = make_plan(
        staff.county, kind="unannounced", period_start="2026-04-01", period_end="2026-06-15"
    )
    with refused("nothing to draw"):
        services.draw_sample(
            staff.county, autumn.pk, kind="cases", seed=1, share_percent=100, minimum=0
        )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"period_end": "2026-07-31"}, "period_end"),
        ({"period_start": "2026-07-01", "period_end": "2026-06-30"}, "period_end"),
        ({"place": OUTSIDE_COUNTY}, "place"),
        ({"place": "410821902001"}, "place"),  # a village is no place of inspection
        ({"inspectors": "  "}, "inspectors"),
        ({"kind": "yearly"}, "kind"),
        ({"period_start": "2026-02-01", "period_end": "2026-05-31"}, "period_start"),
    ],
)
def test_a_bad_plan_is_refused_naming_its_field(scene, staff, fields, field):
    with pytest.raises(Exception) as error:
        make_plan(staff.county, **fields)
    assert getattr(error.value, "field", None) == field


def test_unannounced_plans_may_overlap_and_a_township_may_be_inspected(scene, staff):
    plan = make_plan(staff.county, kind="unannounced", place=INSIDE_TOWNSHIP,
                     period_start="2026-05-01", period_end="2026-09-30")  # fmt: skip
    assert plan.region_id == INSIDE_TOWNSHIP


def test_the_checklist_is_answered_in_full(scene, staff):
    sample = services.draw_sample(
        staff.county, scene.plan.pk, kind="households", seed=3, share_percent=100, minimum=0
    )
    item = sample.items.first()
    with refused("yes, no or not applicable") as error:
        services.check_item(staff.county, item.pk, **{**ALL_YES, "notice_posted": ""})
    assert error.value.field == "notice_posted"
    services.check_item(staff.county, item.pk, note="发放金额少算分类施保", **ALL_YES)
    item.refresh_from_db()
    assert item.answers["amount_correct"] == "no" and item.checked_on == datetime.date(2026, 6, 15)
    with pytest.raises(NotPermitted):
        services.check_item(staff.handler, item.pk, **ALL_YES)


def test_a_finding_gets_its_task_due_in_working_days_and_overdue_is_listed(scene, staff, clock):
    sample = services.draw_sample(
        staff.county, scene.plan.pk, kind="households", seed=3, share_percent=100, minimum=0
    )
    item = sample.items.first()
    finding = services.raise_item_finding(
        staff.county, item.pk, description="分类施保金额少发", task="补发差额", severity="serious"
    )
    assert finding.region_id == INSIDE_TOWNSHIP and finding.household_id == item.household_id
    assert finding.origin == "spot_check" and finding.plan_id == scene.plan.pk
    task = finding.rectifications.get()
    today = datetime.date(2026, 6, 15)
    assert task.working_days == 10
    assert task.due_on == WorkingCalendar.current().add_working_days(today, 10)
    general = services.raise_plan_finding(
        staff.county, scene.plan.pk, township=INSIDE_TOWNSHIP, description="台账不全", task="补齐"
    )
    assert general.rectifications.get().working_days == 20
    assert not queries.overdue_rectifications(staff.handler, today).exists()
    late = task.due_on + datetime.timedelta(days=1)
    assert list(queries.overdue_rectifications(staff.handler, late)) == [task]
    assert not queries.overdue_rectifications(staff.handler, task.due_on).exists()
    clock.at(late.isoformat())
    services.complete_rectification(staff.handler, task.pk, outcome="已补发")
    with refused("already been reported done"):
        services.complete_rectification(staff.handler, task.pk, outcome="再次")
    done = AuditEvent.objects.filter(action="supervision.rectification_done").get()
    assert done.after["late"] is True
    assert not queries.overdue_rectifications(staff.handler, late).exists()


def test_another_app_raises_a_finding_with_its_origin(scene, staff, make_user):
    household = scene.recipients[0].household_id
    finding = services.raise_finding(
        staff.county,
        description="来电反映：村干部亲属违规享受低保",
        task="入户核查并报告",
        origin="hotline",
        origin_reference="RX-2026-0042",
        household=household,
    )
    assert finding.region_id == INSIDE_TOWNSHIP and finding.origin_reference == "RX-2026-0042"
    with refused("where the finding comes from"):
        services.raise_finding(staff.county, description="x", task="y", origin="rumour",
                               township=INSIDE_TOWNSHIP)  # fmt: skip
    with refused("township of your jurisdiction"):
        services.raise_finding(staff.county, description="x", task="y", township=INSIDE_COUNTY)
    with refused("Say what is to be rectified"):
        services.raise_finding(staff.county, description="x", task=" ", township=INSIDE_TOWNSHIP)
    elsewhere = make_user(Role.COUNTY_APPROVER, OUTSIDE_COUNTY, "elsewhere")
    with refused("outside your jurisdiction") as error:
        services.raise_finding(elsewhere, description="x", task="y", household=household)
    assert error.value.field == "household"
    other_handler = make_user(Role.TOWNSHIP_HANDLER, "410821901000", "other_handler")
    task = finding.rectifications.get()
    with pytest.raises(OutsideJurisdiction):
        services.complete_rectification(other_handler, task.pk, outcome="x")


def test_the_relatives_register_shows_what_each_declared_household_receives(scene, staff):
    benefit = scene.recipients[0]
    entry = services.declare_relative(
        staff.handler,
        household=benefit.household_id,
        relative_name="户主1",
        relation="父亲",
        official_name="赵某",
        position="village_cadre",
        post="村委会主任",
    )
    assert entry.region_id == INSIDE_TOWNSHIP
    rows = queries.relatives_report(scene.discipline, datetime.date(2026, 6, 1))
    assert [r.declaration for r in rows] == [entry]
    assert rows[0].monthly_fen == benefit.monthly_amount_fen > 0
    assert [b.programme for b in rows[0].benefits] == ["minimum_living"]
    with refused("position"):
        services.declare_relative(
            staff.handler, household=benefit.household_id, relative_name="a", relation="b",
            official_name="c", position="boss", post="d",
        )  # fmt: skip
    services.end_declaration(staff.handler, entry.pk, reason="已辞去村干部职务")
    assert queries.relatives_report(scene.auditor, datetime.date(2026, 6, 1)) == []
    with refused("already ended"):
        services.end_declaration(staff.handler, entry.pk, reason="再次")


def test_a_relatives_case_appears_beside_the_register(scene, staff):
    from doudi.cases.tests.helpers import open_case

    case = open_case(staff, scene.recipients[1].household, programme="temporary_emergency",
                     relative_of_staff="村会计之子", requested_amount_fen=50_000)  # fmt: skip
    listed = list(queries.flagged_cases(scene.discipline))
    assert [c.pk for c in listed] == [case.pk] and listed[0].declared is False


def test_the_discipline_inspector_sits_at_county_or_city_and_reads_only():
    assert ROLE_LEVELS[Role.DISCIPLINE_INSPECTOR] == frozenset({Level.COUNTY, Level.CITY})
    writes = {Permission.INSPECT, Permission.RECTIFY, Permission.DECLARE_RELATIVES}
    for role in (Role.DISCIPLINE_INSPECTOR, Role.AUDITOR):
        assert {Permission.VIEW_SUPERVISION, Permission.VIEW_PLANS} <= ROLE_PERMISSIONS[role]
        assert not writes & ROLE_PERMISSIONS[role]


def test_the_inspected_township_does_not_see_the_plans(scene, staff, client):
    with pytest.raises(NotPermitted):
        queries.plan_for(staff.handler, scene.plan.pk)
    client.force_login(staff.handler)
    assert client.get(f"/supervision/plans/{scene.plan.pk}/").status_code == 403
    assert client.get("/supervision/findings/").status_code == 200
    assert 'data-testid="plans"' not in client.get("/supervision/").content.decode()


def test_another_jurisdiction_finds_nothing(scene, staff, make_user):
    elsewhere = make_user(Role.DISCIPLINE_INSPECTOR, OUTSIDE_COUNTY, "elsewhere")
    services.raise_plan_finding(staff.county, scene.plan.pk, township=INSIDE_TOWNSHIP,
                                description="台账不全", task="补齐")  # fmt: skip
    assert not queries.plans_visible_to(elsewhere).exists()
    assert not queries.findings_visible_to(elsewhere).exists()
    api = api_as(elsewhere)
    assert api.get(f"/api/v1/supervision/plans/{scene.plan.pk}/").status_code == 404
    finding = Finding.objects.get()
    assert api.get(f"/api/v1/supervision/findings/{finding.pk}/").status_code == 404


def test_the_workbooks_hold_the_sample_with_its_checklist_and_the_findings(scene, staff, client):
    sample = services.draw_sample(
        staff.county, scene.plan.pk, kind="households", seed=3, share_percent=100, minimum=0
    )
    item = sample.items.order_by("rank").first()
    services.check_item(staff.county, item.pk, **ALL_YES)
    services.raise_item_finding(staff.county, item.pk, description="少发", task="补发")
    client.force_login(scene.discipline)
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/supervision/samples/{sample.pk}/sample.xlsx").content)
    )
    rows = list(book.worksheets[0].values)
    assert len(rows) == 2 + 3  # caption, header, three items
    assert rows[2][0] == 1 and rows[2][1] == item.household.file_number
    assert "否" in rows[2] or "No" in rows[2]
    findings = openpyxl.load_workbook(
        io.BytesIO(client.get("/supervision/findings/findings.xlsx").content)
    )
    lines = list(findings.worksheets[0].values)
    assert len(lines) == 1 + Rectification.objects.count() == 2
    assert lines[1][6] == "补发"


def test_the_townships_open_tasks_are_on_its_to_do_list_overdue_first(scene, staff, client):
    from doudi.supervision.home import rectification_tasks

    services.raise_plan_finding(staff.county, scene.plan.pk, township=INSIDE_TOWNSHIP,
                                description="台账不全", task="补齐台账")  # fmt: skip
    due = Rectification.objects.get().due_on
    [tasks] = rectification_tasks(staff.handler, due + datetime.timedelta(days=1))
    assert tasks.count == 1 and tasks.overdue == 1 and tasks.tasks[0].subject == "补齐台账"
    assert rectification_tasks(scene.discipline, due) == []  # the reader has nothing to do
    client.force_login(staff.handler)
    assert "补齐台账" in client.get("/").content.decode()
