"""Whole-place answers against single-household answers, on a population that real data shaped.

A synthetic population (demo/population.py, loaded by demo/bulk_load.py) is changed through
the registry's own services the way a year of casework changes it: members move out or die,
some households lose every member, and members are added later to older households (so their
ids are out of household order) with an income of their own. Then one whole-place run
(``batch.evaluate_all``) is compared, household by household, with ``evaluate_form`` on the
household's form as the registry gives it. Used by the slow test and benchmarks/agreement_100k.py.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

import numpy
from django.utils import timezone
from stdnum.cn import ric

from doudi.accounts.models import User
from doudi.accounts.roles import Role
from doudi.dates import add_months, month_text
from doudi.errors import DoudiError
from doudi.money import yuan_to_fen
from doudi.policy import batch
from doudi.policy.columns import with_received
from doudi.policy.evaluation import evaluate_form
from doudi.policy.inputs import members_on
from doudi.policy.models import EvaluationResult, EvaluationRun
from doudi.registry import services as registry
from doudi.registry.choices import LeaveReason, Relation
from doudi.registry.form_input import parse_household
from doudi.registry.models import Household, Member
from doudi.registry.queries import household_form

Answers = dict[tuple[str, int], int]  # (programme, member id or -1) → monthly amount in fen


@dataclass
class Changes:
    departed: int = 0
    died: int = 0
    emptied: int = 0
    added: int = 0


@dataclass
class Agreement:
    households: int
    sampled: int
    agreeing: int = 0
    differences: list[tuple[int, Answers, Answers]] = field(default_factory=list)


class _Handlers:
    """One township handler per township, created when first needed (registry changes are
    made by the township's own staff)."""

    def __init__(self) -> None:
        self.users: dict[str, User] = {}

    def of(self, region_code: str) -> User:
        township = region_code[:9] + "000"
        if township not in self.users:
            self.users[township], _created = User.objects.get_or_create(
                username=f"agreement_{township}",
                defaults={"role": Role.TOWNSHIP_HANDLER, "region_id": township},
            )
        return self.users[township]


def change_population(
    rng: numpy.random.Generator, month: datetime.date, share: float = 0.03
) -> Changes:
    """About ``share`` of the households each: a member moved out, a member died, every member
    gone, a member added later (joined before ``month``, with a wage in the month before)."""
    handlers = _Handlers()
    changes = Changes()
    households = list(Household.objects.order_by("id").values_list("id", "region_id"))
    count = max(1, int(len(households) * share))
    picked = rng.permutation(len(households))
    groups = [picked[i * count : (i + 1) * count] for i in range(4)]
    day_before = month - datetime.timedelta(days=1)
    active = defaultdict(list)
    for member in Member.objects.filter(left_on__isnull=True).order_by("id"):
        active[member.household_id].append(member)
    for step, group in enumerate(groups):
        for index in group:
            household_id, region = households[int(index)]
            handler = handlers.of(region)
            members = [m for m in active[household_id] if m.joined_on < day_before]
            if step == 3:
                changes.added += _add_member(rng, handler, household_id, region, month)
                continue
            if not members:
                continue
            # One who moves out or dies is not the head: the registry's form of a household
            # without a head is refused until a new head is named.
            others = [m for m in members if m.relation != Relation.HEAD]
            if step == 2:
                leaving = members
            elif others:
                leaving = [others[int(rng.integers(len(others)))]]
            else:
                continue
            for member in leaving:
                _end(
                    handler,
                    member,
                    died=step == 1 or (step == 2 and len(members) == 1),
                    on=day_before,
                )
                active[household_id].remove(member)
            if step == 0:
                changes.departed += 1
            elif step == 1:
                changes.died += 1
            else:
                changes.emptied += 1
    return changes


def _end(handler: User, member: Member, *, died: bool, on: datetime.date) -> None:
    if died:
        registry.end_membership(
            handler,
            member.pk,
            left_on=on,
            leave_reason=LeaveReason.DEATH,
            death_date=on,
            reason="死亡",
        )
    else:
        registry.end_membership(
            handler, member.pk, left_on=on, leave_reason=LeaveReason.MOVED_OUT, reason="迁出"
        )


def _add_member(
    rng: numpy.random.Generator,
    handler: User,
    household_id: int,
    region: str,
    month: datetime.date,
) -> int:
    joined = add_months(month, -2)
    for _attempt in range(20):
        born = datetime.date(1960, 1, 1) + datetime.timedelta(days=int(rng.integers(0, 15000)))
        first17 = f"{region[:6]}{born:%Y%m%d}{int(rng.integers(900, 1000)):03d}"
        data = {
            "name": "新成员",
            "id_number": first17 + ric.calc_check_digit(first17 + "0"),
            "relation": "other",
            "hukou_type": "rural",
            "marital_status": "married",
            "education": "junior",
            "employment": "employed",
            "joined_on": joined.isoformat(),
        }
        try:
            member, _warnings = registry.add_member(handler, household_id, data, reason="迁入")
        except DoudiError:
            continue  # that ID number is already someone's
        registry.add_money_fact(
            handler,
            household_id,
            "income",
            {
                "member": str(member.pk),
                "month": month_text(add_months(month, -1)),
                "type": "wage",
                "amount_fen": int(rng.integers(1, 120)) * 1000,
            },
            reason="工资",
        )
        return 1
    return 0


def batch_answers(run: EvaluationRun) -> dict[int, Answers]:
    answers: dict[int, Answers] = defaultdict(dict)
    for household, member, programme, amount in EvaluationResult.objects.filter(
        run=run
    ).values_list("household_id", "member_id", "programme", "amount_fen"):
        answers[household][(programme, member or -1)] = amount
    return answers


def single_answers(actor: User, household_id: int, month: datetime.date) -> Answers:
    """What ``evaluate_form`` says of the household's form for ``month``, with what it receives
    then read from its benefits: eligible programmes and amounts, per member for person
    programmes. A household without members has none."""
    form = household_form(
        actor, household_id, on=month, known_on=timezone.localdate(), reveal_id_numbers=True
    )
    if not form["members"]:  # every member had left by then
        return {}
    parsed = parse_household(form, today=datetime.date.today())
    members = members_on(form, parsed, month)
    if not members:
        return {}
    answers: Answers = {}
    form = with_received(form, household_id, month)
    for programme in evaluate_form(form, month_text(month))["programmes"]:
        entries = (
            [(int(m.key), entry) for m, entry in zip(members, programme["members"], strict=True)]
            if "members" in programme
            else [(-1, programme)]
        )
        for member, entry in entries:
            if entry.get("eligible"):
                amount = yuan_to_fen(entry.get("monthly_amount", "0"))
                answers[(programme["programme"], member)] = amount
    return answers


def compare(
    actor: User, month: datetime.date, sample: int, rng: numpy.random.Generator
) -> Agreement:
    """One whole-place run for ``month``, and ``sample`` households evaluated one by one."""
    return agree(actor, batch.evaluate_all(actor, month), month, sample, rng)


def agree(
    actor: User, run: EvaluationRun, month: datetime.date, sample: int, rng: numpy.random.Generator
) -> Agreement:
    """``sample`` households of the run evaluated one by one, and compared with the run's."""
    by_batch = batch_answers(run)
    ids = numpy.array(Household.objects.order_by("id").values_list("id", flat=True))
    chosen = rng.choice(ids, size=min(sample, len(ids)), replace=False)
    agreement = Agreement(run.households, len(chosen))
    for household_id in sorted(int(i) for i in chosen):
        single = single_answers(actor, household_id, month)
        if single == by_batch.get(household_id, {}):
            agreement.agreeing += 1
        else:
            agreement.differences.append((household_id, by_batch.get(household_id, {}), single))
    return agreement
