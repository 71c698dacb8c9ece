"""Reads that the case pages and the API share: list rows with the household head (masked ID
number) and provisional deadlines, the steps a user may take now (from the step table,
cases/steps.py), the requests to help verify a hukou township answers, the staff who may
investigate, the engine's result in short, and which documents exist. Nothing here changes
anything; every case reaching these functions came through ``queries``."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import covers, has_permission
from doudi.accounts.models import User
from doudi.accounts.roles import Role
from doudi.cases import assessment, facts_form, queries, services
from doudi.cases.deadlines import procedure_of
from doudi.cases.documents import DOCUMENT_KINDS, REACHED
from doudi.cases.models import Case, CheckResult, Decision, HukouCheck
from doudi.cases.procedures import (
    EDGES,
    ENGINE_PROGRAMME,
    TEMPORARY,
    Action,
    CaseProgramme,
    State,
)
from doudi.cases.steps import CASE_STEPS, STEPS, Kind, Step
from doudi.checks.presentation import discrepancy_text
from doudi.dates import next_month
from doudi.errors import DoudiError
from doudi.identity.numbers import mask
from doudi.policy.programmes import met_conditions, unmet_conditions
from doudi.regions.codes import Level, ancestor_at, is_well_formed, prefix_of
from doudi.registry.models import Member
from doudi.registry.queries import heads_of
from doudi.workdays.calendar import WorkingCalendar

if TYPE_CHECKING:
    from django.utils.functional import Promise

# The township's field-work roles, from which a case's investigators are chosen on its page
# (services.py also accepts a county approver who joins a visit, through the API).
FIELD_WORK_ROLES = (
    Role.VILLAGE_WORKER,
    Role.GRID_WORKER,
    Role.TOWNSHIP_HANDLER,
    Role.TOWNSHIP_REVIEWER,
)
SECTION_LIMIT = 100  # rows shown in each deadline section


def place_code(text: str) -> str:
    """A place typed into a filter: empty, or a well-formed 12-digit division code."""
    text = text.strip()
    if text and not is_well_formed(text):
        raise DoudiError(
            _("“%(value)s” is not a 12-digit division code."), field="place", value=text
        )
    return text


def filtered_cases(
    actor: User,
    *,
    state: str = "",
    programme: str = "",
    place: str = "",
    number: str = "",
    name: str = "",
    id_number: str = "",
) -> QuerySet[Case]:
    """The user's cases, narrowed by state, programme and place (unknown values ignored),
    file number, the head's name and a member's ID number (queries.matching)."""
    cases = queries.matching(
        queries.cases_visible_to(actor), number=number, name=name, id_number=id_number
    )
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


@dataclass(frozen=True)
class Offer:
    """A step the user may take on the case. ``waiting``: the step is theirs, but the case is
    not ready for it yet (the notice runs, a check is unanswered …), and why."""

    step: Step
    waiting: DoudiError | None = None


NOT_THEIRS = object()  # the user may never take this step on this case: it is not shown


def offers(actor: User, case: Case) -> list[Offer]:
    """The steps of the case's procedure, from its state, that the user's role may take in
    their place, as the services would accept them: the confirmer where the power sits and
    never the investigator, the county for spot checks, each one-off step only once."""
    procedure = procedure_of(case)
    found = []
    for action, step in CASE_STEPS.items():
        if (
            step.by_hukou_place
            or action not in procedure.actions()
            or case.state not in EDGES[action][0]
            or not has_permission(actor, step.permission)
            or not covers(actor, case.region_id)
        ):
            continue
        hold = _hold(actor, case, action)
        if hold is not NOT_THEIRS:
            found.append(Offer(step, hold))
    return found


def available_steps(actor: User, case: Case) -> list[Action]:
    """The steps the user may take on the case now."""
    return [offer.step.action for offer in offers(actor, case) if offer.waiting is None]


def _hold(actor: User, case: Case, action: Action) -> DoudiError | object | None:
    """What stops the user taking a step the procedure allows now: NOT_THEIRS, a reason to
    wait, or None. The services decide in the end; this only keeps the faces from offering
    what they would refuse."""
    if action in services.CONFIRM_ACTIONS:
        refusal = services.confirmation_refusal(actor, case)
        return NOT_THEIRS if refusal is not None and refusal.field == "actor" else refusal
    if action == Action.SPOT_CHECK:
        return None if actor.region.level == Level.COUNTY else NOT_THEIRS
    once: dict[Action, Callable[[], bool]] = {
        Action.LIST_MISSING: lambda: case.missing_listed_on is not None,
        Action.RECEIVE_MATERIALS: lambda: not case.missing_materials,
        Action.EXTEND: lambda: bool(case.extension_reason),
        Action.WITHDRAW: lambda: hasattr(case, "emergency_payment"),
        Action.OBJECT: lambda: (
            case.notice_ends_on is not None and case.notice_ends_on < localdate()
        ),
        Action.NOTIFY: lambda: _notified(case),
        Action.STOP_STAGES: lambda: (
            services.level_refusal(actor, case) is not None
            or not services.stages_to_stop(case).exists()
        ),
        Action.REFER_TO_CHARITY: lambda: case.window_needs.filter(department="charity").exists(),
        # Only a check with a report (the platform's) can be objected to and checked again.
        Action.OBJECT_TO_CHECK: lambda: (
            not case.data_checks.filter(answered_on__isnull=False, report__isnull=False).exists()
        ),
    }
    if action in once and once[action]():
        return NOT_THEIRS
    if action == Action.ACCEPT and case.missing_materials:
        return DoudiError(
            _("Materials still missing: %(items)s."),
            field="state",
            items="、".join(case.missing_materials),
        )
    if action == Action.REQUEST_CHECK and not case.authorisation_signed_on:
        return DoudiError(
            _(
                "The household has not signed the authorisation for economic checks "
                "(核对授权书); no check may be requested without it."
            ),
            field="state",
        )
    return None


def _notified(case: Case) -> bool:
    decision = decision_of(case)
    return decision is None or decision.notified_on is not None


@dataclass(frozen=True)
class HukouRow:
    """A request to help verify, as the hukou township sees it: the case's number, programme
    and place, the household head's name and masked ID number, the dates — nothing more."""

    check: HukouCheck
    head: Member | None

    @property
    def head_name(self) -> str:
        return self.head.name if self.head else ""

    @property
    def head_id_number(self) -> str:
        return self.head.id_number_masked if self.head else ""


