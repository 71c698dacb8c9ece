"""Demo recipients and the departments' data about them, so that the check platform has
something to find.

Households of the demo township that the rules find eligible are walked through the whole 低保
procedure by the real case services, on working days in the past, to an approval and a benefit
in force since an earlier month; their payees get a social-security card, and last month's
payroll is paid through the three parties, so that there are payments to recover and this
month's payroll can be generated in the browser. Then the twelve department files are
generated for the same population, with a few planted truths (a death, a car, a second home, a
business …) on these recipients, written under ``<DOUDI_VAR_DIR>/demo-departments/`` for a user
to upload, and each delivered once by the city user.
"""

from __future__ import annotations

import datetime
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from doudi.accounts.jurisdiction import covers
from doudi.accounts.models import User
from doudi.benefits.models import Benefit
from doudi.cases import deadlines
from doudi.cases import services as case_services
from doudi.cases.models import Case
from doudi.dates import last_day, month_before, month_text, months_after, next_month
from doudi.demo import departments
from doudi.demo.cases import demo_case_households
from doudi.demo.population import Population
from doudi.grants import services as grants
from doudi.grants.models import Grant
from doudi.identity.protection import lookup_hash
from doudi.money import fen_to_yuan
from doudi.payroll import bank_files
from doudi.payroll import services as payroll
from doudi.payroll.models import Payroll, PayrollProgramme
from doudi.policy.evaluation import evaluate_form
from doudi.rechecks.schedule import Cadence, Intervals, able_to_work, cadence_of
from doudi.registry.models import Household, Member
from doudi.registry.queries import household_form
from doudi.registry.services import update_member
from doudi.sources.services import deliver
from doudi.workdays.calendar import WorkingCalendar

TOWNSHIP = "410821902000"  # where the demo handler and reviewer work
COUNTY = "410821000000"  # where the demo county, finance and bank users work
RECIPIENTS = 40
PROGRAMME = "minimum_living"
CARD_PREFIX = "6217"  # a bank card number (社保卡 金融账户) as the demo makes them up
FINDINGS = "入户调查：两名工作人员入户，走访邻居，核实家庭收入与财产，与申报一致。"
OPINION = "经调查核实，家庭人均收入低于当地低保标准，拟同意纳入低保。"
GRANT_NAME = "困难群众一次性生活补贴"
GRANT_FEN = 30_000  # per household
REASONS = "经审核，家庭经济状况符合最低生活保障条件，公示无异议，同意纳入。"


@dataclass(frozen=True)
class Schedule:
    """The working days the demo's cases are walked on: every limit met, the 7-day notice
    over before the approval, the approval in a month before last, so that its benefit is in
    force since an earlier month."""

    submitted: datetime.date
    investigated: datetime.date
    check_requested: datetime.date
    checked: datetime.date
    opinion: datetime.date
    approved: datetime.date
    notified: datetime.date


def schedule(today: datetime.date, before: datetime.date | None = None) -> Schedule:
    """The latest schedule whose approval falls before ``before``, by default the first day of
    last month."""
    calendar = WorkingCalendar.current()
    limit = before or month_before(today.replace(day=1))
    start = limit - datetime.timedelta(days=21)
    while True:
        start = start if calendar.is_working_day(start) else calendar.add_working_days(start, 1)
        days = [start, *(calendar.add_working_days(start, n) for n in (1, 2, 3, 4))]
        notice_ends = days[-1] + datetime.timedelta(days=6)  # seven calendar days, inclusive
        approved = calendar.add_working_days(notice_ends, 1)
        if approved < limit:
            return Schedule(*days, approved, calendar.add_working_days(approved, 1))
        start -= datetime.timedelta(days=7)


class _LocalDay(types.SimpleNamespace):
    """``django.utils.timezone`` as one module sees it: the local date is the demo's day."""

    def __getattr__(self, name: str):
        return getattr(timezone, name)


@contextmanager
def as_if(day: datetime.date) -> Iterator[None]:
    """The demo acts as if these days had passed: inside, the case services take ``day`` for
    today. Only the date changes — every record and audit event keeps its real time of
    writing. The readers of today's date on the path from a submission to its approval:
    ``cases.services._today`` and the time limits of a case not yet accepted
    (``cases.deadlines``)."""

    def localdate(value=None, timezone_=None):
        return day if value is None else timezone.localdate(value, timezone_)

    saved = case_services._today, deadlines.timezone
    case_services._today = lambda: day
    deadlines.timezone = _LocalDay(localdate=localdate)
    try:
        yield
    finally:
        case_services._today, deadlines.timezone = saved


