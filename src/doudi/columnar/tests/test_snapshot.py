"""The snapshot reader gives exactly what the registry's tables hold, after every kind of
change a service makes, and a refresh that fails midway leaves the previous snapshot whole."""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import io
import json
import os

import pytest
from django.core.management import call_command
from django.db import transaction

from doudi.accounts.roles import Role
from doudi.checks.people import registry_people
from doudi.columnar import snapshot
from doudi.columnar.tests.oracle import assert_same, sql_registry_people, sql_tables
from doudi.conftest import (
    INSIDE_VILLAGE,
    OUTSIDE_TOWNSHIP,
    OUTSIDE_VILLAGE,
    household_form,
    member_form,
)
from doudi.policy.columns import read_tables
from doudi.registry import services as registry
from doudi.registry.models import Household, Member

pytestmark = pytest.mark.django_db

MONTH = datetime.date(2026, 10, 1)
NEXT_VILLAGE = "410821902002"
PLACES = ("41", "410821", "410825", INSIDE_VILLAGE, NEXT_VILLAGE)


def _agrees(month: datetime.date = MONTH) -> None:
    for prefix in PLACES:
        assert_same(read_tables(month, prefix), sql_tables(month, prefix))
        place = prefix.ljust(12, "0")
        for day in (month, month + datetime.timedelta(days=19)):  # the check's own day
            assert registry_people(place, day) == sql_registry_people(place, day)


@pytest.fixture(autouse=True)
def deltas_kept(monkeypatch):
    # A few households: any change would exceed the production share and rebuild the base.
    monkeypatch.setattr(snapshot, "COMPACT_SHARE", 1.0)


@pytest.fixture
def handler(make_user):
    return make_user(Role.TOWNSHIP_HANDLER)


@pytest.fixture
def outside_handler(make_user):
    return make_user(Role.TOWNSHIP_HANDLER, OUTSIDE_TOWNSHIP, username="outside_handler")


@pytest.fixture
def households(handler, outside_handler):
    """Two households inside, one outside; one with an asset, spending and a member's claim."""
    first = registry.create_household(handler, household_form())[0]
    second = registry.create_household(
        handler,
        household_form(
            members=[
                member_form(
                    "41082119500303003",
                    "王五",
                    disability_category="physical",
                    disability_grade=2,
                    serious_illness="尿毒症",
                    self_care_failed=["eating", "dressing"],
                    medical_claim={"type": "inpatient", "total_cost_fen": 500000},
                )
            ],
            incomes=[],
            expenses=[{"month": "2026-08", "type": "medical", "amount_fen": 120000}],
            assets=[{"type": "vehicle", "vehicle_type": "car", "value_fen": 3000000}],
        ),
    )[0]
    outside = registry.create_household(
        outside_handler,
        household_form(
            region=OUTSIDE_VILLAGE,
            members=[member_form("41082519800404004", "赵六")],
            incomes=[],
        ),
    )[0]
    return first, second, outside


def test_every_kind_of_service_change_is_read_as_the_tables_hold_it(
    handler, outside_handler, households
):
    first, second, outside = households
    _agrees()  # the first read builds the snapshot
    head, spouse = first.members.order_by("id")
    registry.add_member(
        handler,
        first.pk,
        member_form("41082120100505005", "张小", relation="child", joined_on="2026-09-15"),
        reason="出生",
    )
    _agrees()
    _agrees(datetime.date(2026, 9, 1))  # the member added late is not yet in September
    registry.end_membership(
        handler,
        spouse.pk,
        left_on=datetime.date(2026, 9, 20),
        leave_reason="death",
        death_date=datetime.date(2026, 9, 20),
        reason="死亡",
    )
    registry.end_membership(
        handler,
        second.members.get().pk,
        left_on=datetime.date(2026, 10, 20),
        leave_reason="moved_out",
        reason="迁出",
    )
    _agrees()  # the death before the month and the departure within it
    income = registry.add_money_fact(
        handler,
        first.pk,
        "income",
        {"member": str(head.pk), "type": "wage", "month": "2026-07", "amount_fen": 45600},
        reason="补录",
    )
    registry.add_money_fact(
        outside_handler,
        outside.pk,
        "asset",
        {"type": "business", "value_fen": 0, "registered_capital_fen": 10000000},
        reason="补录",
    )
    _agrees()
    registry.remove_money_fact(handler, "income", income.pk, reason="录错")
    registry.remove_money_fact(handler, "asset", second.assets.get().pk, reason="已卖")
    registry.update_household(
        handler, first.pk, address="新址", region_code=NEXT_VILLAGE, reason="迁居"
    )
    record = member_form("41082119700101001", "张三", in_school=False, disability_grade=1)
    registry.update_member(
        handler, head.pk, {**record, "disability_category": "visual"}, reason="评残"
    )
    assert snapshot.refresh()["changed"] == 2  # the first and the second household
    _agrees()
    assert snapshot.refresh()["changed"] == 0


