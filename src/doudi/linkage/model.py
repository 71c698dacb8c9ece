"""The linkage model (概率匹配): records without a valid ID number against registry people.

The Splink settings, their m/u probabilities and the two thresholds live in ``settings.json``
beside this module, so a change of the model is a reviewed change of the repository
(docs/decisions/0017-record-linkage.md explains the numbers).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from pypinyin import Style, lazy_pinyin
from splink import DuckDBAPI, Linker

SETTINGS_PATH = Path(__file__).with_name("settings.json")
PAIRS_SCHEMA = pa.schema(
    [
        ("record_row", pa.int64()),
        ("member_id", pa.int64()),
        ("match_probability", pa.float64()),
        ("band", pa.string()),
    ]
)
# The columns the model reads, the same on both sides.
PREPARE = """
    SELECT t.uid, t.name, p.pinyin, t.birth_date,
           year(t.birth_date) AS birth_year, strftime(t.birth_date, '%m-%d') AS birth_month_day,
           t.sex, t.place_code
    FROM {table} AS t LEFT JOIN pinyin AS p ON p.name = t.name
"""
# Per record: a match only when one candidate is above the accept threshold and no other is
# above the review threshold; namesakes born the same day (同名同生日) are left to a person.
BANDS = """
    SELECT record_row, member_id, match_probability,
           CASE WHEN match_probability > {accept}
                     AND count(*) OVER (PARTITION BY record_row) = 1
                THEN 'match' ELSE 'review' END AS band
    FROM (SELECT CASE WHEN source_dataset_l = 'records' THEN uid_l ELSE uid_r END AS record_row,
                 CASE WHEN source_dataset_l = 'records' THEN uid_r ELSE uid_l END AS member_id,
                 match_probability
          FROM {predictions} WHERE match_probability > {review})
    ORDER BY record_row, match_probability DESC, member_id
"""


@cache
def settings() -> dict:
    return json.loads(SETTINGS_PATH.read_text(encoding="utf-8"))


def thresholds() -> tuple[float, float]:
    """(accept_above, review_above)."""
    values = settings()["thresholds"]
    return float(values["accept_above"]), float(values["review_above"])


def pinyin_table(names: pa.ChunkedArray) -> pa.Table:
    """Each distinct name with its toneless pinyin (王丽 and 王莉 both ``wang li``)."""
    distinct = [name for name in pc.unique(names).to_pylist() if name]
    syllables = [lazy_pinyin(name, style=Style.NORMAL, errors="default") for name in distinct]
    return pa.table(
        {
            "name": pa.array(distinct, pa.string()),
            "pinyin": [" ".join(parts) for parts in syllables],
        }
    )


def link(records: pa.Table, registry: pa.Table) -> pa.Table:
    """Candidate registry people for each record (``record_row``: its index in ``records``).

    ``records`` has name, birth_date, sex, place_code; ``registry`` has member_id and the same.
    Pairs above ``review_above`` come back, banded ``match`` or ``review``.
    """
    if records.num_rows == 0 or registry.num_rows == 0:
        return PAIRS_SCHEMA.empty_table()
    accept, review = thresholds()
    with duckdb.connect() as con:
        # The record's index travels as a column: SQL keeps no row order of its own.
        uid = pa.array(range(records.num_rows), pa.int64())
        con.register("records_in", records.append_column("uid", uid))
        con.register("registry_in", registry.append_column("uid", registry["member_id"]))
        names = pa.chunked_array(
            [*records["name"].cast(pa.string()).chunks, *registry["name"].cast(pa.string()).chunks],
            pa.string(),
        )
        con.register("pinyin", pinyin_table(names))
        con.execute("CREATE TABLE records_prepared AS " + PREPARE.format(table="records_in"))
        con.execute("CREATE TABLE registry_prepared AS " + PREPARE.format(table="registry_in"))
        return _predict(con, accept, review)


def _predict(con: duckdb.DuckDBPyConnection, accept: float, review: float) -> pa.Table:
    api = DuckDBAPI(con)
    left = api.register("records_prepared", dataset_display_name="records")
    right = api.register("registry_prepared", dataset_display_name="registry")
    linker = Linker([left, right], settings()["splink"], log_level="WARNING")
    predictions = linker.inference.predict(threshold_match_probability=review, warning_mode="never")
    sql = BANDS.format(accept=accept, review=review, predictions=predictions.physical_name)
    return con.sql(sql).to_arrow_table().cast(PAIRS_SCHEMA)
