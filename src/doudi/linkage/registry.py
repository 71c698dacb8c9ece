"""The registry's people (在册人员) as the linkage model reads them, in one SQL query."""

from __future__ import annotations

import pyarrow as pa
from django.db import connection

from doudi.registry.models import Member

SCHEMA = pa.schema(
    [
        ("member_id", pa.int64()),
        ("name", pa.string()),
        ("birth_date", pa.date32()),
        ("sex", pa.string()),
        ("place_code", pa.string()),
        ("person_hash", pa.string()),
    ]
)


def registry_table() -> pa.Table:
    """Active members (``left_on`` empty): place_code is the hukou county (first 6 digits)."""
    table = Member._meta.db_table
    # SUBSTR works alike on PostgreSQL and SQLite; a row-by-row ORM loop would not scale.
    sql = (
        f"SELECT id, name, birth_date, sex, SUBSTR(hukou_region_code, 1, 6), id_number_hash "
        f"FROM {connection.ops.quote_name(table)} WHERE left_on IS NULL ORDER BY id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    columns = list(zip(*rows, strict=True)) or [[] for _ in SCHEMA]
    return pa.table(
        [pa.array(values, field.type) for values, field in zip(columns, SCHEMA, strict=True)],
        schema=SCHEMA,
    )
