"""Every step of every procedure has a face: each programme's cases are walked through all the
actions its procedure has (and the hukou township's answer), once on the pages and once through
the API, each step taken by the role that may take it. Before each step, every member of the
cast is asked what they are offered: a user is offered the step exactly when its service would
accept it from them (tried, and rolled back), so nothing refused is offered and nothing allowed
is missing."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from rest_framework.test import APIClient

from doudi.accounts.models import User
from doudi.accounts.roles import Role
from doudi.cases import facts_form, services, steps
from doudi.cases.api import STEP_INPUTS
from doudi.cases.models import Case
from doudi.cases.procedures import BULK_ACTIONS, PROCEDURES, REVIEWS, Action, CaseProgramme, State
from doudi.conftest import api_as, household_form, member_form
from doudi.errors import DoudiError
from doudi.money import fen_to_yuan
from doudi.registry.services import create_household
from doudi.reserve_fund.services import move

pytestmark = pytest.mark.django_db
HUKOU_TOWNSHIP = "410821901000"  # 示范街道: the hukou place of the households walked
TOWNSHIP = "410821902000"
EXPENDITURE = {"household": {"temporary_need": {"type": "expenditure", "expense_fen": 2_000_000}}}


class Rollback(Exception):
    pass


def service_accepts(user: User, case_id: int, action: Action, values: dict[str, Any]) -> bool:
    """Whether the step's service takes the step from this user now (changing nothing)."""
    arguments = STEP_INPUTS[action].read(values)
    try:
        with transaction.atomic():
            steps.STEPS[action].service(user, case_id, **arguments)
            raise Rollback
    except Rollback:
        return True
    except DoudiError:
        return False


# ------------------------------------------------------------------------------ the faces


def form_data(
    step: steps.Step, values: dict[str, Any], case_id: int | None = None
) -> dict[str, Any]:
    """The API's values as the page's form types them: yuan, lines, checkboxes; the facts in
    their own form, filled in for the case's household."""
    data: dict[str, Any] = {}
    for spec in step.fields:
        if spec.name not in values or not spec.on_page:
            continue
        value, name = values[spec.name], spec.input_name
        if spec.kind == steps.Kind.CHECK:
            if value:
                data[name] = "on"
        elif spec.kind == steps.Kind.LINES:
            data[name] = "\n".join(value)
        elif spec.kind == steps.Kind.FEN:
            data[name] = fen_to_yuan(value)
        elif spec.kind == steps.Kind.STAGES:
            data[name] = "\n".join(f"{s['due_on']} {fen_to_yuan(s['amount_fen'])}" for s in value)
        elif spec.kind == steps.Kind.FACTS:
            data.update(facts_form.values_for(Case.objects.get(pk=case_id), value).lists())
        elif spec.kind == steps.Kind.PEOPLE:
            data[name] = [str(pk) for pk in value]
        else:
            data[name] = str(value)
    return data


class PageFace:
    name = "page"

    def __init__(self) -> None:
        self.clients: dict[int, Client] = {}

    def client(self, user: User) -> Client:
        if user.pk not in self.clients:
            self.clients[user.pk] = Client()
            self.clients[user.pk].force_login(user)
        return self.clients[user.pk]

    def offered(self, user: User, case_id: int) -> set[str]:
        found: set[str] = set()
        page = self.client(user).get(f"/cases/{case_id}/")
        if page.status_code == 200:
            found |= set(re.findall(r'data-step="([a-z_]+)"', page.content.decode()))
        hukou = self.client(user).get("/cases/hukou/").content.decode()
        row = hukou.split(f'data-case="{case_id}"')
        if len(row) > 1:
            found |= set(re.findall(r'data-step="([a-z_]+)"', row[1].split("data-case=")[0]))
        return found

    def open(self, user: User, household_id: int, values: dict[str, Any]) -> int:
        data = form_data(steps.STEPS[Action.SUBMIT], values)
        response = self.client(user).post(f"/cases/new/{household_id}/", data)
        assert response.status_code == 302, response.content.decode()[-3000:]
        return int(response.url.strip("/").split("/")[-1])

    def take(self, user: User, case_id: int, action: Action, values: dict[str, Any]) -> None:
        data = form_data(steps.STEPS[action], values, case_id)
        response = self.client(user).post(f"/cases/{case_id}/{action.value}/", data)
        assert response.status_code == 302, (action, _page_error(response.content.decode()))