# ------------------------------------------------------------------------------ recipients


def eligible_households(
    actor: User, on: datetime.date, month: datetime.date, count: int
) -> list[Household]:
    """Up to ``count`` households of the township, neither with a case nor kept for the demo
    cases, that the rules find eligible for 低保 in ``month``, as the registry knows them on
    ``on``, taken in turn from each village so that they spread over the township."""
    by_village: dict[str, list[Household]] = {}
    candidates = (
        Household.objects.filter(region__code__startswith=TOWNSHIP[:9])
        .exclude(pk__in=Case.objects.values("household"))
        .exclude(pk__in=[household.pk for household in demo_case_households()])
        .select_related("region")
        .order_by("id")
    )
    for household in candidates:
        form = household_form(actor, household.pk, on=on, reveal_id_numbers=True)
        answer = next(
            p
            for p in evaluate_form(form, month_text(month), only=(PROGRAMME,))["programmes"]
            if p["programme"] == PROGRAMME
        )
        if answer.get("eligible"):
            by_village.setdefault(household.region_id, []).append(household)
    chosen: list[Household] = []
    while len(chosen) < count and any(by_village.values()):
        for households in by_village.values():
            if households and len(chosen) < count:
                chosen.append(households.pop(0))
    return sorted(chosen, key=lambda household: household.pk)


@transaction.atomic
def load_demo_recipients(today: datetime.date | None = None) -> list[Benefit]:
    """Walk the demo recipients' cases to their approval, register their cards and pay last
    month; return the benefits created."""
    today = today or timezone.localdate()
    days = schedule(today)
    staff = {
        name: User.objects.get(username=name)
        for name in ("handler", "reviewer", "village", "county")
    }
    households = eligible_households(
        staff["county"], days.submitted, next_month(days.approved), RECIPIENTS
    )
    # The last two were approved long ago: one falls due for its re-check (复核) this month,
    # one is overdue.
    recheck = dict(zip((h.pk for h in households[-2:]), ("overdue", "due"), strict=False))
    benefits = [
        _walk(
            staff,
            household,
            _recheck_schedule(today, household, recheck[household.pk])
            if household.pk in recheck
            else days,
        )
        for household in households
    ]
    for benefit in benefits:
        _give_card(staff["handler"], benefit.payee)
    if benefits:
        pay_month(month_before(today.replace(day=1)))
    return benefits


def _recheck_schedule(today: datetime.date, household: Household, when: str) -> Schedule:
    """A schedule whose approval makes the household's next re-check fall due by the end of
    this month (``due``) or a month ago (``overdue``), by the interval of its cadence."""
    able = (
        Household.objects.filter(pk=household.pk)
        .annotate(able=able_to_work("pk"))
        .values_list("able", flat=True)
        .get()
    )
    months = Intervals().months(cadence_of(PROGRAMME, able), household.region_id, today)
    if when == "due":
        return schedule(today, months_after(last_day(today), -months) + datetime.timedelta(days=1))
    return schedule(today, months_after(today, -months - 1))


def registration_day(today: datetime.date) -> datetime.date:
    """The day the demo registry is registered: the first submission of the overdue re-check's
    schedule at the longest interval, the earliest any recipient's walk can need."""
    intervals = Intervals()
    longest = max(intervals.months(cadence, COUNTY, today) for cadence in Cadence)
    return schedule(today, months_after(today, -longest - 1)).submitted


def _walk(staff: dict[str, User], household: Household, days: Schedule) -> Benefit:
    handler, county = staff["handler"], staff["county"]
    village = staff["village"]
    second = village if covers(village, household.region_id) else staff["reviewer"]
    with as_if(days.submitted):
        case = case_services.submit(
            handler,
            household.pk,
            PROGRAMME,
            channel="window",
            authorisation_signed_on=days.submitted,
            need="家庭生活困难，申请最低生活保障",
        )
        case_services.accept(handler, case.pk)
    with as_if(days.investigated):
        case_services.investigate(
            handler,
            case.pk,
            visited_on=days.investigated,
            home_visit=True,
            investigator_ids=[handler.pk, second.pk],
            findings=FINDINGS,
        )
    with as_if(days.check_requested):
        case_services.request_check(handler, case.pk)
    with as_if(days.checked):
        case_services.record_check(county, case.pk, result="consistent")
    with as_if(days.opinion):
        case_services.give_opinion(handler, case.pk, recommends_approval=True, text=OPINION)
    with as_if(days.approved):
        case_services.approve(county, case.pk, reasons=REASONS)
    with as_if(days.notified):
        case_services.notify(handler, case.pk, told_on=days.notified, how="书面送达决定书")
    return Benefit.objects.select_related("payee").get(decision__case=case)


