"""The parts of a case's check report (核对报告): each counted member's rows of every source's
latest snapshot, what the household declared, and the rules' findings marked on the rows they
rest on (put together by checks.services.produce_report).

Only the members' rows are read: DuckDB scans each snapshot filtered on the members' person
hashes, so a city's snapshot of millions of rows never comes into Python.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import pyarrow
from django.db.models import QuerySet

from doudi.checks.engine import DuckDBEngine, Snapshot
from doudi.checks.rules import RULES
from doudi.dates import add_months, parse_month
from doudi.registry.choices import ExpenseType
from doudi.registry.models import Asset, Expense, Household, Income, Member
from doudi.sources.contracts import COMMON_FIELDS

# The months of declared income and medical spending a report shows the monthly mean of.
DECLARED_MONTHS = 12
# The views of the rules that are the persons checked, not a source.
_PERSON_VIEWS = {"people", "registry_people"}
RULE_SOURCES = {rule.kind: [v for v in rule.views if v not in _PERSON_VIEWS] for rule in RULES}


def member_rows(
    snapshots: dict[str, Snapshot], hashes: list[str]
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Source → person hash → that person's rows of the snapshot (the source's own fields and
    the row number; the common fields and the hash left out), in file order."""
    if not hashes or not snapshots:
        return {}
    found: dict[str, dict[str, list[dict[str, Any]]]] = {}
    marks = ", ".join("?" for _ in hashes)
    left_out = ", ".join(field for field in COMMON_FIELDS if field not in {"row", "person_hash"})
    with DuckDBEngine().connection() as connection:
        for key, snapshot in snapshots.items():
            table = connection.sql(
                f"SELECT * EXCLUDE ({left_out}) FROM read_parquet(?) "
                f"WHERE person_hash IN ({marks}) ORDER BY row",
                params=[str(snapshot.path), *hashes],
            ).to_arrow_table()
            found[key] = _by_person(table)
    return found


def found_for(
    found: dict[str, dict[str, list[dict[str, Any]]]], person_hash: str | None
) -> dict[str, list[dict[str, Any]]]:
    if not person_hash:
        return {}
    return {key: rows[person_hash] for key, rows in found.items() if person_hash in rows}


def _by_person(table: pyarrow.Table) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in table.to_pylist():
        person_hash = record.pop("person_hash")
        rows[person_hash].append({**{k: _json(v) for k, v in record.items()}, "marked": []})
    return dict(rows)


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


def mark(
    found: dict[str, dict[str, list[dict[str, Any]]]],
    findings: list[dict[str, Any]],
    counted: dict[int, str | None],
) -> None:
    """Mark each row a finding rests on: the one row a member's finding names, or, for a
    household's total, every row of the counted members in the rule's sources."""
    for finding in findings:
        kind = finding["kind"]
        if finding["member_id"] is not None:
            hashes = [counted.get(finding["member_id"])]
        else:
            hashes = list(counted.values())
        for source in RULE_SOURCES[kind]:
            for person_hash in hashes:
                for row in found.get(source, {}).get(person_hash, []):
                    named = finding["source_row"]
                    if (named is None or row["row"] == named) and kind not in row["marked"]:
                        row["marked"].append(kind)


@dataclass(frozen=True)
class Declared:
    members: dict[int, dict[str, Any]]
    household: dict[str, Any]  # the facts recorded for no one member


def declared_facts(household: Household, member_ids: list[int], as_of: datetime.date) -> Declared:
    """What the registry holds as declared: incomes by type and medical spending as monthly
    means over the months recorded in the last DECLARED_MONTHS, the assets held, and the
    member's own disability and death."""
    end = parse_month(as_of)
    months = {"month__gte": add_months(end, 1 - DECLARED_MONTHS), "month__lte": end}
    incomes = Income.objects.filter(household=household, **months)
    medical = Expense.objects.filter(
        household=household, expense_type=ExpenseType.MEDICAL, **months
    )
    facts: dict[int | None, dict[str, Any]] = defaultdict(dict)
    for owner, means in _monthly_means(incomes, "income_type").items():
        facts[owner]["incomes"] = means
    for owner, means in _monthly_means(medical, "expense_type").items():
        facts[owner]["medical_fen"] = means[ExpenseType.MEDICAL]
    for asset in Asset.objects.filter(household=household).order_by("id"):
        facts[asset.member_id].setdefault("assets", []).append(_asset(asset))
    for member in Member.objects.filter(pk__in=member_ids):
        own = facts[member.pk]
        if member.disability_category:
            own["disability"] = {
                "category": member.disability_category,
                "grade": member.disability_grade,
            }
        if member.death_date:
            own["death_date"] = member.death_date.isoformat()
    household_facts = facts.pop(None, {})
    return Declared(dict(facts), household_facts)


def _monthly_means(facts: QuerySet, kind: str) -> dict[int | None, dict[str, int]]:
    """Owner (a member, or None for the household) → kind → the mean per month over the
    months the household recorded any of them (whole fen, rounded down)."""
    totals: dict[int | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    recorded = set()
    for owner, month, value, amount in facts.values_list("member_id", "month", kind, "amount_fen"):
        totals[owner][value] += amount
        recorded.add(month)
    return {
        owner: {value: total // len(recorded) for value, total in by_kind.items()}
        for owner, by_kind in totals.items()
    }


def _asset(asset: Asset) -> dict[str, Any]:
    return {
        "type": asset.asset_type,
        "value_fen": asset.value_fen,
        "vehicle_type": asset.vehicle_type,
        "floor_area_hundredths": (
            int(asset.floor_area_m2 * 100) if asset.floor_area_m2 is not None else None
        ),
        "registered_capital_fen": asset.registered_capital_fen,
    }