def _page_error(page: str) -> str:
    return page.split('data-testid="step-error"')[1][:400] if "step-error" in page else page[:400]


class ApiFace:
    name = "api"

    def __init__(self) -> None:
        self.clients: dict[int, APIClient] = {}

    def client(self, user: User) -> APIClient:
        if user.pk not in self.clients:
            self.clients[user.pk] = api_as(user)
        return self.clients[user.pk]

    def offered(self, user: User, case_id: int) -> set[str]:
        found: set[str] = set()
        detail = self.client(user).get(f"/api/v1/cases/{case_id}/")
        if detail.status_code == 200:
            found |= set(detail.json()["steps"])
        checks = self.client(user).get("/api/v1/cases/hukou-checks/").json()
        if any(row["case"] == case_id and row["can_answer"] for row in checks):
            found.add(Action.ANSWER_HUKOU_CHECK.value)
        return found

    def open(self, user: User, household_id: int, values: dict[str, Any]) -> int:
        body = {"household": household_id, **values}
        response = self.client(user).post("/api/v1/cases/", body, format="json")
        assert response.status_code == 201, response.json()
        return response.json()["id"]

    def take(self, user: User, case_id: int, action: Action, values: dict[str, Any]) -> None:
        url = f"/api/v1/cases/{case_id}/actions/{action.value}/"
        response = self.client(user).post(url, values, format="json")
        assert response.status_code == 200, (action, response.json())


# ------------------------------------------------------------------------------- the walk


@dataclass
class Walk:
    face: PageFace | ApiFace
    cast: dict[str, User]
    clock: Any
    taken: set[Action] = field(default_factory=set)

    def check_offers(self, case_id: int, who: str, action: Action, values: dict) -> None:
        for name, user in self.cast.items():
            offered = action.value in self.face.offered(user, case_id)
            if name == who:
                assert offered, f"{action} not offered to {name} on the {self.face.name}"
                continue
            accepts = service_accepts(user, case_id, action, values)
            assert offered == accepts, (
                f"{action} {'offered' if offered else 'not offered'} to {name} on the "
                f"{self.face.name}, but the service {'accepts' if accepts else 'refuses'}"
            )

    def run(self, household_id: int, plan: list[tuple[str, Action | str, dict]]) -> int:
        case_id = 0
        for who, action, values in plan:
            if action == "day":
                self.clock.at(values["on"])
                self.face.clients.clear()  # sessions expire: log in again on the new day
                continue
            if action == Action.SUBMIT:
                case_id = self.face.open(self.cast[who], household_id, values)
            else:
                self.check_offers(case_id, who, action, values)
                self.face.take(self.cast[who], case_id, action, values)
            self.taken.add(action)
        return case_id


def investigation(cast: dict[str, User], on: str, facts: dict | None = None) -> dict:
    values = {
        "visited_on": on,
        "investigator_ids": [cast["handler"].pk, cast["village"].pk],
        "home_visit": True,
        "neighbours_heard": True,
        "findings": "入户核实：家中无劳动收入。",
    }
    return values | ({"facts": facts} if facts else {})


Plan = list[tuple[str, Action | str, dict]]