def hukou_rows(actor: User) -> list[HukouRow]:
    """The requests to help verify that wait for the user's townships to answer."""
    checks = list(queries.hukou_checks_for(actor).order_by("due_on", "id"))
    heads = heads_of([check.case.household for check in checks])
    return [HukouRow(check, heads.get(check.case.household_id)) for check in checks]


def may_answer(actor: User, check: HukouCheck) -> bool:
    """Whether the user may answer this request now, as answer_hukou_check would accept."""
    step = STEPS[Action.ANSWER_HUKOU_CHECK]
    return (
        has_permission(actor, step.permission)
        and covers(actor, check.township_id)
        and check.answered_on is None
        and check.case.state in EDGES[Action.ANSWER_HUKOU_CHECK][0]
    )


def investigator_choices(case: Case) -> list[User]:
    """The case's township's staff who do field work: active accounts of the field-work roles
    in the township and its villages whose jurisdiction covers the case, not every account."""
    township = prefix_of(ancestor_at(case.region_id, Level.TOWNSHIP))
    staff = (
        User.objects.filter(
            is_active=True, role__in=FIELD_WORK_ROLES, region__code__startswith=township
        )
        .select_related("region")
        .order_by("region__code", "username")
    )
    return [person for person in staff if covers(person, case.region_id)]


@dataclass(frozen=True)
class EngineSummary:
    """The engine's finding in short, as the case pages show it (cases/_engine.html)."""

    eligible: bool | None
    failed_tests: list[str]
    error: str = ""
    amount_fen: int | None = None  # shown only where the finding is not yet a decision
    amount_is_cap: bool = False  # temporary assistance: the most the rules allow, once


# From acceptance until the decision the rules' finding on the household as investigated so
# far is shown beside the steps, so that the investigation and the township's opinion see what
# the county's approval will check (not first at the approval).
EARLY_FINDING_STATES = frozenset(
    {
        State.ACCEPTED,
        State.INVESTIGATED,
        State.CHECK_REQUESTED,
        State.CHECKED,
        State.ON_NOTICE,
        State.OBJECTED,
        State.AWAITING_CONFIRMATION,
        State.PAID_AWAITING_PAPERS,
    }
)


def current_finding(actor: User, case: Case) -> EngineSummary | None:
    """What the rules find now for the case's programme: the registry as of today with the
    facts the investigation established, for next month, as ``services.approve`` will assess
    it. None before acceptance and once decided (the decision keeps its own finding)."""
    if case.state not in EARLY_FINDING_STATES:
        return None
    today = localdate()
    try:
        found = assessment.assess(actor, case, next_month(today), today)
    except DoudiError as failure:
        return EngineSummary(None, [], failure.render())
    return EngineSummary(
        found.eligible,
        found.failed_tests,
        amount_fen=found.monthly_amount_fen if found.eligible else None,
        amount_is_cap=case.programme in TEMPORARY,
    )


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
    return EngineSummary(bool(entry.get("eligible")), unmet_conditions(entry.get("reasons", [])))


def conditions_met(decision: Decision | None) -> list[str]:
    """The conditions the engine found met when the case was decided, in their labels: why
    the household receives, in plain words (the household's 明白卡, notices.cards)."""
    if decision is None or not decision.engine_result or "error" in decision.engine_result:
        return []
    entry = _engine_entry(decision.case, decision.engine_result)
    return met_conditions(entry.get("reasons", [])) if entry else []


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
            and mask(entry.get("id_number") or "") == mask(member.id_number_masked)
        ),
        None,
    )


def decision_of(case: Case) -> Decision | None:
    return Decision.objects.filter(case=case).select_related("case", "case__member").first()


# Which step each document needs to have been reached; a kind not listed here is not shown.
def initial(case: Case | None, action: Action) -> QueryDict:
    """What a step's form starts with: the county's conclusion on a check starts from its
    report's discrepancies (nothing found: consistent); an investigation's facts from the
    household's record and what the case states so far."""
    values = QueryDict(mutable=True)
    if case is not None and any(f.kind == Kind.FACTS for f in STEPS[action].fields):
        return facts_form.initial(case)
    if case is None or action != Action.RECORD_CHECK:
        return values
    check = case.data_checks.filter(answered_on__isnull=True).select_related("report").first()
    report = getattr(check, "report", None)
    if report is not None:
        values["result"] = CheckResult.CONSISTENT if report.consistent else CheckResult.DISCREPANCY
        values["findings"] = discrepancy_text(report)
    return values


def document_kinds(case: Case) -> list[tuple[str, Promise]]:
    """The documents the case has reached (documents.REACHED, the rule the PDF is refused
    by): the notices of approval and refusal exist only once that decision does."""
    decision = decision_of(case)
    return [
        (kind, label) for kind, label in DOCUMENT_KINDS.items() if REACHED[kind](case, decision)
    ]
