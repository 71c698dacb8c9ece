"""A check put together: the persons from the registry, the limits in force, the sources'
snapshots, every rule on the engine the settings name; and a case's check report from it."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pyarrow

from doudi.cases.models import DataCheck
from doudi.checks import report
from doudi.checks.engine import Engine, Snapshot, engine_from_settings
from doudi.checks.models import CheckObjection, CheckReport, ReportSource
from doudi.checks.parameters import parameters_for
from doudi.checks.people import household_members, recipients, registry_people, staff
from doudi.checks.rules import run_rules
from doudi.regions.models import Classification
from doudi.registry.models import Household
from doudi.sources.contracts import SOURCES
from doudi.sources.storage import latest_delivery, snapshot_location

if TYPE_CHECKING:
    from doudi.accounts.models import User


def check_place(
    place_code: str,
    as_of: datetime.date,
    snapshots: dict[str, Snapshot],
    *,
    urban: bool = False,
    engine: Engine | None = None,
    on_rule: Callable[[int, int], None] | None = None,
) -> pyarrow.Table:
    """The findings over every recipient of a place (a campaign's, 专项治理), 漏保 included;
    ``on_rule`` follows the progress (``rules.run_rules``)."""
    views = {
        **snapshots,
        "people": recipients(place_code, as_of),
        "registry_people": registry_people(place_code, as_of),
        "staff": staff(),
    }
    parameters = parameters_for(place_code, as_of, urban=urban)
    return run_rules(engine or engine_from_settings(), views, parameters, on_rule)


def check_household(
    household: Household,
    as_of: datetime.date,
    snapshots: dict[str, Snapshot],
    *,
    urban: bool = False,
    engine: Engine | None = None,
) -> pyarrow.Table:
    """The findings about one household's members (a case's 核对); 漏保 is a campaign's."""
    views = {**snapshots, "people": household_members(household.pk, as_of)}
    parameters = parameters_for(household.region_id, as_of, urban=urban)
    return run_rules(engine or engine_from_settings(), views, parameters)


# --- the check report of a case (核对报告) ------------------------------------------------------


def produce_report(data_check: DataCheck, as_of: datetime.date) -> CheckReport:
    """Compute and keep the report of a data check: the household's counted members against
    each source's latest delivery received for the case's place (or above it), the sources
    never delivered marked as checked by hand.

    Called inside the transaction of the step that opens the check (request_check, or an
    objection's re-check); the step's own audit event names the report."""
    case = data_check.case
    household = case.household
    deliveries = {key: latest_delivery(key, case.region_id) for key in SOURCES}
    snapshots = {
        key: Snapshot(snapshot_location(delivery), delivery.pk)
        for key, delivery in deliveries.items()
        if delivery is not None
    }
    people = household_members(household.pk, as_of)
    member_ids = people.column("member_id").to_pylist()
    counted = {row["member_id"]: row["person_hash"] for row in people.to_pylist() if row["counted"]}
    found = report.member_rows(snapshots, sorted({h for h in counted.values() if h}))
    findings = _report_findings(household, as_of, snapshots)
    report.mark(found, findings, counted)
    declared = report.declared_facts(household, member_ids, as_of)
    saved = CheckReport.objects.create(
        data_check=data_check,
        as_of=as_of,
        members=[
            {
                "member_id": member_id,
                "counted": member_id in counted,
                "matched": bool(counted.get(member_id)),
                "declared": declared.members.get(member_id, {}),
                "found": report.found_for(found, counted.get(member_id)),
            }
            for member_id in member_ids
        ],
        household=declared.household,
        findings=findings,
    )
    ReportSource.objects.bulk_create(
        ReportSource(report=saved, source=key, delivery=delivery)
        for key, delivery in deliveries.items()
    )
    return saved


def _report_findings(
    household: Household, as_of: datetime.date, snapshots: dict[str, Snapshot]
) -> list[dict[str, Any]]:
    """The rules' findings, each with the source of its delivery. None without any delivery:
    then no limit in force is looked up either."""
    if not snapshots:
        return []
    urban = household.region.classification == Classification.URBAN
    table = check_household(household, as_of, snapshots, urban=urban)
    source_of = {snapshot.delivery_id: key for key, snapshot in snapshots.items()}
    rows = table.drop_columns(["person_hash", "household_id"]).to_pylist()
    return [{**row, "source": source_of.get(row["delivery_id"])} for row in rows]


def record_objection(
    actor: User, objected: CheckReport, recheck: DataCheck, *, content: str, evidence: str
) -> CheckObjection:
    """Keep the household's objection to ``objected`` beside the re-check it opened; inside
    the transaction and the audit event of the step (cases.services.object_to_check)."""
    return CheckObjection.objects.create(
        report=objected,
        received_on=recheck.requested_on,
        content=content,
        evidence=evidence,
        recorded_by=actor,
        recheck=recheck,
    )