def plans(
    programme: CaseProgramme, cast: dict[str, User], member_id: int | None, facts
) -> list[Plan]:
    """Withdrawn, refused and approved: between them, every action of the procedure."""
    procedure = PROCEDURES[programme]
    a = Action
    opening = {"programme": programme.value, "channel": "window", "need": "申请救助"}
    opening |= {"member_id": member_id} if member_id else {}
    if programme.value.startswith("temporary"):
        opening["requested_amount_fen"] = 80_000
    confirmer = "reviewer" if procedure.pay_first else "county"
    today = "2026-03-02"

    def township_stage(recommends: bool) -> Plan:
        if procedure.pay_first:
            return [
                ("handler", a.PAY_FIRST, {"amount_fen": 80_000, "reason": "火灾急难"}),
                ("handler", a.COMPLETE_PAPERS, investigation(cast, today)),
            ]
        stage: Plan = [("handler", a.INVESTIGATE, investigation(cast, today, facts))]
        if procedure.data_check:
            stage += [
                ("handler", a.REQUEST_CHECK, {}),
                ("county", a.RECORD_CHECK, {"result": "consistent"}),
            ]
            if recommends:  # the household disputes the report: checked again
                objection = {"content": "对核对报告有异议", "evidence": "离职证明"}
                stage += [
                    ("county", a.OBJECT_TO_CHECK, objection),
                    ("county", a.RECORD_CHECK, {"result": "consistent"}),
                ]
        opinion = {"recommends_approval": recommends, "text": "拟同意" if recommends else "拟不予"}
        return [*stage, ("handler", a.GIVE_OPINION, opinion)]

    spot: Plan = (
        [("county_colleague", a.SPOT_CHECK, {"agrees": True, "findings": "抽查属实"})]
        if procedure.spot_check_share
        else []
    )
    told = {"told_on": today, "how": "书面告知"}
    withdrawn: Plan = [
        ("handler", a.SUBMIT, opening | {"authorisation_signed_on": "2026-03-01"}),
        ("handler", a.WITHDRAW, {"reason": "申请人撤回"}),
    ]
    refused: Plan = [
        ("handler", a.SUBMIT, opening | {"authorisation_signed_on": "2026-03-01"}),
        ("handler", a.ACCEPT, {}),
        *township_stage(recommends=False),
        *spot,
        (confirmer, a.REFUSE, {"reasons": "不符合条件"}),
        ("handler", a.NOTIFY, told),
    ]
    approved: Plan = [
        ("handler", a.SUBMIT, opening | {"hukou_region_code": "410821901001"}),
        ("handler", a.FLAG_RELATIVE, {"relation": "村主任之子"}),
        ("handler", a.LIST_MISSING, {"items": ["户口簿", "核对授权书"]}),
        (
            "handler",
            a.RECEIVE_MATERIALS,
            {"items": ["户口簿", "核对授权书"], "authorisation_signed_on": today},
        ),
        ("handler", a.ACCEPT, {}),
        ("hukou", a.ANSWER_HUKOU_CHECK, {"answer": "户籍地核实：无房产、无车辆。"}),
    ]
    if procedure.extendable:
        approved.append(("handler", a.EXTEND, {"reason": "跨地区核实"}))
    approved += township_stage(recommends=True)
    if procedure.public_notice:
        again = {"recommends_approval": True, "text": "复查后仍拟同意"}
        approved += [
            ("handler", a.OBJECT, {"content": "邻居反映有车辆"}),
            ("handler", a.REINVESTIGATE, investigation(cast, today)),
            ("handler", a.GIVE_OPINION, again),
            ("handler", a.OBJECT, {"content": "再次反映"}),
            ("handler", a.APPRAISE, {"participants": 9, "in_favour": 7, "outcome": "多数同意"}),
            ("handler", a.GIVE_OPINION, again),
            ("", "day", {"on": "2026-03-10"}),  # the notice has ended
        ]
        told = {"told_on": "2026-03-10", "how": "书面告知"}
    approval: dict[str, Any] = {"reasons": "符合条件"}
    if programme == CaseProgramme.TEMPORARY_EXPENDITURE:
        stages = [
            {"due_on": "2026-03-10", "amount_fen": 10_000},
            {"due_on": "2026-04-10", "amount_fen": 10_000},
        ]
        approval |= {"amount_fen": 20_000, "stages": stages}
    approved += [*spot, (confirmer, a.APPROVE, approval), ("handler", a.NOTIFY, told)]
    if procedure.staged:
        approved.append((confirmer, a.STOP_STAGES, {"reason": "家庭收入恢复，停止后续救助"}))
    if procedure.charity_referral:
        charity = {"organisation": "县慈善总会", "need": "救助结束后仍有医疗费缺口"}
        approved.append(("handler", a.REFER_TO_CHARITY, charity))
    return [withdrawn, refused, approved]


