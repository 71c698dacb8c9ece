"""Whole-place answers against single-household answers, on a population that real data shaped.

A synthetic population (demo/population.py, loaded by demo/bulk_load.py) is changed through
the registry's own services the way a year of casework changes it: members move out or die,
some households lose every member, members are added later to older households (so their
ids are out of household order) with an income of their own, heads die or move out with
another member named head in the same change, and — as data written before the registry kept
one head per household — some heads died with nobody named; a disability delivery gives the
severely disabled and half the others a certificate ending on either side of the month's
bounds. Then one whole-place run (``batch.evaluate_all``) is compared, household by household,
with ``evaluate_form`` on the household's form as the registry gives it. Used by the slow test
and benchmarks/agreement_100k.py.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

import numpy
import pyarrow as pa
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
from doudi.registry.certificates import take_certificate_dates
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
    heads_died: int = 0  # the head died, and another member was named head in the same change
    heads_left: int = 0  # the head moved out, a successor named likewise
    headless: int = 0  # the head died and nobody was named, as the registry once allowed
    # Disabled members given a certificate's last valid day by a delivery: before the month,
    # its first or last day, or years ahead.
    certificates: int = 0


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


GROUPS = 7  # departed, died, emptied, added, heads died, heads left, left without a head


def change_population(
    rng: numpy.random.Generator, month: datetime.date, share: float = 0.03
) -> Changes:
    """About ``share`` of the households each: a member moved out, a member died, every member
    gone, a member added later (joined before ``month``, with a wage in the month before), the
    head died or the head moved out (with another member named head in the same change)."""
    handlers = _Handlers()
    changes = Changes()
    households = list(Household.objects.order_by("id").values_list("id", "region_id"))
    count = max(1, int(len(households) * share))
    picked = rng.permutation(len(households))
    groups = [picked[i * count : (i + 1) * count] for i in range(GROUPS)]
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
            others = [m for m in members if m.relation != Relation.HEAD]
            if step == 6:
                changes.headless += _leave_without_head(
                    handler, household_id, region, active[household_id], on=day_before
                )
                continue
            if step in (4, 5):
                if _replace_head(rng, handler, active[household_id], died=step == 4, on=day_before):
                    if step == 4:
                        changes.heads_died += 1
                    else:
                        changes.heads_left += 1
                continue
            if step == 2:
                # The head goes last: while others remain, the head's leaving names a successor.
                leaving = others + [m for m in members if m.relation == Relation.HEAD]
                if len(leaving) < len(active[household_id]):
                    continue  # someone joined too recently to leave: not emptied after all
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
    changes.certificates = _deliver_certificates(rng, month)
    return changes


def _deliver_certificates(rng: numpy.random.Generator, month: datetime.date) -> int:
    """The severely disabled and half the others named by a disability delivery, each county's
    on its own, with a last valid day on either side of the month's bounds
    (registry.certificates)."""
    ends = [
        month - datetime.timedelta(days=1),
        month,
        add_months(month, 1) - datetime.timedelta(days=1),
        add_months(month, 1),
        add_months(month, 120),
    ]
    by_county: dict[str, list[tuple[str, datetime.date]]] = defaultdict(list)
    disabled = Member.objects.filter(disability_grade__isnull=False).order_by("id")
    for person, region, grade in disabled.values_list(
        "id_number_hash", "household__region_id", "disability_grade"
    ):
        # Every other one named; the severely disabled (the care subsidy) each in turn.
        if grade <= 2 or rng.random() < 0.5:
            by_county[region[:6].ljust(12, "0")].append((person, ends[rng.integers(len(ends))]))
    changed = 0
    for county, rows in by_county.items():
        table = pa.table(
            {
                "person_hash": [person for person, _day in rows],
                "valid_until": pa.array([day for _person, day in rows], pa.date32()),
                "state": ["valid" if day >= month else "expired" for _person, day in rows],
            }
        )
        changed += take_certificate_dates(table, county)
    return changed


def _replace_head(
    rng: numpy.random.Generator,
    handler: User,
    current: list[Member],
    *,
    died: bool,
    on: datetime.date,
) -> bool:
    """The head dies or moves out the day before the month and another current member, picked
    at random, heads the household from then on (a household of one has nobody to name)."""
    heads = [m for m in current if m.relation == Relation.HEAD and m.joined_on < on]
    others = [m for m in current if m.relation != Relation.HEAD]
    if len(heads) != 1 or not others:
        return False
    head, successor = heads[0], others[int(rng.integers(len(others)))]
    _end(handler, head, died=died, on=on, new_head=successor.pk)
    current.remove(head)
    successor.relation = Relation.HEAD
    return True


def _leave_without_head(
    handler: User, household_id: int, region: str, current: list[Member], *, on: datetime.date
) -> int:
    """Data from before the registry kept one head per household: the head died and nobody was
    named. The registry's services now refuse that, so the member row is written directly, as
    the old service wrote it, and a correction of the household records the version."""
    heads = [m for m in current if m.relation == Relation.HEAD and m.joined_on < on]
    if len(heads) != 1 or len(current) < 2:
        return 0
    Member.objects.filter(pk=heads[0].pk).update(
        left_on=on, death_date=on, leave_reason=LeaveReason.DEATH
    )
    current.remove(heads[0])
    address = Household.objects.get(pk=household_id).address
    registry.update_household(
        handler, household_id, address=address, region_code=region, reason="历史数据：户主已故"
    )
    return 1


def _end(
    handler: User, member: Member, *, died: bool, on: datetime.date, new_head: int | None = None
) -> None:
    if died:
        registry.end_membership(
            handler,
            member.pk,
            left_on=on,
            leave_reason=LeaveReason.DEATH,
            death_date=on,
            reason="死亡",
            new_head=new_head,
        )
    else:
        registry.end_membership(
            handler,
            member.pk,
            left_on=on,
            leave_reason=LeaveReason.MOVED_OUT,
            reason="迁出",
            new_head=new_head,
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
    parsed = parse_household(form, today=datetime.date.today(), one_head=False)
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
                amount = yuan_to_fen(
                    entry.get("monthly_amount") or entry.get("yearly_amount") or "0"
                )
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
