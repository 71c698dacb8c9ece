"""Reading payrolls within the user's jurisdiction: lists, lines, who could not be paid, what
must be recovered, and the figures of a payroll or a month by programme and place."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import get_in_scope, has_permission, require, scope
from doudi.accounts.roles import Permission
from doudi.benefits.models import Benefit
from doudi.cases.models import PaymentStage
from doudi.dates import parse_month
from doudi.payroll import generation
from doudi.payroll.funds import FundPosition, position
from doudi.payroll.models import Budget, LineStatus, Payroll, PayrollLine, PayrollProgramme
from doudi.payroll.steps import STEPS
from doudi.regions.codes import prefix_of
from doudi.regions.models import Region
from doudi.registry.models import Household, Member

if TYPE_CHECKING:
    from doudi.accounts.models import User


def payrolls_visible_to(actor: User) -> QuerySet[Payroll]:
    return scope(
        actor, Payroll.objects.select_related("region"), Permission.VIEW_PAYROLLS, "region__code"
    )


def awaiting(actor: User) -> QuerySet[Payroll]:
    """The payrolls whose next step (steps.STEPS) the user's role takes, the oldest month
    first: submitted by civil affairs, approved by finance, sent and reconciled by the bank."""
    states = [
        source
        for permission, sources, _target in STEPS.values()
        if has_permission(actor, permission)
        for source in sources
    ]
    return payrolls_visible_to(actor).filter(state__in=states).order_by("month", "id")


def payroll_for(actor: User, payroll_id: int) -> Payroll:
    return get_in_scope(
        actor,
        Payroll.objects.select_related("region", "grant"),
        Permission.VIEW_PAYROLLS,
        "region__code",
        pk=payroll_id,
    )


def lines_of(actor: User, payroll_id: int) -> QuerySet[PayrollLine]:
    return payroll_for(actor, payroll_id).lines.order_by("id")


# Why a payroll leaves someone out (the first that holds), as the follow-up list, a payroll's
# page and a refused generation name it.
LEFT_OUT_REASONS = {
    "no_card": _("no social-security card recorded"),
    "died": _("the payee died before the month"),
    "left": _("the payee left the household before the month"),
    "stopped": _("the benefit stopped before the month"),
    "held": _("payment held by a check campaign's finding"),
    "paid": _("already paid for the month, or in another payroll of the month"),
}


@dataclass(frozen=True)
class LeftOut:
    """One payment a payroll of the month leaves out, and why."""

    household_id: int
    file_number: str
    payee_name: str
    id_number_masked: str
    amount_fen: int
    what: str  # a monthly benefit, or which stage of a temporary-assistance decision
    reason: str
    reason_code: str  # a key of LEFT_OUT_REASONS


def left_out(
    actor: User,
    programme: str,
    month: datetime.date,
    place_code: str,
    most: int = 500,
    *,
    payroll_id: int | None = None,
    count_paid: bool = True,
) -> list[LeftOut]:
    """Who the month's payroll of the programme leaves out (the payroll ``payroll_id``'s own
    lines apart; those paid elsewhere only if ``count_paid``): benefits
    (``generation.left_out``), or for temporary assistance the stages
    owed whose payee cannot be paid — each stays owed, and the first payroll after a card is
    recorded pays it. Only places within the actor's jurisdiction are read."""
    require(actor, Permission.VIEW_PAYROLLS, place_code)
    month = parse_month(month)
    if programme != PayrollProgramme.TEMPORARY_ASSISTANCE:
        rows = generation.left_out(
            programme,
            month,
            prefix_of(place_code),
            payroll_id=payroll_id,
            count_paid=count_paid,
            most=most,
        )
        return [
            LeftOut(
                household_id,
                Household(pk=household_id, region_id=benefit_place).file_number,
                name,
                masked,
                amount_fen,
                str(_("monthly benefit")),
                str(LEFT_OUT_REASONS[reason]),
                reason,
            )
            for _benefit, household_id, benefit_place, name, masked, amount_fen, reason in rows
        ]
    rows = generation.unpayable_stages(month, prefix_of(place_code))[:most]
    stages = scope(
        actor,
        PaymentStage.objects.select_related("decision__case__household"),
        Permission.VIEW_PAYROLLS,
        "decision__case__region__code",
    ).in_bulk([stage_id for stage_id, _payee, _reason in rows])
    payees = Member.objects.in_bulk([payee for _stage, payee, _reason in rows])
    return [
        LeftOut(
            stage.decision.case.household_id,
            stage.decision.case.household.file_number,
            payees[payee].name,
            payees[payee].id_number_masked,
            stage.amount_fen,
            str(_("stage %(number)d, due %(day)s"))
            % {"number": stage.sequence, "day": stage.due_on.isoformat()},
            str(LEFT_OUT_REASONS[reason]),
            reason,
        )
        for stage_id, payee, reason in rows
        if (stage := stages.get(stage_id)) is not None
    ]


def recoveries(actor: User, place_code: str) -> QuerySet[PayrollLine]:
    """Money paid for a month after the benefit stopped or the payee died (追回)."""
    lines = scope(actor, PayrollLine.objects.all(), Permission.VIEW_PAYROLLS, "region__code")
    return recovery_lines(lines.filter(region__code__startswith=prefix_of(place_code)))