def household_for(programme: CaseProgramme, staff) -> tuple[int, int | None, dict | None]:
    """A household the programme would find eligible, the person concerned, the facts."""
    if programme == CaseProgramme.EXTREME_HARDSHIP:
        elder = member_form("41082119500101003", "王老汉", marital_status="widowed")
        household, _ = create_household(
            staff.handler, household_form(members=[elder], incomes=[]), reason="登记"
        )
        person = household.members.get()
        return (
            household.pk,
            person.pk,
            {"members": {str(person.pk): {"has_capable_supporter": False}}},
        )
    if programme == CaseProgramme.DE_FACTO_UNSUPPORTED:
        child = member_form(
            "41082120150101004",
            "王小妹",
            relation="grandchild",
            marital_status="unmarried",
            education="primary",
            employment="student",
        )
        carer = member_form("41082119500101003", "王奶奶", marital_status="widowed")
        form = household_form(members=[carer, child], incomes=[])
        household, _ = create_household(staff.handler, form, reason="登记")
        person = household.members.get(name="王小妹")
        facts = {"members": {str(person.pk): {"orphan_status": "de_facto_unsupported"}}}
        return household.pk, person.pk, facts
    form = household_form(incomes=[])
    household, _ = create_household(staff.handler, form, reason="登记")
    facts = EXPENDITURE if programme == CaseProgramme.TEMPORARY_EXPENDITURE else None
    return household.pk, None, facts


def cast_of(staff, make_user) -> dict[str, User]:
    """Who takes the steps, and who is asked before each what they are offered."""
    return {
        "handler": staff.handler,
        "village": staff.village,
        "reviewer": staff.reviewer,
        "county": staff.county,
        "county_colleague": staff.county_colleague,
        "hukou": make_user(Role.TOWNSHIP_HANDLER, HUKOU_TOWNSHIP, "hukou_handler"),
    }


@pytest.mark.parametrize("face", [PageFace, ApiFace], ids=["page", "api"])
@pytest.mark.parametrize("programme", list(PROCEDURES), ids=lambda p: p.value)
def test_every_action_of_every_procedure_on_both_faces(programme, face, staff, clock, make_user):
    clock.at("2026-01-05")
    household_id, member_id, facts = household_for(programme, staff)
    clock.at("2026-03-02")
    if PROCEDURES[programme].pay_first:
        move(staff.county, TOWNSHIP, "allocation", 300_000, reason="2026 年备用金")
    cast = cast_of(staff, make_user)
    walk = Walk(face(), cast, clock)
    outcomes = []
    for plan in plans(programme, cast, member_id, facts):
        clock.at("2026-03-02")
        walk.face.clients.clear()
        outcomes.append(Case.objects.get(pk=walk.run(household_id, plan)).state)
    assert outcomes == [State.WITHDRAWN, State.REFUSED, State.APPROVED]
    assert walk.taken == PROCEDURES[programme].actions() | {Action.ANSWER_HUKOU_CHECK}


def receiving(cast: dict[str, User], household_id: int, member_id, programme, facts, clock):
    """The household (or person) granted the programme, through the services, on 2026-03-10."""
    clock.at("2026-03-02")
    handler, county = cast["handler"], cast["county"]
    case = services.submit(
        handler,
        household_id,
        programme.value,
        channel="window",
        member_id=member_id,
        authorisation_signed_on=datetime.date(2026, 3, 1),
    )
    services.accept(handler, case.pk)
    values = investigation(cast, "2026-03-02", facts)
    services.investigate(handler, case.pk, **values | {"visited_on": datetime.date(2026, 3, 2)})
    services.request_check(handler, case.pk)
    services.record_check(county, case.pk, result="consistent")
    case = services.give_opinion(handler, case.pk, recommends_approval=True, text="拟同意")
    clock.at("2026-03-10")
    if case.spot_check_selected:
        services.spot_check(cast["county_colleague"], case.pk, agrees=True, findings="属实")
    services.approve(county, case.pk, reasons="符合条件")