def _give_card(actor: User, payee: Member) -> None:
    """Register the payee's social-security card, as the township would from the card itself."""
    form = household_form(actor, payee.household_id, reveal_id_numbers=True)
    record = next(member for member in form["members"] if member["key"] == str(payee.pk))
    update_member(
        actor,
        payee.pk,
        {**record, "social_security_card": f"{CARD_PREFIX}{payee.pk:015d}"},
        reason="登记社会保障卡号",
    )


def pay_month(month: datetime.date) -> Payroll:
    """The county's 低保 payroll of ``month`` under three-party control: generated and submitted
    by civil affairs, approved by finance, sent by the bank and every line paid."""
    county, finance, bank = (User.objects.get(username=n) for n in ("county", "finance", "bank"))
    made = payroll.generate(county, PROGRAMME, month, COUNTY)
    payroll.submit(county, made.pk)
    payroll.approve(finance, made.pk)
    payroll.bank_file(bank, made.pk, "csv")
    return payroll.reconcile(bank, made.pk, _all_paid(made), "csv")


def submit_grant_payroll(today: datetime.date | None = None) -> Payroll | None:
    """A one-off grant to the county's 低保 households, approved by finance, its payroll
    generated and submitted by civil affairs: finance's first to-do is to approve it (then the
    bank's to pay it), while this month's 低保 payroll is left for the county to generate.
    Once; None when it exists already or nobody receives 低保."""
    today = today or timezone.localdate()
    if Grant.objects.filter(name=GRANT_NAME).exists():
        return None
    if not Benefit.objects.in_force(today.replace(day=1)).filter(programme=PROGRAMME).exists():
        return None
    county, finance = (User.objects.get(username=n) for n in ("county", "finance"))
    with transaction.atomic():
        grant = grants.define(
            county,
            name=GRANT_NAME,
            programmes=[PROGRAMME],
            places=[COUNTY],
            in_force_on=today,
            per="household",
            amount_fen=GRANT_FEN,
            reason="落实困难群众一次性生活补贴政策",
        )
        grants.approve(finance, grant.pk)
        made = payroll.generate(
            county, PayrollProgramme.ONE_OFF_GRANT, today, COUNTY, grant_id=grant.pk
        )
        return payroll.submit(county, made.pk)


def _all_paid(made: Payroll) -> bytes:
    """The bank's result file: every line paid."""
    lines = made.lines.order_by("id").values_list("id", "card", "amount_fen")
    rows = [[str(i), card, fen_to_yuan(fen, grouped=False), "成功", ""] for i, card, fen in lines]
    footer = [bank_files.FOOTER, str(made.line_count), fen_to_yuan(made.total_fen, grouped=False)]
    return bank_files.write([bank_files.RESULT_HEADER, *rows, footer], "csv")


# ----------------------------------------------------------------------------- departments


def department_dir() -> Path:
    return Path(settings.VAR_DIR) / "demo-departments"


def payee_members(population: Population, benefits: list[Benefit]) -> np.ndarray:
    """The rows of ``population.members`` of the benefits' payees: a truth found on a payee
    (a death above all) stops the payment itself and has paid months to recover."""
    hashes = {benefit.payee.id_number_hash for benefit in benefits}
    numbers = population.members["id_number"].tolist()
    return np.array([i for i, n in enumerate(numbers) if lookup_hash(str(n)) in hashes], int)


def deliver_demo_departments(
    population: Population, seed: int, today: datetime.date, benefits: list[Benefit]
) -> Path:
    """Generate the twelve files (truths drawn from the recipients first), write them and
    planted.json into ``department_dir()``, and deliver each as the demo city user (each
    delivery its own transaction, as deliver keeps it with its snapshot)."""
    files, manifest = departments.generate_departments(
        population, seed, today, recipients=payee_members(population, benefits)
    )
    out = department_dir()
    departments.save_departments(files, manifest, out)
    city = User.objects.get(username="city")
    for name, data in files.items():
        deliver(city, departments.SOURCE_OF_FILE[name], data, name)
    return out
