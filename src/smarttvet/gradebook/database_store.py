"""The gradebook in the platform's PostgreSQL database (the ``postgres`` backend).

Two plain tables with the contract's columns plus ``year`` and ``region``; no Django model, because the
ORM is never used on them (hundreds of millions of rows are written with ``COPY`` and read by Ibis).
An import replaces, per school year, the rows of each organisation it contains, in one transaction.
"""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.csv as pacsv
from django.db import connection, transaction

from smarttvet.gradebook import contract

TABLES = {"marks": "gradebook_marks", "attendance": "gradebook_attendance"}
_SQL_TYPES = {pa.string(): "text", pa.date32(): "date", pa.int16(): "smallint"}


def available() -> bool:
    return connection.vendor == "postgresql"


def _require() -> None:
    if not available():
        raise RuntimeError("the postgres gradebook backend needs the platform to run on PostgreSQL")


def raw_connection():
    """The psycopg connection under Django's (Ibis reads through it, inside the same transaction)."""
    _require()
    connection.ensure_connection()
    return connection.connection


def ensure_tables() -> None:
    _require()
    with connection.cursor() as cursor:
        for dataset, table in TABLES.items():
            columns = ", ".join(f'"{f.name}" {_SQL_TYPES[f.type]} NOT NULL' for f in contract.schema(dataset))
            cursor.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {table}_year_org ON {table} (year, organization)")


def write(dataset: str, rows: pa.Table) -> int:
    """Replace, for each (year, organisation) in ``rows``, the stored rows with these; return rows written."""
    ensure_tables()
    table = TABLES[dataset]
    rows = rows.select(contract.schema(dataset).names)
    pairs = {(int(y), o) for y, o in zip(rows["year"].to_pylist(), rows["organization"].to_pylist(), strict=True)}
    buffer = io.BytesIO()
    pacsv.write_csv(rows, buffer, pacsv.WriteOptions(include_header=False))
    columns = ", ".join(f'"{name}"' for name in rows.column_names)
    with transaction.atomic(), connection.cursor() as cursor:
        for year in sorted({y for y, _ in pairs}):
            organizations = sorted(o for y, o in pairs if y == year)
            cursor.execute(f"DELETE FROM {table} WHERE year = %s AND organization = ANY(%s)", [year, organizations])
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(buffer.getvalue())
    return rows.num_rows


def clear() -> None:
    if not available():
        return
    with connection.cursor() as cursor:
        for table in TABLES.values():
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
