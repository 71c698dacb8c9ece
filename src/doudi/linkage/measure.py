"""Precision and recall of the linkage on a generated set with known truth (已知真值).

The departments' generator plants rows whose ID number has a mistyped digit ("id_typo" in its
manifest, with the member each row is about). Those rows are parsed as the snapshot would have
them (name, and birth date, sex, place from the ID's digits), linked against the population's
registry, and the links compared with the manifest.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from doudi.demo import departments as dep
from doudi.demo.population import Population, generate
from doudi.linkage.model import link


@dataclass(frozen=True)
class Scores:
    records: int
    matched: int  # records with a pair in the match band
    correct: int  # of which the pair is the planted member
    reviewed_true: int  # records whose planted member is among its review pairs
    review_pairs: int

    @property
    def precision(self) -> float:
        return self.correct / self.matched if self.matched else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.records if self.records else 1.0

    @property
    def found(self) -> float:
        """Share of records whose person is matched or put before a clerk: nobody is lost."""
        return (self.correct + self.reviewed_true) / self.records if self.records else 1.0


def registry_of(population: Population) -> pa.Table:
    """The population's active members as the registry table (member_id: row of members)."""
    m = population.members
    active = np.flatnonzero(np.isnat(m["left"]))
    return pa.table(
        {
            "member_id": pa.array(active, pa.int64()),
            "name": pa.array(m["name"][active].tolist(), pa.string()),
            "birth_date": pa.array(m["birth"][active].astype("datetime64[D]")),
            "sex": pa.array(np.where(m["male"][active], "male", "female").tolist()),
            "place_code": pa.array(np.strings.slice(m["hukou_region"][active], 0, 6).tolist()),
            "person_hash": pa.nulls(len(active), pa.string()),
        }
    )


def parse_id_cell(cell: str) -> tuple[datetime.date | None, str | None, str]:
    """Birth date, sex and county from an 18-character ID cell, its check character aside."""
    digits = cell.strip().upper()
    try:
        birth = datetime.date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    except ValueError:
        birth = None
    sex = ("male" if int(digits[16]) % 2 else "female") if digits[16:17].isdigit() else None
    return birth, sex, digits[:6]


def typo_records(files: dict[str, bytes], manifest: dict) -> tuple[pa.Table, np.ndarray]:
    """The planted rows with a mistyped ID number, and the member each is about."""
    lines = {name: data.decode("utf-8-sig").split("\r\n") for name, data in files.items()}
    rows, truth = [], []
    for entry in manifest["planted"]["id_typo"]:
        name = entry["file"]
        cells = lines[name][entry["line"] - 1].split(",")
        birth, sex, place = parse_id_cell(cells[dep.ID_COLUMN[name]])
        rows.append((cells[dep.NAME_COLUMN[name]], birth, sex, place))
        truth.append(entry["member"])
    columns = list(zip(*rows, strict=True)) or [[], [], [], []]
    records = pa.table(
        {
            "name": pa.array(columns[0], pa.string()),
            "birth_date": pa.array(columns[1], pa.date32()),
            "sex": pa.array(columns[2], pa.string()),
            "place_code": pa.array(columns[3], pa.string()),
        }
    )
    return records, np.array(truth, np.int64)


def score(pairs: pa.Table, truth: np.ndarray) -> Scores:
    row = pairs["record_row"].to_numpy()
    member = pairs["member_id"].to_numpy()
    is_match = pairs["band"].to_numpy(zero_copy_only=False) == "match"
    right = member == truth[row] if len(row) else np.zeros(0, bool)
    return Scores(
        records=len(truth),
        matched=int(is_match.sum()),
        correct=int((is_match & right).sum()),
        reviewed_true=int((~is_match & right).sum()),
        review_pairs=int((~is_match).sum()),
    )


def measure(households: int, seed: int, as_of: datetime.date) -> Scores:
    population = generate(households, seed, as_of=as_of)
    files, manifest = dep.generate_departments(population, seed, as_of)
    records, truth = typo_records(files, manifest)
    return score(link(records, registry_of(population)), truth)
