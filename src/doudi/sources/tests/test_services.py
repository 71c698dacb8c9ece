"""A delivery is stored whole with one audit event, or refused leaving nothing; only county and
city civil affairs deliver; each user sees the deliveries of their place and above."""

from __future__ import annotations

import datetime
import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from doudi.accounts.roles import Role
from doudi.audit.actions import AuditAction
from doudi.audit.models import AuditEvent
from doudi.conftest import OUTSIDE_COUNTY
from doudi.errors import DoudiError, NotPermitted, OutsideJurisdiction, ValidationFailed
from doudi.sources import storage
from doudi.sources.models import Delivery
from doudi.sources.queries import get_delivery, visible_deliveries
from doudi.sources.services import deliver
from doudi.sources.storage import latest_delivery, latest_snapshots, read_snapshot
from doudi.sources.tests.conftest import DATA, SAMPLES, sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(make_user):
    return make_user(Role.COUNTY_APPROVER)


def _files(root) -> list:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


@pytest.mark.parametrize("source", SAMPLES)
def test_every_sample_is_delivered_with_its_snapshot_and_one_audit_event(
    county, source, private_snapshots
):
    data = sample(source)
    delivery = deliver(county, source, data, SAMPLES[source])
    assert delivery.contract_version == 1 and delivery.rows == read_snapshot(delivery).num_rows
    assert delivery.sha256 == hashlib.sha256(data).hexdigest()
    assert delivery.region_code == county.region_id and delivery.delivered_by == county
    assert _files(private_snapshots) == [private_snapshots / source / f"{delivery.pk}.parquet"]
    (event,) = AuditEvent.objects.filter(action=AuditAction.SOURCE_DELIVERED)
    assert event.object_id == str(delivery.pk)
    assert event.after["sha256"] == delivery.sha256 and event.after["rows"] == delivery.rows


def test_the_data_s_own_date_is_the_delivery_date_unless_one_is_given(county):
    assert deliver(county, "bank", sample("bank"), "a.csv").delivered_on == datetime.date(
        2026, 11, 30
    )
    given = datetime.date(2026, 10, 31)
    assert deliver(county, "tax", sample("tax"), "b.csv", delivered_on=given).delivered_on == given


def test_a_refused_delivery_stores_nothing(county, private_snapshots):
    data = sample("vehicles").replace("非营运".encode(), "租赁".encode(), 1)
    with pytest.raises(ValidationFailed) as caught:
        deliver(county, "vehicles", data, "vehicles.csv")
    assert [(p.row, p.column) for p in caught.value.problems] == [(3, "使用性质")]
    with pytest.raises(ValidationFailed):
        deliver(county, "vehicles", sample("vehicles"), "vehicles.xlsx")  # not a workbook
    assert not Delivery.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.SOURCE_DELIVERED).exists()
    assert _files(private_snapshots) == []


def test_a_delivery_whose_transaction_fails_leaves_no_snapshot(
    county, private_snapshots, monkeypatch
):
    def fail(**kwargs):
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr("doudi.sources.services.record", fail)
    with pytest.raises(RuntimeError):
        deliver(county, "bank", sample("bank"), "bank.csv")
    assert not Delivery.objects.exists()
    assert _files(private_snapshots) == []


def test_a_township_caseworker_may_not_deliver(make_user, private_snapshots):
    for role in (Role.TOWNSHIP_HANDLER, Role.VILLAGE_WORKER, Role.FINANCE_OFFICER):
        with pytest.raises(NotPermitted):
            deliver(make_user(role), "bank", sample("bank"), "bank.csv")
    assert not Delivery.objects.exists() and _files(private_snapshots) == []


def test_a_city_supervisor_delivers_and_a_named_version_is_used(make_user):
    city = make_user(Role.CITY_SUPERVISOR)
    assert deliver(city, "deaths", sample("deaths"), "d.csv", version=1).contract_version == 1
    with pytest.raises(DoudiError) as refused:
        deliver(city, "deaths", sample("deaths"), "d.csv", version=9)
    assert "no contract version 9" in refused.value.render("en")


def test_each_user_sees_deliveries_of_their_place_and_above(make_user, county):
    city = make_user(Role.CITY_SUPERVISOR)
    other = make_user(Role.COUNTY_APPROVER, OUTSIDE_COUNTY)
    mine = deliver(county, "bank", sample("bank"), "bank.csv")
    citys = deliver(city, "tax", sample("tax"), "tax.csv")
    theirs = deliver(other, "tax", sample("tax"), "tax.csv")
    assert set(visible_deliveries(county)) == {mine, citys}
    assert set(visible_deliveries(city)) == {mine, citys, theirs}
    assert set(visible_deliveries(county, source="tax")) == {citys}
    with pytest.raises(OutsideJurisdiction):
        get_delivery(county, theirs.pk)
    assert get_delivery(make_user(Role.AUDITOR), mine.pk) == mine
    with pytest.raises(NotPermitted):
        visible_deliveries(make_user(Role.TOWNSHIP_HANDLER))


def test_the_engine_reads_each_source_s_latest_snapshot(county):
    old = deliver(county, "bank", sample("bank"), "old.csv", delivered_on=datetime.date(2026, 1, 1))
    new = deliver(county, "bank", sample("bank"), "new.csv")
    assert latest_delivery("bank") == new and latest_delivery("tax") is None
    snapshots = latest_snapshots()
    assert list(snapshots) == ["bank"] and snapshots["bank"][0] == new
    assert read_snapshot(old).num_rows == 40  # old snapshots stay readable


def test_snapshots_go_under_the_snapshot_uri_when_set(county, settings, tmp_path):
    settings.DOUDI_SNAPSHOT_URI = f"file://{tmp_path}/elsewhere"
    delivery = deliver(county, "bank", sample("bank"), "bank.csv")
    assert (tmp_path / "elsewhere" / "bank" / f"{delivery.pk}.parquet").is_file()
    assert storage.read_snapshot(delivery).num_rows == 40


def test_the_command_line_loads_or_exits_naming_the_row(county, cli_as, tmp_path):
    cli_as(county)
    out = io.StringIO()
    call_command(
        "sources",
        "load",
        "bank",
        str(DATA / SAMPLES["bank"]),
        "--user",
        county.username,
        "--date",
        "2026-11-29",
        stdout=out,
    )
    delivery = Delivery.objects.get()
    assert delivery.delivered_on == datetime.date(2026, 11, 29)
    assert str(delivery.pk) in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(sample("bank").replace("活期".encode(), b"", 1))
    with pytest.raises(CommandError) as caught:
        call_command("sources", "load", "bank", str(bad), "--user", county.username)
    assert "账户类型" in str(caught.value) and Delivery.objects.count() == 1
    call_command(
        "sources",
        "load",
        "tax",
        str(DATA / SAMPLES["tax"]),
        "--version",
        "1",
        "--user",
        county.username,
        stdout=io.StringIO(),
    )
    assert Delivery.objects.filter(source="tax", contract_version=1).exists()
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command(
            "sources",
            "load",
            "tax",
            str(DATA / SAMPLES["tax"]),
            "--date",
            "30.11.2026",
            "--user",
            county.username,
        )
    listing = io.StringIO()
    call_command("sources", "list", stdout=listing)
    assert len(listing.getvalue().splitlines()) == len(SAMPLES)
    listing = io.StringIO()
    call_command("sources", "list", "--deliveries", "--user", county.username, stdout=listing)
    assert "银行_存款.csv" in listing.getvalue() and "税务_个人所得.csv" in listing.getvalue()
