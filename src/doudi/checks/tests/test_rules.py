"""Each rule on DuckDB over the awkward data set, against findings derived by hand."""

from __future__ import annotations

import pytest

from doudi.checks.engine import DuckDBEngine
from doudi.checks.rules import FINDINGS, RULES, run_rule, run_rules
from doudi.checks.tests.dataset import DELIVERIES, PARAMETERS, write_dataset, write_snapshot

BY_KIND = {rule.kind: rule for rule in RULES}


def finding(kind: str, source: str, **fields) -> dict:
    empty = dict.fromkeys(FINDINGS.names)
    return {**empty, "kind": kind, "delivery_id": DELIVERIES[source], **fields}


EXPECTED = {
    "death_still_paid": [
        finding(
            "death_still_paid",
            "deaths",
            household_id=1,
            member_id=11,
            person_hash="h11",
            source_row=2,
            detail="2026-06-01",
        )
    ],
    "hukou_moved_out": [
        finding(
            "hukou_moved_out",
            "deaths",
            household_id=3,
            member_id=31,
            person_hash="h31",
            source_row=6,
            detail="2026-06-30",
        )
    ],
    "vehicles_over_limit": [
        finding("vehicles_over_limit", "vehicles", household_id=2, item_count=2, detail="1")
    ],
    "homes_over_limit": [
        finding("homes_over_limit", "real_estate", household_id=3, item_count=2, detail="1")
    ],
    "business_over_limit": [
        finding(
            "business_over_limit",
            "businesses",
            household_id=2,
            member_id=21,
            person_hash="h21",
            source_row=3,
            amount_fen=10_000_001,
            detail="C2",
        )
    ],
    "deposits_over_limit": [
        finding(
            "deposits_over_limit",
            "bank",
            household_id=2,
            amount_fen=900_001,
            item_count=1,
            detail="900000",
        )
    ],
    "income_over_line": [
        finding(
            "income_over_line",
            "employment",
            household_id=2,
            amount_fen=60_001,
            item_count=1,
            detail="60000",
        ),
        finding(
            "income_over_line",
            "pensions",
            household_id=3,
            amount_fen=70_000,
            item_count=1,
            detail="60000",
        ),
    ],
    "taxed_income_over_line": [
        finding(
            "taxed_income_over_line",
            "tax",
            household_id=2,
            amount_fen=60_002,
            item_count=1,
            detail="60000",
        )
    ],
    "staff_in_household": [
        {
            **dict.fromkeys(FINDINGS.names),
            "kind": "staff_in_household",
            "household_id": 1,
            "member_id": 11,
            "person_hash": "h11",
            "detail": "wang",
        }
    ],
    "not_covered": [
        finding(
            "not_covered",
            "poverty_monitoring",
            household_id=4,
            member_id=41,
            person_hash="h41",
            source_row=2,
            detail="poverty_monitoring",
        ),
        finding(
            "not_covered",
            "disability",
            household_id=5,
            member_id=51,
            person_hash="h51",
            source_row=2,
            detail="disability_grade_1",
        ),
        finding(
            "not_covered",
            "poverty_monitoring",
            person_hash="h77",
            source_row=5,
            detail="poverty_monitoring",
        ),
    ],
}


@pytest.fixture(scope="module")
def views(tmp_path_factory):
    return write_dataset(tmp_path_factory.mktemp("snapshots"))


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_rule_finds_what_was_derived_by_hand(views, kind):
    found = run_rule(DuckDBEngine(), BY_KIND[kind], views, PARAMETERS)
    assert found.schema == FINDINGS
    assert found.to_pylist() == EXPECTED[kind]


def test_every_rule_is_expected():
    assert set(EXPECTED) == set(BY_KIND)


def test_an_empty_snapshot_finds_nothing(views, tmp_path):
    empty = {**views, "deaths": write_snapshot(tmp_path, "deaths", [])}
    found = run_rule(DuckDBEngine(), BY_KIND["death_still_paid"], empty, PARAMETERS)
    assert found.num_rows == 0
    assert found.schema == FINDINGS


def test_a_source_not_delivered_is_not_checked(views):
    without_bank = {name: view for name, view in views.items() if name != "bank"}
    kinds = set(run_rules(DuckDBEngine(), without_bank, PARAMETERS).column("kind").to_pylist())
    assert kinds == set(EXPECTED) - {"deposits_over_limit"}