def recovery_lines(
    lines: QuerySet[PayrollLine], also_whole: Q | None = None
) -> QuerySet[PayrollLine]:
    """Of ``lines`` (already scoped by the caller), those that paid more than was due, each with
    what is owed (``to_recover_fen``): the whole line for a month after the benefit stopped or
    the payee died (or that ``also_whole`` names); for a month after a member's death that the
    household's amount still counted them in, the difference from the amount the next decision
    set without them."""
    whole = Q(benefit__end_month__lt=F("pay_month")) | Q(payee__death_date__lt=F("pay_month"))
    if also_whole is not None:
        whole |= also_whole
    return (
        lines.select_related("benefit", "payee", "payroll")
        .filter(status=LineStatus.PAID, benefit__isnull=False)
        .annotate(
            to_recover_fen=Case(
                When(whole, then=F("amount_fen")),
                When(
                    Q(benefit__ended_by__isnull=False) & Exists(_counted_and_died()),
                    then=F("amount_fen") - Subquery(_amount_decided_after()),
                ),
                default=Value(0),
            )
        )
        .filter(to_recover_fen__gt=0)
        .order_by("pay_month", "id")
    )


def _counted_and_died() -> QuerySet[Member]:
    """Members of the line's household who died while still in it, after its benefit began,
    before the month the line paid for and before the decision that ended that benefit."""
    return Member.objects.filter(
        Q(left_on__isnull=True) | Q(left_on__gte=F("death_date")),
        household_id=OuterRef("household_id"),
        death_date__gte=OuterRef("benefit__start_month"),
        death_date__lt=OuterRef("pay_month"),
        death_date__lte=OuterRef("benefit__ended_by__decided_on"),
    )


def _amount_decided_after() -> QuerySet[Benefit]:
    """The monthly amount of the benefit the decision ending the line's benefit put in its place."""
    return Benefit.objects.filter(decision_id=OuterRef("benefit__ended_by_id")).values(
        "monthly_amount_fen"
    )[:1]


@dataclass(frozen=True)
class ReportRow:
    programme: str
    place: str
    people: int
    households: int
    lines: int
    amount_fen: int
    paid_fen: int
    failed_fen: int
    place_name: str = ""

    @property
    def programme_label(self) -> str:
        return str(PayrollProgramme(self.programme).label)


def report(lines: QuerySet[PayrollLine], place_digits: int = 9) -> list[ReportRow]:
    """Figures by programme and place (townships by default: the first 9 digits), summed in
    the database from the lines themselves, so they match the payroll to the fen."""
    rows = lines.values("programme", "region_id").annotate(
        people=Count("payee", distinct=True),
        households=Count("household", distinct=True),
        lines=Count("id"),
        amount=Sum("amount_fen"),
        paid=Sum("amount_fen", filter=Q(status=LineStatus.PAID)),
        failed=Sum("amount_fen", filter=Q(status=LineStatus.FAILED)),
    )
    merged: dict[tuple[str, str], list[int]] = {}
    for row in rows:
        key = (row["programme"], row["region_id"][:place_digits].ljust(12, "0"))
        totals = merged.setdefault(key, [0, 0, 0, 0, 0, 0])
        for index, name in enumerate(("people", "households", "lines", "amount", "paid", "failed")):
            totals[index] += row[name] or 0
    names = dict(
        Region.objects.filter(code__in={place for _, place in merged}).values_list("code", "name")
    )
    return [
        ReportRow(programme, place, *totals, place_name=names.get(place, place))
        for (programme, place), totals in sorted(merged.items())
    ]


def month_lines(actor: User, month: datetime.date, place_code: str) -> QuerySet[PayrollLine]:
    """Every line of the payrolls of a month in a place."""
    return scope(
        actor, PayrollLine.objects.all(), Permission.VIEW_PAYROLLS, "payroll__region__code"
    ).filter(payroll__month=month.replace(day=1), region__code__startswith=prefix_of(place_code))


@dataclass(frozen=True)
class BudgetRow:
    budget: Budget
    position: FundPosition


def budgets_visible_to(actor: User) -> list[BudgetRow]:
    budgets = scope(
        actor, Budget.objects.select_related("region"), Permission.VIEW_FUNDS, "region__code"
    ).order_by("-year", "region_id", "programme")[:200]
    return [BudgetRow(b, position(b.programme, b.year, b.region_id)) for b in budgets]


@dataclass(frozen=True)
class Payment:
    """One payroll line of a household as its file shows it."""

    line: PayrollLine
    reissued: bool  # failed, and paid again by a re-issue
    to_recover: bool  # paid more than was due (recovery_lines)


def payments_of_household(
    actor: User, household_id: int, limit: int | None = None
) -> tuple[list[Payment], int]:
    """The household's payroll lines, the most recent first (at most ``limit``), and how many
    there are. Part of its file, so whoever reads the household reads them; the payrolls
    themselves stay with those who may see payrolls."""
    payees = Member.objects.filter(household_id=household_id).values("pk")
    # By payee: the lines' household column carries no index, their payee leads one.
    lines = scope(
        actor, PayrollLine.objects.all(), Permission.VIEW_HOUSEHOLDS, "region__code"
    ).filter(payee_id__in=payees, household_id=household_id)
    total = lines.count()
    recent = lines.select_related("payroll", "payee").order_by("-payroll__month", "-id")
    shown = list(recent[:limit] if limit else recent)
    ids = [line.pk for line in shown]
    reissued = set(
        PayrollLine.objects.filter(reissue_of_id__in=ids).values_list("reissue_of_id", flat=True)
    )
    recover = set(recovery_lines(lines.filter(pk__in=ids)).values_list("pk", flat=True))
    return [Payment(line, line.pk in reissued, line.pk in recover) for line in shown], total
