"""Each disabled member's certificate validity, kept in step with the disability federation's
deliveries (残疾人联合会, source ``disability``): the engine pays the two disability subsidies
(残疾人两项补贴) only through the month of the certificate's last valid day.

Per person the delivery's certificates that are valid or expired say the last valid day: the
latest 有效期至 among them, or none at all (no end) where a valid certificate names no date. A
cancelled certificate (注销) says nothing here: a cancellation is a decision on the registry's
grade. A person the delivery does not name keeps what the registry holds.

Written by set statements over the delivery's place, in the delivery's own transaction; each
household whose member changed has its ``updated_at`` moved, so the columnar snapshot
(doudi.columnar) reads it again. The date is no fact of the household form: no version is
written for it, and a form saved by hand leaves it as it is."""

from __future__ import annotations

import datetime

import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection
from django.utils import timezone

from doudi.regions.codes import prefix_of

TEMPORARY = "delivered_certificates"
COLUMN = "disability_certificate_valid_until"


def last_valid_days(table: pa.Table) -> dict[str, datetime.date | None]:
    """Each person's last valid day by the delivery (None: a valid certificate without end)."""
    table = table.select(["person_hash", "valid_until", "state"])
    table = table.filter(
        pc.and_(
            pc.is_valid(table["person_hash"]),
            pc.is_in(table["state"], value_set=pa.array(["valid", "expired"])),
        )
    )
    endless = table.filter(
        pc.and_(pc.equal(table["state"], "valid"), pc.is_null(table["valid_until"]))
    )
    dated = table.filter(pc.is_valid(table["valid_until"]))  # an expired one without a date
    latest = dated.group_by("person_hash").aggregate([("valid_until", "max")])
    days: dict[str, datetime.date | None] = dict(
        zip(latest["person_hash"].to_pylist(), latest["valid_until_max"].to_pylist(), strict=True)
    )
    for person in endless["person_hash"].to_pylist():
        days[person] = None
    return days


def take_certificate_dates(table: pa.Table, region_code: str) -> int:
    """Write the delivery's last valid days on the place's members it names; the number of
    members whose date changed."""
    days = last_valid_days(table)
    if not days:
        return 0
    member = "registry_member"
    place = (
        f"{member}.household_id IN (SELECT h.id FROM registry_household h"
        " WHERE h.region_id LIKE %s)"
    )
    differs = (
        f"EXISTS (SELECT 1 FROM {TEMPORARY} t WHERE t.person_hash = {member}.id_number_hash"
        f" AND ((t.valid_until IS NULL) <> ({member}.{COLUMN} IS NULL)"
        f" OR t.valid_until <> {member}.{COLUMN}))"
    )
    like = prefix_of(region_code) + "%"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {TEMPORARY} (person_hash VARCHAR(64) PRIMARY KEY,"
            " valid_until DATE)"
        )
        try:
            cursor.executemany(
                f"INSERT INTO {TEMPORARY} (person_hash, valid_until) VALUES (%s, %s)",
                list(days.items()),
            )
            cursor.execute(
                "UPDATE registry_household SET updated_at = %s WHERE id IN"
                f" (SELECT household_id FROM {member} WHERE {place} AND {differs})",
                [timezone.now(), like],
            )
            cursor.execute(
                f"UPDATE {member} SET {COLUMN} = (SELECT t.valid_until FROM {TEMPORARY} t"
                f" WHERE t.person_hash = {member}.id_number_hash) WHERE {place} AND {differs}",
                [like],
            )
            changed = cursor.rowcount
        finally:
            cursor.execute(f"DROP TABLE {TEMPORARY}")
    return changed
