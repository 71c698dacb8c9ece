"""The engines: views of each kind, the choice by settings, and DuckDB and Spark agreeing."""

from __future__ import annotations

import datetime

import pyarrow
import pytest

from doudi.checks.engine import DuckDBEngine, SparkEngine, engine_from_settings
from doudi.checks.rules import RULES, run_rule
from doudi.checks.tests.dataset import PARAMETERS, PEOPLE, write_dataset, write_snapshot

SQL = "SELECT d.delivery_id, d.row, d.cancelled_on FROM deaths d ORDER BY d.row"
DEATH = [("h11", {"cancellation": "death", "cancelled_on": "2026-06-01"})]


@pytest.fixture(scope="module")
def views(tmp_path_factory):
    return write_dataset(tmp_path_factory.mktemp("snapshots"))


@pytest.fixture(scope="module")
def spark():
    engine = SparkEngine()
    yield engine
    engine.session().stop()
    SparkEngine._session = None


def test_a_snapshot_carries_its_delivery(tmp_path):
    found = DuckDBEngine().run(SQL, {"deaths": write_snapshot(tmp_path, "deaths", DEATH)})
    assert found.to_pylist() == [
        {"delivery_id": 101, "row": 2, "cancelled_on": datetime.date(2026, 6, 1)}
    ]


def test_an_arrow_table_and_a_parquet_path_read_the_same(views):
    sql = "SELECT COUNT(*) AS n FROM people"
    assert DuckDBEngine().run(sql, {"people": PEOPLE}).to_pylist() == [{"n": PEOPLE.num_rows}]
    assert DuckDBEngine().run(sql, {"people": views["people"]}).to_pylist() == [{"n": 7}]


@pytest.mark.parametrize(
    ("name", "engine"), [("duckdb", DuckDBEngine), ("spark", SparkEngine), ("", DuckDBEngine)]
)
def test_the_engine_is_chosen_by_settings(settings, name, engine):
    if name:
        settings.DOUDI_CHECK_ENGINE = name
    else:
        del settings.DOUDI_CHECK_ENGINE
    assert isinstance(engine_from_settings(), engine)


def test_an_unknown_engine_is_refused(settings):
    settings.DOUDI_CHECK_ENGINE = "oracle"
    with pytest.raises(ValueError, match="oracle"):
        engine_from_settings()


@pytest.mark.slow
def test_spark_keeps_the_column_types(spark, tmp_path):
    found = spark.run(SQL, {"deaths": write_snapshot(tmp_path, "deaths", DEATH)})
    assert found.schema.field("delivery_id").type == pyarrow.int64()
    assert found.schema.field("cancelled_on").type == pyarrow.date32()
    assert found.to_pylist() == [
        {"delivery_id": 101, "row": 2, "cancelled_on": datetime.date(2026, 6, 1)}
    ]


@pytest.mark.slow
def test_duckdb_and_spark_find_the_same(spark, views):
    for rule in RULES:
        on_duckdb = run_rule(DuckDBEngine(), rule, views, PARAMETERS)
        on_spark = run_rule(spark, rule, views, PARAMETERS)
        assert on_duckdb.num_rows > 0, rule.kind
        assert on_spark.equals(on_duckdb), rule.kind
