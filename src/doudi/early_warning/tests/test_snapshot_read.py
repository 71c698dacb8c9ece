"""The run reads the members and incomes from the registry's columnar snapshot, brought up to
date first: on awkward data — a member who died, a member who left, incomes recorded after the
snapshot was built — it raises exactly the warnings the SQL reads it replaced raised."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction

from doudi.columnar import snapshot
from doudi.conftest import INSIDE_COUNTY
from doudi.early_warning import services, signals
from doudi.early_warning.models import EarlyWarning, SignalKind
from doudi.early_warning.tests.oracle import sql_watched
from doudi.early_warning.tests.test_more_signals import (
    TODAY,
    _couple,
    _medical,
    _number_of,
    _watched,
)
from doudi.early_warning.tests.test_warnings import _csv, _deaths, _last_months, city  # noqa: F401
from doudi.registry import services as registry
from doudi.sources.services import deliver
from doudi.sources.tests.conftest import private_snapshots  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_snapshots")]


def _employment(unemployed: list[str], employed: list[tuple[str, str]]) -> bytes:
    on = TODAY() - datetime.timedelta(days=3)
    return _csv(
        "身份证号,姓名,登记类型,单位名称,登记日期,月工资(元),失业保险金(元/月)",
        [f"{n},某人,失业,,{on},,1500.00" for n in unemployed]
        + [f"{n},某人,就业,某公司,{on},{wage}," for n, wage in employed],
    )


def _raised(staff) -> list[tuple]:
    """The warnings one run writes (rolled back afterwards): household, kind, severity, facts."""
    with transaction.atomic():
        services.run_daily(staff.county, INSIDE_COUNTY)
        rows = EarlyWarning.objects.order_by("household_id", "kind").values_list(
            "household_id", "kind", "severity", "facts"
        )
        raised = list(rows)
        transaction.set_rollback(True)
    return raised


def test_the_snapshot_read_raises_the_warnings_the_sql_read_raised(
    staff,
    city,  # noqa: F811
    monkeypatch,
):
    handler = staff.handler
    died = _couple(handler, "41082119700101001", "41082119720202002", 100_000, 50_000)
    left = _couple(handler, "41082119700101003", "41082119720202004", 100_000, 50_000)
    later = _couple(handler, "41082119700101005", "41082119720202006", 100_000, 20_000)
    poor = _couple(handler, "41082119700101007", "41082119720202008", 0, 0)
    _watched(handler, died, left, later, poor)
    snapshot.refresh()  # built before every change below

    today = TODAY()
    died_on = today - datetime.timedelta(days=5)
    dead, widow = died.members.order_by("id")
    registry.end_membership(
        handler,
        dead.pk,
        left_on=today,
        leave_reason="death",
        death_date=died_on,
        new_head=widow.pk,
        reason="死亡",
    )
    gone, stayed = left.members.order_by("id")
    registry.end_membership(
        handler,
        gone.pk,
        left_on=today - datetime.timedelta(days=3),
        leave_reason="moved_out",
        new_head=stayed.pk,
        reason="迁出",
    )
    head, spouse = later.members.order_by("id")
    month = f"{_last_months(1)[0]:%Y-%m}"
    for member, fen in ((head, 600_000), (spouse, 1_000_000)):
        # The head's record now 3,000 yuan a month against the 1,000 reported: a fall; the
        # spouse now earns the most: the main earner.
        registry.add_money_fact(
            handler,
            later.pk,
            "income",
            {"member": str(member.pk), "month": month, "type": "wage", "amount_fen": fen},
            reason="补录",
        )
    registry.add_money_fact(  # the household's own income, no member's: still no main earner
        handler, poor.pk, "income", {"month": month, "type": "transfer", "amount_fen": 10_000}
    )

    deliver(city, "deaths", _deaths([(dead.reveal_id_number(), died_on)]), "d.csv")
    deliver(
        city,
        "employment",
        _employment(
            [widow.reveal_id_number(), gone.reveal_id_number()],
            [(head.reveal_id_number(), "1000.00")],
        ),
        "e.csv",
    )
    deliver(
        city,
        "medical",
        _medical(
            [
                (widow.reveal_id_number(), "住院", today),  # the dead husband earned the most
                (gone.reveal_id_number(), "住院", today),  # no longer a member
                (stayed.reveal_id_number(), "住院", today),  # earns less than who left
                (spouse.reveal_id_number(), "住院", today),  # the main earner since the incomes
                (_number_of(poor, "head"), "住院", today),  # 200 yuan against 100 on record
            ]
        ),
        "m.csv",
    )

    from_snapshot = _raised(staff)
    monkeypatch.setattr(signals, "watched", sql_watched)
    assert from_snapshot == _raised(staff)
    assert {(household, kind) for household, kind, _severity, _facts in from_snapshot} == {
        (died.pk, SignalKind.UNEMPLOYMENT),
        (died.pk, SignalKind.INCOME_FALL),  # the widow's wage on record, none reported now
        (later.pk, SignalKind.MAIN_EARNER_ILLNESS),
        (later.pk, SignalKind.INCOME_FALL),
        (poor.pk, SignalKind.MEDICAL_COSTS),
    }
    facts = {(household, kind): facts for household, kind, _severity, facts in from_snapshot}
    assert facts[(later.pk, SignalKind.MAIN_EARNER_ILLNESS)]["member"] == spouse.pk
    assert facts[(later.pk, SignalKind.INCOME_FALL)]["recorded_fen"] == 300_000
    assert facts[(poor.pk, SignalKind.MEDICAL_COSTS)]["income_fen"] == 10_000


def test_the_snapshot_read_gives_the_sql_reads_members_and_incomes(staff):
    household = _couple(staff.handler, "41082119700101001", "41082119720202002", 100_000, 50_000)
    _watched(staff.handler, household)
    snapshot.refresh()
    spouse = household.members.get(relation="spouse")
    registry.end_membership(
        staff.handler, spouse.pk, left_on=TODAY(), leave_reason="moved_out", reason="迁出"
    )
    read, oracle = signals.watched(INSIDE_COUNTY, TODAY()), sql_watched(INSIDE_COUNTY, TODAY())
    for name in ("people", "earnings"):
        ours, theirs = getattr(read, name), getattr(oracle, name)
        assert sorted(ours.to_pylist(), key=str) == sorted(theirs.to_pylist(), key=str), name