def test_an_empty_household_and_one_written_in_bulk_are_read_too(handler, households):
    _agrees()
    Household.objects.create(region_id=INSIDE_VILLAGE)  # no member at all
    registry.create_household(
        handler, household_form(members=[member_form("41082119900606006", "钱七")], incomes=[])
    )
    _agrees()
    assert snapshot.refresh()["changed"] == 0


def test_a_large_delta_is_folded_into_the_base(handler, households, monkeypatch):
    _agrees()
    monkeypatch.setattr(snapshot, "COMPACT_SHARE", 0.5)
    first, second, _outside = households
    registry.update_household(
        handler, first.pk, address="甲", region_code=INSIDE_VILLAGE, reason="改"
    )
    snapshot.refresh()
    assert _manifest()["delta"] is not None
    registry.update_household(
        handler, second.pk, address="乙", region_code=INSIDE_VILLAGE, reason="改"
    )
    snapshot.refresh()
    assert _manifest()["delta"] is None  # two of three households changed: a new base
    _agrees()
    assert sorted(path.name.split("-")[0] for path in snapshot.folder().iterdir()) == [
        "base",
        "households",
        "lock",
        "manifest.json",
    ]


def test_a_refresh_that_fails_midway_leaves_the_previous_snapshot(handler, households, monkeypatch):
    first, _second, _outside = households
    _agrees()
    before = _manifest()
    registry.add_money_fact(
        handler, first.pk, "expense", {"type": "education", "month": "2026-09", "amount_fen": 700}
    )
    extract = snapshot._extract

    def fail_at_expenses(sql, schema, path, ids):
        if "registry_expense" in sql:
            raise OSError("disk full")
        extract(sql, schema, path, ids)

    monkeypatch.setattr(snapshot, "_extract", fail_at_expenses)
    with pytest.raises(OSError):
        read_tables(MONTH, "41")
    assert _manifest() == before
    with snapshot.duckdb.connect() as database:
        snapshot._views(database, before)  # every file it names is still there
        assert database.sql("SELECT COUNT(*) FROM expenses").fetchall() == [(1,)]
    monkeypatch.setattr(snapshot, "_extract", extract)
    _agrees()  # the next refresh reads the change, and removes what the failed one left
    manifest = _manifest()
    named = {
        "lock",
        "manifest.json",
        *(manifest[name] for name in snapshot.FILES if manifest[name]),
    }
    assert {path.name for path in snapshot.folder().iterdir()} == named


def test_a_change_written_past_the_services_is_seen_only_after_a_rebuild(households):
    """The version is the guard: a row changed without one (an insider with the database's
    password) is not in the snapshot until it is rebuilt; the audit chain names that change."""
    _agrees()
    Member.objects.filter(name="张三").update(disability_grade=4)
    with pytest.raises(AssertionError):
        _agrees()
    snapshot.rebuild()
    _agrees()


def test_two_refreshes_never_run_at_once(households):
    with snapshot._locked():
        other = os.open(snapshot.folder() / "lock", os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(other)


def _manifest() -> dict:
    return json.loads((snapshot.folder() / "manifest.json").read_text())


def test_the_command_rebuilds_and_refreshes(households):
    out = io.StringIO()
    call_command("columnar", "rebuild", stdout=out)
    assert out.getvalue().startswith("重新读取 3 户")
    call_command("columnar", "refresh", stdout=out)
    assert out.getvalue().splitlines()[-1].startswith("重新读取 0 户")
    _agrees()


def test_a_change_read_and_then_rolled_back_is_read_away(handler, households):
    first, _second, _outside = households
    _agrees()
    with contextlib.suppress(RuntimeError), transaction.atomic():
        registry.update_household(
            handler, first.pk, address="临时", region_code=NEXT_VILLAGE, reason="改"
        )
        _agrees()  # the snapshot now holds a version the database is about to forget
        raise RuntimeError
    assert snapshot.refresh()["changed"] == 1
    _agrees()
