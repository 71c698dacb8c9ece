"""Reads that the case pages and the API share: list rows with the household head (masked ID
number) and provisional deadlines, the steps a user may take now, the staff who may
investigate, the engine's result in short, and which documents exist. Nothing here changes
anything; every case reaching these functions came through ``queries``."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import covers, has_permission
from doudi.accounts.models import User
from doudi.accounts.roles import Role
from doudi.cases import queries, services
from doudi.cases.deadlines import procedure_of
from doudi.cases.models import Case, Decision, Outcome
from doudi.cases.procedures import EDGES, ENGINE_PROGRAMME, Action, CaseProgramme, State
from doudi.errors import DoudiError
from doudi.regions.codes import is_well_formed, prefix_of
from doudi.registry.models import Member
from doudi.registry.queries import heads_of
from doudi.workdays.calendar import WorkingCalendar

if TYPE_CHECKING:
    from django.utils.functional import Promise

# The service of each step a user takes on a case of their own jurisdiction (the hukou
# place's answer is taken elsewhere, submission opens the case).
STEP_SERVICES: dict[Action, Callable[..., Case]] = {
    Action.FLAG_RELATIVE: services.flag_relative,
    Action.LIST_MISSING: services.list_missing,
    Action.RECEIVE_MATERIALS: services.receive_materials,
    Action.ACCEPT: services.accept,
    Action.INVESTIGATE: services.investigate,
    Action.REQUEST_CHECK: services.request_check,
    Action.RECORD_CHECK: services.record_check,
    Action.GIVE_OPINION: services.give_opinion,
    Action.OBJECT: services.object_to,
    Action.REINVESTIGATE: services.reinvestigate,
    Action.APPRAISE: services.appraise,
    Action.SPOT_CHECK: services.spot_check,
    Action.EXTEND: services.extend,
    Action.PAY_FIRST: services.pay_first,
    Action.COMPLETE_PAPERS: services.complete_papers,
    Action.APPROVE: services.approve,
    Action.REFUSE: services.refuse,
    Action.NOTIFY: services.notify,
    Action.WITHDRAW: services.withdraw,
}
# The roles services.py accepts as investigators.
INVESTIGATOR_ROLES = (
    Role.VILLAGE_WORKER,
    Role.GRID_WORKER,
    Role.TOWNSHIP_HANDLER,
    Role.TOWNSHIP_REVIEWER,
    Role.COUNTY_APPROVER,
)
SECTION_LIMIT = 100  # rows shown in each deadline section


def step_named(name: str) -> Action | None:
    """The step a URL or request names, if it is one a user takes on a case."""
    return Action(name) if name in Action.values and Action(name) in STEP_SERVICES else None


def place_code(text: str) -> str:
    """A place typed into a filter: empty, or a well-formed 12-digit division code."""
    text = text.strip()
    if text and not is_well_formed(text):
        raise DoudiError(
            _("“%(value)s” is not a 12-digit division code."), field="place", value=text
        )
    return text


def filtered_cases(
    actor: User, *, state: str = "", programme: str = "", place: str = ""
) -> QuerySet[Case]:
    """The user's cases, narrowed by state, programme and place (unknown values ignored)."""
    cases = queries.cases_visible_to(actor)
    if state in State.values:
        cases = cases.filter(state=state)
    if programme in CaseProgramme.values:
        cases = cases.filter(programme=programme)
    if place_code(place):
        cases = cases.filter(region__code__startswith=prefix_of(place))
    return cases


def provisional(day: datetime.date | None) -> bool:
    """A deadline in a year whose holidays are not published yet is only provisional."""
    return day is not None and not WorkingCalendar.year_known(day.year)


