"""An awkward data set for the rules, written as snapshots in the schema of docs/checks.md.

Three households are checked on 2026-06-30 (``PEOPLE``); households 4 and 5 are in the registry
without assistance (``REGISTRY``). Each source's rows are commented with what they test.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pyarrow
import pyarrow.parquet

from doudi.checks.engine import Snapshot, View
from doudi.checks.rules import Parameters

AS_OF = datetime.date(2026, 6, 30)
PARAMETERS = Parameters(
    max_cars=1,
    max_homes=1,
    max_business_capital_fen=10_000_000,
    financial_limit_fen_per_person=900_000,
    income_line_fen_per_person=60_000,
    as_of=AS_OF,
)

DATE = pyarrow.date32()
STRING = pyarrow.string()
INT = pyarrow.int64()
BOOL = pyarrow.bool_()

COMMON = [
    ("row", pyarrow.int32()),
    ("person_hash", STRING),
    ("id_valid", BOOL),
    ("name", STRING),
    ("birth_date", DATE),
    ("sex", STRING),
    ("place_code", STRING),
]

OWN_FIELDS = {
    "deaths": [("cancellation", STRING), ("cancelled_on", DATE), ("data_date", DATE)],
    "vehicles": [
        ("plate", STRING),
        ("plate_kind", STRING),
        ("vehicle_type", STRING),
        ("use", STRING),
        ("state", STRING),
        ("first_registered_on", DATE),
        ("data_date", DATE),
    ],
    "real_estate": [
        ("unit_number", STRING),
        ("location", STRING),
        ("use", STRING),
        ("floor_area_hundredths", INT),
        ("registered_on", DATE),
        ("state", STRING),
        ("sharing", STRING),
    ],
    "businesses": [
        ("credit_code", STRING),
        ("business_name", STRING),
        ("business_type", STRING),
        ("registered_capital_fen", INT),
        ("founded_on", DATE),
        ("state", STRING),
    ],
    "bank": [
        ("institution", STRING),
        ("account_kind", STRING),
        ("balance_fen", INT),
        ("balance_on", DATE),
    ],
    "employment": [
        ("registration", STRING),
        ("employer", STRING),
        ("registered_on", DATE),
        ("monthly_wage_fen", INT),
        ("unemployment_benefit_fen", INT),
    ],
    "pensions": [
        ("scheme", STRING),
        ("benefit_kind", STRING),
        ("monthly_amount_fen", INT),
        ("start_month", DATE),
        ("state", STRING),
    ],
    "poverty_monitoring": [
        ("household_number", STRING),
        ("relation", STRING),
        ("category", STRING),
        ("identified_on", DATE),
        ("risk_kind", STRING),
        ("risk_removed", BOOL),
    ],
    "disability": [
        ("category", STRING),
        ("grade", INT),
        ("issued_on", DATE),
        ("valid_until", DATE),
        ("state", STRING),
    ],
    "tax": [
        ("income_item", STRING),
        ("period_start", DATE),
        ("period_end", DATE),
        ("income_fen", INT),
        ("tax_paid_fen", INT),
    ],
}


def _taxed(start: str, end: str, income_fen: int) -> dict:
    return {"period_start": start, "period_end": end, "income_fen": income_fen}


# Each row: person_hash, then the source's own fields by name (the rest stay null).
ROWS: dict[str, list[tuple[str | None, dict]]] = {
    "deaths": [
        ("h11", {"cancellation": "death", "cancelled_on": "2026-06-01"}),  # found
        ("h21", {"cancellation": "death", "cancelled_on": "2026-07-15"}),  # after the day
        ("h99", {"cancellation": "death", "cancelled_on": "2026-01-01"}),  # not a recipient
        (None, {"cancellation": "death", "cancelled_on": "2026-01-01"}),  # invalid ID
        ("h31", {"cancellation": "moved_out", "cancelled_on": "2026-06-30"}),  # on the day
        ("h12", {"cancellation": "other", "cancelled_on": "2026-01-01"}),
    ],
    "vehicles": [
        ("h11", {"plate": "豫H00001", "use": "private", "state": "normal"}),
        ("h12", {"plate": "豫H00002", "use": "disability", "state": "normal"}),  # not counted
        ("h12", {"plate": "豫H00003", "use": "private", "state": "scrapped"}),  # not counted
        ("h21", {"plate": "豫H00004", "use": "private", "state": "normal"}),
        ("h21", {"plate": "豫H00005", "use": "commercial", "state": "normal"}),  # two: found
        ("h22", {"plate": "豫H00006", "use": "private", "state": "normal"}),  # excluded member
        ("h31", {"plate": "豫H00007", "use": "private", "state": "normal"}),
        ("h31", {"plate": "豫H00008", "use": "private", "state": "cancelled"}),
        (None, {"plate": "豫H00009", "use": "private", "state": "normal"}),
    ],
    "real_estate": [
        ("h11", {"unit_number": "U1", "use": "residential", "state": "current"}),
        ("h12", {"unit_number": "U1", "use": "residential", "state": "current"}),  # shared
        ("h12", {"unit_number": "U2", "use": "residential", "state": "cancelled"}),
        ("h31", {"unit_number": "U3", "use": "residential", "state": "current"}),
        ("h31", {"unit_number": "U4", "use": "residential", "state": "current"}),  # found
        ("h31", {"unit_number": "U5", "use": "commercial", "state": "current"}),
    ],
    "businesses": [
        ("h11", {"credit_code": "C1", "registered_capital_fen": 10_000_000, "state": "active"}),
        ("h21", {"credit_code": "C2", "registered_capital_fen": 10_000_001, "state": "active"}),
        ("h31", {"credit_code": "C3", "registered_capital_fen": 50_000_000, "state": "revoked"}),
        ("h22", {"credit_code": "C4", "registered_capital_fen": 99_000_000, "state": "active"}),
    ],
    "bank": [
        ("h11", {"balance_fen": 1_500_000}),  # household 1: 2 700 000, exactly the limit
        ("h12", {"balance_fen": 1_200_000}),
        ("h21", {"balance_fen": 400_000}),  # household 2: 900 001 over 900 000
        ("h21", {"balance_fen": 500_001}),
        ("h22", {"balance_fen": 800_000}),  # excluded member
        ("h31", {"balance_fen": None}),
    ],
    "employment": [
        ("h11", {"registration": "employed", "monthly_wage_fen": 100_000}),
        ("h12", {"registration": "unemployed", "unemployment_benefit_fen": 30_000}),
        ("h21", {"registration": "employed", "monthly_wage_fen": 60_001}),  # found
    ],
    "pensions": [
        ("h12", {"monthly_amount_fen": 50_000, "state": "paid"}),  # household 1: 180 000
        ("h11", {"monthly_amount_fen": 90_000, "state": "suspended"}),
        ("h31", {"monthly_amount_fen": 70_000, "state": "paid"}),  # found, pension only
    ],
    "poverty_monitoring": [
        ("h41", {"risk_removed": False}),  # found
        ("h51", {"risk_removed": True}),
        ("h11", {"risk_removed": False}),  # receives assistance
        ("h77", {"risk_removed": None}),  # found, not in the registry
        (None, {"risk_removed": False}),
    ],
    "disability": [
        ("h51", {"grade": 1, "state": "valid", "valid_until": "2027-01-01"}),  # found
        ("h41", {"grade": 3, "state": "valid"}),
        ("h51", {"grade": 2, "state": "expired"}),
        ("h41", {"grade": 2, "state": "valid", "valid_until": "2026-06-01"}),  # ran out
        ("h11", {"grade": 1, "state": "valid"}),  # receives assistance
    ],
    "tax": [
        # household 1: 100 000 + 80 000 a month, exactly the line for three counted members
        ("h11", _taxed("2025-01-01", "2025-12-31", 1_200_000)),
        ("h12", _taxed("2026-01-01", "2026-05-31", 400_000)),
        ("h21", _taxed("2026-01-01", "2026-05-31", 300_010)),  # 60 002 a month: found
        ("h22", _taxed("2026-01-01", "2026-05-31", 9_000_000)),  # excluded member
        ("h31", _taxed("2025-01-01", "2025-06-30", 9_000_000)),  # ended twelve months before
        ("h31", _taxed("2026-01-01", "2026-07-31", 9_000_000)),  # ends after the day
        (None, _taxed("2026-01-01", "2026-05-31", 9_000_000)),
    ],
}

DELIVERIES = {source: 101 + position for position, source in enumerate(OWN_FIELDS)}

PEOPLE_SCHEMA = pyarrow.schema(
    [
        ("person_hash", STRING),
        ("member_id", INT),
        ("household_id", INT),
        ("region_code", STRING),
        ("programme", STRING),
        ("benefit_id", INT),
        ("counted", BOOL),
        ("payee", BOOL),
    ]
)
# household, member, hash, counted; member 11 has two benefits, member 13 no valid ID number.
_PEOPLE = [
    (1, 11, "h11", True, "minimum_living", 1),
    (1, 11, "h11", True, "temporary", 2),
    (1, 12, "h12", True, "minimum_living", 1),
    (1, 13, None, True, "minimum_living", 1),
    (2, 21, "h21", True, "minimum_living", 3),
    (2, 22, "h22", False, "minimum_living", 3),
    (3, 31, "h31", True, "extreme_hardship", 4),
]
PEOPLE = pyarrow.Table.from_pylist(
    [
        {
            "person_hash": person_hash,
            "member_id": member,
            "household_id": household,
            "region_code": "410821902001",
            "programme": programme,
            "benefit_id": benefit,
            "counted": counted,
            "payee": member % 10 == 1,
        }
        for household, member, person_hash, counted, programme, benefit in _PEOPLE
    ],
    schema=PEOPLE_SCHEMA,
)

REGISTRY = pyarrow.Table.from_pylist(
    [
        {"person_hash": "h11", "member_id": 11, "household_id": 1, "receives": True},
        {"person_hash": "h41", "member_id": 41, "household_id": 4, "receives": False},
        {"person_hash": None, "member_id": 42, "household_id": 4, "receives": False},
        {"person_hash": "h51", "member_id": 51, "household_id": 5, "receives": False},
    ],
    schema=pyarrow.schema(
        [("person_hash", STRING), ("member_id", INT), ("household_id", INT), ("receives", BOOL)]
    ),
)


def snapshot_table(source: str, rows: list[tuple[str | None, dict]]) -> pyarrow.Table:
    """A snapshot as ``doudi.sources`` writes it: common columns, then the source's own."""
    schema = pyarrow.schema(COMMON + OWN_FIELDS[source])
    records = []
    for line, (person_hash, own) in enumerate(rows, start=2):
        record = {
            "row": line,
            "person_hash": person_hash,
            "id_valid": person_hash is not None,
            "name": f"人{line}",
            "birth_date": datetime.date(1970, 1, 1),
            "sex": "male",
            "place_code": "410821",
        }
        for name, kind in OWN_FIELDS[source]:
            value = own.get(name)
            record[name] = datetime.date.fromisoformat(value) if kind == DATE and value else value
        records.append(record)
    return pyarrow.Table.from_pylist(records, schema=schema)


def write_snapshot(directory: Path, source: str, rows: list[tuple[str | None, dict]]) -> Snapshot:
    path = directory / f"{source}.parquet"
    pyarrow.parquet.write_table(snapshot_table(source, rows), path)
    return Snapshot(path, DELIVERIES[source])


# Staff accounts with an ID number: one a member of recipient household 1 (found), one of
# household 4 (receives nothing), one in no household.
STAFF = pyarrow.Table.from_pylist(
    [
        {"person_hash": "h11", "username": "wang"},
        {"person_hash": "h41", "username": "li"},
        {"person_hash": "h88", "username": "zhao"},
    ],
    schema=pyarrow.schema([("person_hash", STRING), ("username", STRING)]),
)


def write_dataset(directory: Path) -> dict[str, View]:
    """Every view the rules read: the sources as Parquet snapshots, people and the registry
    as Parquet files too (both engines then read the very same bytes)."""
    views: dict[str, View] = {
        source: write_snapshot(directory, source, rows) for source, rows in ROWS.items()
    }
    for name, table in (("people", PEOPLE), ("registry_people", REGISTRY), ("staff", STAFF)):
        path = directory / f"{name}.parquet"
        pyarrow.parquet.write_table(table, path)
        views[name] = path
    return views
