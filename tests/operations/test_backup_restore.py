"""The documented backup and restore, tested: pg_dump (custom format) a small demo, pg_restore it into a fresh
database, and compare every table's row count and a checksum of the key tables (PostgreSQL only)."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from tests.reference_data import ensure_reference_data

KEY_TABLES = ("registry_organization", "people_student", "people_teacher", "rating_ratingresult",
              "rating_ratingrun", "accounts_user", "accounts_auditentry")

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="backups are pg_dump/pg_restore of PostgreSQL, the production database; "
                              "run with scripts/with-postgres.sh"),
    pytest.mark.django_db(transaction=True),  # committed rows, visible to pg_dump
]


def _bindir() -> Path:
    out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=False).stdout.strip()
    for candidate in [Path(out), *sorted(Path("/usr/lib/postgresql").glob("*/bin"))]:
        if (candidate / "pg_dump").exists():
            return candidate
    pytest.skip("pg_dump is not installed")


def _conn_args(name: str) -> list[str]:
    s = connection.settings_dict
    args = ["-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432), "-U", s["USER"] or "postgres"]
    return [*args, "-d", name]


def _facts(cursor) -> tuple[dict[str, int], dict[str, str]]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from the catalogue
        counts[table] = cursor.fetchone()[0]
    sums = {}
    for table in KEY_TABLES:
        cursor.execute(f'SELECT md5(coalesce(string_agg(t::text, \'|\' ORDER BY t.id), \'\')) FROM "{table}" t')  # noqa: S608
        sums[table] = cursor.fetchone()[0]
    return counts, sums


def test_dump_and_restore_into_a_fresh_database_loses_nothing(tmp_path, settings):
    settings.DATA_DIR = tmp_path
    ensure_reference_data()  # an earlier transactional test may have emptied the migrations' data
    call_command("demo", "--scale", "small", "--no-progress")
    call_command("rating", "run", "--year", "2025", "--publish", "--no-progress")
    bindir = _bindir()
    source = connection.settings_dict["NAME"]
    dump = tmp_path / "smarttvet.dump"
    env = {"PGPASSWORD": connection.settings_dict.get("PASSWORD") or "", "PATH": "/usr/bin:/bin"}
    subprocess.run([bindir / "pg_dump", "--format=custom", f"--file={dump}", *_conn_args(source)], check=True,
                   env=env)
    assert dump.stat().st_size > 10_000
    target = f"restore_{uuid.uuid4().hex[:8]}"
    subprocess.run([bindir / "createdb", *_conn_args(target)[:-2], target], check=True, env=env)
    try:
        subprocess.run([bindir / "pg_restore", "--no-owner", "--exit-on-error", *_conn_args(target), str(dump)],
                       check=True, env=env)
        import psycopg

        s = connection.settings_dict
        with connection.cursor() as cursor:
            counts, sums = _facts(cursor)
        with psycopg.connect(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"] or "postgres",
                             password=s.get("PASSWORD") or None, dbname=target) as restored:
            with restored.cursor() as cursor:
                restored_counts, restored_sums = _facts(cursor)
    finally:
        subprocess.run([bindir / "dropdb", "--if-exists", *_conn_args(target)[:-2], target], check=False, env=env)
    assert counts["registry_organization"] >= 40 and counts["people_student"] > 1000
    assert counts["rating_ratingresult"] >= 40
    assert restored_counts == counts  # every table, row for row
    assert restored_sums == sums  # and the key tables' contents, byte for byte


def test_the_documented_commands_are_the_tested_ones():
    text = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text(encoding="utf-8")
    assert "pg_dump --format=custom" in text and "pg_restore" in text and "--no-owner" in text
    assert shutil.which("pg_dump") or _bindir()
