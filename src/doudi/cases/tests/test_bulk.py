"""The standard change (提标) as a bulk action of the cases app: the city proposes it from an
evaluation run, sees the preview per county, approves; every household it raises gets a change
case through legal edges of its procedure, a decision and a new benefit — one audit event, the
preview exactly, once, or nothing at all."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.test import Client

from doudi.accounts.roles import Role
from doudi.audit.models import AuditEvent
from doudi.benefits.models import Benefit, StandardChange
from doudi.cases import bulk, previews, services
from doudi.cases.models import Case, ChangePreview, Decision, Transition
from doudi.cases.procedures import CLOSED_STATES, EDGES, STANDARD_CHANGE, Action, State
from doudi.cases.tests.helpers import Staff, investigate, open_case, refused
from doudi.conftest import CITY, OUTSIDE_COUNTY, OUTSIDE_TOWNSHIP, OUTSIDE_VILLAGE, member_form
from doudi.conftest import household_form as form_of
from doudi.errors import DoudiError, NotPermitted, OutsideJurisdiction
from doudi.jobs.tests.helpers import run_waiting
from doudi.policy import services as policy
from doudi.policy.batch import evaluate_all
from doudi.policy.models import EvaluationRun
from doudi.regions.models import Region
from doudi.registry.services import add_money_fact, create_household

pytestmark = pytest.mark.django_db
D = datetime.date.fromisoformat
JULY = D("2026-07-01")
RISE = 2 * (42_000 - 37_700)  # two persons, 43 yuan more each


@dataclass
class World:
    city: object
    inside: Staff
    outside: Staff
    households: list


def on_minimum_living(staff: Staff, household) -> Benefit:
    case = open_case(staff, household)
    services.accept(staff.handler, case.pk)
    investigate(staff, case, "2026-03-02")
    services.request_check(staff.handler, case.pk)
    services.record_check(staff.county, case.pk, result="consistent")
    services.give_opinion(staff.handler, case.pk, recommends_approval=False, text="意见")
    return services.approve(staff.county, case.pk, reasons="符合条件").decision.benefit


def two_people(staff: Staff, region: str, number: int):
    members = [
        member_form(f"41082119700101{number:03d}", f"户主{number}"),
        member_form(f"41082119720202{number:03d}", f"配偶{number}", relation="spouse"),
    ]
    household, _warnings = create_household(
        staff.handler, form_of(region=region, members=members, incomes=[]), reason="登记"
    )
    return household


@pytest.fixture
def world(staff, make_user, clock) -> World:
    """Two households on 低保 in 修武县, one in 温县 (both in 焦作市), and the city's raise of
    the rural standard from 377 to 420 yuan in force from July 2026."""
    outside = Staff(
        handler=make_user(Role.TOWNSHIP_HANDLER, OUTSIDE_TOWNSHIP),
        village=make_user(Role.VILLAGE_WORKER, OUTSIDE_VILLAGE),
        reviewer=make_user(Role.TOWNSHIP_REVIEWER, OUTSIDE_TOWNSHIP),
        county=make_user(Role.COUNTY_APPROVER, OUTSIDE_COUNTY),
        county_colleague=make_user(Role.COUNTY_APPROVER, OUTSIDE_COUNTY, "wen_colleague"),
    )
    clock.at("2026-01-05")
    households = [
        two_people(staff, "410821902001", 1),
        two_people(staff, "410821902001", 2),
        two_people(outside, OUTSIDE_VILLAGE, 3),
    ]
    clock.at("2026-03-02")
    for household in households[:2]:
        on_minimum_living(staff, household)
    on_minimum_living(outside, households[2])
    clock.at("2026-06-10")
    city = make_user(Role.CITY_SUPERVISOR)
    value = policy.propose_value(
        city,
        parameter="minimum_living.standard.rural",
        region_code=CITY,
        start=JULY,
        value="420",
        document_number="焦民〔2026〕6号",
        reference="提高农村低保标准",
    )
    policy.adopt_value(city, value.pk, reason="市政府批准")
    return World(city, staff, outside, households)


def proposed(world: World) -> StandardChange:
    run = evaluate_all(world.city, JULY, place_code=CITY)
    return bulk.propose_standard_change(world.city, run.pk, reason="2026 年 7 月提标")


def counts() -> tuple[int, ...]:
    return (
        Case.objects.count(),
        Decision.objects.count(),
        Transition.objects.count(),
        Benefit.objects.count(),
        AuditEvent.objects.count(),
    )


def test_the_preview_is_what_is_applied_through_legal_edges(world):
    change = proposed(world)
    seen = bulk.preview(world.city, change.pk)
    assert (seen.households, seen.monthly_fen, seen.yearly_fen) == (3, 3 * RISE, 36 * RISE)
    assert [(c.county_code, c.households, c.monthly_fen) for c in seen.counties] == [
        ("410821000000", 2, 2 * RISE),
        ("410825000000", 1, RISE),
    ]
    previewed = {(i.benefit_id, i.before_fen, i.after_fen) for i in seen.items}
    events_before = AuditEvent.objects.count()

    bulk.approve_standard_change(world.city, change.pk, reason="依焦民〔2026〕6号调整")

    applied = set()
    for item in change.items.select_related("case__decision__benefit", "benefit"):
        old, decision = item.benefit, item.case.decision
        new = decision.benefit
        applied.add((old.pk, old.monthly_amount_fen, new.monthly_amount_fen))
        assert (old.end_month, old.ended_by) == (D("2026-06-01"), decision)
        assert (new.start_month, new.end_month, new.payee_id) == (JULY, None, old.payee_id)
        assert (decision.start_month, decision.monthly_amount_fen) == (JULY, item.after_fen)
        case = item.case
        assert (case.kind, case.channel, case.programme) == ("change", "bureau", "minimum_living")
        assert case.state in CLOSED_STATES and case.decision.outcome == "approved"
        steps = list(case.transitions.values_list("action", flat=True))
        assert tuple(steps) == STANDARD_CHANGE.steps
    assert applied == previewed
    assert services.receiving(world.households[0], "minimum_living").start_month == JULY

    # Every transition the bulk action wrote is an allowed edge of the state machine.
    written = Transition.objects.filter(case__in=change.items.values("case"))
    assert written.count() == 3 * len(STANDARD_CHANGE.steps)
    for step in written:
        sources, target = EDGES[Action(step.action)]
        if step.action == Action.SUBMIT:
            assert step.from_state == step.to_state == State.SUBMITTED
        else:
            assert step.from_state in sources and step.to_state == (target or step.from_state)

    # One audit event for the batch, none per case.
    assert AuditEvent.objects.count() == events_before + 1
    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.after["households"]) == ("standard_change.approve", 3)
    assert event.after["monthly_increase_fen"] == 3 * RISE


def test_never_applied_twice(world):
    change = proposed(world)
    bulk.approve_standard_change(world.city, change.pk, reason="提标")
    before = counts()
    with refused("already approved"):
        bulk.approve_standard_change(world.city, change.pk, reason="再次")
    with refused("raises nobody"):  # the same run, proposed again, finds nobody left to raise
        bulk.propose_standard_change(world.city, change.run_id, reason="再次")
    assert counts() == before


def test_a_second_proposal_of_the_same_rise_is_refused_once_the_first_is_applied(world):
    first = proposed(world)
    second = bulk.propose_standard_change(world.city, first.run_id, reason="重复提出")
    bulk.approve_standard_change(world.city, first.pk, reason="提标")
    before = counts()
    with refused("no longer matches"):
        bulk.approve_standard_change(world.city, second.pk, reason="提标")
    assert counts() == before
    assert StandardChange.objects.get(pk=second.pk).state == "proposed"


def test_refused_whole_when_a_household_changed_since_the_run(world, clock):
    change = proposed(world)
    clock.at("2026-06-11")
    person = world.households[0].members.first()
    add_money_fact(
        world.inside.handler,
        world.households[0].pk,
        "income",
        {"member": str(person.pk), "month": "2026-05", "type": "wage", "amount_fen": 50_000},
        reason="新发现的收入",
    )
    before = counts()
    with refused("no longer matches") as caught:
        bulk.approve_standard_change(world.city, change.pk, reason="提标")
    assert "1 households" in caught.value.render("en")
    assert counts() == before
    assert not Benefit.objects.filter(start_month=JULY).exists()


def test_refused_whole_when_a_benefit_ended_since_the_preview(world, clock):
    change = proposed(world)
    clock.at("2026-06-15")
    stop = open_case(world.inside, world.households[1], kind="termination")
    services.accept(world.inside.handler, stop.pk)
    investigate(world.inside, stop, "2026-06-15")
    services.request_check(world.inside.handler, stop.pk)
    services.record_check(world.inside.county, stop.pk, result="consistent")
    services.give_opinion(world.inside.handler, stop.pk, recommends_approval=True, text="停保")
    services.approve(world.inside.county, stop.pk, reasons="收入超标")
    before = counts()
    with refused("1 benefits of it changed or ended"):
        bulk.approve_standard_change(world.city, change.pk, reason="提标")
    assert counts() == before


def test_a_county_sees_only_its_own_part_and_cannot_approve(world, make_user):
    change = proposed(world)
    inside = bulk.preview(world.inside.county, change.pk)
    assert not inside.whole and not inside.can_approve
    assert [c.county_code for c in inside.counties] == ["410821000000"]
    assert {i.region_code[:6] for i in inside.items} == {"410821"}
    outside = bulk.preview(world.outside.handler, change.pk)
    assert [(c.county_code, c.households) for c in outside.counties] == [("410825000000", 1)]
    with pytest.raises(NotPermitted):
        bulk.approve_standard_change(world.inside.county, change.pk, reason="提标")
    with pytest.raises(NotPermitted):
        bulk.propose_standard_change(world.inside.county, change.run_id, reason="提标")
    with pytest.raises(NotPermitted):  # finance sees payrolls, not cases
        bulk.preview(make_user(Role.FINANCE_OFFICER), change.pk)
    # A change proposed for 修武县 alone is nothing of 温县's.
    run = evaluate_all(world.city, JULY, place_code="410821000000")
    own = bulk.propose_standard_change(world.city, run.pk, reason="修武县提标")
    with pytest.raises(OutsideJurisdiction):
        bulk.preview(world.outside.county, own.pk)
    assert own.pk not in bulk.changes_visible_to(world.outside.county).values_list("pk", flat=True)
    assert StandardChange.objects.get(pk=change.pk).state == "proposed"


def test_the_pages_propose_preview_and_approve(world):
    city = Client()
    city.force_login(world.city)
    page = city.get("/cases/standard-changes/")
    assert page.status_code == 200 and b'data-testid="evaluate-and-propose"' in page.content
    asked = city.post(
        "/cases/standard-changes/propose/", {"month": "2026-07", "reason": "2026 年 7 月提标"}
    )
    preview = ChangePreview.objects.get()
    assert asked.status_code == 302 and asked.url.endswith(f"/previews/{preview.pk}/")
    waiting = city.get(asked.url).content.decode()
    assert "<progress" in waiting and 'http-equiv="refresh"' in waiting
    assert not StandardChange.objects.exists()  # computed in the background
    run_waiting()
    response = city.get(asked.url)  # a reload, once done: the change it proposed
    change = StandardChange.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/{change.pk}/")
    page = city.get(response.url)
    text = page.content.decode()
    assert page.status_code == 200 and 'data-testid="approve"' in text
    assert f"{3 * RISE / 100:,.2f}" in text and f"{36 * RISE / 100:,.2f}" in text
    assert "修武县" in text and "温县" in text

    county = Client()
    county.force_login(world.inside.county)
    text = county.get(response.url).content.decode()
    assert 'data-testid="own-part"' in text and "温县" not in text
    assert 'data-testid="approve"' not in text
    assert county.post(f"{response.url}approve/", {"reason": "x"}).status_code == 403
    assert StandardChange.objects.get().state == "proposed"

    city.post(f"{response.url}approve/", {"reason": "依文件调整"})
    assert StandardChange.objects.get().state == "applied"
    text = city.get(response.url).content.decode()
    assert 'data-testid="approve"' not in text
    assert Benefit.objects.filter(start_month=JULY).count() == 3


def test_each_county_notifies_within_its_own_notice_limit(world):
    """修武县 adopted a shorter notice limit (2 working days) than the national 3: its cases of
    the change are due by its own limit, 温县's by the national one."""
    from doudi.cases.deadlines import after

    shorter = policy.propose_value(
        world.city,
        parameter="procedure.minimum_living.refusal_notice_limit",
        region_code="410821000000",
        start=D("2026-06-01"),
        value="2",
        document_number="修民〔2026〕5号",
        reference="压缩告知时限",
    )
    policy.adopt_value(world.city, shorter.pk, reason="压缩时限")
    change = proposed(world)
    bulk.approve_standard_change(world.city, change.pk, reason="提标")
    today = D("2026-06-10")
    due = {
        (item.region_code[:6], item.case.step_due_on, item.case.decision.notify_due_on)
        for item in change.items.select_related("case__decision")
    }
    assert due == {
        ("410821", after(today, 2), after(today, 2)),
        ("410825", after(today, 3), after(today, 3)),
    }


