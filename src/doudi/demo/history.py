"""Demo history: cases opened on past working days in both demo townships and walked through
the real case services (``recipients.as_if``), so that on the first start there is a case at
every step of the 低保 procedure — a notice over and the county free to approve today, an
approval not yet told and one told, a refusal with its reasons, an objection, a withdrawal —
and a 特困 case waiting for the county's spot check and an emergency payment whose papers wait
for the township's confirmation."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from doudi.accounts.jurisdiction import covers
from doudi.accounts.models import User
from doudi.cases import services
from doudi.cases.models import Case
from doudi.cases.procedures import ENGINE_PROGRAMME, CaseProgramme
from doudi.dates import month_text, next_month
from doudi.demo.cases import demo_case_households
from doudi.demo.recipients import PROGRAMME, as_if
from doudi.identity.numbers import mask
from doudi.policy.evaluation import evaluate_form
from doudi.registry.models import Household, Member
from doudi.registry.queries import household_form
from doudi.reserve_fund.models import ReserveFund
from doudi.reserve_fund.services import move
from doudi.workdays.calendar import WorkingCalendar

# The demo townships and their staff's user names: handler, reviewer, village or grid worker.
STAFF = {
    "410821902000": ("handler", "reviewer", "village"),
    "410821901000": ("handler2", "reviewer2", "grid"),
}
# Where each township's history cases stand today (the stories below), in order.
PLAN = {
    "410821902000": (
        "notice_ended",
        "refused",
        "refusal_proposed",
        "objected",
        "withdrawn",
        "hardship",
        "emergency",
    ),
    "410821901000": ("submitted", "accepted", "notice_ended", "approved", "told", "emergency"),
}
HARDSHIP = "extreme_hardship"
# The stories ending in an approval, or free to end in one today, and the programme the rules
# must find their household (for 特困, its eldest member) eligible for, so that the county's
# approval succeeds.
ELIGIBLE = {
    "notice_ended": PROGRAMME,
    "approved": PROGRAMME,
    "told": PROGRAMME,
    "hardship": HARDSHIP,
}
# The township's steps up to its opinion, one a working day (the acceptance with the
# submission).
STEPS = ("submit", "accept", "investigate", "request_check", "record_check", "give_opinion")

NEED = "家庭收入减少，生活困难，申请最低生活保障"
HARDSHIP_NEED = "年老体弱，无劳动能力、无生活来源，申请特困人员救助供养"
EMERGENCY_NEED = "突发重病住院，急需生活救助"
FINDINGS = "入户调查：两名工作人员入户，走访邻居，核实家庭收入与财产。"
HARDSHIP_FINDINGS = (
    "入户调查：两名工作人员入户，走访邻居，核实申请人无劳动能力、无生活来源，"
    "无法定赡养、抚养、扶养义务人或其无履行能力。"
)
OPINION = "经调查核实，家庭人均收入低于当地低保标准，拟同意纳入低保。"
HARDSHIP_OPINION = "经调查核实，申请人符合特困人员认定条件，拟同意纳入特困人员救助供养。"
REFUSAL_OPINION = "经调查核实，家庭人均收入高于当地低保标准，建议不予纳入。"
APPROVAL = "经审核，家庭经济状况符合最低生活保障条件，公示无异议，同意纳入。"
HARDSHIP_APPROVAL = "经审核并抽查，申请人符合特困人员认定条件，公示无异议，同意纳入。"
REFUSAL = "经审核，家庭月人均收入高于当地低保标准，不符合最低生活保障条件，不予批准。"
TOLD = "书面送达决定书"
EMERGENCY_AMOUNT_FEN = 60_000
RESERVE_FEN = 500_000


@dataclass(frozen=True)
class Staff:
    township: str
    handler: User
    reviewer: User
    field: User  # the village or grid worker
    county: User

    def investigators(self, household: Household, *, not_reviewer: bool = False) -> list[int]:
        """The handler and a second person: the field worker where it works, else the
        reviewer (or, where the reviewer confirms the case, the county)."""
        if covers(self.field, household.region_id):
            second = self.field
        else:
            second = self.county if not_reviewer else self.reviewer
        return [self.handler.pk, second.pk]


@dataclass(frozen=True)
class Days:
    """The working days the stories happen on, counted back from today."""

    today: datetime.date
    calendar: WorkingCalendar

    def up_to(self, end: datetime.date, count: int) -> list[datetime.date]:
        """``count`` working days, the last one the latest on or before ``end``."""
        days, day = [], end
        while len(days) < count:
            if self.calendar.is_working_day(day):
                days.append(day)
            day -= datetime.timedelta(days=1)
        return days[::-1]

    def recent(self, count: int) -> list[datetime.date]:
        """The last ``count`` working days up to today."""
        return self.up_to(self.today, count)

    def notice_over(self) -> list[datetime.date]:
        """Five working days (submission to opinion) whose seven-day notice ended before
        today."""
        return self.up_to(self.today - datetime.timedelta(days=7), 5)

    def decided(self, notice_ends: datetime.date) -> datetime.date:
        """The latest working day of this month after the notice: a benefit decided then
        starts next month, outside this month's and last month's payrolls."""
        day = self.recent(1)[0]
        return day if day > notice_ends and day.month == self.today.month else self.today


@transaction.atomic
def load_demo_history(today: datetime.date | None = None) -> int:
    """Open the history cases once; return how many were opened."""
    if Case.objects.filter(need__in=(NEED, HARDSHIP_NEED, EMERGENCY_NEED)).exists():
        return 0
    today = today or timezone.localdate()
    days = Days(today, WorkingCalendar.current())
    county = User.objects.get(username="county")
    opened = 0
    for township, names in STAFF.items():
        handler, reviewer, field = (User.objects.get(username=name) for name in names)
        staff = Staff(township, handler, reviewer, field, county)
        for story, household in _households(staff, PLAN[township], days):
            STORIES[story](staff, household, days)
            opened += 1
    return opened


def _households(staff: Staff, plan: tuple[str, ...], days: Days) -> list[tuple[str, Household]]:
    """A household of the township for each story, neither with a case nor kept for the demo
    cases; those of ELIGIBLE among the households the rules find eligible for their programme,
    with the facts their investigation records (a story without one is left out)."""
    pending = list(plan)
    on, month = days.notice_over()[0], month_text(next_month(days.today))
    candidates = (
        Household.objects.filter(region__code__startswith=staff.township[:9])
        .exclude(pk__in=Case.objects.values("household"))
        .exclude(pk__in=[household.pk for household in demo_case_households()])
        .order_by("id")
    )
    chosen: list[tuple[str, Household]] = []
    for household in candidates.iterator():
        if not pending:
            break
        story = _story_for(staff.county, household, pending, on, month)
        if story is not None:
            pending.remove(story)
            chosen.append((story, household))
    return sorted(chosen, key=lambda pair: plan.index(pair[0]))


def _story_for(
    actor: User, household: Household, pending: list[str], on: datetime.date, month: str
) -> str | None:
    """The first pending story needing a programme the household is eligible for (in the
    order the stories come), else the first needing none."""
    programmes = dict.fromkeys(ELIGIBLE[story] for story in pending if story in ELIGIBLE)
    for programme in programmes:
        if _eligible(actor, household, programme, on, month):
            return next(story for story in pending if ELIGIBLE.get(story) == programme)
    return next((story for story in pending if story not in ELIGIBLE), None)


def _eligible(
    actor: User, household: Household, programme: str, on: datetime.date, month: str
) -> bool:
    """Whether the rules find the household eligible (a person's programme: its eldest
    member), as the registry knows it on ``on`` with the facts its investigation records."""
    form = household_form(actor, household.pk, on=on, reveal_id_numbers=True)
    stated = (_facts(household, programme) or {}).get("members", {})
    for member in form["members"]:
        member.update(stated.get(member["key"], {}))
    wanted = ENGINE_PROGRAMME[CaseProgramme(programme)]
    answer = next(
        p
        for p in evaluate_form(form, month, only=(wanted,))["programmes"]
        if p["programme"] == wanted
    )
    if "members" not in answer:
        return bool(answer.get("eligible"))
    person = _eldest(household)
    return any(
        entry.get("eligible")
        and entry["name"] == person.name
        and mask(entry["id_number"]) == mask(person.id_number_masked)
        for entry in answer["members"]
    )


def _facts(household: Household, programme: str) -> dict[str, Any] | None:
    """What the investigation establishes beyond the registry: for 特困, that the eldest
    member has no legal supporter able to support them (the registry presumes one)."""
    if programme != HARDSHIP:
        return None
    return {"members": {str(_eldest(household).pk): {"has_capable_supporter": False}}}


# --- the stories ---------------------------------------------------------------------------


def _walk(
    staff: Staff,
    household: Household,
    days: list[datetime.date],
    steps: int = len(STEPS),
    *,
    programme: str = PROGRAMME,
    recommends: bool = True,
) -> Case:
    """The first ``steps`` of STEPS: submitted and accepted on the first of ``days``, then
    one step a working day."""
    handler = staff.handler
    member = _eldest(household) if programme == HARDSHIP else None

    def on(step: str) -> datetime.date:
        return days[max(STEPS.index(step) - 1, 0)]

    with as_if(on("submit")):
        case = services.submit(
            handler,
            household.pk,
            programme,
            channel="window",
            member_id=member.pk if member else None,
            authorisation_signed_on=on("submit"),
            need=NEED if programme == PROGRAMME else HARDSHIP_NEED,
        )
    for step in STEPS[1:steps]:
        with as_if(on(step)):
            _take(staff, household, case, step, on(step), recommends)
    return case


def _take(
    staff: Staff,
    household: Household,
    case: Case,
    step: str,
    day: datetime.date,
    recommends: bool,
) -> None:
    handler = staff.handler
    hardship = case.programme == HARDSHIP
    if step == "accept":
        services.accept(handler, case.pk)
    elif step == "investigate":
        services.investigate(
            handler,
            case.pk,
            visited_on=day,
            home_visit=True,
            investigator_ids=staff.investigators(household),
            findings=HARDSHIP_FINDINGS if hardship else FINDINGS,
            # The facts the rules read beyond the registry, kept in the household's record.
            facts=_facts(household, case.programme),
        )
    elif step == "request_check":
        services.request_check(handler, case.pk)
    elif step == "record_check":
        services.record_check(staff.county, case.pk, result="consistent")
    else:
        opinion = HARDSHIP_OPINION if hardship else OPINION
        services.give_opinion(
            handler,
            case.pk,
            recommends_approval=recommends,
            text=opinion if recommends else REFUSAL_OPINION,
        )


def _eldest(household: Household) -> Member:
    return household.members.filter(left_on__isnull=True).order_by("birth_date", "id").first()


def _at(steps: int) -> Callable[[Staff, Household, Days], Case]:
    """A story walked through the first ``steps`` of STEPS, the last one today (or on the
    last working day)."""

    def story(staff: Staff, household: Household, days: Days) -> Case:
        return _walk(staff, household, days.recent(max(steps - 1, 1)), steps)

    return story


def _notice_ended(staff: Staff, household: Household, days: Days) -> Case:
    """On notice, the notice over: the county may approve it today."""
    walked = days.notice_over()
    return _walk(staff, household, walked)


def _approved(staff: Staff, household: Household, days: Days, told: bool = False) -> Case:
    case = _notice_ended(staff, household, days)
    case.refresh_from_db()
    decided = days.decided(case.notice_ends_on)
    with as_if(decided):
        services.approve(staff.county, case.pk, reasons=APPROVAL)
        if told:
            services.notify(staff.handler, case.pk, told_on=decided, how=TOLD)
    return case


def _told(staff: Staff, household: Household, days: Days) -> Case:
    return _approved(staff, household, days, told=True)


def _refused(staff: Staff, household: Household, days: Days) -> Case:
    """The township proposed a refusal yesterday; the county refused today with its reasons."""
    yesterday, today = days.recent(2)
    walked = days.up_to(yesterday, 5)
    case = _walk(staff, household, walked, recommends=False)
    with as_if(today):
        services.refuse(staff.county, case.pk, reasons=REFUSAL)
    return case


def _refusal_proposed(staff: Staff, household: Household, days: Days) -> Case:
    """The township proposed a refusal today: no notice, the county confirms."""
    walked = days.recent(5)
    return _walk(staff, household, walked, recommends=False)


def _objected(staff: Staff, household: Household, days: Days) -> Case:
    """Put on notice yesterday; a neighbour objected today."""
    yesterday, today = days.recent(2)
    walked = days.up_to(yesterday, 5)
    case = _walk(staff, household, walked)
    with as_if(today):
        services.object_to(
            staff.handler,
            case.pk,
            content="邻居反映该户家庭成员在外务工，收入未如实申报。",
            received_on=today,
        )
    return case


def _withdrawn(staff: Staff, household: Household, days: Days) -> Case:
    yesterday, today = days.recent(2)
    case = _walk(staff, household, [yesterday], 2)
    with as_if(today):
        services.withdraw(staff.handler, case.pk, reason="申请人家庭收入已改善，主动撤回申请")
    return case


def _hardship(staff: Staff, household: Household, days: Days) -> Case:
    """特困 for the household's eldest member, on notice until before today: chosen for the
    county's spot check (the first of its year), which comes before the confirmation."""
    walked = days.notice_over()
    return _walk(staff, household, walked, programme=HARDSHIP)


