"""Where the gradebook measures run: one Ibis expression, three engines.

``connect()`` returns a :class:`Source` — an Ibis connection and the two tables ``marks`` and ``attendance``
with the contract's columns plus ``year`` (integer) and ``region`` (2-digit KATO prefix, string) — for the
backend named in ``settings.GRADEBOOK_BACKEND`` (or passed explicitly):

* ``duckdb`` (default): an embedded in-process DuckDB reading the Parquet store directly (no loading);
* ``spark``: a SparkSession (``settings.GRADEBOOK_SPARK_MASTER``, ``local[2]`` by default or a cluster URL)
  reading the same Parquet store, for when one machine is not enough;
* ``postgres``: the tables ``gradebook_marks`` and ``gradebook_attendance`` in the platform's own
  PostgreSQL database (see ``database_store``), for installations that keep everything in one database.

The measures (``measures.py``) only ever see a Source, so they are written once.
"""

from __future__ import annotations

import glob as globlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis
from django.conf import settings

from smarttvet.gradebook import contract, store

BACKENDS = ("duckdb", "spark", "postgres")


@dataclass
class Source:
    backend: str
    con: Any  # an ibis backend
    marks: ibis.Table
    attendance: ibis.Table


def _ibis_schema(dataset: str) -> ibis.Schema:
    return ibis.Schema.from_pyarrow(contract.schema(dataset))


def _normalise(table: ibis.Table, dataset: str) -> ibis.Table:
    """Cast to the contract's types (Hive partition values arrive as integers or strings depending on the engine)."""
    target = _ibis_schema(dataset)
    return table.select(*[table[name].cast(target[name]).name(name) for name in target.names])


def _empty(dataset: str) -> ibis.Table:
    """An empty table with the dataset's columns (a store without attendance still has marks measures)."""
    return ibis.memtable(contract.schema(dataset).empty_table())


def duckdb_source(marks: str | Path, attendance: str | Path | None = None, *, memory_limit: str = "") -> Source:
    """DuckDB over Parquet files: ``marks`` and ``attendance`` are globs (Hive-partitioned year=/region=)."""
    con = ibis.duckdb.connect()
    limit = memory_limit or settings.GRADEBOOK_DUCKDB_MEMORY_LIMIT
    if limit:
        con.raw_sql(f"SET memory_limit = '{limit}'")
    tables = {}
    for dataset, path in (("marks", marks), ("attendance", attendance)):
        if path is None or not _matches(path):
            tables[dataset] = _empty(dataset)
            continue
        # Typed partition columns: the year filter then prunes whole folders (no cast stands in the way).
        pattern = str(path).replace("'", "''")
        con.raw_sql(f"CREATE OR REPLACE TEMP VIEW raw_{dataset} AS SELECT * FROM read_parquet('{pattern}', "
                    "hive_partitioning = true, hive_types = {'year': 'SMALLINT', 'region': 'VARCHAR'})")
        tables[dataset] = _normalise(con.table(f"raw_{dataset}"), dataset)
    return Source("duckdb", con, tables["marks"], tables["attendance"])


def _matches(pattern: str | Path) -> bool:
    return bool(globlib.glob(str(pattern)))


def spark_session(master: str | None = None):
    """The platform's SparkSession (created once per process)."""
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(master or settings.GRADEBOOK_SPARK_MASTER)
        .appName("smarttvet-gradebook")
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )


def spark_source(root: Path | None = None, *, master: str | None = None) -> Source:
    """Spark over the Parquet store (partition discovery from the year=/region= folders)."""
    session = spark_session(master)
    session.sparkContext.setLogLevel("ERROR")
    con = ibis.pyspark.connect(session)
    base = Path(root) if root else store.root()
    tables = {}
    for dataset in contract.DATASETS:
        folder = base / dataset
        if not any(folder.glob("year=*/region=*/*.parquet")):
            tables[dataset] = _empty(dataset)
            continue
        raw = con.read_parquet(str(folder), table_name=f"gradebook_{dataset}")
        tables[dataset] = _normalise(raw, dataset)
    return Source("spark", con, tables["marks"], tables["attendance"])


def postgres_source() -> Source:
    """The platform's PostgreSQL database (tables made by ``database_store.ensure_tables``)."""
    from smarttvet.gradebook import database_store

    database_store.ensure_tables()
    # Ibis works on Django's own connection: it sees the same transaction and needs no second login.
    con = ibis.postgres.from_connection(database_store.raw_connection())
    tables = {dataset: _normalise(con.table(database_store.TABLES[dataset]), dataset) for dataset in contract.DATASETS}
    return Source("postgres", con, tables["marks"], tables["attendance"])


def connect(backend: str | None = None) -> Source:
    """A Source for ``backend`` (default: ``settings.GRADEBOOK_BACKEND``) over the platform's store."""
    name = backend or settings.GRADEBOOK_BACKEND
    if name == "duckdb":
        return duckdb_source(store.glob("marks"), store.glob("attendance"))
    if name == "spark":
        return spark_source()
    if name == "postgres":
        return postgres_source()
    raise ValueError(f"unknown gradebook backend {name!r}: use {', '.join(BACKENDS)}")