def test_the_list_names_places_by_name(world):
    change = proposed(world)
    city = Client()
    city.force_login(world.city)
    text = city.get("/cases/standard-changes/").content.decode()
    place = Region.objects.get(code=change.place_code).name
    assert f'<td data-testid="place">{place} <small class="muted">{CITY}</small></td>' in text
    assert f"2026-07 · {place} ({CITY}) ·" in text  # the run to propose from, too


# --- the preview in the background (cases.previews) --------------------------------------------


def test_the_preview_is_computed_once_and_followed_on_its_page(world):
    city = Client()
    city.force_login(world.city)
    asked = city.post(
        "/cases/standard-changes/propose/", {"month": "2026-07", "reason": "2026 年 7 月提标"}
    )
    preview = ChangePreview.objects.get()
    assert preview.job.kind == "change_preview" and preview.job.state == "queued"
    started = AuditEvent.objects.get(action="standard_change.preview_started")
    assert started.after["job"] == preview.job_id and started.reason == "2026 年 7 月提标"
    listed = city.get("/cases/standard-changes/").content.decode()
    assert f"/cases/standard-changes/previews/{preview.pk}/" in listed
    # Reloading the page while it waits starts nothing more; a second ask waits for the first.
    city.get(asked.url)
    again = city.post(
        "/cases/standard-changes/propose/", {"month": "2026-07", "reason": "再次测算"}
    )
    assert again.status_code == 302 and again.url == "/cases/standard-changes/"
    assert ChangePreview.objects.count() == 1
    (job,) = run_waiting()
    assert job.state == "done" and job.progress_total == 3
    preview.refresh_from_db()
    assert preview.change.households == proposed(world).households == 3
    assert preview.run.month == JULY