@dataclass(frozen=True)
class CaseRow:
    case: Case
    head: Member | None

    @property
    def head_name(self) -> str:
        return self.head.name if self.head else ""

    @property
    def head_id_number(self) -> str:
        """Masked: the full number never leaves the registry on a case list."""
        return self.head.id_number_masked if self.head else ""

    @property
    def step_due_provisional(self) -> bool:
        return provisional(self.case.step_due_on)

    @property
    def due_provisional(self) -> bool:
        return provisional(self.case.due_on)


def case_rows(cases: Iterable[Case]) -> list[CaseRow]:
    """Rows of one page or section, with each household's head read in one query."""
    cases = list(cases)
    heads = heads_of([case.household for case in cases])
    return [CaseRow(case, heads.get(case.household_id)) for case in cases]


@dataclass(frozen=True)
class Section:
    name: str
    rows: list[CaseRow]
    count: int


def deadline_sections(actor: User, place: str = "") -> list[Section]:
    """Overdue, due soon and relatives' cases, each cut to its first SECTION_LIMIT rows."""
    lists = queries.deadline_lists(actor, place_code(place))
    return [
        Section(name, case_rows(getattr(lists, name)[:SECTION_LIMIT]), getattr(lists, name).count())
        for name in ("overdue", "due_soon", "relatives")
    ]


def available_steps(actor: User, case: Case) -> list[Action]:
    """The steps the procedure allows from the case's state that the user's role may take."""
    procedure = procedure_of(case)
    return [
        action
        for action in STEP_SERVICES
        if action in procedure.actions()
        and case.state in EDGES[action][0]
        and has_permission(actor, services.ACTION_PERMISSION[action])
    ]


def investigator_choices(case: Case) -> list[User]:
    """Active staff of the roles that investigate, whose jurisdiction covers the case."""
    staff = User.objects.filter(
        is_active=True, role__in=INVESTIGATOR_ROLES, region__code__startswith=case.region_id[:6]
    ).order_by("username")
    return [person for person in staff if covers(person, case.region_id)]


@dataclass(frozen=True)
class EngineSummary:
    eligible: bool | None
    failed_tests: list[str]
    error: str = ""


def engine_summary(decision: Decision | None) -> EngineSummary | None:
    """What the policy engine found when the case was decided: eligible, and the tests failed."""
    if decision is None or not decision.engine_result:
        return None
    result = decision.engine_result
    if "error" in result:
        return EngineSummary(None, [], str(result["error"]))
    entry = _engine_entry(decision.case, result)
    if entry is None:
        return None
    failed = [
        str(reason.get("label", ""))
        for reason in entry.get("reasons", [])
        if not reason.get("passed")
    ]
    return EngineSummary(bool(entry.get("eligible")), failed)


def _engine_entry(case: Case, result: dict[str, Any]) -> dict[str, Any] | None:
    wanted = ENGINE_PROGRAMME[CaseProgramme(case.programme)]
    programme = next(
        (p for p in result.get("programmes", []) if p.get("programme") == wanted), None
    )
    if programme is None or "members" not in programme:
        return programme
    member = case.member
    return next(
        (
            entry
            for entry in programme["members"]
            if member is not None
            and entry.get("name") == member.name
            and entry.get("id_number") == member.id_number_masked
        ),
        None,
    )


def decision_of(case: Case) -> Decision | None:
    return Decision.objects.filter(case=case).select_related("case", "case__member").first()


def document_kinds(case: Case) -> list[tuple[str, Promise]]:
    """The documents the case has reached; none while the document module is not installed."""
    try:
        from doudi.cases.documents import DOCUMENT_KINDS
    except ImportError:
        return []
    decision = decision_of(case)
    reached = {
        "application": True,
        "investigation": case.investigations.exists(),
        "acceptance": case.accepted_on is not None,
        "refusal": decision is not None and decision.outcome == Outcome.REFUSED,
        "approval": decision is not None and decision.outcome == Outcome.APPROVED,
    }
    return [(kind, label) for kind, label in DOCUMENT_KINDS.items() if reached.get(kind, True)]