def review_plans(
    programme: CaseProgramme, cast: dict[str, User], member_id: int | None
) -> list[Plan]:
    """Withdrawn, and decided (kept) and told: between them, every action of the re-check."""
    a = Action
    today = "2026-03-16"
    opening = {"programme": programme.value, "channel": "window", "kind": "review"}
    opening |= {"member_id": member_id} if member_id else {}
    withdrawn: Plan = [
        ("handler", a.SUBMIT, opening | {"authorisation_signed_on": today}),
        ("handler", a.WITHDRAW, {"reason": "误启动"}),
    ]
    decided: Plan = [
        ("handler", a.SUBMIT, opening),
        ("handler", a.FLAG_RELATIVE, {"relation": "村主任之子"}),
        ("handler", a.LIST_MISSING, {"items": ["核对授权书"]}),
        (
            "handler",
            a.RECEIVE_MATERIALS,
            {"items": ["核对授权书"], "authorisation_signed_on": today},
        ),
        ("handler", a.ACCEPT, {}),
    ]
    if REVIEWS[programme].extendable:
        decided.append(("handler", a.EXTEND, {"reason": "跨地区核实"}))
    decided += [
        ("handler", a.INVESTIGATE, investigation(cast, today)),
        ("handler", a.REQUEST_CHECK, {}),
        ("county", a.RECORD_CHECK, {"result": "consistent"}),
        ("county", a.OBJECT_TO_CHECK, {"content": "对核对报告有异议", "evidence": "离职证明"}),
        ("county", a.RECORD_CHECK, {"result": "consistent"}),
        ("handler", a.GIVE_OPINION, {"recommends_approval": True, "text": "情况未变"}),
        ("county", a.DECIDE_REVIEW, {"outcome": "keep", "reasons": "家庭情况未变，维持"}),
        ("handler", a.NOTIFY, {"told_on": today, "how": "书面告知"}),
    ]
    return [withdrawn, decided]


@pytest.mark.parametrize("face", [PageFace, ApiFace], ids=["page", "api"])
@pytest.mark.parametrize("programme", list(REVIEWS), ids=lambda p: p.value)
def test_every_action_of_every_recheck_on_both_faces(programme, face, staff, clock, make_user):
    clock.at("2026-01-05")
    household_id, member_id, facts = household_for(programme, staff)
    cast = cast_of(staff, make_user)
    receiving(cast, household_id, member_id, programme, facts, clock)
    walk = Walk(face(), cast, clock)
    outcomes = []
    for plan in review_plans(programme, cast, member_id):
        clock.at("2026-03-16")
        walk.face.clients.clear()
        outcomes.append(Case.objects.get(pk=walk.run(household_id, plan)).state)
    assert outcomes == [State.WITHDRAWN, State.REVIEWED]
    assert walk.taken == REVIEWS[programme].actions()


def test_the_step_table_has_every_action_and_names_the_services_parameters():
    """A renamed service parameter fails here instead of silently changing the API."""
    import inspect

    from doudi.cases import services

    # Bulk actions are taken over many cases at once, on their own page (cases/bulk.py).
    assert set(steps.STEPS) == set(Action) - BULK_ACTIONS
    for step in steps.STEPS.values():
        parameters = inspect.signature(step.service).parameters
        if any(p.kind == p.VAR_KEYWORD for p in parameters.values()):
            parameters = inspect.signature(services._investigation).parameters
        for spec in step.fields:
            assert spec.name in parameters, (step.action, spec.name)
        required = {
            name
            for name, p in parameters.items()
            if p.default is p.empty
            and p.kind != p.VAR_KEYWORD
            and name not in {"actor", "case_id", "case", "kind", "household_id"}
        }
        assert required <= {spec.name for spec in step.fields if spec.required}, step.action