def test_a_preview_from_an_earlier_run_is_proposed_in_the_background(world):
    run = evaluate_all(world.city, JULY, place_code=CITY)
    city = Client()
    city.force_login(world.city)
    city.post("/cases/standard-changes/propose/", {"run": str(run.pk), "reason": "提标"})
    run_waiting()
    preview = ChangePreview.objects.get()
    assert preview.run == run and preview.change.run == run
    assert EvaluationRun.objects.count() == 1


def test_a_preview_that_raises_nobody_says_why_and_keeps_no_run(world):
    city = Client()
    city.force_login(world.city)
    asked = city.post(
        "/cases/standard-changes/propose/", {"month": "2026-05", "reason": "五月提标"}
    )
    (job,) = run_waiting()
    assert job.state == "failed" and "2026-05" in job.message and "raises" not in job.message
    page = city.get(asked.url)
    text = page.content.decode()
    assert page.status_code == 200 and job.message in text and 'http-equiv="refresh"' not in text
    assert not StandardChange.objects.exists() and not EvaluationRun.objects.exists()
    assert not AuditEvent.objects.filter(action="policy.evaluate_all").exists()


def test_a_preview_is_nobody_s_outside_the_place(world, make_user):
    preview = previews.start_preview(world.city, reason="提标", month=JULY)
    county = Client()
    county.force_login(world.outside.county)
    assert county.get(f"/cases/standard-changes/previews/{preview.pk}/").status_code == 403
    with pytest.raises(DoudiError):  # the county does not set the standard
        previews.start_preview(world.inside.county, reason="提标", month=JULY)
    admin = make_user(Role.SYSTEM_ADMIN, OUTSIDE_COUNTY, "wen_admin")
    assert admin.region_id == OUTSIDE_COUNTY
    other = Client()
    other.force_login(admin)
    assert other.get(f"/cases/standard-changes/previews/{preview.pk}/").status_code == 404