def _emergency(staff: Staff, household: Household, days: Days) -> Case:
    """Paid first from the reserve fund yesterday, its papers completed today: the township's
    reviewer confirms it."""
    yesterday, today = days.recent(2)
    if not ReserveFund.objects.filter(township_id=staff.township).exists():
        move(staff.county, staff.township, "allocation", RESERVE_FEN, reason="年度临时救助备用金")
    handler = staff.handler
    with as_if(yesterday):
        case = services.submit(
            handler,
            household.pk,
            "temporary_emergency",
            channel="window",
            requested_amount_fen=EMERGENCY_AMOUNT_FEN,
            need=EMERGENCY_NEED,
        )
        services.accept(handler, case.pk)
        services.pay_first(
            handler, case.pk, amount_fen=EMERGENCY_AMOUNT_FEN, reason="突发重病急难救助"
        )
    with as_if(today):
        services.complete_papers(
            handler,
            case.pk,
            visited_on=today,
            home_visit=True,
            investigator_ids=staff.investigators(household, not_reviewer=True),
            findings="入户核实：家庭成员突发重病住院，医疗费用支出大，生活陷入困境，情况属实。",
        )
    return case


STORIES: dict[str, Callable[[Staff, Household, Days], Case]] = {
    "submitted": _at(1),
    "accepted": _at(2),
    "notice_ended": _notice_ended,
    "approved": _approved,
    "told": _told,
    "refused": _refused,
    "refusal_proposed": _refusal_proposed,
    "objected": _objected,
    "withdrawn": _withdrawn,
    "hardship": _hardship,
    "emergency": _emergency,
}
