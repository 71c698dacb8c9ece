"""One SQL text, two engines: DuckDB in process (the default) and Spark SQL.

A rule's SQL reads named views. A view is a Parquet file, an Arrow table, or a source's
``Snapshot`` (its Parquet file plus the ``delivery_id`` column that names the delivery every
finding comes from). Both engines return an Arrow table; rules order their rows themselves and
``doudi.checks.rules`` casts them to one schema, so the two engines' findings compare equal.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyarrow
from django.conf import settings


@dataclass(frozen=True)
class Snapshot:
    """A source's snapshot (快照) of one delivery: read as its rows plus ``delivery_id``."""

    path: Path | str
    delivery_id: int


View = Path | str | pyarrow.Table | Snapshot


class Engine(Protocol):
    def run(self, sql: str, views: dict[str, View]) -> pyarrow.Table: ...


class DuckDBEngine:
    """DuckDB in process: each run has a connection of its own to one in-memory database per
    process, so views never leak between runs (they are temporary, the connection's) and a run
    does not pay a database's start-up (~60 ms) — a case's check runs a dozen rules."""

    def __init__(self, memory_limit: str = "1GB", threads: int = 2) -> None:
        self.memory_limit = memory_limit
        self.threads = threads

    def run(self, sql: str, views: dict[str, View]) -> pyarrow.Table:
        with self.connection() as connection:
            for name, view in views.items():
                self._register(connection, name, view)
            return connection.sql(sql).to_arrow_table()

    @contextmanager
    def connection(self) -> Iterator:
        with _database(self.memory_limit, self.threads).cursor() as connection:
            yield connection

    @staticmethod
    def _register(connection, name: str, view: View) -> None:
        if isinstance(view, pyarrow.Table):
            connection.register(name, view)
            return
        if isinstance(view, Snapshot):
            path, extra = view.path, f", CAST({int(view.delivery_id)} AS BIGINT) AS delivery_id"
        else:
            path, extra = view, ""
        quoted = str(path).replace("'", "''")
        connection.execute(
            f"CREATE TEMP VIEW {name} AS SELECT *{extra} FROM read_parquet('{quoted}')"
        )


_databases: dict[tuple[int, str, int], object] = {}
_databases_lock = threading.Lock()


def _database(memory_limit: str, threads: int):
    """The process's DuckDB database of these limits; a forked worker opens its own."""
    import duckdb

    key = (os.getpid(), memory_limit, threads)
    with _databases_lock:
        if key not in _databases:
            _databases[key] = duckdb.connect(
                config={"memory_limit": memory_limit, "threads": threads}
            )
        return _databases[key]


class SparkEngine:
    """Spark SQL over temporary views; one session per process, created on first use."""

    _session = None
    _lock = threading.Lock()
    _running = threading.Lock()

    def __init__(self, master: str = "local[2]") -> None:
        self.master = master

    def session(self):
        with SparkEngine._lock:
            if SparkEngine._session is None:
                SparkEngine._session = self._build()
            return SparkEngine._session

    def _build(self):
        from pyspark.sql import SparkSession

        # py4j logs every connection it closes, at exit even after the streams are gone.
        logging.getLogger("py4j").setLevel(logging.WARNING)
        spark = (
            SparkSession.builder.master(self.master)
            .appName("doudi-checks")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")
        return spark

    def run(self, sql: str, views: dict[str, View]) -> pyarrow.Table:
        spark = self.session()
        # Temporary views are the session's, shared by every thread: one run at a time.
        with SparkEngine._running:
            for name, view in views.items():
                self._frame(spark, view).createOrReplaceTempView(name)
            try:
                return spark.sql(sql).toArrow()
            finally:
                for name in views:
                    spark.catalog.dropTempView(name)

    @staticmethod
    def _frame(spark, view: View):
        from pyspark.sql import functions

        if isinstance(view, pyarrow.Table):
            return spark.createDataFrame(view)
        if isinstance(view, Snapshot):
            frame = spark.read.parquet(str(view.path))
            delivery = functions.lit(int(view.delivery_id)).cast("long")
            return frame.withColumn("delivery_id", delivery)
        return spark.read.parquet(str(view))


def engine_from_settings() -> Engine:
    """The engine ``settings.DOUDI_CHECK_ENGINE`` names: ``duckdb`` (default) or ``spark``
    (at ``settings.DOUDI_SPARK_MASTER``)."""
    name = getattr(settings, "DOUDI_CHECK_ENGINE", "duckdb")
    if name == "spark":
        return SparkEngine(getattr(settings, "DOUDI_SPARK_MASTER", "local[2]"))
    if name == "duckdb":
        return DuckDBEngine()
    raise ValueError(f"unknown check engine {name!r}: duckdb or spark")
