"""A standard change (提标) dated in a month already paid: the next payroll pays each benefit the
difference for every paid month (补发差额), exactly once — never the old amount again, never the
new amount twice."""

from __future__ import annotations

import datetime

import pytest

from doudi.accounts.roles import Role
from doudi.cases import bulk
from doudi.conftest import CITY
from doudi.errors import DoudiError
from doudi.payroll import services
from doudi.payroll.models import LineKind, PayrollLine
from doudi.payroll.tests.conftest import APRIL, COUNTY, MAY
from doudi.payroll.tests.test_stages import paid_through
from doudi.policy import services as policy
from doudi.policy.batch import evaluate_all

pytestmark = pytest.mark.django_db
JUNE = datetime.date(2026, 6, 1)
PROGRAMME = "minimum_living"


@pytest.fixture
def city(make_user):
    return make_user(Role.CITY_SUPERVISOR)


def raise_standard(city, clock, day: str, start: datetime.date = APRIL, value: str = "420"):
    """The city raises the rural standard from ``start``, decided on ``day``."""
    clock.at(day)
    proposal = policy.propose_value(
        city,
        parameter="minimum_living.standard.rural",
        region_code=CITY,
        start=start,
        value=value,
        document_number="焦民〔2026〕9号",
        reference="提高农村低保标准",
    )
    policy.adopt_value(city, proposal.pk, reason="市政府批准")
    run = evaluate_all(city, start, place_code=CITY)
    change = bulk.propose_standard_change(city, run.pk, reason="提标")
    return bulk.approve_standard_change(city, change.pk, reason="依文件调整")


def lines(payroll, kind: str) -> list[tuple[int, datetime.date, int]]:
    return sorted(
        (line.benefit.household_id, line.pay_month, line.amount_fen)
        for line in payroll.lines.filter(kind=kind).select_related("benefit")
    )


def test_a_raise_dated_in_paid_months_is_topped_up_once_in_the_next_payroll(
    on_benefit, parties, clock, city
):
    old = {b.household_id: b.monthly_amount_fen for b in on_benefit}
    clock.at("2026-04-05")
    paid_through(parties, services.generate(parties.civil_affairs, PROGRAMME, APRIL, COUNTY))
    clock.at("2026-05-05")
    paid_through(parties, services.generate(parties.civil_affairs, PROGRAMME, MAY, COUNTY))

    change = raise_standard(city, clock, "2026-05-20")  # from April: April and May are paid
    new = {i.benefit.household_id: i.after_fen for i in change.items.select_related("benefit")}
    assert set(new) == set(old) and all(new[h] > old[h] for h in old)

    clock.at("2026-06-05")
    june = services.generate(parties.civil_affairs, PROGRAMME, JUNE, COUNTY)
    assert lines(june, LineKind.REGULAR) == sorted((h, JUNE, new[h]) for h in new)
    assert lines(june, LineKind.TOP_UP) == sorted(
        (h, month, new[h] - old[h]) for h in new for month in (APRIL, MAY)
    )
    assert not june.lines.filter(kind=LineKind.ARREARS).exists()
    # Each month is now paid at the new amount in all, once.
    for household, amount in new.items():
        for month in (APRIL, MAY, JUNE):
            paid = PayrollLine.objects.filter(
                household_id=household, pay_month=month, reissue_of__isnull=True
            )
            assert sum(paid.values_list("amount_fen", flat=True)) == amount
    # Generated again, the payroll pays nobody twice.
    with pytest.raises(DoudiError):
        services.generate(parties.civil_affairs, PROGRAMME, JUNE, COUNTY)
    paid_through(parties, june)
    clock.at("2026-07-05")
    july = services.generate(parties.civil_affairs, PROGRAMME, datetime.date(2026, 7, 1), COUNTY)
    assert not july.lines.filter(kind=LineKind.TOP_UP).exists()


def test_a_second_raise_tops_up_only_its_own_part(on_benefit, parties, clock, city):
    old = {b.household_id: b.monthly_amount_fen for b in on_benefit}
    clock.at("2026-04-05")
    paid_through(parties, services.generate(parties.civil_affairs, PROGRAMME, APRIL, COUNTY))
    first = raise_standard(city, clock, "2026-04-20", APRIL, "400")
    clock.at("2026-05-05")
    may = services.generate(parties.civil_affairs, PROGRAMME, MAY, COUNTY)
    middle = {i.benefit.household_id: i.after_fen for i in first.items.select_related("benefit")}
    assert lines(may, LineKind.TOP_UP) == sorted((h, APRIL, middle[h] - old[h]) for h in old)
    paid_through(parties, may)

    # The second raise, from May (paid at the first raise's amount): May's own difference.
    second = raise_standard(city, clock, "2026-05-20", MAY, "420")
    new = {i.benefit.household_id: i.after_fen for i in second.items.select_related("benefit")}
    clock.at("2026-06-05")
    june = services.generate(parties.civil_affairs, PROGRAMME, JUNE, COUNTY)
    assert lines(june, LineKind.TOP_UP) == sorted((h, MAY, new[h] - middle[h]) for h in new)


def test_a_raise_from_an_unpaid_month_needs_no_top_up(on_benefit, parties, clock, city):
    raise_standard(city, clock, "2026-03-20")  # decided before any payroll of April
    clock.at("2026-04-05")
    april = services.generate(parties.civil_affairs, PROGRAMME, APRIL, COUNTY)
    assert april.lines.filter(kind=LineKind.REGULAR).count() == 3
    assert not april.lines.filter(kind=LineKind.TOP_UP).exists()
