"""A generated population of payments: two counties, each with its two townships and five
villages, three programmes, three months, paid, failed and not yet paid lines, a few
differences for a raise (补发差额) — written straight into the payroll tables, as the
payroll's own statements do, then summed by the refresh of each payroll."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

import pytest

from doudi.accounts.models import User
from doudi.accounts.roles import Role
from doudi.payroll.models import LineKind, LineStatus, Payroll, PayrollLine, PayrollState
from doudi.payroll.tests.conftest import on_benefit, parties  # noqa: F401  (the real payroll steps)
from doudi.regions.models import Region
from doudi.statistics import refresh

COUNTIES = ("410821000000", "410825000000")
MONTHS = (datetime.date(2026, 1, 1), datetime.date(2026, 2, 1), datetime.date(2026, 3, 1))
PROGRAMMES = ("minimum_living", "extreme_hardship", "temporary_assistance")


@dataclass
class Population:
    lines: list[PayrollLine]
    payrolls: list[Payroll]
    villages: list[str]


@pytest.fixture
def population(make_user) -> Population:
    maker = make_user(Role.COUNTY_APPROVER)
    chance = random.Random(17)
    villages = sorted(
        code
        for code in Region.objects.filter(code__startswith="41082").values_list("code", flat=True)
        if code[:6] in {c[:6] for c in COUNTIES} and not code.endswith("000")
    )
    payrolls, lines = [], []
    person = 0
    for county in COUNTIES:
        for month in MONTHS:
            for programme in PROGRAMMES:
                payroll = Payroll.objects.create(
                    programme=programme,
                    month=month,
                    region_id=county,
                    generated_by=maker,
                    line_count=0,
                    total_fen=0,
                    state=PayrollState.RECONCILED,
                )
                made = []
                for village in (v for v in villages if v.startswith(county[:6])):
                    for _ in range(chance.randint(1, 6)):
                        person += 1
                        status = chance.choice(
                            [LineStatus.PAID] * 6 + [LineStatus.FAILED, LineStatus.PENDING]
                        )
                        made.append(_line(payroll, month, village, person, status, chance))
                        if chance.random() < 0.15:  # a difference for a raise, same person
                            made.append(
                                _line(payroll, month, village, person, status, chance, top_up=True)
                            )
                    if month == MONTHS[-1] and chance.random() < 0.5:  # arrears of January
                        person += 1
                        made.append(
                            _line(payroll, MONTHS[0], village, person, LineStatus.PAID, chance)
                        )
                PayrollLine.objects.bulk_create(made)
                payroll.line_count = len(made)
                payroll.total_fen = sum(line.amount_fen for line in made)
                payroll.save()
                refresh.refresh_payroll(payroll.pk, payroll.region_id)
                payrolls.append(payroll)
                lines += made
    return Population(lines, payrolls, villages)


def _line(payroll, month, village, person, status, chance, *, top_up=False) -> PayrollLine:
    return PayrollLine(
        payroll=payroll,
        kind=LineKind.TOP_UP if top_up else LineKind.REGULAR,
        programme=payroll.programme,
        pay_month=month,
        household_id=person,
        region_id=village,
        payee_id=person,
        payee_name=f"收款人{person}",
        card=f"6217{person:012d}",
        amount_fen=chance.randint(1, 200_000),
        status=status,
    )


@pytest.fixture
def city_user(make_user) -> User:
    return make_user(Role.CITY_SUPERVISOR)
